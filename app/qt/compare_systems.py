"""Compare systems: two transition systems' oracle sequences for the same sentence, side by side.

The sequences come from the engine (:meth:`app.model.workspace.Workspace.oracle_of`, i.e.
``parser.oracle``); the table of arcs says at which step each system builds each arc
(:meth:`parser.transition.Trace.arc_steps`).  Nothing here knows a transition rule.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QSplitter,
                               QTableView, QVBoxLayout, QWidget)

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import Workspace

from .table_model import RowsTableModel


class _Rows(RowsTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if row[index.column()] is None else str(row[index.column()])
        if role == Qt.ItemDataRole.BackgroundRole and len(row) > 3 and row[-1] == "differs":
            return QColor("#FBE3D6")
        return None


def _table(model: RowsTableModel) -> QTableView:
    t = QTableView()
    t.setModel(model)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(22)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class CompareSystemsView(QWidget):
    """Two systems' oracle sequences (step, transition, arc added) and, per arc, the step each builds it."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        self.left_box, self.right_box = QComboBox(), QComboBox()
        for box, name in ((self.left_box, "arc-standard"), (self.right_box, "arc-eager")):
            box.addItems(workspace.systems)
            box.setCurrentText(name)
            box.currentTextChanged.connect(lambda *_: self.refresh())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.left_model = _Rows(("#", "Transition", "Arc added"))
        self.right_model = _Rows(("#", "Transition", "Arc added"))
        self.arc_model = _Rows(("Arc", "step A", "step B", ""))
        self.left_table, self.right_table = _table(self.left_model), _table(self.right_model)
        self.arc_table = _table(self.arc_model)
        self.arc_table.setToolTip("At which step each system adds each arc of the tree (shaded: the two systems "
                                  "add it at different steps)")
        top = QHBoxLayout()
        top.addWidget(QLabel("A:"))
        top.addWidget(self.left_box)
        top.addSpacing(12)
        top.addWidget(QLabel("B:"))
        top.addWidget(self.right_box)
        top.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.left_table)
        split.addWidget(self.right_table)
        split.addWidget(self.arc_table)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)
        self._stale = False  # the tree changed while the tab was hidden: filled when it is shown
        connect_all(workspace.tree_signals, self.refresh)  # the tree derived; not the mode, not the step
        self.refresh()

    def systems(self) -> tuple[str, str]:
        return self.left_box.currentText(), self.right_box.currentText()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Fills the tables for the workspace's tree; while the window is on screen but this tab is not
        (another tab in front, or the stepper hidden for a treebank), only notes that they are stale:
        deriving two oracles is most of the time a sentence takes to show, for a view nobody sees."""
        window = self.window()
        if window is not self and window.isVisible() and not self.isVisible():
            self._stale = True
            return
        self._stale = False
        ws = self.ws
        a_name, b_name = self.systems()
        a, b = ws.oracle_of(a_name), ws.oracle_of(b_name)
        for model, trace in ((self.left_model, a), (self.right_model, b)):
            rows = []
            if trace is not None:
                for k in range(len(trace)):
                    arc = trace.arc_of(k)
                    rows.append((k, str(trace.transition_at(k)),
                                 f"{ws.word(arc[0])} —{arc[2]}→ {ws.word(arc[1])}" if arc else ""))
            model.setRows(rows)
        if a is None or b is None:
            missing = [n for n, t in ((a_name, a), (b_name, b)) if t is None]
            self.summary.setText("<i>No tree to derive: open a treebank sentence, or pick a system in the mode "
                                 "menu to derive the parser's tree of typed text.</i>" if ws.sentence is None or
                                 (ws.gold is None and not ws.parser_gold) else
                                 f"<i>{', '.join(missing)} cannot derive this tree (non-projective: "
                                 f"only swap can).</i>")
            self.arc_model.setRows([])
            return
        sa, sb = a.arc_steps(), b.arc_steps()
        rows = []
        for d in range(1, len(ws.forms) + 1):
            arc = a.arc_of(sa[d]) if d in sa else None
            if arc is None:
                continue
            rows.append((f"{ws.word(arc[0])} —{arc[2]}→ {ws.word(d)}", sa.get(d), sb.get(d),
                         "same" if sa.get(d) == sb.get(d) else "differs"))
        self.arc_model.setRows(rows)
        same = sum(r[-1] == "same" for r in rows)
        whose = "the gold tree" if ws.gold is not None else "the parser's tree"
        self.summary.setText(f"{whose}: <b>{a_name}</b> {len(a)} transitions, <b>{b_name}</b> {len(b)} transitions; "
                             f"{same} of {len(rows)} arcs added at the same step")

    def step_counts(self) -> tuple[int | None, int | None]:
        a, b = (self.ws.oracle_of(n) for n in self.systems())
        return (len(a) if a else None, len(b) if b else None)
