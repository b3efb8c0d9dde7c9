"""The 48 input features of the current step (Chen & Manning 2014, sec. 3.1).

One row per template position (s1 ... rc1(rc1(s2))), one column each for the
word (``.w``), the POS tag (``.t``) and, at the 12 child positions, the arc
label (``.l``) that the feature picks.  Model traces carry the features the
network read; for the oracle they are computed from the configuration with
the engine's template (they are the training example of that step).
Selecting a row emits ``wordSelected`` so the arc view can outline the word.

*Why this transition?* (model mode): the occlusion attributions of the engine
(:func:`deplab.parser.attribution.explain`, Zeiler & Fergus 2014) — how much each input pushed
the chosen transition against the runner-up — tint the cells and are drawn as bars of the
strongest inputs; ``sharesChanged`` carries the per-word sums (``word_shares``) for the tree.
The attribution runs in a background :class:`~.workers.Task` (one model pass per input): meanwhile the
view says "computing…" and shows nothing of another step; a newer request (a step, another sentence or
model) supersedes the running one, whose result is dropped.  Explanations are kept per step of the
trace on screen, so stepping back shows them at once.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHeaderView, QLabel, QSizePolicy, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import MODEL, ORACLE, Workspace
from deplab.parser import features as F

from .workers import Task, collector_paused, run_task

TOWARDS, AGAINST = QColor("#0072B2"), QColor("#E69F00")  # Okabe-Ito blue / orange
COMPUTING = "Why this transition: computing…"
START_DELAY_MS = 15  # the step's own redraw first, with no worker competing for the GIL; quick stepping asks once

_PLACES = {"s1": "the top of the stack", "s2": "the second word on the stack", "s3": "the third word on the stack",
           "b1": "the first word of the buffer", "b2": "the second word of the buffer",
           "b3": "the third word of the buffer"}
_CHILD = {"lc1": "the leftmost child", "rc1": "the rightmost child", "lc2": "the second leftmost child",
          "rc2": "the second rightmost child"}


def describe_position(pos: str) -> str:
    """'lc1(lc1(s2))' -> 'the leftmost child of the leftmost child of the second word on the stack'."""
    if pos in _PLACES:
        return _PLACES[pos]
    fn, rest = pos.split("(", 1)
    return f"{_CHILD[fn]} of {describe_position(rest[:-1])}"


class PushBars(QWidget):
    """Horizontal bars of the strongest pushes: right (blue) towards the choice, left (orange) against."""

    ROW = 18

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[tuple[str, str, float]] = []  # (input name, word, delta)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(260)

    def set_rows(self, rows: list[tuple[str, str, float]]) -> None:
        self.rows = list(rows)
        # every row when there is room; in a short window the weakest pushes (the last rows) are cut first
        self.setMinimumHeight(min(max(1, len(self.rows)), 3) * self.ROW + 4)
        self.setMaximumHeight(max(1, len(self.rows)) * self.ROW + 4)
        self.update()

    def clear(self) -> None:
        """No bars, the height kept (while the next explanation is computed: the panel does not jump)."""
        self.rows = []
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, max(1, len(self.rows)) * self.ROW + 4)

    def paintEvent(self, e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        f = QFont("DejaVu Sans Mono")
        f.setPixelSize(11)
        p.setFont(f)
        fm = QFontMetricsF(f)
        names = [f"{n} {w}".strip() for n, w, _ in self.rows]
        name_w = min(self.width() * 0.45, max([fm.horizontalAdvance(n) for n in names] + [40]) + 8)
        value_w = fm.horizontalAdvance("−00.00") + 6
        x0 = name_w
        bar_w = max(20.0, self.width() - name_w - value_w - 4)
        mid = x0 + bar_w / 2
        top = max((abs(d) for _, _, d in self.rows), default=0.0) or 1.0
        p.setPen(QColor("#BBBBBB"))
        p.drawLine(int(mid), 0, int(mid), self.height())
        for r, ((name, word, d), label) in enumerate(zip(self.rows, names)):
            y = 2 + r * self.ROW
            p.setPen(QColor("#222222"))
            p.drawText(QRectF(0, y, name_w - 4, self.ROW), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                       fm.elidedText(label, Qt.TextElideMode.ElideMiddle, name_w - 4))
            w = (bar_w / 2) * abs(d) / top
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(TOWARDS if d > 0 else AGAINST)
            p.drawRect(QRectF(mid if d > 0 else mid - w, y + 3, w, self.ROW - 6))
            p.setPen(QColor("#222222"))
            p.drawText(QRectF(x0 + bar_w + 4, y, value_w, self.ROW), Qt.AlignmentFlag.AlignVCenter,
                       f"{d:+.2f}".replace("-", "−"))
        p.end()


class FeaturesView(QWidget):
    wordSelected = Signal(int)  # word index (0 = ROOT), -1 for none
    sharesChanged = Signal(object)  # {word: share in [-1, 1]} of the current step, {} when not explaining

    COLUMNS = ["Position", "Word .w", "Tag .t", "Label .l"]

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        self.arch: str | None = None
        self.reads: set[str] | None = None  # the features the model reads (None: all 48)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color:#555")
        # its wrapped lines keep their height (the table shrinks, or the dock scrolls), never clipped at the top
        self.note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.table = QTableWidget(len(F.POSITIONS), 4)
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        for c, tip in enumerate(("Template position", "Word features (.w)", "POS tag features (.t)",
                                 "Arc label features (.l), at the 12 child positions")):
            self.table.horizontalHeaderItem(c).setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.note)
        lay.addWidget(self.table, 1)
        self.model = None  # the loaded parser.model.Model, for the attributions
        self.explanation = None  # parser.attribution.Explanation of the current step, when shown
        self._cache: dict[int, object] = {}  # step -> Explanation, of the trace _cached_trace
        self._cached_trace = None
        self._task: Task | None = None  # the explanation being computed, of the request _task_key
        self._task_key: tuple | None = None
        self._pending: tuple | None = None  # (model, trace, step) to explain once the event loop is idle
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(START_DELAY_MS)
        self._start_timer.timeout.connect(self._start)
        self.why_box = QCheckBox("Why this transition?")
        self.why_box.setToolTip("Occlusion (Zeiler & Fergus 2014): each input is replaced by the network's empty-"
                                "position vector and the change of the margin (chosen transition's score minus "
                                "the runner-up's) is its push. Blue: towards the choice; orange: against it. "
                                "Model mode only.")
        self.why_note = QLabel()
        self.why_note.setWordWrap(True)
        self.why_note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.bars = PushBars()
        lay.addWidget(self.why_box)
        lay.addWidget(self.why_note)
        lay.addWidget(self.bars)
        self.why_box.toggled.connect(lambda *_: self.refresh())
        self._values: dict[str, tuple[str, int]] = {}
        self._selected = -1
        self.table.itemSelectionChanged.connect(self._selection_changed)
        connect_all(workspace.trace_signals + (workspace.step_changed,), self.refresh)
        self.refresh()

    def set_architecture(self, arch: str | None, features_read: list[str] | None = None) -> None:
        """``features_read`` comes from ``Pipeline.describe()``; the others are greyed out."""
        self.arch = arch
        self.reads = set(features_read) if features_read and len(features_read) < len(F.FEATURE_NAMES) else None
        self.refresh()

    def set_model(self, model) -> None:
        """The model whose decisions are explained (None: no explanation)."""
        self.model = model
        self._cache.clear()
        self._cached_trace = None
        if self._task is not None:
            self._task.cancel()  # its result is dropped
        self.refresh()

    def explaining(self) -> bool:
        """True while an explanation is asked for or computed in the background."""
        return self._task is not None or self._pending is not None

    def current_explanation(self):
        """The engine's explanation of the current model step when it is known, else (None, why not);
        an explanation not computed yet is started in the background ("computing…")."""
        ws = self.ws
        t = ws.trace
        self._pending = None  # only the latest request counts
        if not self.why_box.isChecked():
            return None, ""
        if ws.mode != MODEL:
            return None, "Why this transition: model mode only (the oracle follows a rule, not scores)."
        if self.model is None or t is None:
            return None, "Why this transition: load a model and parse a sentence."
        if ws.step >= len(t):
            return None, "Why this transition: the terminal configuration chooses nothing."
        if t is not self._cached_trace:
            self._cache.clear()
            self._cached_trace = t
        if ws.step in self._cache:
            return self._cache[ws.step], ""
        self._request(self.model, t, ws.step)
        return None, COMPUTING

    def _request(self, model, trace, step: int) -> None:
        if self._task is not None:
            m, t, k = self._task_key
            if m is model and t is trace and k == step and not self._task.is_cancelled():
                return  # already on its way
            self._task.cancel()  # superseded: its result is dropped, and its end asks again (one at a time)
            return
        self._pending = (model, trace, step)
        self._start_timer.start()

    def _start(self) -> None:
        key, self._pending = self._pending, None
        if key is None or self._task is not None:
            return
        model, trace, step = key

        def work(ctx):
            from deplab.parser.attribution import explain
            with collector_paused():  # a full collection in this thread would hold the GIL (stall the window)
                return key, explain(model, trace, step)
        self._task_key = key
        self._task = run_task(work, on_done=self._explained, on_error=self._explain_failed,
                              on_cancelled=self._explain_ended, name="explain")

    def _explained(self, result) -> None:
        (model, trace, step), e = result
        self._task = self._task_key = None
        if model is self.model and trace is self._cached_trace:
            self._cache[step] = e
        self._update_explanation()  # shows it if it is still the step on screen, else asks for the one that is

    def _explain_failed(self, message: str) -> None:
        (_, trace, step), self._task, self._task_key = self._task_key, None, None
        if trace is not self.ws.trace or step != self.ws.step:
            return self._update_explanation()  # a failure of another step: ask for the one on screen
        self.explanation = None
        self.why_note.setText(f"Why this transition: could not compute the explanation ({message}).")
        self.why_note.setVisible(True)
        self.bars.setVisible(False)
        self.sharesChanged.emit({})

    def _explain_ended(self) -> None:
        self._task = self._task_key = None
        self._update_explanation()

    def _update_explanation(self) -> None:
        """The explanation part only (note, bars, tints, shades), when none is shown: the cells' texts and
        tooltips are those of the last refresh, without pushes."""
        if self.explanation is not None:
            return self.refresh()
        self._show_explanation()
        self._tint_cells()

    def _show_explanation(self) -> None:
        ws = self.ws
        e, why_not = self.current_explanation()
        self.explanation = e
        self.why_note.setVisible(bool(why_not) or e is not None)
        computing = why_not == COMPUTING and not self.bars.isHidden()  # bars shown before: keep their place
        self.bars.setVisible(e is not None or computing)
        if computing:
            self.bars.clear()
        if e is None:
            self.why_note.setText(why_not)
            self.sharesChanged.emit({})
            return
        t = ws.trace
        names = t.transitions
        if e.runner_up is not None:
            self.why_note.setText(f"<b>{names[e.chosen]}</b> beat <b>{names[e.runner_up]}</b> by a margin of "
                                  f"{e.margin:.2f}. The strongest pushes (blue: towards, orange: against):")
        else:
            self.why_note.setText(f"<b>{names[e.chosen]}</b> was the only legal transition; the pushes are on its "
                                  "score (blue: up, orange: down):")
        self.bars.set_rows([(p.name, f"= {ws.word(p.word)}" if p.word >= 0 else "(empty)", p.delta)
                            for p in e.strongest(8) if abs(p.delta) > 1e-9])
        shares = e.word_shares(len(ws.forms))
        top = max((abs(v) for v in shares), default=0.0)
        self.sharesChanged.emit({i: v / top for i, v in enumerate(shares) if top > 0 and abs(v) > 1e-9})

    def _tint_cells(self) -> None:
        e = self.explanation
        deltas = {p.name: p.delta for p in e.pushes} if e is not None else {}
        top = max((abs(d) for d in deltas.values()), default=0.0) or 1.0
        for r, pos in enumerate(F.POSITIONS):
            for c, suffix in enumerate((".w", ".t", ".l"), start=1):
                name = pos + suffix
                if name not in F.FEATURE_NAMES:
                    continue
                cell = self._item(r, c)
                d = deltas.get(name)
                if d is None or abs(d) < 1e-9:
                    cell.setBackground(QBrush())
                else:
                    col = QColor(TOWARDS if d > 0 else AGAINST)
                    col.setAlpha(int(30 + 170 * abs(d) / top))
                    cell.setBackground(col)
                    cell.setToolTip(cell.toolTip() + f"\npush {d:+.3f} on the margin")

    def values(self) -> dict[str, tuple[str, int]]:
        """Feature name -> (value, word index) as displayed."""
        return dict(self._values)

    def positions(self) -> set[int]:
        """Word indices the features read (0 = ROOT; NULL positions left out)."""
        return {i for _, i in self._values.values() if i >= 0}

    def current_features(self) -> tuple[dict[str, tuple[str, int]], str]:
        ws = self.ws
        t = ws.trace
        if t is None or ws.step >= len(t):
            return {}, ("No features: parse a sentence." if t is None
                        else "Terminal configuration: no transition is chosen, no features are read.")
        step = t.steps[ws.step]
        if step.features is not None:
            return dict(step.features), "The 48 features the network read at this step."
        if ws.mode == ORACLE:
            return (F.describe(step.config, t.forms, t.tags),
                    "Oracle mode: the 48 features of this configuration, i.e. the training example "
                    "(features → gold transition) this step contributes.")
        return {}, "This trace has no features."

    def refresh(self) -> None:
        values, note = self.current_features()
        used = self.reads
        if used is not None and values:
            vectors = ", ".join(f[:-2] for f in F.FEATURE_NAMES if f in used and f.endswith(".w"))
            note += (f" This {self.arch} model reads only the BiLSTM vectors of {vectors} and the "
                     f"{sum(f.endswith('.l') for f in used)} labels; the other features are greyed out.")
        self._values = values
        self.note.setText(note)
        sel = self.table.currentRow()
        self.table.blockSignals(True)
        for r, pos in enumerate(F.POSITIONS):
            idx = values.get(pos + ".w", ("", -1))[1] if values else -1
            self._item(r, 0).setToolTip(describe_position(pos) + (f" — word {idx}" if idx > 0 else ""))
            for c, suffix in enumerate((".w", ".t", ".l"), start=1):
                name = pos + suffix
                cell = self._item(r, c)
                if name not in F.FEATURE_NAMES:
                    continue
                val, wi = values.get(name, ("", -1))
                cell.setText(val)
                what = {".w": "the word", ".t": "the POS tag", ".l": "the arc label"}[suffix]
                cell.setToolTip(f"{name}: {what} of {describe_position(pos)}" + (f" = {val}" if val else ""))
                grey = val in ("<NULL>", "") or (used is not None and name not in used)
                cell.setForeground(QColor("#A8A8A8") if grey else QBrush())  # QBrush(): the default ink
        self._show_explanation()
        self._tint_cells()
        self.table.blockSignals(False)
        if 0 <= sel < self.table.rowCount():
            self.table.selectRow(sel)
        self._selection_changed()

    def _item(self, r: int, c: int) -> QTableWidgetItem:
        """The table's cells are made once and then only updated (a step changes 48 texts, nothing else)."""
        item = self.table.item(r, c)
        if item is None:
            pos = F.POSITIONS[r]
            if c == 0:
                item = QTableWidgetItem(pos)
                f = QFont()
                f.setFamily("DejaVu Sans Mono")
                item.setFont(f)
            else:
                item = QTableWidgetItem("")
                if pos + (".w", ".t", ".l")[c - 1] not in F.FEATURE_NAMES:  # no label feature at s1..b3
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    item.setBackground(QColor("#F3F3F3"))
            self.table.setItem(r, c, item)
        return item

    def selected_word(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self._values:
            return -1
        return self._values.get(F.POSITIONS[rows[0].row()] + ".w", ("", -1))[1]

    def _selection_changed(self) -> None:
        w = self.selected_word()
        if w != self._selected:
            self._selected = w
            self.wordSelected.emit(w)
