"""The Validation panel: every problem :mod:`deplab.parser.validate` finds in the document.

The document is validated as it would be saved (``Document.to_bytes()``), with the same
checks and test ids as ``deplab validate``; a click (or Enter) on a problem emits
``goToRequested(sentence index, word id or 0)``.  Re-validate after edits with the button.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from deplab.parser.validate import ERROR, validate_bytes

from .table_model import RowsTableModel

#: documents with more sentences than this are validated off the GUI thread
BACKGROUND_THRESHOLD = 2000


class _Problems(RowsTableModel):
    HEADERS = ("line", "sentence", "word", "level", "check", "problem")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        p = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (p.line, p.sent_id or (f"#{p.sentence + 1}" if p.sentence is not None else ""),
                    p.word or "", f"L{p.level}", p.check, p.message)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and p.severity != ERROR:
            return QBrush(QColor("#8A6D00"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(p)
        return None


class ValidationPanel(QWidget):
    """``ValidationPanel(doc=None)``; ``validate()`` / ``start()`` run the checks.

    Signals: ``goToRequested(int sentence, int word)`` (word 0: the sentence itself), ``finished(problems)``."""

    goToRequested = Signal(int, int)
    finished = Signal(list)

    def __init__(self, doc=None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.problems = []
        self.level = QComboBox()
        for lv, text in ((1, "level 1: format"), (2, "level 2: contents"), (3, "level 3: universal syntax")):
            self.level.addItem(text, lv)
        self.level.setCurrentIndex(2)
        self.button = QPushButton("Validate")
        self.summary = QLabel("")
        self.model = _Problems()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(lambda ix: self.go_to(ix.row()))
        self.table.activated.connect(lambda ix: self.go_to(ix.row()))
        row = QHBoxLayout()
        row.addWidget(self.level)
        row.addWidget(self.button)
        row.addWidget(self.summary, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.table, 1)
        self.task = None
        self.button.clicked.connect(self.start)

    def set_document(self, doc) -> None:
        self.doc = doc
        self.problems = []
        self.model.setRows([])
        self.summary.setText("")

    def validate(self) -> list:
        """Validates now (in the GUI thread) and shows the problems; see :meth:`start` for big documents."""
        if self.doc is None:
            return []
        data, _ = self.doc.to_bytes()
        self._show(validate_bytes(data, self.doc.name, self.level.currentData()))
        return self.problems

    def start(self) -> None:
        """Validates off the GUI thread when the document is big (``finished(problems)`` at the end)."""
        if self.doc is None:
            return
        if len(self.doc) <= BACKGROUND_THRESHOLD:
            self.validate()
            self.finished.emit(self.problems)
            return
        from .workers import run_task
        data, _ = self.doc.to_bytes()
        name, level = self.doc.name, self.level.currentData()
        self.button.setEnabled(False)
        self.summary.setText("validating…")

        def done(problems):
            self.button.setEnabled(True)
            self._show(problems)
            self.finished.emit(problems)

        def failed(message):
            self.button.setEnabled(True)
            self.summary.setText(f"validation failed: {message}")

        self.task = run_task(lambda ctx: validate_bytes(data, name, level), on_done=done, on_error=failed)

    def _show(self, problems) -> None:
        self.problems = problems
        self.model.setRows(self.problems)
        errors = sum(1 for p in self.problems if p.severity == ERROR)
        warnings = len(self.problems) - errors
        self.summary.setText(("valid: " if not errors else "") +
                             f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")

    def go_to(self, row: int) -> None:
        p = self.problems[row]
        if p.sentence is None:
            return
        word = int(p.word) if p.word and p.word.isdigit() else 0
        self.goToRequested.emit(p.sentence, word)
