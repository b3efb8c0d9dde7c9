"""The token table: the ten CoNLL-U columns of the current sentence, editable.

Rows are the sentence's tokens in file order (multiword-token ranges and
empty nodes greyed).  Edits go through a handler (the annotation controller's
undoable :class:`~app.qt.undo.DocumentEditor`); a refused edit (a cycle, a tab
in a column) is reported with ``editRefused(message)`` and changes nothing.
UPOS and DEPREL edit with a type-ahead combo box, HEAD with a number (0 =
ROOT, ``_`` = detach).  Words with validation issues are tinted and carry the
messages as tooltips.  Fully usable from the keyboard: arrows, F2/typing to
edit, Enter to commit.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRegularExpression, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QRegularExpressionValidator
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QCompleter, QHeaderView, QLineEdit,
                               QStyledItemDelegate, QTableView, QVBoxLayout, QWidget, QLabel)

from deplab.app.model.document import Document, EditError
from deplab.app.model.validation import ERROR, UPOS_TAGS, issues_by_word

HEADERS = ("ID", "FORM", "LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS", "MISC")
COLUMN_NAMES = ("id", "form", "lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc")
COL_ID, COL_FORM, COL_UPOS, COL_HEAD, COL_DEPREL = 0, 1, 3, 6, 7
ERROR_BG, WARNING_BG, SELECT_BG = QColor("#FBE3E0"), QColor("#FFF4D6"), QColor("#DCEBFA")


class TokenTableModel(QAbstractTableModel):
    editRefused = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.doc: Document | None = None
        self.index_: int | None = None
        self.edit_handler: Callable[[int, int, str, str], bool] | None = None
        self.issues: dict[int, list] = {}

    def setSentence(self, doc: Document | None, i: int | None) -> None:
        self.beginResetModel()
        self.doc, self.index_ = doc, i
        self._recheck()
        self.endResetModel()

    def refresh(self) -> None:
        """The sentence changed (edit, undo): re-read it, keeping the table's shape if possible."""
        self._recheck()
        n = self.rowCount()
        if n:
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, len(HEADERS) - 1))

    def _recheck(self) -> None:
        s = self.sentence()
        self.issues = issues_by_word(s) if s is not None else {}

    def sentence(self):
        if self.doc is None or self.index_ is None or not 0 <= self.index_ < len(self.doc):
            return None
        return self.doc[self.index_]

    def rowCount(self, parent=QModelIndex()) -> int:
        s = self.sentence()
        return 0 if parent.isValid() or s is None else len(s.tokens)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def token(self, row: int):
        s = self.sentence()
        return s.tokens[row] if s is not None and 0 <= row < len(s.tokens) else None

    def rowOfWord(self, word: int) -> int:
        s = self.sentence()
        if s is None:
            return -1
        for r, t in enumerate(s.tokens):
            if t.is_word and int(t.id) == word:
                return r
        return -1

    # the roles data() answers; the others (font, alignment, check state: asked of every cell at each
    # paint) are answered before the token is looked up
    _ROLES = frozenset(int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                                        Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
                                        Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole))

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if int(role) not in self._ROLES:
            return None
        t = self.token(index.row()) if index.isValid() else None
        if t is None:
            return None
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return getattr(t, COLUMN_NAMES[col])
        word = int(t.id) if t.is_word else None
        issues = self.issues.get(word, []) if word else []
        if role == Qt.ItemDataRole.BackgroundRole:
            if issues:
                return QBrush(ERROR_BG if any(x.severity == ERROR for x in issues) else WARNING_BG)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and not t.is_word:
            return QBrush(QColor("#8A8A8A"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if issues:
                return "\n".join(str(x) for x in issues)
            if not t.is_word:
                return "multiword token (range)" if t.is_range else "empty node (enhanced graph)"
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == COL_ID and issues:
            from PySide6.QtWidgets import QApplication, QStyle
            sp = QStyle.StandardPixmap.SP_MessageBoxCritical if any(x.severity == ERROR for x in issues) \
                else QStyle.StandardPixmap.SP_MessageBoxWarning
            return QApplication.style().standardIcon(sp)
        return None

    def flags(self, index: QModelIndex):
        f = super().flags(index)
        t = self.token(index.row()) if index.isValid() else None
        if t is None or index.column() == COL_ID:
            return f
        if not t.is_word and COLUMN_NAMES[index.column()] not in ("form", "misc"):
            return f
        return f | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.edit_handler is None:
            return False
        value = "" if value is None else str(value)
        column = COLUMN_NAMES[index.column()]
        if value == getattr(self.token(index.row()), column):
            return False
        try:
            return bool(self.edit_handler(self.index_, index.row(), column, value))
        except EditError as e:
            self.editRefused.emit(str(e))
            return False


class _Delegate(QStyledItemDelegate):
    """Column-specific editors: UPOS and DEPREL combos with completion, HEAD as a number."""

    def __init__(self, table: "TokenTable"):
        super().__init__(table)
        self.table = table

    def createEditor(self, parent, option, index):
        col = index.column()
        if col in (COL_UPOS, COL_DEPREL):
            box = QComboBox(parent)
            box.setEditable(True)
            items = list(UPOS_TAGS) + ["_"] if col == COL_UPOS else self.table.relations()
            box.addItems(items)
            box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            comp = QCompleter(items, box)
            comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            comp.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
            box.setCompleter(comp)
            return box
        ed = QLineEdit(parent)
        if col == COL_HEAD:
            ed.setValidator(QRegularExpressionValidator(QRegularExpression(r"^(_|[0-9]{0,4})$"), ed))
            ed.setPlaceholderText("0 = ROOT")
        return ed

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            editor.setEditText(value)
            editor.lineEdit().selectAll()
        else:
            editor.setText(value)

    def setModelData(self, editor, model, index):
        value = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        if index.column() == COL_UPOS:
            value = value.strip().upper()
        model.setData(index, value, Qt.ItemDataRole.EditRole)


class TokenTable(QWidget):
    """The table widget; ``wordSelected(int)`` when the current row moves to a word."""

    wordSelected = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = TokenTableModel(self)
        self._relations: Callable[[], list[str]] = lambda: []
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(_Delegate(self))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setWordWrap(False)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for col, w in enumerate((44, 96, 90, 62, 52, 150, 48, 86, 100, 90)):
            self.view.setColumnWidth(col, w)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(3)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.summary)
        self.model.modelReset.connect(self._update_summary)
        self.model.dataChanged.connect(self._update_summary)
        self._update_summary()

    def sizeHint(self) -> QSize:
        return QSize(760, 260)

    def setRelationSource(self, fn: Callable[[], list[str]]) -> None:
        self._relations = fn

    def relations(self) -> list[str]:
        return self._relations()

    def setSentence(self, doc: Document | None, i: int | None) -> None:
        self.model.setSentence(doc, i)

    def refresh(self) -> None:
        self.model.refresh()

    def selectWord(self, word: int, column: int = COL_FORM) -> None:
        r = self.model.rowOfWord(word)
        if r >= 0:
            self.view.setCurrentIndex(self.model.index(r, column))

    def currentWord(self) -> int | None:
        idx = self.view.currentIndex()
        t = self.model.token(idx.row()) if idx.isValid() else None
        return int(t.id) if t is not None and t.is_word else None

    def _current_changed(self, cur: QModelIndex, prev: QModelIndex) -> None:
        if cur.isValid() and (not prev.isValid() or cur.row() != prev.row()):
            t = self.model.token(cur.row())
            if t is not None and t.is_word:
                self.wordSelected.emit(int(t.id))

    def _update_summary(self, *args) -> None:
        issues = self.model.issues
        if self.model.sentence() is None:
            self.summary.setText("")
            return
        n_err = sum(1 for v in issues.values() for x in v if x.severity == ERROR)
        n_warn = sum(1 for v in issues.values() for x in v if x.severity != ERROR)
        if not issues:
            self.summary.setText("<span style='color:#009E73'>✔ No problems found</span>")
            return
        lines = [f"<b style='color:#B00000'>{n_err} error{'s' if n_err != 1 else ''}</b>, "
                 f"<b style='color:#8A6100'>{n_warn} warning{'s' if n_warn != 1 else ''}</b>"]
        s = self.model.sentence()
        for w, xs in sorted(issues.items())[:6]:
            form = s.words[w - 1].form if 1 <= w <= len(s.words) else "?"
            lines.append(f"{w} <i>{form}</i>: " + "; ".join(x.message for x in xs))
        if len(issues) > 6:
            lines.append(f"… and {len(issues) - 6} more words")
        self.summary.setText("<br>".join(lines))
