"""The Adjudication view: two annotations side by side, and the adjudicated tree built from them.

A view over :class:`deplab.app.model.adjudication.Adjudication`.  The list holds the
sentences where A and B disagree (with how many words are still open).  For the chosen
sentence, A's tree is drawn compared with B's and B's compared with A's (the differing
arcs marked in the diff colours), above the adjudicated tree, whose open words are
outlined.  Per word: *Take A* (key A) or *Take B* (key B), or drag the word onto a head in
the adjudicated tree and type its relation; *All A* / *All B* settle the whole sentence.  Every pick goes
through a :class:`~deplab.app.qt.undo.DocumentEditor` (Ctrl+Z / Ctrl+Shift+Z), and
*Save…* writes the adjudicated file atomically.
"""
from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from deplab.app.model.adjudication import A, B, Adjudication
from deplab.app.model.document import EditError

from .arc_view import ArcView
from .table_model import RowsTableModel
from .undo import DocumentEditor

OPEN_COLOR = QColor("#FFF0B3")


class _Words(RowsTableModel):
    HEADERS = ("word", "form", "A", "B", "adjudicated")

    def __init__(self, view: "AdjudicationView"):
        super().__init__()
        self.view = view

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        adj, i = self.view.adj, self.view.current
        w = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return w
            if col == 1:
                return adj.a[i].words[w - 1].form
            if col in (2, 3):
                h, rel = adj.arc(i, w, A if col == 2 else B)
                return f"{h} {rel}"
            r = adj.result[i].words[w - 1]
            if r.head == "_":
                return "open"
            who = adj.chosen(i, w)
            return f"{r.head} {r.deprel}  ({'A' if who == A else 'B' if who == B else who})"
        if role == Qt.ItemDataRole.BackgroundRole and col == 4 and adj.result[i].words[w - 1].head == "_":
            return QBrush(OPEN_COLOR)
        return None


class _WordTable(QTableView):
    """The differing words; A and B pick an annotation (item views would take letters for type-ahead)."""

    def __init__(self, pick):
        super().__init__()
        self._pick = pick

    def keyPressEvent(self, e) -> None:
        if e.key() in (Qt.Key.Key_A, Qt.Key.Key_B) and not e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._pick(A if e.key() == Qt.Key.Key_A else B)
            return
        super().keyPressEvent(e)


