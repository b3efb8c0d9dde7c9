"""The transition stepper: configuration, controls and the table of the whole sequence.

All three widgets observe an :class:`app.model.workspace.Workspace`:

* :class:`ConfigurationView` — stack (top on the right, as in Chen & Manning's
  figures), buffer (first word on the left) and the arcs built so far;
* :class:`StepControls` — first / back / play-pause / forward / last, a speed
  slider, a step slider and what happens next;
* :class:`TransitionTable` — step, transition, stack, buffer for every
  configuration (a row is the configuration *before* its transition); the
  current row is selected, clicking a row jumps there, the first divergence
  between model and oracle is marked.  The stack column keeps the top of the
  stack visible when it does not fit.

After a SWAP the word it moved back is marked in the buffer; for arc-eager and
arc-hybrid the configuration view lists the transitions that are still optimal
(the dynamic oracle's cost-0 moves) and what the next one costs.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QListWidget, QListWidgetItem, QScrollArea, QSizePolicy, QSlider, QStyle,
                               QStyledItemDelegate, QTableView, QToolButton, QVBoxLayout, QWidget)

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import MODEL, ORACLE, Workspace

from .relations import family_color
from .table_model import RowsTableModel

DIVERGENCE_BG = QColor("#FBE3D6")


class ChipRow(QWidget):
    """A row of word chips (text, small index) painted left to right."""

    def __init__(self, align_right: bool = False):
        super().__init__()
        self._chips: list[tuple[str, str, str]] = []  # text, caption, style
        self._align_right = align_right
        self._font = QFont()
        self._font.setPixelSize(14)
        self._small = QFont()
        self._small.setPixelSize(9)
        self._empty = "empty"
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)

    def setChips(self, chips: list[tuple[str, str, str]], empty: str = "empty") -> None:
        self._chips, self._empty = chips, empty
        self.updateGeometry()
        self.resize(self.sizeHint())
        self.update()

    def chips(self) -> list[tuple[str, str, str]]:
        return list(self._chips)

    def _widths(self) -> list[float]:
        fm = QFontMetricsF(self._font)
        return [fm.horizontalAdvance(t) + 16 for t, _, _ in self._chips]

    def sizeHint(self) -> QSize:
        return QSize(int(sum(self._widths()) + 6 * len(self._chips) + 8), 44)

    minimumSizeHint = sizeHint

    def paintEvent(self, e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self._chips:
            p.setPen(QColor("#999999"))
            f = QFont(self._font)
            f.setItalic(True)
            p.setFont(f)
            p.drawText(QRectF(4, 0, self.width() - 8, 30),
                       (Qt.AlignmentFlag.AlignRight if self._align_right else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter, self._empty)
            return
        widths = self._widths()
        total = sum(widths) + 6 * (len(widths) - 1)
        x = (self.width() - 4 - total) if self._align_right else 4.0
        x = max(4.0, x)
        for (text, cap, style), w in zip(self._chips, widths):
            r = QRectF(x, 4, w, 24)
            fill, border, fg = {
                "top": ("#0072B2", "#005A8C", "#FFFFFF"),
                "first": ("#FFFFFF", "#0072B2", "#0072B2"),
                "root": ("#F0F0F0", "#555555", "#333333"),
                "swapped": ("#FBE3D6", "#D55E00", "#111111"),
            }.get(style, ("#F4F7FA", "#9DB4C8", "#111111"))
            p.setPen(QPen(QColor(border), 1.2))
            p.setBrush(QColor(fill))
            p.drawRoundedRect(r, 5, 5)
            p.setFont(self._font)
            p.setPen(QColor(fg))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
            if cap:
                p.setFont(self._small)
                p.setPen(QColor("#666666"))
                p.drawText(QRectF(x, 29, w, 12), Qt.AlignmentFlag.AlignCenter, cap)
            x += w + 6


def _scroller(w: QWidget) -> QScrollArea:
    s = QScrollArea()
    s.setWidget(w)
    s.setWidgetResizable(True)
    s.setFrameShape(QFrame.Shape.NoFrame)
    s.setFixedHeight(60)
    s.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    s.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return s


class ConfigurationView(QWidget):
    """Stack, buffer and arcs of the current configuration."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.stack = ChipRow(align_right=True)
        self.buffer = ChipRow()
        self.arcs = QListWidget()
        self.arcs.setAlternatingRowColors(True)
        self.arcs.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.arcs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._stack_scroll = _scroller(self.stack)
        self._buffer_scroll = _scroller(self.buffer)
        g = QGridLayout(self)
        g.setContentsMargins(6, 4, 6, 4)
        g.setVerticalSpacing(2)

        def head(text: str, tip: str) -> QLabel:
            l = QLabel(f"<b>{text}</b>")
            l.setToolTip(tip)
            return l
        g.addWidget(self.title, 0, 0, 1, 2)
        g.addWidget(head("Stack", "Words being processed; s1 (the top) is on the right, ROOT at the bottom."), 1, 0)
        self.stack_note = QLabel("top (s1) →")
        self.stack_note.setStyleSheet("color:#666")
        self.stack_note.setAlignment(Qt.AlignmentFlag.AlignRight)
        g.addWidget(self.stack_note, 1, 1)
        g.addWidget(self._stack_scroll, 2, 0, 1, 2)
        g.addWidget(head("Buffer", "Words not read yet; b1 (the next word) is on the left."), 3, 0)
        self.buffer_note = QLabel("← next (b1)")
        self.buffer_note.setStyleSheet("color:#666")
        g.addWidget(self.buffer_note, 3, 1)
        g.addWidget(self._buffer_scroll, 4, 0, 1, 2)
        self.optimal = QLabel()
        self.optimal.setTextFormat(Qt.TextFormat.RichText)
        self.optimal.setWordWrap(True)
        self.optimal.setToolTip("The dynamic oracle (Goldberg & Nivre 2012, 2013): a transition of cost 0 still "
                                "leads to the best tree reachable from here, also after earlier mistakes; the cost "
                                "is the number of gold arcs a transition makes unreachable.")
        g.addWidget(self.optimal, 5, 0, 1, 2)
        self.arcs_head = head("Arcs built", "Arcs added so far (head —label→ dependent), newest last.")
        g.addWidget(self.arcs_head, 6, 0, 1, 2)
        g.addWidget(self.arcs, 7, 0, 1, 2)
        g.setRowStretch(7, 1)
        g.setColumnStretch(0, 1)
        connect_all(workspace.trace_signals + (workspace.step_changed,), self.refresh)  # it shows the step
        self.refresh()

    def refresh(self) -> None:
        ws = self.ws
        c = ws.config
        if c is None:
            self.title.setText("<i>No configuration: parse a sentence.</i>")
            self.stack.setChips([])
            self.buffer.setChips([])
            self.arcs.clear()
            self.arcs_head.setText("<b>Arcs built</b>")
            self.optimal.setVisible(False)
            return
        t = ws.next_transition()
        nxt = f"next: <b>{t}</b>" if t else "<b>terminal</b>: the tree is complete"
        who = "model" if ws.mode == MODEL else "oracle"
        self.title.setText(f"Configuration after {ws.step} of {ws.n_steps} transitions "
                           f"({who}, {ws.trace.system.name}) — {nxt}")
        stack = []
        for pos, i in enumerate(c.stack):
            depth = len(c.stack) - pos
            style = "root" if i == 0 else ("top" if depth == 1 else "")
            cap = f"s{depth}" if depth <= 3 else ""
            stack.append((ws.word(i), cap, style))
        self.stack.setChips(stack)
        swapped = ws.swapped_word()
        self.buffer.setChips([(ws.word(i), "swapped back" if i == swapped else (f"b{k + 1}" if k < 3 else ""),
                               "swapped" if i == swapped else ("first" if k == 0 else ""))
                              for k, i in enumerate(c.buffer)], "empty: every word has been read")
        self._show_optimal()
        QTimer.singleShot(0, self._show_stack_top)
        self._buffer_scroll.horizontalScrollBar().setValue(0)
        built = ws.arcs_built()
        self.arcs_head.setText(f"<b>Arcs built</b> ({len(built)} of {len(ws.forms)})")
        self.arcs.clear()
        for n, (h, d, lab) in enumerate(built):
            item = QListWidgetItem(f"{ws.word(h)} —{lab}→ {ws.word(d)}")
            item.setForeground(family_color(lab).darker(120))
            if n == len(built) - 1 and ws.newest_arc() == (h, d):
                f = item.font()
                f.setBold(True)
                item.setFont(f)
                item.setBackground(QColor(240, 228, 66, 110))
            self.arcs.addItem(item)
        if built:
            self.arcs.scrollToBottom()

    def _show_optimal(self) -> None:
        ws = self.ws
        costs = ws.costs()
        self.optimal.setVisible(costs is not None)
        if costs is None:
            self.optimal.setText("")
            return
        best = ws.optimal_transitions()
        nxt = ws.trace.steps[ws.step].chosen
        cost = costs[nxt]
        names = ", ".join(str(t) for t in best[:8]) + (" …" if len(best) > 8 else "")
        verdict = ("<span style='color:#009E73'>optimal</span>" if cost == 0 else
                   f"<span style='color:#D55E00'>costs {cost} gold arc{'s' if cost != 1 else ''}</span>")
        self.optimal.setText(f"<b>Still optimal</b> (dynamic oracle, cost 0): {names or '—'}<br>"
                             f"the next transition, {ws.trace.transitions[nxt]}, {verdict}")

    def _show_stack_top(self) -> None:
        bar = self._stack_scroll.horizontalScrollBar()
        bar.setValue(bar.maximum())


