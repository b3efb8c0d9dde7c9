"""The evaluation panel: UPOS, UAS, LAS, CLAS, per-relation and per-sentence scores.

All numbers come from :func:`parser.evaluate.evaluate`, the function behind
``deplab evaluate``, so the panel and the command always agree; nothing is
recomputed here.  Three comparisons:

* the current document's gold sentences against what the parser predicted
  for them (the ``deplab_predicted`` record kept by the document),
* the current document (as gold) against a system CoNLL-U file,
* a gold file against a system file.

Double-clicking a sentence opens its gold-versus-parsed diff.
"""
from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QGridLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableView,
                               QTabWidget, QToolButton, QVBoxLayout, QWidget)

from deplab.parser.conllu import read_conllu
from deplab.parser.evaluate import Evaluation, evaluate

from deplab.app.model.document import EDITED, GOLD, Document
from .table_model import RowsTableModel
from .workers import Task, run_task

MODE_CORRECTIONS, MODE_DOC_VS_FILE, MODE_FILES = "corrections", "doc-vs-file", "files"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def corrections_pairs(doc: Document, include_edited: bool = False) -> tuple[list, list, list[int]]:
    """(gold, system, doc indices): gold-marked sentences and the parser's prediction for each."""
    gold, system, idx = [], [], []
    wanted = {GOLD, EDITED} if include_edited else {GOLD}
    for i in range(len(doc)):
        if doc.status(i) not in wanted:
            continue
        pred = doc.predicted(i)
        if pred is None:
            continue
        gold.append(doc[i].copy())
        system.append(pred)
        idx.append(i)
    return gold, system, idx


def fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


