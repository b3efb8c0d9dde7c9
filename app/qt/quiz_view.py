"""The Practice panel: the student chooses the next transition, the engine judges it.

Keys (while the panel has the focus): **S** SHIFT, **L** LEFT-ARC, **R** RIGHT-ARC, **D** REDUCE
(arc-eager), **W** SWAP (swap); after L or R pick the label with **1**–**9** or the mouse. The panel
says whether the move is optimal (dynamic oracle for arc-eager/arc-hybrid, static oracle for
arc-standard/swap — the panel says which), shows the oracle's and the model's choices, applies the
move and keeps the score and the mistakes (:class:`deplab.app.model.quiz.PracticeSession`).
A teacher collects sentences into an exercise file (CoNLL-U); a student's answers export as CSV.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QListWidget, QMessageBox,
                               QPushButton, QScrollArea, QSizePolicy, QSplitter, QVBoxLayout, QWidget)

from deplab.app.model.quiz import GOLD, PARSER, PracticeSession, exercise_sentence
from deplab.parser.configuration import LEFT, REDUCE, RIGHT, SHIFT, SWAP, Transition
from deplab.parser.conllu import ConlluError, read_conllu, write_conllu
from deplab.parser.fileio import atomic_write_text
from deplab.parser.quiz import ALSO_OPTIMAL, ILLEGAL, RIGHT as RIGHT_MOVE, WRONG
from deplab.parser.systems import SYSTEMS

from .arc_view import ROLE_BUFFER, ROLE_STACK, ArcView

KEYS = {SHIFT: "S", LEFT: "L", RIGHT: "R", REDUCE: "D", SWAP: "W"}
VERDICT_TEXT = {RIGHT_MOVE: ("#009E73", "Right: the oracle's move."),
                ALSO_OPTIMAL: ("#009E73", "Also optimal: not the oracle's move, but it loses no gold arc."),
                WRONG: ("#D55E00", "Not optimal."),
                ILLEGAL: ("#D55E00", "Not allowed in this configuration (nothing was applied).")}


class PracticeView(QWidget):
    def __init__(self, window=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.window_ = window
        self.session = PracticeSession()
        self.exercise: list = []   # CoNLL-U sentences of the exercise set
        self.exercise_index = -1
        self.pending: str | None = None  # LEFT-ARC / RIGHT-ARC waiting for its label
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setProperty("helpName", "Practice panel")

        self.source = QLabel("Practice: study a sentence (type one, or pick one from a treebank), then press "
                             "<b>Practise this sentence</b>.")
        self.source.setWordWrap(True)
        self.source.setTextFormat(Qt.TextFormat.RichText)
        self.system_box = QComboBox()
        self.system_box.addItems(list(SYSTEMS))
        self.system_box.setCurrentText("arc-hybrid")
        self.system_box.setToolTip("arc-eager and arc-hybrid are judged by the dynamic oracle (any optimal move "
                                   "counts); arc-standard and swap by the static oracle (one right move)")
        self.start_button = QPushButton("Practise this sentence")
        self.start_button.clicked.connect(self.practise_current)
        self.next_button = QPushButton("Next exercise")
        self.next_button.clicked.connect(self.next_exercise)
        top = QVBoxLayout()  # two short rows: the panel's minimum width holds them whole
        row = QHBoxLayout()
        row.addWidget(QLabel("System:"))
        row.addWidget(self.system_box)
        row.addStretch(1)
        top.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.next_button)
        row.addStretch(1)
        top.addLayout(row)

        self.judge_note = QLabel()
        self.judge_note.setWordWrap(True)
        self.judge_note.setTextFormat(Qt.TextFormat.RichText)
        self.judge_note.setStyleSheet("color:#555")
        self.tree = ArcView()
        self.tree.setPlaceholder("No sentence to practise yet.")
        self.tree.setMinimumHeight(110)
        self.stack = QLabel()
        self.buffer = QLabel()
        for lab in (self.stack, self.buffer):
            lab.setWordWrap(True)
            lab.setTextFormat(Qt.TextFormat.RichText)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.move_buttons: dict[str, QPushButton] = {}
        moves = QGridLayout()  # two per row; REDUCE (arc-eager) and SWAP (swap) share a cell: never both shown
        cells = {SHIFT: (0, 0), LEFT: (0, 1), RIGHT: (1, 0), REDUCE: (1, 1), SWAP: (1, 1)}
        for kind in (SHIFT, LEFT, RIGHT, REDUCE, SWAP):
            b = QPushButton(f"{kind} ({KEYS[kind]})")
            b.setMinimumWidth(b.fontMetrics().horizontalAdvance(b.text()) + 24)
            b.clicked.connect(lambda _=False, k=kind: self.choose_kind(k))
            moves.addWidget(b, *cells[kind])
            self.move_buttons[kind] = b
            sc = QShortcut(QKeySequence(KEYS[kind]), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.setWhatsThis(f"Practice: {kind}" + (" (then the label)" if kind in (LEFT, RIGHT) else ""))
            sc.activated.connect(lambda k=kind: self.choose_kind(k))
        moves.setColumnStretch(2, 1)
        self.label_hint = QLabel()
        self.label_hint.setWordWrap(True)
        self.label_list = QListWidget()
        self.label_list.setMaximumHeight(110)
        self.label_list.itemActivated.connect(lambda item: self.choose_label(item.data(Qt.ItemDataRole.UserRole)))
        self.label_list.itemClicked.connect(lambda item: self.choose_label(item.data(Qt.ItemDataRole.UserRole)))
        for n in range(1, 10):
            sc = QShortcut(QKeySequence(str(n)), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.setWhatsThis(f"Practice: the label numbered {n} (after L or R)")
            sc.activated.connect(lambda n=n: self.choose_label_number(n))

        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.score = QLabel()
        self.mistakes = QListWidget()
        self.mistakes.setToolTip("The non-optimal answers of this session")
        self.mistakes.setMinimumHeight(48)

        buttons = QGridLayout()
        self.add_button = QPushButton("Add to exercise set")
        self.add_button.setToolTip("Add the sentence being practised to the exercise set")
        self.add_button.clicked.connect(self.add_current_to_exercise)
        self.export_exercise_button = QPushButton("Export exercise…")
        self.export_exercise_button.clicked.connect(self._export_exercise_dialog)
        self.open_exercise_button = QPushButton("Open exercise…")
        self.open_exercise_button.clicked.connect(self._open_exercise_dialog)
        self.export_results_button = QPushButton("Results as CSV…")
        self.export_results_button.clicked.connect(self._export_results_dialog)
        for k, b in enumerate((self.add_button, self.export_exercise_button, self.open_exercise_button,
                               self.export_results_button)):
            buttons.addWidget(b, k // 2, k % 2)

        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(top)
        ul.addWidget(self.source)
        ul.addWidget(self.judge_note)
        ul.addWidget(self.tree, 1)
        ul.addWidget(self.stack)
        ul.addWidget(self.buffer)
        ul.addLayout(moves)
        ul.addWidget(self.label_hint)
        ul.addWidget(self.label_list)
        ul.addWidget(self.feedback)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.score)
        ll.addWidget(QLabel("Mistakes:"))
        ll.addWidget(self.mistakes, 1)
        ll.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        inner = QWidget()
        il = QVBoxLayout(inner)
        il.setContentsMargins(4, 4, 4, 4)
        il.addWidget(split)
        scroll = QScrollArea()  # a short dock scrolls instead of pushing the window taller
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        self.setMinimumWidth(320)
        self.session.changed.connect(self.refresh)
        self.refresh()

    # -- starting -----------------------------------------------------------------------------
    def _model(self):
        p = getattr(self.window_, "pipeline", None) if self.window_ is not None else None
        return p.model if p is not None else None

    def practise_current(self) -> bool:
        """Practises the sentence in the window's workspace: its gold tree, else the parser's tree."""
        ws = self.window_.workspace if self.window_ is not None else None
        if ws is None or ws.sentence is None:
            self._say("#D55E00", "No sentence: type one above, or open a treebank and pick one.")
            return False
        if ws.gold is not None:
            heads, labels, source = ws.gold[0], ws.gold[1], GOLD
        elif ws.model_trace is not None:
            heads, labels, source = list(ws.model_trace.final.heads[1:]), list(ws.model_trace.final.labels[1:]), PARSER
        else:
            self._say("#D55E00", "This sentence has no tree to practise on: load a model or use a treebank sentence.")
            return False
        return self._start(ws.forms, ws.tags, heads, labels, source, ws.sentence.sent_id or "")

    def _start(self, forms, tags, heads, labels, source, sent_id) -> bool:
        try:
            self.session.start(forms, tags, heads, labels, self.system_box.currentText(), source, self._model(),
                               sent_id)
        except ValueError as e:
            self._say("#D55E00", str(e))
            return False
        self.pending = None
        self.setFocus()
        return True

    def start_sentence(self, sentence) -> bool:
        model = self._model()
        tags = None
        if all(w.upos == "_" for w in sentence.words) and self.window_ is not None and self.window_.pipeline:
            tags = self.window_.pipeline.tags_for(sentence)
        try:
            self.session.start_sentence(sentence, self.system_box.currentText(), model, tags)
        except ValueError as e:
            self._say("#D55E00", f"sentence {sentence.sent_id or ''}: {e}")
            return False
        self.pending = None
        self.setFocus()
        return True

    # -- exercise files ----------------------------------------------------------------------
    def add_current_to_exercise(self) -> bool:
        ws = self.window_.workspace if self.window_ is not None else None
        if ws is None or ws.sentence is None:
            return False
        if ws.gold is not None:
            heads, labels, source = ws.gold[0], ws.gold[1], GOLD
        elif ws.model_trace is not None:
            heads, labels, source = list(ws.model_trace.final.heads[1:]), list(ws.model_trace.final.labels[1:]), PARSER
        else:
            return False
        sid = ws.sentence.sent_id or f"exercise-{len(self.exercise) + 1}"
        self.exercise.append(exercise_sentence(ws.forms, ws.tags, heads, labels, source, sid, ws.sentence.text))
        self.refresh()
        return True

    def export_exercise(self, path) -> None:
        if not self.exercise:
            raise ValueError("the exercise set is empty: add sentences first")
        write_conllu(self.exercise, path)

    def open_exercise(self, path) -> int:
        """Loads an exercise file and starts its first sentence; returns the number of sentences."""
        self.exercise = read_conllu(path) if isinstance(path, str) else read_conllu(str(path))
        self.exercise_index = -1
        self.next_exercise()
        return len(self.exercise)

    def next_exercise(self) -> bool:
        while self.exercise_index + 1 < len(self.exercise):
            self.exercise_index += 1
            if self.start_sentence(self.exercise[self.exercise_index]):
                return True
        self.refresh()
        return False

    def export_results(self, path) -> None:
        atomic_write_text(path, self.session.results_csv())

    def _file(self, save: bool, title: str, name: str, filt: str) -> str | None:
        settings = getattr(self.window_, "settings", None)
        start = str(Path(settings.value("practice/dir", str(Path.home())) if settings else Path.home()) / name)
        fn = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = fn(self, title, start, filt)
        if path and settings is not None:
            settings.setValue("practice/dir", str(Path(path).parent))
        return path or None

    def _file_action(self, save: bool, title: str, name: str, filters: str, action, errors, failure: str) -> None:
        path = self._file(save, title, name, filters)
        if path:
            try:
                action(path)
            except errors as e:
                QMessageBox.warning(self, failure, str(e))

    def _export_exercise_dialog(self) -> None:
        self._file_action(True, "Export the exercise file", "exercise.conllu", "CoNLL-U (*.conllu)",
                          self.export_exercise, (OSError, ValueError), "Export failed")

    def _open_exercise_dialog(self) -> None:
        self._file_action(False, "Open an exercise file", "", "CoNLL-U (*.conllu);;All files (*)",
                          self.open_exercise, (OSError, ConlluError), "Could not open the exercise")

    def _export_results_dialog(self) -> None:
        self._file_action(True, "Export the results", "results.csv", "CSV (*.csv)", self.export_results, OSError,
                          "Export failed")

    # -- answering ----------------------------------------------------------------------------
    def choose_kind(self, kind: str) -> None:
        s = self.session
        if not s.active or s.finished or kind not in s.kinds():
            return
        if kind in (LEFT, RIGHT):
            self.pending = kind
            self.refresh()
            self.label_list.setFocus()
            return
        self.pending = None
        self.answer(Transition(kind))

    def choose_label(self, label: str | None) -> None:
        if self.pending is None or not label:
            return
        kind, self.pending = self.pending, None
        self.answer(Transition(kind, label))

    def choose_label_number(self, n: int) -> None:
        if self.pending is not None and 0 < n <= self.label_list.count():
            self.choose_label(self.label_list.item(n - 1).data(Qt.ItemDataRole.UserRole))

    def answer(self, move: Transition):
        j = self.session.answer(move)
        self.setFocus()
        return j

    # -- showing ------------------------------------------------------------------------------
    def _say(self, color: str, html: str) -> None:
        self.feedback.setText(f"<span style='color:{color}'>{escape(html)}</span>")

    def refresh(self) -> None:
        s = self.session
        active = s.active
        kinds = s.kinds() if active else ()
        for kind, b in self.move_buttons.items():
            b.setVisible(kind in (kinds or (SHIFT, LEFT, RIGHT)))
            b.setEnabled(active and not s.finished)
        self.next_button.setVisible(bool(self.exercise))
        self.next_button.setEnabled(self.exercise_index + 1 < len(self.exercise))
        self.export_exercise_button.setText(f"Export exercise ({len(self.exercise)})…")
        self.export_results_button.setEnabled(s.answered > 0)
        if active:
            what = "gold tree" if s.tree_source == GOLD else "parser's tree"
            sid = f" (id {s.sent_id})" if s.sent_id else ""
            self.source.setText(f"Sentence {s.sentences}{escape(sid)}: {escape(' '.join(s.forms))} "
                                f"<span style='color:#555'>(oracle follows the {what})</span>")
            judge = ("the dynamic oracle (Goldberg &amp; Nivre 2012, 2013): every move that loses no gold arc "
                     "counts" if s.system.dynamic else
                     f"the static oracle: {s.system.name} has no dynamic oracle here, so only the oracle's "
                     "move counts, and after a mistake its moves are no longer guaranteed optimal")
            notes = [f"Judged by {judge}."]
            if s.note:
                notes.append(escape(s.note[:1].upper() + s.note[1:], quote=False) + ".")
            self.judge_note.setText(" ".join(notes))
            c = s.config
            self.stack.setText("<b>Stack</b> (top right): " + escape(s.stack_text()))
            self.buffer.setText("<b>Buffer</b> (next left): " + escape(s.buffer_text()))
            self.tree.setTreeState(s.forms, s.tags, list(c.heads[1:]), list(c.labels[1:]))
            roles = {**{i: ROLE_STACK for i in c.stack}, **{i: ROLE_BUFFER for i in c.buffer}}
            self.tree.setWordRoles(roles)
            marks = {i: f"s{d}" for d, i in enumerate(reversed(c.stack[-3:]), start=1)}
            marks.update({i: f"b{d}" for d, i in enumerate(c.buffer[:3], start=1)})
            self.tree.setMarks(marks)
        else:
            self.judge_note.setText("")
            self.stack.setText("")
            self.buffer.setText("")
        # the label list
        self.label_list.clear()
        if self.pending is not None and active:
            self.label_hint.setText(f"<b>{self.pending}</b>: pick the label (1–9 or click):")
            for n, lab in enumerate(s.labels(), start=1):
                item_text = f"{n}  {lab}" if n <= 9 else f"   {lab}"
                self.label_list.addItem(item_text)
                self.label_list.item(self.label_list.count() - 1).setData(Qt.ItemDataRole.UserRole, lab)
        else:
            self.label_hint.setText("Keys: S SHIFT, L LEFT-ARC, R RIGHT-ARC" +
                                    (", D REDUCE" if REDUCE in kinds else "") + (", W SWAP" if SWAP in kinds else "")
                                    + "; then the label with 1–9.")
        self.label_list.setVisible(self.pending is not None)
        # the last answer
        j = s.last
        if j is not None:
            color, text = VERDICT_TEXT[j.verdict]
            parts = [f"<b style='color:{color}'>You chose {escape(str(j.move))}. {escape(text)}</b>"]
            if j.cost:
                parts.append(f"It loses {j.cost} gold arc{'s' if j.cost > 1 else ''}.")
            parts.append(f"Oracle: <b>{escape(str(j.oracle)) if j.oracle else 'stuck'}</b>.")
            if s.system.dynamic and j.optimal:
                parts.append("Optimal moves here: " + ", ".join(escape(str(t)) for t in j.optimal) + ".")
            if j.model is not None:
                parts.append(f"Model: <b>{escape(str(j.model))}</b>.")
            elif self._model() is not None:
                parts.append("Model: it uses another transition system.")
            if s.finished:
                parts.append("<br><b>Done</b>: the tree is complete." +
                             (" Press <i>Next exercise</i>." if self.exercise_index + 1 < len(self.exercise) else ""))
            self.feedback.setText(" ".join(parts))
        elif active:
            self.feedback.setText("Your move: which transition comes next?")
        self.score.setText(f"<b>Score</b>: {s.score_text()} · {len(s.mistakes)} mistake"
                           f"{'' if len(s.mistakes) == 1 else 's'} · {s.sentences} sentence"
                           f"{'' if s.sentences == 1 else 's'}")
        self.mistakes.clear()
        for r in s.mistakes:
            j = r.judgement
            best = ", ".join(map(str, j.optimal)) or (str(j.oracle) if j.oracle else "?")
            self.mistakes.addItem(f"sentence {r.sentence}, step {r.step}: {j.move} ({j.verdict}); "
                                  f"optimal: {best} — stack {r.stack}, buffer {r.buffer}")