class AdjudicationView(QWidget):
    """``AdjudicationView(adjudication, stack=None)``; signal ``saved(path)``."""

    saved = Signal(str)

    def __init__(self, adjudication: Adjudication, stack: QUndoStack | None = None, parent=None):
        super().__init__(parent)
        self.adj = adjudication
        self.editor = DocumentEditor(adjudication.result, stack)
        self.current = adjudication.sentences[0] if adjudication.sentences else -1

        self.list = QListWidget()
        self.view_a, self.view_b, self.view_r = ArcView(), ArcView(), ArcView()
        self.view_r.setEditable(True)
        self.label_a = QLabel(f"A: {os.path.basename(adjudication.name_a)}")
        self.label_b = QLabel(f"B: {os.path.basename(adjudication.name_b)}")
        self.label_a.setToolTip(adjudication.name_a)
        self.label_b.setToolTip(adjudication.name_b)
        self.label_r = QLabel("Adjudicated (drag a word onto its head to attach it otherwise)")
        self.words_model = _Words(self)
        self.words = _WordTable(lambda side: self.pick(side))
        self.words.setModel(self.words_model)
        self.words.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.words.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.words.verticalHeader().hide()
        self.words.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.take_a, self.take_b = QPushButton("Take A"), QPushButton("Take B")
        self.take_a.setToolTip("Use A's head and relation for the selected word (A)")
        self.take_b.setToolTip("Use B's head and relation for the selected word (B)")
        self.all_a, self.all_b = QPushButton("All A"), QPushButton("All B")
        self.undo_button, self.redo_button = QPushButton("Undo"), QPushButton("Redo")
        self.save_button = QPushButton("Save…")
        self.relation = QLineEdit()
        self.relation.setPlaceholderText("relation")
        self.relation.setMaximumWidth(120)
        self.relation.setToolTip("Type a relation and press Enter to give it to the selected word")
        self.relation.returnPressed.connect(lambda: self.set_relation(self.relation.text()))
        self.status = QLabel("")

        buttons = QHBoxLayout()
        for b in (self.take_a, self.take_b, self.all_a, self.all_b, self.relation, self.undo_button,
                  self.redo_button, self.save_button):
            buttons.addWidget(b)
        buttons.addWidget(self.status, 1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        trees = QHBoxLayout()
        for label, view in ((self.label_a, self.view_a), (self.label_b, self.view_b)):
            box = QVBoxLayout()
            box.addWidget(label)
            box.addWidget(view, 1)
            trees.addLayout(box, 1)
        rl.addLayout(trees, 2)
        rl.addWidget(self.label_r)
        rl.addWidget(self.view_r, 2)
        rl.addWidget(self.words, 1)
        rl.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 4)
        lay = QVBoxLayout(self)
        lay.addWidget(split)

        self.list.currentRowChanged.connect(self._row_changed)
        self.take_a.clicked.connect(lambda: self.pick(A))
        self.take_b.clicked.connect(lambda: self.pick(B))
        self.all_a.clicked.connect(lambda: self.pick_all(A))
        self.all_b.clicked.connect(lambda: self.pick_all(B))
        self.undo_button.clicked.connect(self.editor.stack.undo)
        self.redo_button.clicked.connect(self.editor.stack.redo)
        self.save_button.clicked.connect(self._save_dialog)
        self.view_r.attachRequested.connect(self._attach)
        for keys, fn in (("A", lambda: self.pick(A)), ("B", lambda: self.pick(B)),
                         (QKeySequence.StandardKey.Undo, self.editor.stack.undo),
                         (QKeySequence.StandardKey.Redo, self.editor.stack.redo)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(fn)
        adjudication.result.changed.connect(lambda _: self.refresh())
        self._fill_list()
        self.refresh()

    # -- actions ------------------------------------------------------------------
    def selected_word(self) -> int | None:
        rows = self.words.selectionModel().selectedRows()
        if rows:
            return self.words_model.rows[rows[0].row()]
        open_words = self.adj.open_words(self.current) if self.current >= 0 else []
        return open_words[0] if open_words else None

    def select_sentence(self, i: int) -> None:
        self.list.setCurrentRow(self.adj.sentences.index(i))

    def select_word(self, word: int) -> None:
        self.words.selectRow(self.words_model.rows.index(word))

    def pick(self, side: str, word: int | None = None) -> bool:
        word = word if word is not None else self.selected_word()
        if word is None or self.current < 0:
            return False
        try:
            return self.adj.pick(self.current, word, side, self.editor)
        except EditError as e:
            self.status.setText(str(e))
            return False

    def pick_all(self, side: str) -> int:
        """Takes ``side``'s arc for every differing word of the sentence, as one undo step."""
        if self.current < 0:
            return 0
        from .undo import SnapshotCommand
        i = self.current
        before = self.adj.result.snapshot(i)
        words = self.adj.differences[i]
        try:
            for w in words:  # detach first so that no intermediate tree has a cycle
                if self.adj.result[i].words[w - 1].head != "_":
                    self.adj.result.detach(i, w)
            for w in words:
                self.adj.pick(i, w, side)
        except EditError as e:
            self.adj.result.restore(i, before)
            self.status.setText(str(e))
            return 0
        after = self.adj.result.snapshot(i)
        self.editor.stack.push(SnapshotCommand(self.adj.result, {i: before}, {i: after},
                                               f"Take {side.upper()} for sentence {i + 1}", i))
        return len(words)

    def set_relation(self, deprel: str, word: int | None = None) -> bool:
        """Gives the selected (or given) word another relation (an edit of the adjudicator's own)."""
        word = word if word is not None else self.selected_word()
        if word is None or self.current < 0 or not deprel.strip():
            return False
        try:
            return self.editor.set_deprel(self.current, word, deprel.strip())
        except EditError as e:
            self.status.setText(str(e))
            return False

    def save(self, path: str) -> str:
        target = self.adj.result.save(path)
        self.saved.emit(target)
        self.status.setText(f"saved {target}")
        return target

    # -- view -------------------------------------------------------------------------
    def _attach(self, dependent: int, head: int) -> None:
        """A drag in the adjudicated tree: the relation is that of the annotation with this head, else A's."""
        i = self.current
        label = self.adj.arc(i, dependent, A)[1]
        if self.adj.arc(i, dependent, B)[0] == head and self.adj.arc(i, dependent, A)[0] != head:
            label = self.adj.arc(i, dependent, B)[1]
        try:
            self.editor.attach(i, dependent, head, label)
        except EditError as e:
            self.status.setText(str(e))

    def _save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the adjudicated treebank", "", "CoNLL-U (*.conllu)")
        if path:
            try:
                self.save(path)
            except (OSError, EditError) as e:
                QMessageBox.warning(self, "Save", str(e))

    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for i in self.adj.sentences:
            self.list.addItem(QListWidgetItem(""))
        self.list.blockSignals(False)
        if self.adj.sentences:
            self.list.setCurrentRow(0)
        self._label_list()

    def _label_list(self) -> None:
        for row, i in enumerate(self.adj.sentences):
            s = self.adj.a[i]
            n_open = len(self.adj.open_words(i))
            item = self.list.item(row)
            item.setText(f"{s.sent_id or '#' + str(i + 1)}: {len(self.adj.differences[i])} differ, {n_open} open")
            item.setForeground(QBrush(QColor("#000000" if n_open else "#2E7D32")))

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.adj.sentences):
            self.current = self.adj.sentences[row]
            self.refresh()

    def refresh(self) -> None:
        total_open = self.adj.open_count()
        self.status.setText(f"{len(self.adj.sentences)} sentences differ; {total_open} word"
                            f"{'s' if total_open != 1 else ''} open")
        self._label_list()
        i = self.current
        if i < 0:
            for v in (self.view_a, self.view_b, self.view_r):
                v.setPlaceholder("A and B agree on every word")
            self.words_model.setRows([])
            return
        sa, sb, sr = self.adj.a[i], self.adj.b[i], self.adj.result[i]
        forms = [w.form for w in sa.words]

        def tree(s):
            return [w.upos for w in s.words], [w.head_index for w in s.words], \
                   [w.deprel if w.deprel != "_" else None for w in s.words]

        ta, tb, tr = tree(sa), tree(sb), tree(sr)
        self.view_a.setTreeState(forms, ta[0], ta[1], ta[2], gold=(tb[1], tb[2]))
        self.view_b.setTreeState(forms, tb[0], tb[1], tb[2], gold=(ta[1], ta[2]))
        self.view_r.setTree(forms, tr[0], tr[1], tr[2])
        self.view_r.setHighlights(self.adj.open_words(i))
        self.words_model.setRows(list(self.adj.differences[i]))  # the next pick goes to the first open word
