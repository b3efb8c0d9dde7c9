"""The transition table: step, transition, stack, buffer for every configuration (a row is the
configuration *before* its transition).  The current row is selected, clicking a row jumps there,
the first divergence between model and oracle is marked.  The stack column keeps the top of the
stack visible when it does not fit.

The rows are rebuilt for a new trace (the workspace's ``trace_signals``); a step only selects
another row.
"""
from __future__ import annotations

import unicodedata

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QTableView, QWidget

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import MODEL, Workspace

from .table_model import RowsTableModel

DIVERGENCE_BG = QColor("#FBE3D6")
STACK_WIDTH, STACK_MIN, BUFFER_MIN = 220, 110, 90  # the stack column's widths; what the buffer keeps


LRM = "\u200e"  # LEFT-TO-RIGHT MARK


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def isolate_words(text: str) -> str:
    """``[w1 w2 …]`` laid out left to right word by word, also for Arabic or Hebrew words: a left-to-right
    mark after each word ends its run, so the bidi algorithm neither reverses the order of a run of
    right-to-left words nor mirrors the brackets (the stack's top stays at the right end).  (Qt 6.11's text
    layout does not honour the Unicode isolates U+2066–2069, so marks, not isolates.)  Text without
    right-to-left letters is returned as it is."""
    if not _right_to_left(text):
        return text
    bracketed = text.startswith("[") and text.endswith("]")
    inner = text[1:-1] if bracketed else text
    words = " ".join(w if w in ("", "…") else w + LRM for w in inner.split(" "))
    return f"{LRM}[{words}]" if bracketed else f"{LRM}{words}"


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
        self._rtl = False
        self._probs: list[float | None] = []

    def reload(self) -> None:
        self.beginResetModel()
        ws = self.ws
        self.rows = ws.rows()
        self._rtl = _right_to_left(" ".join(ws.forms or []))
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
            if c in (2, 3) and self._rtl:
                return isolate_words(row[c])
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
        self.setColumnWidth(2, STACK_WIDTH)
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
        # (and the stack column's heading whole, the vertical scroll bar beside it)
        scroll = self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(min(self.columnWidth(0) + self.columnWidth(1) + self._stack_floor() + scroll + 2 * self.frameWidth(), 480))
        self._fit_stack_column()
        self.select_step()

    def _fit_stack_column(self) -> None:
        """The stack column takes what the view has left after the step and the transition (keeping the
        buffer column some room), so its left-elided text always ends on the stack's top; a narrow view
        scrolls the buffer column horizontally instead of hiding the top of the stack."""
        free = self.viewport().width() - self.columnWidth(0) - self.columnWidth(1)
        if free - BUFFER_MIN >= STACK_MIN:
            self.setColumnWidth(2, min(STACK_WIDTH, free - BUFFER_MIN))
        else:  # the stack fills what is visible; the buffer column is scrolled to
            self.setColumnWidth(2, max(self._stack_floor(), free))

    def _stack_floor(self) -> int:
        """The narrowest stack column: its heading whole."""
        head = self.table_model.headerData(2, Qt.Orientation.Horizontal)
        return self.horizontalHeader().fontMetrics().horizontalAdvance(str(head)) + 16

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self._fit_stack_column()
        self._ensure_current_visible()

    def showEvent(self, e) -> None:
        super().showEvent(e)
        self._ensure_current_visible()

    def _ensure_current_visible(self) -> None:
        k = self.ws.step
        if 0 <= k < self.table_model.rowCount():
            col = max(0, self.columnAt(0))  # the column at the left edge: only the vertical position changes
            self.scrollTo(self.table_model.index(k, col), QAbstractItemView.ScrollHint.EnsureVisible)

    def select_step(self) -> None:
        k = self.ws.step
        if k < self.table_model.rowCount():
            idx = self.table_model.index(k, 0)
            if self.currentIndex().row() != k:
                self.setCurrentIndex(idx)
            self.selectRow(k)
            self._ensure_current_visible()
            # again once the view has its rows and size (a new trace, a layout switch): the row stays in view
            QTimer.singleShot(0, self, self._ensure_current_visible)

    def selected_step(self) -> int:
        rows = self.selectionModel().selectedRows()
        return rows[0].row() if rows else -1


