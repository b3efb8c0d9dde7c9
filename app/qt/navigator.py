"""The sentence navigator: id, text and status of every sentence, with filters.

A single table model (:class:`RowsTableModel`) over the document (no widget per row),
so a 12,500-sentence treebank lists instantly; filtering computes the list of
matching sentence indices with :meth:`Document.find` and resets the model.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPixmap, QIcon
from PySide6.QtWidgets import (QComboBox, QHeaderView, QLabel, QLineEdit, QTableView,
                               QToolButton, QVBoxLayout, QWidget, QAbstractItemView, QGridLayout)

from deplab.app.model.document import EDITED, GOLD, PARSED, STATUSES, UNANNOTATED, Document
from deplab.app.model.validation import UPOS_TAGS
from deplab.app.qt.table_model import RowsTableModel

# Okabe & Ito colours, each status also written out in words
STATUS_COLORS = {UNANNOTATED: "#9A9A9A", PARSED: "#0072B2", EDITED: "#E69F00", GOLD: "#009E73"}


def status_icon(status: str, size: int = 10) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(STATUS_COLORS.get(status, "#000")))
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pm)


class SentenceListModel(RowsTableModel):
    """Rows are the sentences that pass the filter; columns #, sent_id, status, text."""

    COLUMNS = HEADERS = ("#", "sent_id", "Status", "Text")

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.doc: Document | None = None
        self.rows: list[int] = []
        self._icons = {s: status_icon(s) for s in STATUSES}
        self._brushes = {s: QBrush(QColor(STATUS_COLORS[s]).darker(125)) for s in STATUSES}
        self._sent_ids: dict[int, tuple] = {}  # sentence -> (the Sentence read, its sent_id)
        # parser uncertainty per sentence (Lab ▸ Fine-tuning); when set, column 4 shows it
        self.scores: dict[int, float] = {}

    def setDocument(self, doc: Document | None, rows: list[int] | None = None) -> None:
        self.beginResetModel()
        self.doc = doc
        self._sent_ids = {}
        self.rows = rows if rows is not None else (list(range(len(doc))) if doc else [])
        self.endResetModel()

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS) + (1 if self.scores else 0)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section] if section < len(self.COLUMNS) else "Uncertainty"
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal \
                and section == len(self.COLUMNS):
            return "1 − mean margin between the parser's two best transitions: higher = less certain"
        return None

    def sentenceAt(self, row: int) -> int:
        return self.rows[row]

    def rowOf(self, sentence: int) -> int:
        try:
            return self.rows.index(sentence)
        except ValueError:
            return -1

    # the roles data() answers, as the ints views ask with; any other role is answered at once (a paint
    # of the visible rows asks each cell seven roles: the Python calls are most of what the list costs)
    _DISPLAY, _DECORATION, _TOOLTIP = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.DecorationRole), \
        int(Qt.ItemDataRole.ToolTipRole)
    _ALIGN, _FOREGROUND = int(Qt.ItemDataRole.TextAlignmentRole), int(Qt.ItemDataRole.ForegroundRole)
    _ROLES = frozenset((_DISPLAY, _DECORATION, _TOOLTIP, _ALIGN, _FOREGROUND))
    _RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        role = int(role)
        if role not in self._ROLES or self.doc is None or not index.isValid():
            return None
        i = self.rows[index.row()]
        col = index.column()
        if col == len(self.COLUMNS):  # uncertainty
            if role == self._DISPLAY:
                return f"{self.scores[i]:.3f}" if i in self.scores else ""
            return self._RIGHT if role == self._ALIGN else None
        if role == self._DISPLAY:
            if col == 0:
                return str(i + 1)
            if col == 1:
                return self._sent_id(i)
            if col == 2:
                st = self.doc.status(i)
                return st + (" *" if self.doc.is_modified(i) else "")
            return self.doc[i].text
        if col == 2:
            if role == self._DECORATION:
                return self._icons[self.doc.status(i)]
            if role == self._FOREGROUND:
                return self._brushes[self.doc.status(i)]
            if role == self._TOOLTIP:
                return "changed since the last save" if self.doc.is_modified(i) else None
            return None
        if role == self._TOOLTIP and col == 3:
            return self.doc[i].text
        if role == self._ALIGN and col == 0:
            return self._RIGHT
        return None

    def _sent_id(self, i: int) -> str:
        """Sentence i's sent_id, read from its comments once (until the sentence changes)."""
        cache = self._sent_ids
        s = self.doc[i]
        hit = cache.get(i)
        if hit is None or hit[0] is not s:
            hit = cache[i] = (s, s.sent_id or "")
        return hit[1]

    def sentencesChanged(self, indices: list[int]) -> None:
        if not self.rows:
            return
        if len(indices) > 50:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 3))
            return
        for i in indices:
            r = self.rowOf(i)
            if r >= 0:
                self.dataChanged.emit(self.index(r, 0), self.index(r, 3))