class _Table(RowsTableModel):
    """A read-only table of rows (tuples); numbers sort numerically."""

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        v = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(v, float) or (v is None and index.column() > 0):
                return fmt(v)
            return "" if v is None else str(v)
        if role == SORT_ROLE:
            if v is None:
                return -1.0
            return v if isinstance(v, (int, float)) else str(v)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(v, (int, float)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (role == Qt.ItemDataRole.BackgroundRole and isinstance(v, float)
                and self.headers[index.column()] in ("LAS", "F1")):
            if v < 50:
                return QBrush(QColor("#FBE3E0"))
            if v < 80:
                return QBrush(QColor("#FFF4D6"))
        return None


def _sortable_view(model: QAbstractTableModel) -> tuple[QTableView, QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(21)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view, proxy


class EvaluationPanel(QWidget):
    """Choose what to compare, run :func:`evaluate` in the background, show its numbers.

    ``diffRequested(gold_sentence, system_sentence, title)`` on a double-click in the
    per-sentence table; ``sentenceRequested(doc_index)`` too when the sentence is in
    the current document.
    """

    diffRequested = Signal(object, object, str)
    sentenceRequested = Signal(int)
    evaluated = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.doc_provider: Callable[[], Document | None] = lambda: None
        self.evaluation: Evaluation | None = None
        self.gold_sentences: list = []
        self.system_sentences: list = []
        self.doc_indices: list[int | None] = []
        self._task: Task | None = None

        self.mode = QComboBox()
        self.mode.addItem("Gold corrections vs parser predictions (current document)", MODE_CORRECTIONS)
        self.mode.addItem("Current document (gold) vs a system file", MODE_DOC_VS_FILE)
        self.mode.addItem("Gold file vs system file", MODE_FILES)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.gold_path = QLineEdit()
        self.gold_path.setPlaceholderText("gold CoNLL-U file")
        self.system_path = QLineEdit()
        self.system_path.setPlaceholderText("system CoNLL-U file (same sentences and words)")
        self.gold_browse, self.system_browse = QToolButton(), QToolButton()
        for b, e in ((self.gold_browse, self.gold_path), (self.system_browse, self.system_path)):
            b.setText("…")
            b.clicked.connect(lambda _=False, e=e: self._browse(e))
        self.include_edited = QCheckBox("also sentences marked edited")
        self.include_edited.setToolTip("Count sentences still being corrected (status edited) as gold too")
        self.exclude_punct = QCheckBox("exclude punctuation")
        self.run_button = QPushButton("Evaluate")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)

        form = QGridLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addWidget(QLabel("Compare"), 0, 0)
        form.addWidget(self.mode, 0, 1, 1, 2)
        self._gold_label = QLabel("Gold")
        form.addWidget(self._gold_label, 1, 0)
        form.addWidget(self.gold_path, 1, 1)
        form.addWidget(self.gold_browse, 1, 2)
        self._system_label = QLabel("System")
        form.addWidget(self._system_label, 2, 0)
        form.addWidget(self.system_path, 2, 1)
        form.addWidget(self.system_browse, 2, 2)
        opts = QHBoxLayout()
        opts.addWidget(self.include_edited)
        opts.addWidget(self.exclude_punct)
        opts.addStretch(1)
        opts.addWidget(self.run_button)
        form.addLayout(opts, 3, 0, 1, 3)
        form.setColumnStretch(1, 1)

        self.summary = QLabel("No evaluation yet.")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.metric_labels: dict[str, QLabel] = {}
        metrics = QHBoxLayout()
        for name in ("UPOS", "UAS", "LAS", "CLAS"):
            box = QVBoxLayout()
            title = QLabel(name)
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            title.setStyleSheet("color:#555; font-size: 11px")
            value = QLabel("—")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            value.setStyleSheet("font-size: 20px; font-weight: bold")
            value.setObjectName(f"metric_{name}")
            self.metric_labels[name] = value
            box.addWidget(value)
            box.addWidget(title)
            metrics.addLayout(box)

        self.relation_model = _Table(("Relation", "Gold", "System", "Correct", "Precision", "Recall", "F1"), self)
        self.relation_view, self.relation_proxy = _sortable_view(self.relation_model)
        self.sentence_model = _Table(("#", "sent_id", "Words", "UPOS", "UAS", "LAS"), self)
        self.sentence_view, self.sentence_proxy = _sortable_view(self.sentence_model)
        sh = self.sentence_view.horizontalHeader()
        sh.setStretchLastSection(False)
        sh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # long sent_ids are elided, scores stay visible
        self.sentence_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.sentence_view.doubleClicked.connect(self._sentence_double_clicked)
        self.sentence_view.setToolTip("Double-click a sentence to see its gold-versus-parsed diff")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.sentence_view, "Per sentence")
        self.tabs.addTab(self.relation_view, "Per relation")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(form)
        lay.addLayout(metrics)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs, 1)
        self._mode_changed()

    def sizeHint(self) -> QSize:
        return QSize(520, 520)

    # -- inputs ----------------------------------------------------------------------------
    def setDocumentProvider(self, fn: Callable[[], Document | None]) -> None:
        self.doc_provider = fn

    def setMode(self, mode: str) -> None:
        self.mode.setCurrentIndex(self.mode.findData(mode))

    def _mode_changed(self, *args) -> None:
        mode = self.mode.currentData()
        files = mode == MODE_FILES
        self._gold_label.setVisible(files)
        self.gold_path.setVisible(files)
        self.gold_browse.setVisible(files)
        needs_system = mode in (MODE_FILES, MODE_DOC_VS_FILE)
        self._system_label.setVisible(needs_system)
        self.system_path.setVisible(needs_system)
        self.system_browse.setVisible(needs_system)
        self.include_edited.setVisible(mode == MODE_CORRECTIONS)

    def _browse(self, edit: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a CoNLL-U file", os.path.dirname(edit.text()),
                                              "CoNLL-U (*.conllu *.conll);;All files (*)")
        if path:
            edit.setText(path)

    # -- running -----------------------------------------------------------------------------
    def _inputs(self) -> Callable[[object], tuple]:
        """Collects what to compare in the GUI thread; returns the work for the thread."""
        mode = self.mode.currentData()
        doc = self.doc_provider()
        exclude = self.exclude_punct.isChecked()
        if mode == MODE_CORRECTIONS:
            if doc is None:
                raise ValueError("open a document first")
            gold, system, idx = corrections_pairs(doc, self.include_edited.isChecked())
            if not gold:
                raise ValueError("no gold sentence with a recorded parser prediction yet: parse sentences, "
                                 "correct them and mark them gold (Ctrl+G)")
            return lambda task: (gold, system, idx, evaluate(gold, system, exclude_punct=exclude))
        system_path = self.system_path.text().strip()
        if not system_path:
            raise ValueError("choose the system CoNLL-U file")
        if mode == MODE_DOC_VS_FILE:
            if doc is None:
                raise ValueError("open a document first")
            gold = [s.copy() for s in doc.sentences]
            idx = list(range(len(gold)))

            def work(task):
                system = read_conllu(system_path)
                return gold, system, idx, evaluate(gold, system, exclude_punct=exclude)
            return work
        gold_path = self.gold_path.text().strip()
        if not gold_path:
            raise ValueError("choose the gold CoNLL-U file")

        def work_files(task):
            gold = read_conllu(gold_path)
            system = read_conllu(system_path)
            return gold, system, [None] * len(gold), evaluate(gold, system, exclude_punct=exclude)
        return work_files

    def run(self, wait: bool = False) -> None:
        """Starts the evaluation in the background (``wait=True`` returns when it is shown)."""
        if self._task is not None and self._task.running:
            return
        try:
            work = self._inputs()
        except ValueError as e:
            self._show_error(str(e))
            return
        self.run_button.setEnabled(False)
        self.summary.setText("Evaluating…")
        task = run_task(work, on_done=self._show, on_error=self._show_error, name="evaluate")
        for signal in (task.finished, task.failed, task.cancelledSignal):
            signal.connect(lambda *_: self.run_button.setEnabled(True))
        self._task = task
        if wait:
            task.wait()

    def _show_error(self, message: str) -> None:
        self.summary.setText(f"<span style='color:#B00000'>Cannot evaluate: {message}</span>")

    def _show(self, result: tuple) -> None:
        gold, system, idx, ev = result
        self.gold_sentences, self.system_sentences, self.doc_indices = gold, system, idx
        self.showEvaluation(ev)

    def showEvaluation(self, ev: Evaluation) -> None:
        self.evaluation = ev
        for name, m in ev.metrics.items():
            self.metric_labels[name].setText(fmt(m.percent))
            self.metric_labels[name].setToolTip(f"{name}: {m.correct} correct, {m.gold} gold, {m.system} system; "
                                                f"P {fmt(m.precision)} R {fmt(m.recall)} F1 {fmt(m.f1)}")
        punct = "punctuation excluded" if ev.exclude_punct else "punctuation included"
        text = f"{ev.sentences} sentences, {ev.words} scored words ({punct}). Same numbers as <tt>deplab evaluate</tt>."
        if ev.warnings:
            text += (f"<br><span style='color:#8A6100'>{len(ev.warnings)} warning(s): "
                     f"{ev.warnings[0]}{' …' if len(ev.warnings) > 1 else ''}</span>")
        self.summary.setText(text)
        self.relation_model.setRows([(rel, p.gold, p.system, p.correct, p.precision, p.recall, p.f1)
                                     for rel, p in sorted(ev.relations.items())])
        self.sentence_model.setRows([(s.index, s.sent_id or "", s.words,
                                      (100.0 * s.upos_correct / s.words) if s.words else None, s.uas, s.las)
                                     for s in ev.per_sentence])
        self.relation_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.sentence_view.sortByColumn(5, Qt.SortOrder.AscendingOrder)
        self.evaluated.emit(ev)

    def _sentence_double_clicked(self, proxy_index: QModelIndex) -> None:
        row = self.sentence_proxy.mapToSource(proxy_index).row()
        self.openDiff(row)

    def openDiff(self, k: int) -> None:
        """Shows the diff of the k-th evaluated sentence (0-based, evaluation order)."""
        if not 0 <= k < len(self.gold_sentences):
            return
        g, s = self.gold_sentences[k], self.system_sentences[k]
        title = f"sentence {k + 1}" + (f" (sent_id {g.sent_id})" if g.sent_id else "")
        self.diffRequested.emit(g, s, title)
        if self.doc_indices and self.doc_indices[k] is not None:
            self.sentenceRequested.emit(self.doc_indices[k])
