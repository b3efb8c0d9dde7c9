"""Treebank annotation in the main window: open, correct, parse, evaluate, save.

:func:`install_annotation` adds to a QMainWindow:

* File: Open…, Open Recent, New from Text…, Save, Save As…, Close Document;
  drag and drop of ``.conllu`` files onto the window;
* Edit: Undo/Redo (one QUndoStack per document, in a QUndoGroup), Relation…,
  UPOS…, Mark Gold, next/previous (unfinished) sentence;
* Parse: Parse Current Sentence, Parse All Unannotated (in the background,
  with progress and cancel; gold sentences are never touched);
* docks: the annotation editor (arc view), the sentence navigator, the token
  table, the evaluation panel and the diff view.

:class:`AnnotationController` owns the current document, its undo stack, the
current sentence and the one background task, and hands each job to one
controller: :class:`~.file_controller.FileController` (files),
:class:`~.edit_controller.EditController` (editing; its state is the Qt-free
:class:`~deplab.app.model.editing.EditingState`),
:class:`~.parse_controller.ParseController` (parse jobs),
:class:`~.recovery.Autosaver` (recovery) and
:class:`~.annotation_docks.AnnotationDocks` (docks).  Its verbs that only hand a job on are
:class:`~.annotation_jobs.AnnotationJobs`; its questions to the user :mod:`.annotation_dialogs`; the
comparison of a sentence with the parser :mod:`.annotation_compare`.  The menus are built in
:mod:`.annotation_actions`.  The document model (:mod:`deplab.app.model.document`)
does the work and refuses cycles; these modules only wire widgets to it.
"""
from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMessageBox

from deplab.app.model.document import Document

from . import annotation_compare, recovery
from .annotation_actions import build_actions, update_actions
from .annotation_dialogs import ask_dialog, ask_text_dialog
from .annotation_docks import AnnotationDocks
from .annotation_jobs import AnnotationJobs
from .annotation_widgets import AnnotationEditor, ChoiceMenu, NewFromTextDialog  # noqa: F401  (re-exported)
from .edit_controller import EditController
from .file_controller import FileController
from .parse_controller import ParseController
from .settings import app_settings
from .undo import DocumentEditor
from .workers import Task, run_task


def _default_pipeline():
    from deplab.parser.pipeline import Pipeline
    return Pipeline.load()


def _default_tokenizer(text: str):
    from deplab.parser.tokenize import tokenize
    return tokenize(text, "en")


