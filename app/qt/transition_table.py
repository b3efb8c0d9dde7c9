"""The transition table: step, transition, stack, buffer for every configuration (a row is the
configuration *before* its transition).  The current row is selected, clicking a row jumps there,
the first divergence between model and oracle is marked.  The stack column keeps the top of the
stack visible when it does not fit.

The rows are rebuilt for a new trace (the workspace's ``trace_signals``); a step only selects
another row.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QTableView, QWidget

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import MODEL, Workspace

from .table_model import RowsTableModel

DIVERGENCE_BG = QColor("#FBE3D6")


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


