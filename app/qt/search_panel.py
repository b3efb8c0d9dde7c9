"""The Search panel: a Grew request editor, its matches, and the rewrite preview.

A thin view over :class:`deplab.app.model.search.SearchModel` (matching is the engine's,
the same as ``deplab grep``).  A syntax error is shown with its line and column and the
offending character is underlined in the editor.  Searching a large document runs off the
GUI thread (:func:`deplab.app.qt.workers.run_task`) with a Cancel button.  F3 / Shift+F3
step through the matches; each step emits ``highlightRequested(sentence, words)``.

When the text has a ``commands { }`` block, *Preview rewrite* lists every change (and every
refused match with its reason) before anything is modified; *Apply* makes them through the
document's edit methods as a single undo step on the editor's QUndoStack.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QListWidget, QPlainTextEdit,
                               QPushButton, QSplitter, QTableView, QTextEdit, QVBoxLayout, QWidget)

from deplab.app.model.search import SearchModel, apply_rewrite, find_matches, plan_rewrite
from deplab.parser.grew.request import RequestError

from .table_model import RowsTableModel

#: documents with more sentences than this are searched off the GUI thread
BACKGROUND_THRESHOLD = 2000

EXAMPLE = "pattern { N [upos=VERB]; N -[nsubj]-> M }"


class _MatchTable(RowsTableModel):
    HEADERS = ("#", "sentence", "matched words", "text")

    def __init__(self, doc_getter):
        super().__init__()
        self._doc = doc_getter

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        m = self.rows[index.row()]
        col = index.column()
        if col == 0:
            return index.row() + 1
        s = self._doc()[m.index]
        if col == 1:
            return s.sent_id or f"#{m.index + 1}"
        if col == 2:
            words = s.words
            return "  ".join(f"{n}={w}:{words[w - 1].form if w else 'ROOT'}" for n, w in m.nodes.items())
        return s.text


class _MatchView(QTableView):
    """The match list; F3 / Shift+F3 step even when the window's shortcuts are not active (e.g. a floating dock)."""

    def __init__(self, step):
        super().__init__()
        self._step = step

    def keyPressEvent(self, e) -> None:
        if e.key() == Qt.Key.Key_F3:
            self._step(-1 if e.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
            return
        super().keyPressEvent(e)


class SearchPanel(QWidget):
    """``SearchPanel(doc, editor=None)``: ``doc`` a Document, ``editor`` its DocumentEditor (needed to apply).

    Signals: ``highlightRequested(int sentence, list words)`` when a match is chosen or stepped to;
    ``searchFinished(int matches)``.
    """

    highlightRequested = Signal(int, list)
    searchFinished = Signal(int)

    def __init__(self, doc=None, editor=None, parent=None):
        super().__init__(parent)
        self.doc, self.editor = doc, editor
        self.model = SearchModel(doc)
        self.task = None
        self.plan = None

        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(EXAMPLE)
        self.edit.setTabChangesFocus(True)
        self.edit.setMaximumHeight(110)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #B00020")
        self.error_label.setWordWrap(True)
        self.search_button = QPushButton("Search")
        self.search_button.setToolTip("Search the document (Ctrl+Return)")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.count_label = QLabel("")
        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip("Previous match (Shift+F3)")
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Next match (F3)")
        self.table_model = _MatchTable(lambda: self.doc)
        self.table = _MatchView(lambda d: self.next_match() if d > 0 else self.previous_match())
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.clicked.connect(lambda ix: self.go_to(ix.row()))
        self.table.activated.connect(lambda ix: self.go_to(ix.row()))

        self.preview_button = QPushButton("Preview rewrite")
        self.preview_button.setToolTip("List the changes the commands { } block would make")
        self.apply_button = QPushButton("Apply")
        self.apply_button.setEnabled(False)
        self.changes = QListWidget()
        self.changes_label = QLabel("")

        row = QHBoxLayout()
        row.addWidget(self.search_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.prev_button)
        row.addWidget(self.next_button)
        row.addWidget(self.count_label, 1)
        rw = QHBoxLayout()
        rw.addWidget(self.preview_button)
        rw.addWidget(self.apply_button)
        rw.addWidget(self.changes_label, 1)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(QLabel("Grew request (pattern { … } without { … }; add commands { … } to rewrite):"))
        tl.addWidget(self.edit)
        tl.addWidget(self.error_label)
        tl.addLayout(row)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(rw)
        bl.addWidget(self.changes)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(bottom)
        lay = QVBoxLayout(self)
        lay.addWidget(top)
        lay.addWidget(split, 1)

        self.search_button.clicked.connect(self.search)
        self.cancel_button.clicked.connect(self.cancel)
        self.next_button.clicked.connect(self.next_match)
        self.prev_button.clicked.connect(self.previous_match)
        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)
        self.edit.textChanged.connect(self._text_changed)
        for keys, fn in (("Ctrl+Return", self.search), ("F3", self.next_match), ("Shift+F3", self.previous_match)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(fn)
        self.model.matches_changed.connect(self._show_matches)
        self.model.current_changed.connect(self._show_current)

    # -- API ---------------------------------------------------------------------------
    def set_document(self, doc, editor=None) -> None:
        self.cancel()
        self.doc, self.editor = doc, editor
        self.model.set_document(doc)
        self._clear_preview()

    def set_request(self, text: str) -> None:
        self.edit.setPlainText(text)

    def search(self) -> None:
        """Parses the request (showing a positioned error) and searches the document."""
        if self.doc is None:
            return
        err = self.model.set_request(self.edit.toPlainText())
        self._show_error(err)
        if err is not None:
            return
        if len(self.doc) <= BACKGROUND_THRESHOLD:
            self.model.run()
            self.searchFinished.emit(len(self.model.matches))
            return
        from .workers import run_task
        matcher, sentences = self.model.matcher, list(self.doc.sentences)
        self.search_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.count_label.setText("searching…")

        def work(ctx):
            return find_matches(matcher, sentences, ctx.cancelled, ctx.progress)

        def done(found):
            self._task_over()
            self.model.set_matches(found)
            self.searchFinished.emit(len(found))

        def failed(message):
            self._task_over()
            self.count_label.setText("search cancelled" if "Cancelled" in message or not message else message)

        self.task = run_task(work, on_done=done, on_error=failed,
                             on_progress=lambda d, t, m: self.count_label.setText(f"searching… {d}/{t}, {m}"))
        self.task.cancelledSignal.connect(lambda: (self._task_over(), self.count_label.setText("search cancelled")))

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()

    def next_match(self) -> None:
        self.model.next()

    def previous_match(self) -> None:
        self.model.previous()

    def go_to(self, k: int) -> None:
        self.model.go_to(k)

    # -- rewrite -----------------------------------------------------------------------
    def preview(self) -> None:
        """Lists every change the rule would make, and every refused match; modifies nothing."""
        self._clear_preview()
        if self.doc is None:
            return
        try:
            self.plan = plan_rewrite(self.doc, self.edit.toPlainText())
        except RequestError as e:
            self._show_error(e)
            return
        self._show_error(None)
        for c in self.plan.changes:
            self.changes.addItem(str(c))
        for r in self.plan.refusals:
            item_text = str(r)
            self.changes.addItem(item_text)
            self.changes.item(self.changes.count() - 1).setForeground(QColor("#B00020"))
        n_s, n_w = len(self.plan.changed), self.plan.words_changed
        self.changes_label.setText(f"{n_s} sentence{'s' if n_s != 1 else ''}, {n_w} word{'s' if n_w != 1 else ''} "
                                   f"would change; {len(self.plan.refusals)} refused")
        self.apply_button.setEnabled(bool(self.plan.changed) and self.editor is not None)

    def apply(self) -> list[int]:
        """Applies the previewed changes as one undo step; returns the sentences changed."""
        if self.plan is None or not self.plan.changed or self.editor is None:
            return []
        from .undo import SnapshotCommand
        indices = sorted(self.plan.changed)
        before = {i: self.doc.snapshot(i) for i in indices}
        try:
            done = apply_rewrite(self.doc, self.plan)
        except Exception as e:  # the document refused: put everything back, nothing half-done
            self.doc.restore_many(before)
            self.changes_label.setText(f"not applied: {e}")
            return []
        after = {i: self.doc.snapshot(i) for i in done}
        cmd = SnapshotCommand(self.doc, before, after,
                              f"Rewrite {len(done)} sentence{'s' if len(done) != 1 else ''}", done[0] if done else None)
        self.editor.stack.push(cmd)
        if self.editor.pushed:
            self.editor.pushed(cmd)
        self.plan = None
        self.apply_button.setEnabled(False)
        self.search()  # the matches of the rewritten document
        self.changes_label.setText(f"applied to {len(done)} sentence{'s' if len(done) != 1 else ''} (undo: Ctrl+Z)")
        return done

    # -- view updates ---------------------------------------------------------------
    def _task_over(self) -> None:
        self.search_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _clear_preview(self) -> None:
        self.plan = None
        self.changes.clear()
        self.changes_label.setText("")
        self.apply_button.setEnabled(False)

    def _text_changed(self) -> None:
        self._clear_preview()

    def _show_error(self, err: RequestError | None) -> None:
        if err is None:
            self.error_label.setText("")
            self.edit.setExtraSelections([])
            return
        self.error_label.setText(f"line {err.line}, column {err.column}: {err.message}")
        doc = self.edit.document()
        block = doc.findBlockByLineNumber(err.line - 1)
        cur = QTextCursor(block)
        cur.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.MoveAnchor,
                         max(0, min(err.column - 1, block.length() - 1)))
        if not cur.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor) \
                or cur.selectedText() in ("", "\u2029"):
            cur.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor("#B00020"))
        fmt.setBackground(QColor("#FFE0E0"))
        sel.format = fmt
        sel.cursor = cur
        self.edit.setExtraSelections([sel])
        self.error_position = (err.line, err.column)

    def _show_matches(self, matches) -> None:
        self.table_model.setRows(list(matches))
        n = len(matches)
        self.count_label.setText(f"{n} match{'es' if n != 1 else ''} in {self.model.sentence_count} "
                                 f"sentence{'s' if self.model.sentence_count != 1 else ''}")

    def _show_current(self, k: int) -> None:
        if k < 0:
            return
        self.table.selectRow(k)
        m = self.model.matches[k]
        self.highlightRequested.emit(m.index, m.words)