class AnnotationController(QObject, AnnotationJobs):
    """Owns the current document, its undo stack, the docks and the actions."""

    documentChanged = Signal(object)
    currentChanged = Signal(int)
    parseFinished = Signal(object)
    openFinished = Signal(object)

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.doc: Document | None = None
        self.editor: DocumentEditor | None = None
        self.stack: QUndoStack | None = None
        self.undo_group = QUndoGroup(self)
        self.current: int | None = None
        self.ask_relation_after_attach = True
        self.pipeline = None
        self.pipeline_factory: Callable[[], object] = _default_pipeline
        self.tokenizer: Callable[[str], list] = _default_tokenizer
        self.task: Task | None = None
        self._stack_index = 0
        # dialogs, replaceable in tests and scripts
        self.ask: Callable[[str, str, tuple[str, ...]], str] = lambda *a: ask_dialog(window, *a)
        self.show_error: Callable[[str, str], None] = lambda title, text: QMessageBox.critical(self.window, title, text)
        self.ask_text: Callable[[str, str, str], str | None] = lambda *a: ask_text_dialog(window, *a)

        self.autosaver = recovery.Autosaver(self)
        self.autosaver.written.connect(lambda p: self.status(f"Autosaved recovery copy ({os.path.basename(p)})", 1500))

        self.docks = AnnotationDocks(window)
        d = self.docks
        self.annotator, self.navigator, self.token_table = d.annotator, d.navigator, d.token_table
        self.eval_panel, self.diff_view = d.eval_panel, d.diff_view
        self.editor_dock, self.navigator_dock, self.table_dock = d.editor_dock, d.navigator_dock, d.table_dock
        self.eval_dock, self.diff_dock, self.progress_box = d.eval_dock, d.diff_dock, d.progress_box
        d.cancel_button.clicked.connect(self.cancel_task)
        self.eval_panel.setDocumentProvider(lambda: self.doc)

        self.files = FileController(self, getattr(window, "settings", None) or app_settings())
        self.edits = EditController(self)
        self.parsing = ParseController(self)
        self.get_open_path: Callable[[], str | None] = self.files.open_dialog_path
        self.get_save_path: Callable[[], str | None] = self.files.save_dialog_path

        self.navigator.sentenceActivated.connect(self.go_to)
        a = self.annotator
        a.prev_button.clicked.connect(lambda: self.step_sentence(-1))
        a.next_button.clicked.connect(lambda: self.step_sentence(1))
        a.gold_button.clicked.connect(self.toggle_gold)
        a.parse_button.clicked.connect(self.parse_current)
        self.eval_panel.diffRequested.connect(self.show_diff)
        self.eval_panel.sentenceRequested.connect(self.go_to)
        build_actions(self)
        from .treebank_tools import TreebankTools  # search, validation, agreement (issue 18)
        self.tools = TreebankTools(self)
        from .new_parser import NewParser  # Parse ▸ New Parser from This Treebank…, File ▸ Models (issue 17)
        self.new_parser = NewParser(self)
        from .treebank_curve import install_treebank_curve  # Parse ▸ Learning Curve of This Treebank… (issue 17)
        self.curve_action = install_treebank_curve(self)
        self.update_actions()

    # -- the selection (kept in the Qt-free editing state) -------------------------------------
    @property
    def word(self) -> int | None:
        return self.edits.state.word

    @word.setter
    def word(self, w: int | None) -> None:
        self.edits.state.word = w

    @property
    def pending(self) -> int | None:
        return self.edits.state.pending

    @property
    def head_cursor(self) -> int | None:
        return self.edits.state.head_cursor

    @property
    def menu(self):
        return self.edits.menu

    @property
    def recent_menu(self):
        return self._recent_menu

    # -- messages -------------------------------------------------------------------------------
    def status(self, text: str, ms: int = 4000) -> None:
        self.window.statusBar().showMessage(text, ms)

    # -- the one background task -----------------------------------------------------------------
    def idle(self) -> bool:
        return self.task is None or not self.task.running

    def run(self, work, label: str, on_done, on_error, wait: bool = False, on_cancelled=None) -> Task:
        """Runs ``work(ctx)`` in the background with the status-bar progress box and Cancel."""
        self.docks.busy(label)
        task = run_task(work, on_done=on_done, on_error=on_error, on_progress=self.docks.progress, name=label,
                        on_cancelled=on_cancelled)
        for signal in (task.finished, task.failed, task.cancelledSignal):
            signal.connect(self._task_finished)
        self.task = task
        self.update_actions()
        if wait:
            task.wait()
        return task

    def _task_finished(self, *_) -> None:
        self.docks.idle()
        self.update_actions()
        if self.current is not None:
            self.edits.show_sentence()

    def cancel_task(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.docks.progress_label.setText("Cancelling…")

    # -- the document ----------------------------------------------------------------------------
    def open_document(self, doc: Document, note: str = "") -> None:
        """Shows an already-built document (e.g. one restored after a crash), its unmarked trees read
        as its file's remembered reading (gold by default)."""
        if doc.path:
            doc.set_unmarked(self.files.remembered_reading(doc.path) or self.files.default_reading())
        self.set_document(doc)
        if note:
            self.status(note, 8000)
            self.annotator.showMessage(note)

    def set_document(self, doc: Document | None, paint_first: bool = False) -> None:
        """Shows ``doc`` (None: no document) and its first sentence.  ``paint_first`` (a file just opened):
        when the treebank docks appear for it, they are laid out and painted empty first, and the list of
        (maybe 12,000) sentences and the first sentence follow in the next event-loop pass: two short waits
        of the window instead of one long one."""
        old = self.doc
        if old is not None:
            old.changed.disconnect(self._doc_changed)
            old.dirty_changed.disconnect(self._dirty_changed)
            old.path_changed.disconnect(self._path_changed)
        if self.stack is not None:
            self.undo_group.removeStack(self.stack)
            self.stack.clear()  # its commands hold the old document
            self.stack.deleteLater()
        self.doc = doc
        self.current = None
        self.edits.state.reset()
        self.stack = None
        self.editor = None
        if doc is not None:
            doc.changed.connect(self._doc_changed)
            doc.dirty_changed.connect(self._dirty_changed)
            doc.path_changed.connect(self._path_changed)
            self.stack = QUndoStack(self)
            self.undo_group.addStack(self.stack)
            self.undo_group.setActiveStack(self.stack)
            self.stack.indexChanged.connect(self._stack_index_changed)
            self.stack.cleanChanged.connect(self._clean_changed)
            self._stack_index = 0
            self.editor = DocumentEditor(doc, self.stack)
        self.autosaver.setDocument(doc)
        first_show = doc is not None and not self.editor_dock.isVisible()
        if first_show:
            self.set_annotation_layout(True)
        elif doc is None and self.focus_action.isChecked():
            self.set_annotation_layout(False)  # the stepper comes back when the treebank is closed
        deferred = paint_first and first_show and self.window.isVisible()
        self.navigator.setDocument(None if deferred else doc)
        self.documentChanged.emit(doc)
        if deferred:
            self.token_table.setSentence(None, None)
            QTimer.singleShot(1, self, lambda: self._show_first(doc, deferred=True))
        else:
            self._show_first(doc)
        self.update_actions()

    def _show_first(self, doc: Document | None, deferred: bool = False) -> None:
        """The document's sentence list and its first sentence (unless one was chosen meanwhile)."""
        if self.doc is not doc:
            return
        if self.navigator.doc is not doc:
            self.navigator.setDocument(doc)
        if doc is not None and len(doc):
            if self.current is None:
                self.go_to(0, announce_later=deferred)
            else:
                self.navigator.selectSentence(self.current, emit=False)
        else:
            self.token_table.setSentence(None, None)
            self.annotator.arcs.setTree([], [], [], [])
        self.update_actions()

    def _doc_changed(self, indices: list[int]) -> None:
        if self.current is not None and self.current in indices:
            self.token_table.refresh()
            self.edits.show_sentence()
        self.update_actions()

    def _dirty_changed(self, dirty: bool) -> None:
        self.update_actions()

    def _path_changed(self, path: str) -> None:
        self.update_actions()

    def _clean_changed(self, clean: bool) -> None:
        if clean and self.doc is not None:
            self.doc.mark_clean()

    def _stack_index_changed(self, idx: int) -> None:
        """After undo/redo, show the sentence the command changed."""
        prev, self._stack_index = self._stack_index, idx
        if self.stack is None or abs(idx - prev) != 1:
            return
        cmd = self.stack.command(idx if idx < prev else idx - 1)
        focus = getattr(cmd, "focus", None)
        if focus is not None and focus != self.current:
            self.go_to(focus)

    def update_actions(self) -> None:
        update_actions(self)

    # -- navigation -------------------------------------------------------------------------------
    def go_to(self, i: int, announce_later: bool = False) -> None:
        """Makes sentence i current.  ``announce_later``: ``currentChanged`` (the stepper's background trace
        of it) waits for the next event-loop pass, after the docks' paint, which a worker holding the GIL
        would slow down."""
        if self.doc is None or not 0 <= i < len(self.doc):
            return
        changed = i != self.current
        self.current = i
        if changed:
            self.edits.state.reset()
            self.annotator.showMessage("")
        self.navigator.selectSentence(i, emit=False)
        self.token_table.setSentence(self.doc, i)
        self.edits.show_sentence()
        if changed and announce_later:
            QTimer.singleShot(0, self, lambda: self.current == i and self.currentChanged.emit(i))
        elif changed:
            self.currentChanged.emit(i)

    def focus_tree(self) -> None:
        self.editor_dock.show()
        self.annotator.arcs.canvas().setFocus()

    def focus_filter(self) -> None:
        self.navigator_dock.show()
        self.navigator.text_filter.setFocus()
        self.navigator.text_filter.selectAll()

    def step_sentence(self, step: int) -> None:
        if self.doc is None:
            return
        rows = self.navigator.model.rows
        cur = self.current if self.current is not None else -1
        if rows and cur in rows:
            k = rows.index(cur) + step
            if 0 <= k < len(rows):
                self.go_to(rows[k])
            return
        nxt = cur + step
        if 0 <= nxt < len(self.doc):
            self.go_to(nxt)

    def step_unfinished(self, step: int) -> None:
        if self.doc is None:
            return
        start = self.current if self.current is not None else (-1 if step > 0 else len(self.doc))
        i = self.doc.next_unfinished(start, step)
        if i is None:
            self.status("No more unfinished sentences in that direction")
            return
        if self.navigator.model.rowOf(i) < 0:
            self.navigator.clearFilters()
        self.go_to(i)

    # -- docks: diff, evaluation, layout --------------------------------------------------------------
    def show_diff(self, gold, system, title: str = "") -> None:
        annotation_compare.show_diff(self, gold, system, title)

    def diff_current(self, wait: bool = False) -> None:
        """The current annotation against the parser (:mod:`.annotation_compare`)."""
        annotation_compare.diff_current(self, wait)

    def study_current(self) -> None:
        if self.doc is not None and self.current is not None:
            self.focus_action.setChecked(False)
            self.window.show_sentence(self.doc[self.current].copy(), gold=True)

    def set_annotation_layout(self, on: bool) -> None:
        """Hides the window's central widget (the parser stepper) so the treebank docks fill the window."""
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(not on)
        if self.focus_action.isChecked() != on:
            self.focus_action.setChecked(on)
        if on:
            self.docks.show_treebank_docks()

    def show_evaluation(self) -> None:
        self.docks.show_evaluation()

    def _pipeline_changed(self, pipeline) -> None:
        self.pipeline = pipeline


def install_annotation(window: QMainWindow) -> AnnotationController:
    """Adds the annotation menus, docks and drag-and-drop to ``window``; returns the controller
    (also stored as ``window.annotation``)."""
    existing = getattr(window, "annotation", None)
    if isinstance(existing, AnnotationController):
        return existing
    controller = AnnotationController(window)
    window.annotation = controller
    return controller


__all__ = ["AnnotationController", "install_annotation", "ChoiceMenu", "AnnotationEditor", "NewFromTextDialog"]
