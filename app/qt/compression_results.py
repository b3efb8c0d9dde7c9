"""Lab ▸ Compression's results table: one row per measured model (method, setting, scores, size,
speed, the data it was scored on), its tooltip the model's folder and exact sizes."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

COLUMNS = ["Method", "Setting", "LAS", "UAS", "Bytes", "Ratio", "Sparsity", "Sent/s", "Params", "Non-zero", "Data"]


def human_bytes(n: int | None) -> str:
    if n is None:
        return "–"
    for unit, size in (("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}" if n < 100 * size else f"{n / size:.0f} {unit}"
    return f"{n} B"


class ResultsTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.setMinimumHeight(190)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        h = self.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        h.resizeSection(1, 150)

    def add_result(self, r) -> None:
        """A row for ``r`` (a ``parser.compression`` Result, ``r.extra["dev"]`` naming its data)."""
        row = self.rowCount()
        self.insertRow(row)
        setting = r.setting if not r.layer else f"{r.layer}: {r.sparsity:.0%}"
        cells = {"Method": r.method, "Setting": setting, "LAS": f"{r.LAS:.2f}", "UAS": f"{r.UAS:.2f}",
                 "Bytes": human_bytes(r.weight_bytes), "Ratio": f"{r.ratio:.1f}×" if r.ratio else "–",
                 "Sparsity": f"{r.sparsity:.1%}", "Sent/s": f"{r.sentences_per_s:.0f}",
                 "Params": f"{r.parameters:,}", "Non-zero": f"{r.nonzeros:,}", "Data": r.extra["dev"]}
        for c, name in enumerate(COLUMNS):
            item = QTableWidgetItem(cells[name])
            if name not in ("Method", "Setting", "Data"):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = f"{r.method}: {setting}\n{r.path or ''}"
            if r.total_bytes:
                tip += f"\nwhole folder: {r.total_bytes:,} bytes ({r.total_ratio:.1f}× smaller)"
            if r.weight_bytes:
                tip += f"\nweights: {r.weight_bytes:,} bytes"
            item.setToolTip(tip.strip())
            self.setItem(row, c, item)
        self.scrollToBottom()
