"""The sentence workspace (the main window's central widget).

Input line on top; the arc view and the current configuration side by side;
the step controls; then the transition table, the model's scores and the
features / architecture tabs.  Everything observes one
:class:`app.model.workspace.Workspace`; parsing itself is the main window's
job (it owns the engine's pipeline), this widget only emits
``parseRequested(text)``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QRadioButton, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import MODEL, ORACLE, Workspace

from .arc_view import ROLE_BUFFER, ROLE_STACK, ArcView
from .compare_systems import CompareSystemsView
from .explain import ExplainPanel
from .features_view import FeaturesView
from .scores_view import ScoresView
from .configuration_view import ConfigurationView
from .step_controls import StepControls
from .transition_table import TransitionTable


def _titled(title: str, w: QWidget, tip: str = "") -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(2, 2, 2, 2)
    lay.setSpacing(2)
    head = QLabel(f"<b>{title}</b>")
    if tip:
        head.setToolTip(tip)
    lay.addWidget(head)
    lay.addWidget(w, 1)
    return box


class SentenceWorkspaceView(QWidget):
    parseRequested = Signal(str)
    sentenceChosen = Signal(int)  # index into workspace.batch

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        # -- input row
        self.input = QLineEdit()
        self.input.setPlaceholderText("Type or paste a sentence (or several) and press Enter")
        self.input.setClearButtonEnabled(True)
        self.input.returnPressed.connect(self._request_parse)
        self.parse_button = QPushButton("Parse")
        self.parse_button.setToolTip("Tokenize, tag and parse with the current model (Enter)")
        self.parse_button.clicked.connect(self._request_parse)
        self.sentence_box = QComboBox()
        self.sentence_box.setToolTip("The input held several sentences: choose one")
        self.sentence_box.setMinimumContentsLength(18)
        self.sentence_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.sentence_box.setVisible(False)
        self.sentence_box.currentIndexChanged.connect(lambda i: i >= 0 and self.sentenceChosen.emit(i))
        self.model_radio = QRadioButton("Model")
        self.model_radio.setToolTip("What the trained parser does (Ctrl+1)")
        self.oracle_radio = QRadioButton("Oracle")
        self.oracle_radio.setToolTip("The gold transition sequence of the gold tree (Ctrl+2)")
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.model_radio)
        self.mode_group.addButton(self.oracle_radio)
        self.model_radio.toggled.connect(lambda on: on and self._set_mode(MODEL))
        self.oracle_radio.toggled.connect(lambda on: on and self._set_mode(ORACLE))
        self.system_box = QComboBox()
        self.system_box.addItems(workspace.systems)
        self.system_box.setToolTip("The transition system the oracle follows (arc-standard, arc-eager, arc-hybrid, "
                                   "swap for non-projective trees); for typed text the oracle derives the parser's "
                                   "own tree")
        self.system_box.textActivated.connect(self._set_system)  # also re-picking the current one
        self.compare_box = QCheckBox("Compare with gold")
        self.compare_box.setToolTip("Colour the arcs by agreement with the gold tree; missing gold arcs dashed")
        self.compare_box.toggled.connect(lambda *_: self.refresh_arcs())
        top = QHBoxLayout()
        top.setContentsMargins(6, 6, 6, 0)
        top.addWidget(self.input, 1)
        top.addWidget(self.parse_button)
        top.addWidget(self.sentence_box)
        top.addSpacing(10)
        mode_label = QLabel("Mode:")
        top.addWidget(mode_label)
        top.addWidget(self.model_radio)
        top.addWidget(self.oracle_radio)
        top.addWidget(self.system_box)
        top.addWidget(self.compare_box)
        self.info = QLabel()
        self.info.setStyleSheet("color:#555")
        self.info.setWordWrap(True)
        # -- views
        self.arc_view = ArcView()
        self.arc_view.setPlaceholder("Type a sentence above and press Enter.")
        self.config_view = ConfigurationView(workspace)
        self.controls = StepControls(workspace)
        self.table = TransitionTable(workspace)
        self.scores = ScoresView(workspace)
        self.features = FeaturesView(workspace)
        self.explain = ExplainPanel()
        self.tabs = QTabWidget()
        features = QScrollArea()  # a short panel scrolls: the note and the bars are never clipped
        features.setWidgetResizable(True)
        features.setFrameShape(QScrollArea.Shape.NoFrame)
        features.setWidget(self.features)
        self.tabs.addTab(features, "Features")
        self.tabs.addTab(self.explain, "How it works")
        self.compare = CompareSystemsView(workspace)
        self.tabs.addTab(self.compare, "Compare systems")

        self.upper_split = QSplitter(Qt.Orientation.Horizontal)
        self.upper_split.setObjectName("upper_split")
        self.upper_split.addWidget(_titled("Dependency tree", self.arc_view,
                                           "Hover a word to see its head and dependents; Ctrl+wheel zooms."))
        self.upper_split.addWidget(_titled("Configuration", self.config_view))
        self.upper_split.setStretchFactor(0, 3)
        self.upper_split.setStretchFactor(1, 2)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.setSpacing(0)
        ul.addWidget(self.upper_split, 1)
        ul.addWidget(self.controls)
        self.lower_split = QSplitter(Qt.Orientation.Horizontal)
        self.lower_split.setObjectName("lower_split")
        self.lower_split.addWidget(_titled("Transition sequence", self.table,
                                           "Every configuration and the transition applied to it; click to jump."))
        self.lower_split.addWidget(_titled("Model scores", self.scores,
                                           "Softmax probabilities of the most probable transitions."))
        self.lower_split.addWidget(self.tabs)
        self.lower_split.setStretchFactor(0, 3)
        self.lower_split.setStretchFactor(1, 2)
        self.lower_split.setStretchFactor(2, 2)
        self.main_split = QSplitter(Qt.Orientation.Vertical)
        self.main_split.setObjectName("main_split")
        self.main_split.addWidget(upper)
        self.main_split.addWidget(self.lower_split)
        self.main_split.setStretchFactor(0, 3)
        self.main_split.setStretchFactor(1, 2)
        # readable minimum widths: the splitters never squeeze a panel below them (no "RIG…bj)")
        for sp in (self.upper_split, self.lower_split, self.main_split):
            sp.setChildrenCollapsible(False)
        self.config_view.setMinimumWidth(210)
        self.scores.setMinimumWidth(200)
        self.tabs.setMinimumWidth(260)
        self.arc_view.setMinimumWidth(240)
        # first-run proportions (the window remembers the user's own)
        self.upper_split.setSizes([680, 320])
        self.lower_split.setSizes([420, 330, 330])
        self.main_split.setSizes([560, 340])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.info)
        lay.addWidget(self.main_split, 1)

        self._focus_word = -1
        self.features.wordSelected.connect(self._feature_word)
        self.features.sharesChanged.connect(self.arc_view.setShades)  # why this transition: shade the words
        connect_all(workspace.trace_signals, self.refresh)          # modes, system, notes, the tree
        workspace.step_changed.connect(lambda *_: self.refresh_arcs())  # a step: the arcs and marks only
        workspace.batch_changed.connect(self._refresh_batch)
        workspace.sentence_changed.connect(self._show_batch_index)
        self.refresh()

    def splitters(self) -> list[QSplitter]:
        return [self.main_split, self.upper_split, self.lower_split]

    # -- input ------------------------------------------------------------------------
    def _request_parse(self) -> None:
        text = self.input.text().strip()
        if text:
            self.parseRequested.emit(text)

    def _set_mode(self, mode: str) -> None:
        if mode != self.ws.mode and mode in self.ws.available_modes():
            self.ws.set_mode(mode)

    def _set_system(self, name: str) -> None:
        if name:
            self.ws.set_system(name)

    def _feature_word(self, i: int) -> None:
        self._focus_word = i
        self.arc_view.setHighlights(self.features.positions(), i if i >= 0 else None)

    def _refresh_batch(self) -> None:
        ws = self.ws
        self.sentence_box.blockSignals(True)
        self.sentence_box.clear()
        for k, s in enumerate(ws.batch):
            text = s.text
            self.sentence_box.addItem(f"{k + 1}/{len(ws.batch)}: {text[:40]}{'…' if len(text) > 40 else ''}")
        self.sentence_box.setCurrentIndex(ws.batch_index if ws.batch else -1)
        self.sentence_box.blockSignals(False)
        self.sentence_box.setVisible(len(ws.batch) > 1)

    def _show_batch_index(self) -> None:
        """The sentence box follows the workspace's choice of sentence."""
        i = self.ws.batch_index if self.ws.batch else -1
        if self.sentence_box.currentIndex() != i:
            self.sentence_box.blockSignals(True)
            self.sentence_box.setCurrentIndex(i)
            self.sentence_box.blockSignals(False)

    # -- refresh --------------------------------------------------------------------------
    def refresh(self) -> None:
        ws = self.ws
        modes = ws.available_modes()
        self.model_radio.setEnabled(MODEL in modes)
        self.oracle_radio.setEnabled(ORACLE in modes)
        self.model_radio.blockSignals(True)
        self.oracle_radio.blockSignals(True)
        self.model_radio.setChecked(ws.mode == MODEL)
        self.oracle_radio.setChecked(ws.mode == ORACLE)
        self.model_radio.blockSignals(False)
        self.oracle_radio.blockSignals(False)
        if ORACLE not in modes:
            self.oracle_radio.setToolTip("No gold tree for this sentence: the oracle needs a treebank sentence "
                                         "or a corrected tree." + (f"\n{ws.gold_note}" if ws.gold_note else ""))
        else:
            self.oracle_radio.setToolTip("The gold transition sequence of the gold tree (Ctrl+2)")
        self.compare_box.setEnabled(ws.gold is not None)
        self.system_box.blockSignals(True)
        self.system_box.setCurrentText(ws.system_name)
        self.system_box.blockSignals(False)
        notes = []
        if ws.sentence is not None:
            sid = ws.sentence.sent_id
            if sid:
                notes.append(f"sentence {sid}")
            notes.append(f"{len(ws.forms)} words")
            notes.append("gold tree available" if ws.gold is not None else "no gold tree")
            if ws.gold_note:
                notes.append(ws.gold_note)
        self.info.setText(" · ".join(notes))
        self.info.setVisible(bool(notes))
        self.refresh_arcs()

    def refresh_arcs(self) -> None:
        ws = self.ws
        av = self.arc_view
        if ws.sentence is None:
            av.setTree([], [], [], [])
            return
        heads, labels = ws.tree_at()
        gold = ws.gold if self.compare_box.isChecked() and ws.gold is not None else None
        reference = ws.tree_at(ws.n_steps) if ws.trace is not None else None  # words never move while stepping
        av.setTreeState(ws.forms, ws.tags, heads, labels, reference=reference, gold=gold)
        c = ws.config
        roles, marks = {}, {}
        if c is not None:
            for i in c.stack:
                roles[i] = ROLE_STACK
            for i in c.buffer:
                roles[i] = ROLE_BUFFER
            for depth, i in enumerate(reversed(c.stack[-3:]), start=1):
                marks[i] = f"s{depth}"
            for k, i in enumerate(c.buffer[:3], start=1):
                marks[i] = f"b{k}"
        av.setWordRoles(roles)
        av.setMarks(marks)
        if c is not None:
            av.ensureWordsVisible(c.stack[-1:] + c.buffer[:1])
        av.setNewestArc(ws.newest_arc())
        av.setHighlights(self.features.positions(), self._focus_word if self._focus_word >= 0 else None)
