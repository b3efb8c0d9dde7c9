"""Gold versus parsed for one sentence: arcs drawn together and a column table.

The arc view draws the system (parsed) tree compared with gold: correct arcs
in one colour, a wrong head and a right head with a wrong label in two others,
and the gold arc a wrong head missed dashed (colours from
:mod:`app.qt.relations`, each kind named in the legend).  The table lists
gold and system UPOS, HEAD and DEPREL side by side with the differing cells
marked, the way annotators compare two CoNLL-U files.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from deplab.parser.evaluate import universal_relation

from .arc_view import ArcView
from .table_model import RowsTableModel
from .relations import DIFF

HEAD_WRONG = QColor(DIFF["head"][1]).lighter(175)
LABEL_WRONG = QColor(DIFF["label"][1]).lighter(160)
UPOS_WRONG = QColor("#FFF0B3")


def compare_words(gold, system) -> list[dict]:
    """Per word: forms and gold/system UPOS, HEAD, DEPREL with what differs.

    A label counts as wrong as in the evaluation (universal part only), and
    only when the head is right.
    """
    rows = []
    for k, (g, s) in enumerate(zip(gold.words, system.words), 1):
        head_ok = g.head == s.head
        label_ok = universal_relation(g.deprel) == universal_relation(s.deprel)
        rows.append({"id": k, "form": g.form, "gold": (g.upos, g.head, g.deprel), "system": (s.upos, s.head, s.deprel),
                     "upos_ok": g.upos == s.upos, "head_ok": head_ok, "label_ok": label_ok})
    return rows


class DiffTableModel(RowsTableModel):
    HEADERS = ("ID", "FORM", "UPOS gold", "UPOS parsed", "HEAD gold", "HEAD parsed", "DEPREL gold", "DEPREL parsed")

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(r["id"])
            if col == 1:
                return r["form"]
            which, k = ("gold", "system")[(col - 2) % 2], (col - 2) // 2
            return r[which][k]
        bad = None
        if col in (2, 3) and not r["upos_ok"]:
            bad = UPOS_WRONG
        elif col in (4, 5) and not r["head_ok"]:
            bad = HEAD_WRONG
        elif col in (6, 7) and r["head_ok"] and not r["label_ok"]:
            bad = LABEL_WRONG
        if role == Qt.ItemDataRole.BackgroundRole and bad is not None:
            return QBrush(bad)
        if role == Qt.ItemDataRole.FontRole and bad is not None and col % 2 == 1:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole and bad is not None:
            return {UPOS_WRONG.name(): "UPOS differs", HEAD_WRONG.name(): DIFF["head"][0],
                    LABEL_WRONG.name(): DIFF["label"][0]}.get(bad.name())
        return None


class DiffView(QWidget):
    """``setSentences(gold, system)`` shows one sentence's comparison."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel("Pick a sentence in the evaluation panel to compare gold and parsed trees.")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.arcs = ArcView()
        self.arcs.setEditable(False)
        self.table_model = DiffTableModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(21)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.arcs)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(split, 1)
        self.gold = self.system = None

    def sizeHint(self) -> QSize:
        return QSize(760, 520)

    def setSentences(self, gold, system, title: str | None = None) -> None:
        self.gold, self.system = gold, system
        sw, gw = system.words, gold.words
        self.arcs.setTree([w.form for w in sw], [w.upos for w in sw], [w.head_index for w in sw],
                          [None if w.deprel == "_" else w.deprel for w in sw])
        self.arcs.setDiff([w.head_index for w in gw], [None if w.deprel == "_" else w.deprel for w in gw])
        rows = compare_words(gold, system)
        self.table_model.setRows(rows)
        n = len(rows)
        heads = sum(r["head_ok"] for r in rows)
        labelled = sum(r["head_ok"] and r["label_ok"] for r in rows)
        upos = sum(r["upos_ok"] for r in rows)
        name = title or (gold.sent_id and f"sent_id {gold.sent_id}") or "sentence"
        self.title.setText(f"<b>{name}</b> — {n} words: {heads} right heads, {labelled} right heads and labels, "
                           f"{upos} right UPOS. Arcs show the parsed tree against gold.")