class Navigator(QWidget):
    """Filter bar + sentence table.  ``sentenceActivated(int)`` when the user picks a sentence."""

    sentenceActivated = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.doc: Document | None = None
        self.model = SentenceListModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        self.view.setColumnWidth(0, 60)
        self.view.setColumnWidth(1, 110)
        self.view.setColumnWidth(2, 100)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)

        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Text or sent_id contains…")
        self.text_filter.setClearButtonEnabled(True)
        self.form_filter = QLineEdit()
        self.form_filter.setPlaceholderText("Word form")
        self.form_filter.setClearButtonEnabled(True)
        self.upos_filter = QComboBox()
        self.upos_filter.addItem("any UPOS", "")
        for t in UPOS_TAGS:
            self.upos_filter.addItem(t, t)
        self.rel_filter = QComboBox()
        self.rel_filter.setEditable(True)
        self.rel_filter.lineEdit().setPlaceholderText("any relation")
        self.status_filter = QComboBox()
        self.status_filter.addItem("any status", "")
        for s in STATUSES:
            self.status_filter.addItem(status_icon(s), s, s)
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setToolTip("Show all sentences")
        self.clear_button.clicked.connect(self.clearFilters)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #555")

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(3)
        grid.addWidget(self.text_filter, 0, 0, 1, 3)
        grid.addWidget(self.status_filter, 0, 3)
        grid.addWidget(self.form_filter, 1, 0)
        grid.addWidget(self.upos_filter, 1, 1)
        grid.addWidget(self.rel_filter, 1, 2)
        grid.addWidget(self.clear_button, 1, 3)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(grid)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.count_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.applyFilters)
        self.text_filter.textChanged.connect(lambda: self._timer.start())
        self.form_filter.textChanged.connect(lambda: self._timer.start())
        self.rel_filter.editTextChanged.connect(lambda: self._timer.start())
        self.upos_filter.currentIndexChanged.connect(self.applyFilters)
        self.status_filter.currentIndexChanged.connect(self.applyFilters)
        self._suppress = False
        self._update_count()

    def sizeHint(self) -> QSize:
        return QSize(420, 500)

    # -- document -------------------------------------------------------------------------
    def setDocument(self, doc: Document | None) -> None:
        if self.doc is not None:
            self.doc.changed.disconnect(self._doc_changed)
        self.doc = doc
        if doc is not None:
            doc.changed.connect(self._doc_changed)
        self._fill_relations()
        self.model.setDocument(doc, self._filtered() if doc else [])
        self._update_count()

    def _fill_relations(self) -> None:
        keep = self.rel_filter.currentText()
        self.rel_filter.blockSignals(True)
        self.rel_filter.clear()
        self.rel_filter.addItem("")
        if self.doc is not None:
            self.rel_filter.addItems(self.doc.relations())
        self.rel_filter.setEditText(keep)
        self.rel_filter.blockSignals(False)

    def _doc_changed(self, indices: list[int]) -> None:
        self.model.sentencesChanged(indices)
        self._update_count()

    # -- filtering --------------------------------------------------------------------------
    def filters(self) -> dict:
        return {"text": self.text_filter.text(), "form": self.form_filter.text(),
                "upos": self.upos_filter.currentData() or "", "deprel": self.rel_filter.currentText().strip(),
                "status": self.status_filter.currentData() or None}

    def setFilters(self, text: str = "", form: str = "", upos: str = "", deprel: str = "",
                   status: str | None = None) -> None:
        for w in (self.text_filter, self.form_filter, self.upos_filter, self.rel_filter, self.status_filter):
            w.blockSignals(True)
        self.text_filter.setText(text)
        self.form_filter.setText(form)
        self.upos_filter.setCurrentIndex(max(0, self.upos_filter.findData(upos.upper())) if upos else 0)
        self.rel_filter.setEditText(deprel)
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(status)) if status else 0)
        for w in (self.text_filter, self.form_filter, self.upos_filter, self.rel_filter, self.status_filter):
            w.blockSignals(False)
        self.applyFilters()

    def clearFilters(self) -> None:
        self.setFilters()

    def _filtered(self) -> list[int]:
        f = self.filters()
        rows = list(range(len(self.doc))) if not any(f.values()) else self.doc.find(**f)
        if self.model.scores:  # most uncertain first, then the sentences without a score
            sc = self.model.scores
            rows.sort(key=lambda i: (i not in sc, -sc.get(i, 0.0), i))
        return rows

    def setScores(self, scores: dict[int, float] | None) -> None:
        """Shows parser uncertainty per sentence (an extra column, shown before the text) and lists
        the most uncertain sentences first; None or {} returns to document order."""
        had = bool(self.model.scores)
        self.model.beginResetModel()
        self.model.scores = dict(scores or {})
        self.model.endResetModel()
        if self.model.scores and not had:
            hh = self.view.horizontalHeader()
            hh.moveSection(hh.visualIndex(len(SentenceListModel.COLUMNS)), 3)
            self.view.setColumnWidth(len(SentenceListModel.COLUMNS), 80)
        if self.doc is not None:
            self.applyFilters()

    def applyFilters(self) -> None:
        self._timer.stop()
        if self.doc is None:
            return
        current = self.currentSentence()
        self.model.setRows(self._filtered())
        self._update_count()
        if current is not None:
            self.selectSentence(current, emit=False)

    def _update_count(self) -> None:
        if self.doc is None:
            self.count_label.setText("No document")
            return
        c = self.doc.status_counts()
        shown = len(self.model.rows)
        parts = [f"<span style='color:{STATUS_COLORS[s]}'>●</span> {c[s]} {s}" for s in STATUSES]
        prefix = f"{shown} of {len(self.doc)} shown" if shown != len(self.doc) else f"{len(self.doc)} sentences"
        self.count_label.setText(f"{prefix} — " + "&nbsp; ".join(parts))

    # -- selection ------------------------------------------------------------------------------
    def currentSentence(self) -> int | None:
        idx = self.view.currentIndex()
        if not idx.isValid() or idx.row() >= len(self.model.rows):
            return None
        return self.model.sentenceAt(idx.row())

    def selectSentence(self, i: int, emit: bool = True) -> bool:
        """Selects sentence i in the table (False if it is filtered out)."""
        r = self.model.rowOf(i)
        if r < 0:
            return False
        self._suppress = not emit
        try:
            self.view.setCurrentIndex(self.model.index(r, 0))
            self.view.scrollTo(self.model.index(r, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._suppress = False
        return True

    def _row_changed(self, cur: QModelIndex, prev: QModelIndex) -> None:
        if self._suppress or not cur.isValid():
            return
        self.sentenceActivated.emit(self.model.sentenceAt(cur.row()))
