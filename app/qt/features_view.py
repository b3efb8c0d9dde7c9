"""The 48 input features of the current step (Chen & Manning 2014, sec. 3.1).

One row per template position (s1 ... rc1(rc1(s2))), one column each for the
word (``.w``), the POS tag (``.t``) and, at the 12 child positions, the arc
label (``.l``) that the feature picks.  Model traces carry the features the
network read; for the oracle they are computed from the configuration with
the engine's template (they are the training example of that step).
Selecting a row emits ``wordSelected`` so the arc view can outline the word.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from deplab.app.model.workspace import ORACLE, Workspace
from deplab.parser import features as F

_PLACES = {"s1": "the top of the stack", "s2": "the second word on the stack", "s3": "the third word on the stack",
           "b1": "the first word of the buffer", "b2": "the second word of the buffer",
           "b3": "the third word of the buffer"}
_CHILD = {"lc1": "the leftmost child", "rc1": "the rightmost child", "lc2": "the second leftmost child",
          "rc2": "the second rightmost child"}


def describe_position(pos: str) -> str:
    """'lc1(lc1(s2))' -> 'the leftmost child of the leftmost child of the second word on the stack'."""
    if pos in _PLACES:
        return _PLACES[pos]
    fn, rest = pos.split("(", 1)
    return f"{_CHILD[fn]} of {describe_position(rest[:-1])}"


class FeaturesView(QWidget):
    wordSelected = Signal(int)  # word index (0 = ROOT), -1 for none

    COLUMNS = ["Position", "Word .w", "Tag .t", "Label .l"]

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        self.arch: str | None = None
        self.reads: set[str] | None = None  # the features the model reads (None: all 48)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color:#555")
        self.table = QTableWidget(len(F.POSITIONS), 4)
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        for c, tip in enumerate(("Template position", "Word features (.w)", "POS tag features (.t)",
                                 "Arc label features (.l), at the 12 child positions")):
            self.table.horizontalHeaderItem(c).setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.note)
        lay.addWidget(self.table, 1)
        self._values: dict[str, tuple[str, int]] = {}
        self._selected = -1
        self.table.itemSelectionChanged.connect(self._selection_changed)
        workspace.changed.connect(self.refresh)
        workspace.step_changed.connect(lambda *_: self.refresh())
        workspace.mode_changed.connect(lambda *_: self.refresh())
        self.refresh()

    def set_architecture(self, arch: str | None, features_read: list[str] | None = None) -> None:
        """``features_read`` comes from ``Pipeline.describe()``; the others are greyed out."""
        self.arch = arch
        self.reads = set(features_read) if features_read and len(features_read) < len(F.FEATURE_NAMES) else None
        self.refresh()

    def values(self) -> dict[str, tuple[str, int]]:
        """Feature name -> (value, word index) as displayed."""
        return dict(self._values)

    def positions(self) -> set[int]:
        """Word indices the features read (0 = ROOT; NULL positions left out)."""
        return {i for _, i in self._values.values() if i >= 0}

    def current_features(self) -> tuple[dict[str, tuple[str, int]], str]:
        ws = self.ws
        t = ws.trace
        if t is None or ws.step >= len(t):
            return {}, ("No features: parse a sentence." if t is None
                        else "Terminal configuration: no transition is chosen, no features are read.")
        step = t.steps[ws.step]
        if step.features is not None:
            return dict(step.features), "The 48 features the network read at this step."
        if ws.mode == ORACLE:
            return (F.describe(step.config, t.forms, t.tags),
                    "Oracle mode: the 48 features of this configuration, i.e. the training example "
                    "(features → gold transition) this step contributes.")
        return {}, "This trace has no features."

    def refresh(self) -> None:
        values, note = self.current_features()
        used = self.reads
        if used is not None and values:
            vectors = ", ".join(f[:-2] for f in F.FEATURE_NAMES if f in used and f.endswith(".w"))
            note += (f" This {self.arch} model reads only the BiLSTM vectors of {vectors} and the "
                     f"{sum(f.endswith('.l') for f in used)} labels; the other features are greyed out.")
        self._values = values
        self.note.setText(note)
        sel = self.table.currentRow()
        self.table.blockSignals(True)
        for r, pos in enumerate(F.POSITIONS):
            idx = values.get(pos + ".w", ("", -1))[1] if values else -1
            self._item(r, 0).setToolTip(describe_position(pos) + (f" — word {idx}" if idx > 0 else ""))
            for c, suffix in enumerate((".w", ".t", ".l"), start=1):
                name = pos + suffix
                cell = self._item(r, c)
                if name not in F.FEATURE_NAMES:
                    continue
                val, wi = values.get(name, ("", -1))
                cell.setText(val)
                what = {".w": "the word", ".t": "the POS tag", ".l": "the arc label"}[suffix]
                cell.setToolTip(f"{name}: {what} of {describe_position(pos)}" + (f" = {val}" if val else ""))
                grey = val in ("<NULL>", "") or (used is not None and name not in used)
                cell.setForeground(QColor("#A8A8A8") if grey else QBrush())  # QBrush(): the default ink
        self.table.blockSignals(False)
        if 0 <= sel < self.table.rowCount():
            self.table.selectRow(sel)
        self._selection_changed()

    def _item(self, r: int, c: int) -> QTableWidgetItem:
        """The table's cells are made once and then only updated (a step changes 48 texts, nothing else)."""
        item = self.table.item(r, c)
        if item is None:
            pos = F.POSITIONS[r]
            if c == 0:
                item = QTableWidgetItem(pos)
                f = QFont()
                f.setFamily("DejaVu Sans Mono")
                item.setFont(f)
            else:
                item = QTableWidgetItem("")
                if pos + (".w", ".t", ".l")[c - 1] not in F.FEATURE_NAMES:  # no label feature at s1..b3
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    item.setBackground(QColor("#F3F3F3"))
            self.table.setItem(r, c, item)
        return item

    def selected_word(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self._values:
            return -1
        return self._values.get(F.POSITIONS[rows[0].row()] + ".w", ("", -1))[1]

    def _selection_changed(self) -> None:
        w = self.selected_word()
        if w != self._selected:
            self._selected = w
            self.wordSelected.emit(w)
