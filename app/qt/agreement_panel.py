"""The Agreement panel: inter-annotator agreement between CoNLL-U files, and the way to adjudicate.

Every figure is :func:`deplab.parser.agreement.agreement`'s, the function behind
``deplab agree``: per annotator pair UAS, LAS, label agreement and Cohen's kappa, the
per-relation specific agreement and the most frequent confusions; Fleiss' kappa for three
or more files.  *Adjudicate* (two files) opens an :class:`AdjudicationView`.
"""
from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from deplab.parser.agreement import agreement
from deplab.parser.conllu import ConlluError, read_conllu
from deplab.parser.errors import UserError

from .table_model import RowsTableModel


class _Pairs(RowsTableModel):
    HEADERS = ("A", "B", "words", "UAS", "LAS", "label agreement", "Cohen's kappa")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        p = self.rows[index.row()]
        return (os.path.basename(p.a), os.path.basename(p.b), p.words, f"{100 * p.uas:.2f}", f"{100 * p.las:.2f}",
                f"{100 * p.label_agreement:.2f}", f"{p.kappa:.4f}")[index.column()]


class _Relations(RowsTableModel):
    HEADERS = ("relation", "A", "B", "both", "specific agreement")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        r, v = self.rows[index.row()]
        return (r, v.a, v.b, v.both, f"{100 * v.specific:.1f}%")[index.column()]


class AgreementPanel(QWidget):
    """``AgreementPanel(paths=())``: ``set_files(paths)``, ``compute()`` (or ``start()`` in the background).

    Signals: ``computed(agreement or None)`` after ``start()``, ``adjudicationOpened(view)``."""

    adjudicationOpened = Signal(object)
    computed = Signal(object)  # the Agreement, or None when the files could not be compared

    def __init__(self, paths=(), parent=None):
        super().__init__(parent)
        self.paths: list[str] = []
        self.sentences: dict[str, list] = {}
        self.result = None
        self.files = QListWidget()
        self.add_button = QPushButton("Add file…")
        self.clear_button = QPushButton("Clear")
        self.compute_button = QPushButton("Compute agreement")
        self.adjudicate_button = QPushButton("Adjudicate…")
        self.adjudicate_button.setEnabled(False)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.pairs_model, self.relations_model = _Pairs(), _Relations()
        self.pairs, self.relations = QTableView(), QTableView()
        for view, model in ((self.pairs, self.pairs_model), (self.relations, self.relations_model)):
            view.setModel(model)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.verticalHeader().hide()
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.confusions = QLabel("")
        self.confusions.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.add_button, self.clear_button, self.compute_button, self.adjudicate_button):
            row.addWidget(b)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Annotations of the same sentences (same tokenization):"))
        lay.addWidget(self.files)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addWidget(self.pairs, 1)
        lay.addWidget(self.relations, 2)
        lay.addWidget(self.confusions)
        self.add_button.clicked.connect(self._add_dialog)
        self.clear_button.clicked.connect(lambda: self.set_files([]))
        self.compute_button.clicked.connect(self.start)
        self.task = None
        self.adjudicate_button.clicked.connect(self.adjudicate)
        self.pairs.clicked.connect(lambda ix: self.show_pair(ix.row()))
        self.set_files(paths)

    def set_files(self, paths) -> None:
        self.paths = [os.fspath(p) for p in paths]
        self.files.clear()
        self.files.addItems(self.paths)
        self.result = None
        self.pairs_model.setRows([])
        self.relations_model.setRows([])
        self.confusions.setText("")
        self.message.setText("")
        self.adjudicate_button.setEnabled(False)

    def _add_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add annotations", "", "CoNLL-U (*.conllu *.conll);;All files (*)")
        if paths:
            self.set_files(self.paths + paths)

    @staticmethod
    def _work(paths):
        files = [(p, read_conllu(p)) for p in paths]
        return files, agreement(files)

    def compute(self):
        """Reads the files and computes the agreement now (in the calling thread)."""
        try:
            files, result = self._work(self.paths)
        except (ConlluError, UserError, OSError) as e:
            return self._failed(str(e))
        return self._show(files, result)

    def start(self) -> None:
        """The same off the GUI thread (big treebanks take seconds to read); emits ``computed``."""
        from .workers import run_task
        paths = list(self.paths)
        self.compute_button.setEnabled(False)
        self.message.setText("reading and comparing…")

        def done(out):
            self.compute_button.setEnabled(True)
            self.computed.emit(self._show(*out))

        def failed(message):
            self.compute_button.setEnabled(True)
            self._failed(message)
            self.computed.emit(None)

        self.task = run_task(lambda ctx: self._work(paths), on_done=done, on_error=failed)

    def _failed(self, message: str):
        self.result = None
        self.message.setText(message)
        self.pairs_model.setRows([])
        self.relations_model.setRows([])
        self.adjudicate_button.setEnabled(False)
        return None

    def _show(self, files, result):
        self.result = result
        self.sentences = dict(files)
        r = self.result
        text = f"{len(self.paths)} annotations of {r.sentences} sentences, {r.words} words"
        if r.fleiss is not None:
            text += f"; Fleiss' kappa {r.fleiss:.4f}"
        self.message.setText(text)
        self.pairs_model.setRows(r.pairs)
        self.show_pair(0)
        self.adjudicate_button.setEnabled(len(self.paths) == 2)
        return r

    def show_pair(self, k: int) -> None:
        if self.result is None or not 0 <= k < len(self.result.pairs):
            return
        p = self.result.pairs[k]
        self.pairs.selectRow(k)
        self.relations_model.setRows(sorted(p.relations.items(), key=lambda kv: -(kv[1].a + kv[1].b)))
        conf = [(key, n) for key, n in p.confusion.most_common() if key[0] != key[1]][:10]
        self.confusions.setText("Most frequent confusions (A → B): " +
                                (", ".join(f"{a} → {b} ({n})" for (a, b), n in conf) if conf else "none"))

    def adjudicate(self):
        """Opens the adjudication of the two files (in its own window); returns the view."""
        if self.result is None or len(self.paths) != 2:
            return None
        from deplab.app.model.adjudication import Adjudication
        from .adjudication_view import AdjudicationView
        a, b = self.paths
        view = AdjudicationView(Adjudication(self.sentences[a], self.sentences[b], a, b))
        view.setWindowTitle(f"Adjudicate {os.path.basename(a)} and {os.path.basename(b)}")
        view.resize(1100, 750)
        self.adjudicationOpened.emit(view)
        return view