def _button(icon: QStyle.StandardPixmap, text: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setIcon(b.style().standardIcon(icon))
    b.setText(text)
    b.setToolTip(tip)
    b.setMinimumWidth(34)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b


class StepControls(QWidget):
    """Playback controls; the keyboard shortcuts are window actions (see MainWindow)."""

    SPEEDS_MS = [1600, 1100, 750, 500, 320, 200, 120, 60]
    playingChanged = Signal(bool)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        SP = QStyle.StandardPixmap
        self.first_btn = _button(SP.SP_MediaSkipBackward, "First", "First step (Home)")
        self.back_btn = _button(SP.SP_MediaSeekBackward, "Back", "Step back (Left)")
        self.play_btn = _button(SP.SP_MediaPlay, "Play", "Play / pause (Space)")
        self.forward_btn = _button(SP.SP_MediaSeekForward, "Forward", "Step forward (Right)")
        self.last_btn = _button(SP.SP_MediaSkipForward, "Last", "Last step (End)")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(self.SPEEDS_MS) - 1)
        self.speed.setValue(3)
        self.speed.setFixedWidth(90)
        self.speed.setToolTip("Playback speed")
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Step")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.position = QLabel()
        self.position.setMinimumWidth(110)
        self.divergence = QLabel()
        self.divergence.setTextFormat(Qt.TextFormat.RichText)
        self.divergence.setOpenExternalLinks(False)
        self.divergence.linkActivated.connect(lambda *_: self.goto_divergence())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 2, 6, 2)
        outer.setSpacing(0)
        lay = QHBoxLayout()
        outer.addLayout(lay)
        self.slider.setMinimumWidth(160)
        for b in (self.first_btn, self.back_btn, self.play_btn, self.forward_btn, self.last_btn):
            lay.addWidget(b)
        sp = QLabel("speed")
        sp.setStyleSheet("color:#666")
        lay.addSpacing(6)
        lay.addWidget(sp)
        lay.addWidget(self.speed)
        lay.addSpacing(10)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.position)
        outer.addWidget(self.divergence)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.first_btn.clicked.connect(workspace.first)
        self.back_btn.clicked.connect(workspace.back)
        self.forward_btn.clicked.connect(workspace.forward)
        self.last_btn.clicked.connect(workspace.last)
        self.play_btn.clicked.connect(self.toggle_play)
        self.slider.valueChanged.connect(workspace.set_step)
        self.speed.valueChanged.connect(lambda v: self.timer.setInterval(self.SPEEDS_MS[v]))
        connect_all(workspace.trace_signals, self.refresh)
        workspace.step_changed.connect(lambda *_: self.refresh_step())  # the divergence stays
        self.refresh()

    def is_playing(self) -> bool:
        return self.timer.isActive()

    def toggle_play(self) -> None:
        if self.timer.isActive():
            self.stop()
            return
        if self.ws.trace is None:
            return
        if self.ws.step >= self.ws.n_steps:
            self.ws.first()
        self.timer.start(self.SPEEDS_MS[self.speed.value()])
        self.play_btn.setText("Pause")
        self.play_btn.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause))
        self.playingChanged.emit(True)

    def stop(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.playingChanged.emit(False)
        self.play_btn.setText("Play")
        self.play_btn.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))

    def _tick(self) -> None:
        if self.ws.step >= self.ws.n_steps:
            self.stop()
        else:
            self.ws.forward()

    def goto_divergence(self) -> None:
        d = self.ws.divergence()
        if d is not None:
            self.ws.set_step(d)

    def refresh(self) -> None:
        """Another trace: its length, the first divergence, and the step."""
        ws = self.ws
        has = ws.trace is not None
        for w in (self.play_btn, self.slider):
            w.setEnabled(has)
        self.slider.blockSignals(True)
        self.slider.setRange(0, ws.n_steps)
        self.slider.setTickInterval(max(1, ws.n_steps // 20))
        self.slider.blockSignals(False)
        self.refresh_step()
        self._show_divergence()

    def refresh_step(self) -> None:
        """The step moved: the slider, the position and the buttons."""
        ws = self.ws
        has = ws.trace is not None
        self.slider.blockSignals(True)
        self.slider.setValue(ws.step)
        self.slider.blockSignals(False)
        self.position.setText(f"step {ws.step} / {ws.n_steps}" if has else "")
        self.back_btn.setEnabled(has and ws.step > 0)
        self.first_btn.setEnabled(has and ws.step > 0)
        self.forward_btn.setEnabled(has and ws.step < ws.n_steps)
        self.last_btn.setEnabled(has and ws.step < ws.n_steps)
        if has and ws.step >= ws.n_steps and self.timer.isActive():
            self.stop()

    def _show_divergence(self) -> None:
        ws = self.ws
        d = ws.divergence()
        if ws.model_trace is not None and ws.oracle_trace is not None:
            if d is None:
                self.divergence.setText("<span style='color:#0072B2'>model = oracle at every step</span>")
            else:
                m = ws.model_trace.transition_at(d) if d < len(ws.model_trace) else "stop"
                o = ws.oracle_trace.transition_at(d) if d < len(ws.oracle_trace) else "stop"
                self.divergence.setText(
                    f"<span style='background:#FBE3D6'>&nbsp;first divergence: <a href='#div'>step {d}</a> "
                    f"(model {m}, oracle {o})&nbsp;</span>")
                self.divergence.setToolTip("Before this step model and oracle are in the same configuration.")
        else:
            self.divergence.setText("")
        self.divergence.setVisible(bool(self.divergence.text()))


class _TableModel(RowsTableModel):
    HEADERS = ("#", "Transition", "Stack before it", "Buffer before it")
    HEADER_TIP = "Each row is the configuration before its transition: the transition is applied to this stack and buffer."

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADER_TIP
        return super().headerData(section, orientation, role)

    def __init__(self, workspace: Workspace):
        super().__init__()
        self.ws = workspace
        self._div: int | None = None
        self._probs: list[float | None] = []

    def reload(self) -> None:
        self.beginResetModel()
        ws = self.ws
        self.rows = ws.rows()
        self._div = ws.divergence()
        self._probs = []
        t = ws.trace
        if t is not None:
            for s in t.steps:
                self._probs.append(s.scores[s.chosen] if s.scores is not None else None)
        self.endResetModel()

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        row = self.rows[r]
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 1 and r < len(self._probs) and self._probs[r] is not None:
                return f"{row[1]}  ({self._probs[r]:.2f})"
            return str(row[c])
        if role == Qt.ItemDataRole.BackgroundRole and self._div is not None and r == self._div:
            return DIVERGENCE_BG
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._div is not None and r == self._div:
                ws = self.ws
                other = ws.other_trace
                o = other.transition_at(r) if other is not None and r < len(other) else "stop"
                who = "oracle" if ws.mode == MODEL else "model"
                return f"First divergence: the {who} chooses {o} here."
            if c in (2, 3):
                return row[c]
        if role == Qt.ItemDataRole.TextAlignmentRole and c == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self._div is not None and r == self._div and c == 1:
            f = QFont()
            f.setBold(True)
            return f
        return None


class _ElideLeft(QStyledItemDelegate):
    """Cuts long text on the left, so the stack's top (its right end) stays visible."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


class TransitionTable(QTableView):
    """The whole transition sequence; the current step's row is selected."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        self.table_model = _TableModel(workspace)
        self.setModel(self.table_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        h = self.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # no per-row measuring: fast on long traces
        h.setStretchLastSection(True)
        self.setColumnWidth(0, 36)
        self.setColumnWidth(1, 190)
        self.setColumnWidth(2, 220)
        self._stack_delegate = _ElideLeft(self)
        self.setItemDelegateForColumn(2, self._stack_delegate)
        self.clicked.connect(lambda idx: workspace.set_step(idx.row()))
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        connect_all(workspace.trace_signals, self.reload)
        workspace.step_changed.connect(lambda *_: self.select_step())  # the rows stay
        self.reload()

    def _current_changed(self, cur: QModelIndex, prev: QModelIndex) -> None:
        if cur.isValid() and cur.row() != self.ws.step:
            self.ws.set_step(cur.row())

    def reload(self) -> None:
        self.table_model.reload()
        fm = self.fontMetrics()
        rows = self.table_model.rows
        if rows:
            self.setColumnWidth(0, fm.horizontalAdvance(str(len(rows))) + 16)
            widest = max(rows, key=lambda r: len(r[1]))[1]
            self.setColumnWidth(1, fm.horizontalAdvance(widest + "  (0.00)") + 18)
        # the transition names stay whole; the stack column (elided on the left) gets the rest
        self.setMinimumWidth(min(self.columnWidth(0) + self.columnWidth(1) + 90, 460))
        self.select_step()

    def select_step(self) -> None:
        k = self.ws.step
        if k < self.table_model.rowCount():
            idx = self.table_model.index(k, 0)
            if self.currentIndex().row() != k:
                self.setCurrentIndex(idx)
            self.selectRow(k)
            self.scrollTo(idx, QAbstractItemView.ScrollHint.EnsureVisible)

    def selected_step(self) -> int:
        rows = self.selectionModel().selectedRows()
        return rows[0].row() if rows else -1


__all__ = ["ConfigurationView", "StepControls", "TransitionTable", "ChipRow", "MODEL", "ORACLE"]
