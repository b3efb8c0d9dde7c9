"""Treebank annotation in the main window: open, correct, parse, evaluate, save.

:func:`install_annotation` adds to a QMainWindow:

* File: Open…, Open Recent, New from Text…, Save, Save As…, Close Document;
  drag and drop of ``.conllu`` files onto the window;
* Edit: Undo/Redo (one QUndoStack per document, in a QUndoGroup), Relation…,
  UPOS…, Mark Gold, next/previous (unfinished) sentence;
* Parse: Parse Current Sentence, Parse All Unannotated (in a worker thread,
  with progress and cancel; gold sentences are never touched);
* docks: the annotation editor (arc view), the sentence navigator, the token
  table, the evaluation panel and the diff view.

Editing in the arc view: drag from a word to its new head, or click the word
then its head; the relation menu opens after each re-attachment.  From the
keyboard (arc view focused): ←/→ select a word, Enter (or H) chooses its head
with ←/→ (Home = ROOT) and Enter, R the relation, U the UPOS, G marks the
sentence gold, Esc cancels.  The document model (:mod:`app.model.document`)
does the work and refuses cycles; this module only wires widgets to it.
"""
from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCursor, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (QApplication, QCheckBox, QDialog, QDialogButtonBox, QDockWidget, QFileDialog,
                               QHBoxLayout, QLabel, QLineEdit, QMainWindow, QMenu, QMessageBox, QPlainTextEdit,
                               QProgressBar, QPushButton, QToolButton, QVBoxLayout, QWidget, QWidgetAction)

from deplab.app.model.document import EDITED, GOLD, UNANNOTATED, Document, EditError
from deplab.app.model.validation import ERROR, UPOS_TAGS, check_sentence, flags_for_view

from . import recovery
from .arc_view import ArcView
from .diff_view import DiffView
from .eval_panel import BackgroundTask, EvaluationPanel
from .navigator import STATUS_COLORS, Navigator
from .token_table import TokenTable
from .undo import DocumentEditor

MAX_RECENT = 10
PARSE_CHUNK = 64
CONLLU_FILTER = "CoNLL-U (*.conllu *.conll *.conllx);;All files (*)"


# -- small widgets -------------------------------------------------------------------------

class ChoiceMenu(QMenu):
    """A popup menu of choices with a type-ahead filter: type, then Enter picks the first match."""

    chosen = Signal(str)

    def __init__(self, title: str, choices: list[str], current: str | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("choiceMenu")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"{title}: type to filter, Enter to pick")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(240)
        wa = QWidgetAction(self)
        wa.setDefaultWidget(self.filter)
        self.addAction(wa)
        self.addSeparator()
        self.choice_actions: list[QAction] = []
        for c in choices:
            a = self.addAction(c)
            a.setCheckable(True)
            a.setChecked(c == current)
            a.triggered.connect(lambda _=False, c=c: self.chosen.emit(c))
            self.choice_actions.append(a)
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self._pick_first)
        self.filter.installEventFilter(self)
        self.setStyleSheet("QMenu { menu-scrollable: 1; }")

    def _filter(self, text: str) -> None:
        t = text.strip().lower()
        for a in self.choice_actions:
            a.setVisible(not t or t in a.text().lower())

    def visibleChoices(self) -> list[str]:
        return [a.text() for a in self.choice_actions if a.isVisible()]

    def _pick_first(self) -> None:
        t = self.filter.text().strip()
        vis = self.visibleChoices()
        exact = [c for c in vis if c.lower() == t.lower()]
        pick = exact[0] if exact else (vis[0] if vis else None)
        if pick is not None:
            self.chosen.emit(pick)
            self.close()

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.filter and ev.type() == QEvent.Type.KeyPress and ev.key() == Qt.Key.Key_Down:
            vis = [a for a in self.choice_actions if a.isVisible()]
            if vis:
                self.setFocus()
                self.setActiveAction(vis[0])
            return True
        return super().eventFilter(obj, ev)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        self.filter.setFocus()


class AnnotationEditor(QWidget):
    """Header (sentence, status, buttons), the editable arc view, and a message line."""

    keyPressed = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.prev_button = QToolButton()
        self.prev_button.setText("◀")
        self.prev_button.setToolTip("Previous sentence")
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip("Next sentence")
        self.title = QLabel("No document — File ▸ Open… (or drop a .conllu file here)")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.status_badge = QLabel()
        self.gold_button = QPushButton("Mark gold")
        self.gold_button.setToolTip("Mark this sentence gold (G / Ctrl+G); recorded in the file")
        self.parse_button = QPushButton("Parse")
        self.parse_button.setToolTip("Parse this sentence with the parser (not allowed on gold sentences)")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.prev_button)
        top.addWidget(self.next_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.status_badge)
        top.addWidget(self.parse_button)
        top.addWidget(self.gold_button)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color:#333; font-size: 13px")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.arcs = ArcView()
        self.arcs.setEditable(True)
        self.arcs.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.arcs.setMinimumHeight(230)
        self.arcs.canvas().installEventFilter(self)
        self.arcs.installEventFilter(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.hint = QLabel("Drag from a word to its new head, or click the word then its head.  "
                           "Keys: ←/→ word · Enter head mode · R relation · U UPOS · G gold · Esc cancel")
        self.hint.setStyleSheet("color:#666; font-size: 11px")
        self.hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(3)
        lay.addLayout(top)
        lay.addWidget(self.text)
        lay.addWidget(self.arcs, 1)
        lay.addWidget(self.message)
        lay.addWidget(self.hint)

    EDIT_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home,
                 Qt.Key.Key_End, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_PageUp,
                 Qt.Key.Key_PageDown, Qt.Key.Key_0, Qt.Key.Key_H, Qt.Key.Key_R, Qt.Key.Key_L, Qt.Key.Key_U,
                 Qt.Key.Key_G}

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.ShortcutOverride and obj in (self.arcs.canvas(), self.arcs):
            # the editing keys belong to the focused arc view, not to window shortcuts (the stepper's ←/→)
            plain = not (ev.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                           | Qt.KeyboardModifier.MetaModifier))
            if plain and ev.key() in self.EDIT_KEYS:
                ev.accept()
                return True
        if ev.type() == QEvent.Type.KeyPress and obj in (self.arcs.canvas(), self.arcs):
            self.keyPressed.emit(ev)
            if ev.isAccepted():
                return True
        return super().eventFilter(obj, ev)

    def keyPressEvent(self, ev) -> None:
        self.keyPressed.emit(ev)
        if not ev.isAccepted():
            super().keyPressEvent(ev)

    def showMessage(self, text: str, error: bool = False) -> None:
        color = "#B00000" if error else "#1F5F8B"
        self.message.setText(f"<span style='color:{color}'>{text}</span>" if text else "")


class NewFromTextDialog(QDialog):
    def __init__(self, parent=None, can_parse: bool = True):
        super().__init__(parent)
        self.setWindowTitle("New treebank from text")
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText("Type or paste text; it is split into sentences and words.")
        self.parse = QCheckBox("Pre-annotate with the parser (tags and trees)")
        self.parse.setChecked(can_parse)
        self.parse.setEnabled(can_parse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.parse)
        lay.addWidget(buttons)
        self.resize(560, 360)


# -- the controller ---------------------------------------------------------------------------

def _settings() -> QSettings:
    d = os.environ.get("DEPLAB_DATA_DIR")
    if d:
        return QSettings(os.path.join(d, "settings.ini"), QSettings.Format.IniFormat)
    return QSettings("DepLab", "DepLab")


def _default_pipeline():
    from deplab.parser.pipeline import Pipeline
    return Pipeline.load()


def _default_tokenizer(text: str):
    from deplab.parser.tokenize import tokenize
    return tokenize(text, "en")


class AnnotationController(QObject):
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
        self.word: int | None = None  # the selected word (dependent to attach)
        self.pending: int | None = None  # click-then-head: the dependent waiting for a head
        self.head_cursor: int | None = None  # keyboard head mode
        self.ask_relation_after_attach = True
        self.pipeline = None
        self.pipeline_factory: Callable[[], object] = _default_pipeline
        self.tokenizer: Callable[[str], list] = _default_tokenizer
        self.task: BackgroundTask | None = None
        self._stack_index = 0
        self.menu: ChoiceMenu | None = None
        # dialogs, replaceable in tests and scripts
        self.ask: Callable[[str, str, tuple[str, ...]], str] = self._ask_dialog
        self.get_open_path: Callable[[], str | None] = self._open_dialog
        self.get_save_path: Callable[[], str | None] = self._save_dialog
        self.show_error: Callable[[str, str], None] = lambda title, text: QMessageBox.critical(self.window, title, text)

        self.autosaver = recovery.Autosaver(self)
        self.autosaver.written.connect(lambda p: self._status(f"Autosaved recovery copy ({os.path.basename(p)})", 1500))

        self._build_widgets()
        self._build_actions()
        self._update_all()

    # -- construction ----------------------------------------------------------------------
    def _add_dock(self, title: str, widget: QWidget, area, name: str) -> QDockWidget:
        """Through the MainWindow's ``add_dock`` (View ▸ Panels, remembered layout) when it has one."""
        add = getattr(self.window, "add_dock", None)
        if callable(add):
            dock = add(widget, title, area, name)
        else:
            dock = QDockWidget(title, self.window)
            dock.setObjectName(name)
            dock.setWidget(widget)
            self.window.addDockWidget(area, dock)
        return dock

    def _build_widgets(self) -> None:
        A = Qt.DockWidgetArea
        self.annotator = AnnotationEditor()
        self.navigator = Navigator()
        self.token_table = TokenTable()
        self.token_table.setRelationSource(lambda: self.doc.relations() if self.doc else [])
        self.eval_panel = EvaluationPanel()
        self.eval_panel.setDocumentProvider(lambda: self.doc)
        self.diff_view = DiffView()
        self.editor_dock = self._add_dock("Annotation", self.annotator, A.RightDockWidgetArea, "annotationDock")
        self.navigator_dock = self._add_dock("Sentences", self.navigator, A.LeftDockWidgetArea, "navigatorDock")
        self.table_dock = self._add_dock("Tokens", self.token_table, A.RightDockWidgetArea, "tokenTableDock")
        if self.window.dockWidgetArea(self.table_dock) == self.window.dockWidgetArea(self.editor_dock):
            self.window.splitDockWidget(self.editor_dock, self.table_dock, Qt.Orientation.Vertical)
        self.eval_dock = self._add_dock("Evaluation", self.eval_panel, A.BottomDockWidgetArea, "evaluationDock")
        self.diff_dock = self._add_dock("Gold vs parsed", self.diff_view, A.BottomDockWidgetArea, "diffDock")
        try:
            self.window.tabifyDockWidget(self.eval_dock, self.diff_dock)
        except RuntimeError:
            pass
        self.eval_dock.raise_()
        # the treebank panels appear when a treebank is opened (View ▸ Panels shows them any time)
        for d in (self.editor_dock, self.navigator_dock, self.table_dock, self.eval_dock, self.diff_dock):
            d.hide()

        self.navigator.sentenceActivated.connect(self.go_to)
        self.token_table.model.edit_handler = self._table_edit
        self.token_table.model.editRefused.connect(lambda m: self.refuse(m))
        self.token_table.wordSelected.connect(self._table_word_selected)
        self.annotator.arcs.wordClicked.connect(self._word_clicked)
        self.annotator.arcs.attachRequested.connect(self._attach_requested)
        self.annotator.keyPressed.connect(self._key)
        self.annotator.prev_button.clicked.connect(lambda: self.step_sentence(-1))
        self.annotator.next_button.clicked.connect(lambda: self.step_sentence(1))
        self.annotator.gold_button.clicked.connect(self.toggle_gold)
        self.annotator.parse_button.clicked.connect(self.parse_current)
        self.eval_panel.diffRequested.connect(self.show_diff)
        self.eval_panel.sentenceRequested.connect(self.go_to)

        # background-work indicator in the status bar
        self.progress_box = QWidget()
        pl = QHBoxLayout(self.progress_box)
        pl.setContentsMargins(0, 0, 0, 0)
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.clicked.connect(self.cancel_task)
        pl.addWidget(self.progress_label)
        pl.addWidget(self.progress_bar)
        pl.addWidget(self.cancel_button)
        self.window.statusBar().addPermanentWidget(self.progress_box)
        self.progress_box.hide()

        self.window.setAcceptDrops(True)
        self.window.installEventFilter(self)

    def _menu(self, title: str) -> QMenu:
        bar = self.window.menuBar()
        plain = title.replace("&", "")
        for a in bar.actions():
            if a.menu() is not None and a.text().replace("&", "") == plain:
                return a.menu()
        help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        menu = QMenu(title, bar)
        if help_action is not None:
            bar.insertMenu(help_action, menu)
        else:
            bar.addMenu(menu)
        return menu

    def _action(self, menu: QMenu, text: str, slot, shortcut=None, tip: str = "",
                before: QAction | None = None) -> QAction:
        a = QAction(text, self.window)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.triggered.connect(lambda _=False: slot())
        if before is not None:
            menu.insertAction(before, a)
        else:
            menu.addAction(a)
        return a

    def _build_actions(self) -> None:
        SK = QKeySequence.StandardKey
        f = self._menu("&File")
        first = f.actions()[0] if f.actions() else None  # the treebank actions go on top of the File menu
        self.open_action = self._action(f, "&Open Treebank (CoNLL-U)…", self.open_dialog, "Ctrl+Shift+O",
                                        "Open a CoNLL-U treebank", before=first)
        self.recent_menu = QMenu("Open Recent &Treebank", f)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        f.insertMenu(first, self.recent_menu) if first is not None else f.addMenu(self.recent_menu)
        self.new_action = self._action(f, "&New Treebank from Text…", self.new_from_text_dialog, "Ctrl+Shift+N",
                                       "Start a treebank from typed or pasted text", before=first)
        self.save_action = self._action(f, "&Save Treebank", self.save, SK.Save, "Save the treebank (atomically)",
                                        before=first)
        self.save_as_action = self._action(f, "Save Treebank &As…", self.save_as, SK.SaveAs, before=first)
        self.export_clean_action = self._action(f, "&Export Treebank without DepLab Comments…", self.export_clean,
                                                None, "A copy without deplab_status / deplab_predicted comments",
                                                before=first)
        self.close_action = self._action(f, "&Close Treebank", self.close_document, None, before=first)
        if first is not None:
            f.insertSeparator(first)

        e = self._menu("&Edit")
        self.undo_action = self.undo_group.createUndoAction(self.window, "&Undo")
        self.undo_action.setShortcuts(SK.Undo)
        self.redo_action = self.undo_group.createRedoAction(self.window, "&Redo")
        self.redo_action.setShortcuts(SK.Redo)
        first_e = e.actions()[0] if e.actions() else None
        e.insertAction(first_e, self.undo_action)
        e.insertAction(first_e, self.redo_action)
        if first_e is not None:
            e.insertSeparator(first_e)
        e.addSeparator()
        self.relation_action = self._action(e, "&Relation of Selected Word…", self.relation_menu, "Ctrl+R",
                                            "Choose the relation of the selected word")
        self.upos_action = self._action(e, "UP&OS of Selected Word…", self.upos_menu, "Ctrl+U")
        self.gold_action = self._action(e, "Mark Sentence &Gold", self.toggle_gold, "Ctrl+Shift+G",
                                        "Mark (or unmark) the current sentence gold; recorded in the file")
        self.focus_tree_action = self._action(e, "Focus the &Tree Editor", self.focus_tree, "Ctrl+E",
                                              "Keyboard editing in the arc view: ←/→, Enter, R, U, G")
        self.focus_table_action = self._action(e, "Focus the Token T&able", self.token_table.view.setFocus, "Ctrl+T")
        self.focus_filter_action = self._action(e, "&Find Sentences…", self.focus_filter, "Ctrl+F",
                                                "Filter the sentence list by text, form, UPOS, relation or status")
        e.addSeparator()
        self.next_action = self._action(e, "Next Sentence", lambda: self.step_sentence(1), "Alt+Down")
        self.prev_action = self._action(e, "Previous Sentence", lambda: self.step_sentence(-1), "Alt+Up")
        self.next_unfinished_action = self._action(e, "Next &Unfinished Sentence", lambda: self.step_unfinished(1),
                                                   "Ctrl+Alt+Down", "The next sentence that is not gold")
        self.prev_unfinished_action = self._action(e, "Previous Unfinished Sentence",
                                                   lambda: self.step_unfinished(-1), "Ctrl+Alt+Up")

        v = self._menu("&View")
        v.addSeparator()
        if not callable(getattr(self.window, "add_dock", None)):  # else they are under View ▸ Panels
            for d in (self.editor_dock, self.navigator_dock, self.table_dock, self.eval_dock, self.diff_dock):
                v.addAction(d.toggleViewAction())
        self.focus_action = self._action(v, "&Annotation Layout (hide the stepper)", lambda: None, "Ctrl+Shift+A",
                                         "Give the whole window to the treebank panels")
        self.focus_action.setCheckable(True)
        self.focus_action.toggled.connect(self.set_annotation_layout)
        self.diff_current_action = self._action(v, "Compare Sentence with Parser &Prediction",
                                                self.diff_current, "Ctrl+Shift+D",
                                                "Gold-versus-parsed view of the current sentence")

        p = self._menu("&Parse")
        p.addSeparator()
        self.parse_current_action = self._action(p, "Parse &Current Sentence", self.parse_current, "Ctrl+Shift+P",
                                                 "Parse the current sentence (never a gold one)")
        self.parse_all_action = self._action(p, "Parse &All Unannotated Sentences", self.parse_unannotated, None,
                                             "Parse every sentence without annotation, in the background")
        self.evaluate_action = self._action(p, "&Evaluate…", self.show_evaluation, None,
                                            "Scores: gold corrections vs parser, or gold vs system files")
        self.study_action = None
        if callable(getattr(self.window, "show_sentence", None)):
            self.study_action = self._action(p, "&Step Through Current Treebank Sentence", self.study_current, None,
                                             "Show the current sentence in the parser stepper (its tree as gold)")
        changed = getattr(self.window, "pipelineChanged", None)
        if changed is not None:
            changed.connect(self._pipeline_changed)

    # -- dialogs -----------------------------------------------------------------------------
    def _ask_dialog(self, title: str, text: str, buttons: tuple[str, ...]) -> str:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        made = {}
        for b in buttons:
            role = {"Cancel": QMessageBox.ButtonRole.RejectRole, "Discard": QMessageBox.ButtonRole.DestructiveRole,
                    "Don't Save": QMessageBox.ButtonRole.DestructiveRole}.get(b, QMessageBox.ButtonRole.AcceptRole)
            made[box.addButton(b, role)] = b
        box.exec()
        return made.get(box.clickedButton(), "Cancel")

    def _open_dialog(self) -> str | None:
        start = os.path.dirname(self.doc.path) if self.doc and self.doc.path else ""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open CoNLL-U treebank", start, CONLLU_FILTER)
        return path or None

    def _save_dialog(self) -> str | None:
        start = self.doc.path if self.doc and self.doc.path else "untitled.conllu"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save treebank as", start, CONLLU_FILTER)
        if path and not os.path.splitext(path)[1]:
            path += ".conllu"
        return path or None

    def _status(self, text: str, ms: int = 4000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def refuse(self, message: str) -> None:
        """An edit was refused: say why, in the editor and the status bar (no modal dialog)."""
        self.annotator.showMessage("✖ " + message, error=True)
        self._status(message, 6000)

    # -- documents -------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Asks about unsaved changes; False if the user cancelled."""
        if self.doc is None or not self.doc.dirty:
            return True
        choice = self.ask("Unsaved changes", f"Save the changes to {self.doc.name}?",
                          ("Save", "Don't Save", "Cancel"))
        if choice == "Save":
            return self.save()
        if choice == "Don't Save":
            self.autosaver.remove()
            return True
        return False

    def open_dialog(self) -> None:
        path = self.get_open_path()
        if path:
            self.open_path(path)

    def open_path(self, path: str, wait: bool = False) -> None:
        """Opens a CoNLL-U file in a worker thread (``wait=True`` blocks until it is shown)."""
        if self.task is not None and self.task.isRunning():
            self._status("Busy: wait for the current task or cancel it")
            return
        if not self.maybe_save():
            return
        path = os.path.abspath(path)

        def work(task: BackgroundTask):
            return Document.open(path, progress=lambda f: task.report(int(f * 100), 100))
        self._run_task(work, f"Opening {os.path.basename(path)}", self._opened,
                       lambda msg: self.show_error("Cannot open the file", msg), wait)

    def _opened(self, doc: Document) -> None:
        self.set_document(doc)
        self._add_recent(doc.path)
        self._status(f"Opened {doc.name}: {len(doc)} sentences")
        self.openFinished.emit(doc)

    def new_from_text_dialog(self) -> None:
        dlg = NewFromTextDialog(self.window)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self.new_from_text(dlg.edit.toPlainText(), parse=dlg.parse.isChecked())

    def new_from_text(self, text: str, parse: bool = False, wait: bool = False) -> bool:
        if not self.maybe_save():
            return False
        try:
            doc = Document.from_text(text, self.tokenizer)
        except EditError as e:
            self.refuse(str(e))
            return False
        self.set_document(doc)
        if parse:
            self.parse_unannotated(wait=wait)
        return True

    def open_document(self, doc: Document, note: str = "") -> None:
        """Shows an already-built document (e.g. one restored after a crash)."""
        self.set_document(doc)
        if note:
            self._status(note, 8000)
            self.annotator.showMessage(note)

    def set_document(self, doc: Document | None) -> None:
        old = self.doc
        if old is not None:
            old.changed.disconnect(self._doc_changed)
            old.dirty_changed.disconnect(self._dirty_changed)
            old.path_changed.disconnect(self._path_changed)
        if self.stack is not None:
            self.undo_group.removeStack(self.stack)
            self.stack.deleteLater()
        self.doc = doc
        self.current = None
        self.word = self.pending = self.head_cursor = None
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
        if doc is not None and not self.editor_dock.isVisible():
            self.set_annotation_layout(True)
        elif doc is None and self.focus_action.isChecked():
            self.set_annotation_layout(False)  # the stepper comes back when the treebank is closed
        self.navigator.setDocument(doc)
        self.documentChanged.emit(doc)
        if doc is not None and len(doc):
            self.go_to(0)
        else:
            self.token_table.setSentence(None, None)
            self.annotator.arcs.setTree([], [], [], [])
        self._update_all()

    def close_document(self) -> bool:
        if not self.maybe_save():
            return False
        self.set_document(None)
        return True

    def save(self) -> bool:
        if self.doc is None:
            return False
        if not self.doc.path:
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self) -> bool:
        if self.doc is None:
            return False
        path = self.get_save_path()
        if not path:
            return False
        return self._save_to(path)

    def _save_to(self, path: str) -> bool:
        doc = self.doc
        problems = [(i, check_sentence(doc[i])) for i in doc.modified_indices()]
        errors = [(i, [x for x in xs if x.severity == ERROR]) for i, xs in problems]
        errors = [(i, xs) for i, xs in errors if xs]
        if errors:
            lines = [f"sentence {i + 1}, word {xs[0].word}: {xs[0].message}" for i, xs in errors[:8]]
            more = f"\n… and {len(errors) - 8} more sentences" if len(errors) > 8 else ""
            n = sum(len(xs) for _, xs in errors)
            choice = self.ask("Flagged errors", f"{n} error(s) in {len(errors)} changed sentence(s):\n"
                              + "\n".join(lines) + more + "\n\nSave anyway?", ("Save Anyway", "Cancel"))
            if choice != "Save Anyway":
                if errors:
                    self.go_to(errors[0][0])
                return False
        same = doc.path and os.path.abspath(path) == doc.path
        if same and doc.changed_on_disk():
            choice = self.ask("File changed on disk", f"{doc.name} was changed by another program since it was "
                              "opened. Overwrite it with your version?", ("Overwrite", "Cancel"))
            if choice != "Overwrite":
                return False
        try:
            doc.save(path)
        except (OSError, EditError) as e:
            self.show_error("Cannot save", f"{path}: {e}")
            return False
        if self.stack is not None:
            self.stack.setClean()
        self.autosaver.remove()
        self._add_recent(doc.path)
        self._status(f"Saved {doc.name}")
        self._update_all()
        return True

    def export_clean(self, path: str | None = None) -> bool:
        if self.doc is None:
            return False
        path = path or self.get_save_path()
        if not path:
            return False
        if self.doc.path and os.path.abspath(path) == self.doc.path:
            self.show_error("Export", "Choose another file: the treebank itself keeps its DepLab comments")
            return False
        try:
            n = self.doc.export_clean(path)
        except OSError as e:
            self.show_error("Cannot export", f"{path}: {e}")
            return False
        self._status(f"Exported {os.path.basename(path)} ({n} sentence(s) without DepLab comments)")
        return True

    # -- recent files -------------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        v = _settings().value("annotation/recent", [])
        if isinstance(v, str):
            v = [v]
        return [p for p in (v or []) if isinstance(p, str)]

    def _add_recent(self, path: str | None) -> None:
        if not path:
            return
        items = [p for p in self.recent_files() if p != path]
        items.insert(0, path)
        s = _settings()
        s.setValue("annotation/recent", items[:MAX_RECENT])
        s.sync()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        items = self.recent_files()
        for p in items:
            a = self.recent_menu.addAction(os.path.basename(p))
            a.setToolTip(p)
            a.setStatusTip(p)
            a.setEnabled(os.path.exists(p))
            a.triggered.connect(lambda _=False, p=p: self.open_path(p))
        if not items:
            a = self.recent_menu.addAction("(no recent files)")
            a.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear List", lambda: _settings().setValue("annotation/recent", []))

    # -- window events: drag and drop, close ---------------------------------------------------------
    def eventFilter(self, obj, ev) -> bool:
        if obj is self.window:
            t = ev.type()
            if t in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
                if self._dropped_path(ev.mimeData()):
                    ev.acceptProposedAction()
                    return True
            elif t == QEvent.Type.Drop:
                path = self._dropped_path(ev.mimeData())
                if path:
                    ev.acceptProposedAction()
                    QTimer.singleShot(0, lambda: self.open_path(path))
                    return True
            elif t == QEvent.Type.Close:
                if self.task is not None and self.task.isRunning():
                    self.task.cancel()
                    self.task.wait(5000)
                if not self.maybe_save():
                    ev.ignore()
                    return True
                self.autosaver.remove()
        return super().eventFilter(obj, ev)

    @staticmethod
    def _dropped_path(mime) -> str | None:
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile():
                p = url.toLocalFile()
                if p.lower().endswith((".conllu", ".conll", ".conllx")) and os.path.isfile(p):
                    return p
        return None

    # -- navigation -------------------------------------------------------------------------------
    def go_to(self, i: int) -> None:
        if self.doc is None or not 0 <= i < len(self.doc):
            return
        changed = i != self.current
        self.current = i
        if changed:
            self.word = self.pending = self.head_cursor = None
            self.annotator.showMessage("")
        self.navigator.selectSentence(i, emit=False)
        self.token_table.setSentence(self.doc, i)
        self._show_sentence()
        if changed:
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
            self._status("No more unfinished sentences in that direction")
            return
        if self.navigator.model.rowOf(i) < 0:
            self.navigator.clearFilters()
        self.go_to(i)

    # -- showing the current sentence ------------------------------------------------------------------
    def _show_sentence(self) -> None:
        doc, i = self.doc, self.current
        if doc is None or i is None:
            return
        s = doc[i]
        words = s.words
        self.annotator.arcs.setTree([w.form for w in words], [("" if w.upos == "_" else w.upos) for w in words],
                                    [w.head_index for w in words],
                                    [None if w.deprel == "_" else w.deprel for w in words])
        self.annotator.arcs.setFlags(flags_for_view(s))
        self._show_selection()
        st = doc.status(i)
        sid = f" · {s.sent_id}" if s.sent_id else ""
        self.annotator.title.setText(f"<b>Sentence {i + 1}</b> of {len(doc)}{sid}")
        self.annotator.status_badge.setText(
            f"<span style='background:{STATUS_COLORS[st]}; color:white; padding:2px 6px; border-radius:3px'>"
            f"&nbsp;{st}&nbsp;</span>")
        self.annotator.text.setText(s.text)
        self.annotator.gold_button.setText("Unmark gold" if st == GOLD else "Mark gold")
        self.annotator.parse_button.setEnabled(st != GOLD and self._idle())
        self.gold_action.setText("Unmark Sentence Gold" if st == GOLD else "Mark Sentence Gold")
        if not self.annotator.arcs.wordCount():
            self.annotator.arcs.setPlaceholder("empty sentence")

    def _show_selection(self) -> None:
        arcs = self.annotator.arcs
        marks = {}
        focus = None
        words = set()
        if self.word:
            words.add(self.word)
            focus = self.word
        if self.pending:
            marks[self.pending] = "dep"
            focus = self.pending
        if self.head_cursor is not None and self.word:
            marks[self.word] = "dep"
            marks[self.head_cursor] = "head?"
            focus = self.head_cursor
            words.add(self.head_cursor)
        arcs.setMarks(marks)
        arcs.setHighlights(words, focus)

    def _doc_changed(self, indices: list[int]) -> None:
        if self.current is not None and self.current in indices:
            self.token_table.refresh()
            self._show_sentence()
        self._update_all()

    def _dirty_changed(self, dirty: bool) -> None:
        self._update_all()

    def _path_changed(self, path: str) -> None:
        self._update_all()

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

    def _update_all(self) -> None:
        has = self.doc is not None
        for a in (self.save_action, self.save_as_action, self.close_action, self.export_clean_action,
                  self.gold_action, self.relation_action, self.upos_action, self.focus_tree_action,
                  self.focus_table_action, self.focus_filter_action, self.next_action, self.prev_action,
                  self.next_unfinished_action, self.prev_unfinished_action, self.diff_current_action):
            a.setEnabled(has)
        idle = self._idle()
        self.parse_current_action.setEnabled(has and idle)
        self.parse_all_action.setEnabled(has and idle)
        self.open_action.setEnabled(idle)
        self.new_action.setEnabled(idle)
        self.annotator.gold_button.setEnabled(has and self.current is not None)
        self.annotator.parse_button.setEnabled(has and idle and self.current is not None
                                               and self.doc.status(self.current) != GOLD)
        if has:
            self.window.setWindowTitle(f"{self.doc.name}[*] — DepLab")
            self.window.setWindowModified(self.doc.dirty)
            self.editor_dock.setWindowTitle(f"Annotation — {self.doc.name}{' *' if self.doc.dirty else ''}")
        elif self.window.windowTitle().endswith("[*] — DepLab"):
            self.window.setWindowModified(False)
            self.window.setWindowTitle("DepLab")
            self.editor_dock.setWindowTitle("Annotation")

    # -- editing ------------------------------------------------------------------------------------
    def _guard(self, fn: Callable[[], bool]) -> bool:
        try:
            done = fn()
        except EditError as e:
            self.refuse(str(e))
            return False
        self.annotator.showMessage("")
        return done

    def attach(self, dependent: int, head: int, deprel: str | None = None) -> bool:
        if self.editor is None or self.current is None:
            return False
        i = self.current
        return self._guard(lambda: self.editor.attach(i, dependent, head, deprel))

    def set_relation(self, word: int, deprel: str) -> bool:
        if self.editor is None or self.current is None:
            return False
        i = self.current
        return self._guard(lambda: self.editor.set_deprel(i, word, deprel))

    def set_upos(self, word: int, upos: str) -> bool:
        if self.editor is None or self.current is None:
            return False
        i, row = self.current, self.token_table.model.rowOfWord(word)
        return self._guard(lambda: self.editor.set_column(i, row, "upos", upos))

    def _table_edit(self, i: int, row: int, column: str, value: str) -> bool:
        if self.editor is None:
            return False
        done = self.editor.set_column(i, row, column, value)  # EditError -> the table reports it
        self.annotator.showMessage("")
        return done

    def toggle_gold(self) -> None:
        if self.editor is None or self.current is None:
            return
        i = self.current
        new = EDITED if self.doc.status(i) == GOLD else GOLD
        if self._guard(lambda: self.editor.set_status(i, new)):
            self._status(f"Sentence {i + 1} marked {new}")

    def _attach_requested(self, dependent: int, head: int) -> None:
        self.pending = None
        self.word = dependent
        if dependent <= 0:
            return
        if self.attach(dependent, head):
            self.token_table.selectWord(dependent)
            if self.ask_relation_after_attach:
                self.relation_menu(dependent)
        self._show_selection()

    def _word_clicked(self, w: int) -> None:
        self.head_cursor = None
        if self.pending is None:
            if w > 0:
                self.pending = self.word = w
                self.token_table.selectWord(w)
                form = self.doc[self.current].words[w - 1].form
                self.annotator.showMessage(f"Now click the new head of <b>{form}</b> (or ROOT); "
                                           "click it again or press Esc to cancel.")
            self._show_selection()
            return
        dep, self.pending = self.pending, None
        if w == dep:
            self.annotator.showMessage("")
            self._show_selection()
            return
        if self.attach(dep, w):
            self.word = dep
            if self.ask_relation_after_attach:
                self.relation_menu(dep)
        self._show_selection()

    def _table_word_selected(self, w: int) -> None:
        if w != self.word:
            self.word = w
            self.pending = None
            self.head_cursor = None
            self._show_selection()

    def _menu_pos(self, word: int | None) -> QPoint:
        arcs = self.annotator.arcs
        if word is not None and arcs.isVisible() and 0 <= word <= arcs.wordCount():
            p = arcs.word_center(word)
            return arcs.canvas().mapToGlobal(QPoint(int(p.x()), int(p.y()) + 20))
        return QCursor.pos()

    def _popup(self, menu: ChoiceMenu, word: int | None) -> None:
        if self.menu is not None:
            self.menu.close()
        self.menu = menu
        back = QApplication.focusWidget()  # keyboard flow: focus returns where it was
        if back is not None:
            menu.aboutToHide.connect(lambda: QTimer.singleShot(0, back.setFocus))
        menu.popup(self._menu_pos(word))

    def relation_menu(self, word: int | None = None) -> ChoiceMenu | None:
        """Pops up the relation menu for ``word`` (default: the selected word)."""
        word = word or self.word
        if self.doc is None or self.current is None or not word:
            self._status("Select a word first (click it, or ←/→ in the arc view)")
            return None
        current = self.doc[self.current].words[word - 1].deprel
        menu = ChoiceMenu("Relation", self.doc.relations(), current, self.window)
        menu.chosen.connect(lambda rel, w=word: self.set_relation(w, rel))
        self._popup(menu, word)
        return menu

    def upos_menu(self, word: int | None = None) -> ChoiceMenu | None:
        word = word or self.word
        if self.doc is None or self.current is None or not word:
            self._status("Select a word first (click it, or ←/→ in the arc view)")
            return None
        current = self.doc[self.current].words[word - 1].upos
        menu = ChoiceMenu("UPOS", list(UPOS_TAGS), current, self.window)
        menu.chosen.connect(lambda tag, w=word: self.set_upos(w, tag))
        self._popup(menu, word)
        return menu

    def _key(self, ev) -> None:
        """Keyboard-only editing in the arc view (see the module docstring)."""
        if self.doc is None or self.current is None:
            ev.ignore()
            return
        n = len(self.doc[self.current].words)
        key, text = ev.key(), ev.text().lower()
        mods = ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            ev.ignore()
            return
        K = Qt.Key
        if self.head_cursor is not None:
            if key == K.Key_Left:
                self.head_cursor = max(0, self.head_cursor - 1)
            elif key == K.Key_Right:
                self.head_cursor = min(n, self.head_cursor + 1)
            elif key in (K.Key_Home, K.Key_0):
                self.head_cursor = 0
            elif key == K.Key_End:
                self.head_cursor = n
            elif key in (K.Key_Return, K.Key_Enter):
                dep, head, self.head_cursor = self.word, self.head_cursor, None
                if self.attach(dep, head) and self.ask_relation_after_attach:
                    self.relation_menu(dep)
            elif key == K.Key_Escape:
                self.head_cursor = None
                self.annotator.showMessage("")
            else:
                ev.ignore()
                return
            self._show_selection()
            ev.accept()
            return
        if key in (K.Key_Left, K.Key_Right):
            step = -1 if key == K.Key_Left else 1
            w = (self.word or (0 if step > 0 else n + 1)) + step
            if 1 <= w <= n:
                self.word = w
                self.pending = None
                self.token_table.selectWord(w)
        elif key in (K.Key_Return, K.Key_Enter) or text == "h":
            if self.word:
                h = self.doc[self.current].words[self.word - 1].head_index
                self.head_cursor = h if h is not None else max(0, self.word - 1)
                form = self.doc[self.current].words[self.word - 1].form
                self.annotator.showMessage(f"Choose the head of <b>{form}</b>: ←/→, Home = ROOT, Enter to attach, "
                                           "Esc to cancel")
        elif text == "r" or text == "l":
            self.relation_menu()
        elif text == "u":
            self.upos_menu()
        elif text == "g":
            self.toggle_gold()
        elif key == K.Key_Escape:
            self.pending = None
            self.annotator.showMessage("")
        elif key in (K.Key_PageDown, K.Key_Down):
            self.step_sentence(1)
        elif key in (K.Key_PageUp, K.Key_Up):
            self.step_sentence(-1)
        else:
            ev.ignore()
            return
        self._show_selection()
        ev.accept()

    # -- diff and evaluation ---------------------------------------------------------------------------
    def show_diff(self, gold, system, title: str = "") -> None:
        try:
            self.diff_view.setSentences(gold, system, title or None)
        except ValueError as e:
            self.refuse(f"cannot compare: {e}")
            return
        self.diff_dock.show()
        self.diff_dock.raise_()

    def diff_current(self) -> None:
        if self.doc is None or self.current is None:
            return
        pred = self.doc.predicted(self.current)
        if pred is None:
            self.refuse("no parser prediction is recorded for this sentence: parse it first")
            return
        self.show_diff(self.doc[self.current], pred, f"sentence {self.current + 1}: current annotation vs parser")

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
            for d in (self.editor_dock, self.navigator_dock, self.table_dock):
                d.show()
            QTimer.singleShot(0, self._size_docks)

    def _size_docks(self) -> None:
        self.window.resizeDocks([self.navigator_dock], [380], Qt.Orientation.Horizontal)
        self.window.resizeDocks([self.editor_dock, self.table_dock], [420, 300], Qt.Orientation.Vertical)

    def _pipeline_changed(self, pipeline) -> None:
        self.pipeline = pipeline

    def show_evaluation(self) -> None:
        self.eval_dock.show()
        self.eval_dock.raise_()
        QTimer.singleShot(0, lambda: self.window.resizeDocks([self.eval_dock], [420], Qt.Orientation.Vertical))

    # -- background work: opening and parsing -------------------------------------------------------------
    def _idle(self) -> bool:
        return self.task is None or not self.task.isRunning()

    def _run_task(self, work, label: str, on_success, on_failure, wait: bool = False) -> BackgroundTask:
        task = BackgroundTask(work, self, label)
        self.task = task
        self.progress_label.setText(label)
        self.progress_bar.setRange(0, 0)
        self.progress_box.show()
        task.progress.connect(self._task_progress)
        task.succeeded.connect(on_success)
        task.failed.connect(on_failure)
        task.finished.connect(self._task_finished)
        self._update_all()
        task.start()
        if wait:
            task.wait()
            QApplication.processEvents()
            QApplication.processEvents()
        return task

    def _task_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _task_finished(self) -> None:
        self.progress_box.hide()
        self._update_all()
        if self.current is not None:
            self._show_sentence()

    def cancel_task(self) -> None:
        if self.task is not None and self.task.isRunning():
            self.task.cancel()
            self.progress_label.setText("Cancelling…")

    def parse_current(self, wait: bool = False) -> None:
        if self.doc is None or self.current is None:
            return
        i = self.current
        st = self.doc.status(i)
        if st == GOLD:
            self.refuse("this sentence is gold: the parser never overwrites gold sentences (unmark it first)")
            return
        if st == EDITED and self.ask("Replace your edits?", "This sentence has manual edits. Parsing replaces its "
                                     "tags and tree (undo brings them back).", ("Parse", "Cancel")) != "Parse":
            return
        self._parse([i], wait)

    def parse_unannotated(self, wait: bool = False) -> None:
        if self.doc is None:
            return
        todo = [i for i, st in enumerate(self.doc.statuses()) if st == UNANNOTATED]
        if not todo:
            self._status("Every sentence already has annotation")
            return
        self._parse(todo, wait)

    def _parse(self, indices: list[int], wait: bool) -> None:
        if not self._idle():
            self._status("Busy: wait for the current task or cancel it")
            return
        doc = self.doc
        originals = {i: doc[i].copy() for i in indices}
        texts = {i: s.to_text() for i, s in originals.items()}
        pipeline = self.pipeline or getattr(self.window, "pipeline", None)
        factory = self.pipeline_factory

        def work(task: BackgroundTask):
            pl = pipeline or factory()
            results = {}
            order = list(originals)
            task.report(0, len(order))
            for start in range(0, len(order), PARSE_CHUNK):
                if task.cancelled:
                    break
                chunk = order[start:start + PARSE_CHUNK]
                parsed = pl.parse([originals[i] for i in chunk])
                results.update(zip(chunk, parsed))
                task.report(len(results), len(order))
            return pl, results, task.cancelled, len(order)

        def done(result):
            pl, results, cancelled, total = result
            self.pipeline = pl
            if self.doc is not doc:
                return
            # the user may have edited (or marked gold) a sentence while the parser ran
            fresh = {i: p for i, p in results.items() if doc[i].to_text() == texts[i] and doc.status(i) != GOLD}
            changed = self.editor.apply_parses(fresh) if fresh else []
            skipped = len(results) - len(changed)
            msg = f"Parsed {len(changed)} sentence(s)"
            if cancelled:
                msg += f" — cancelled after {len(results)} of {total}"
            if skipped:
                msg += f"; {skipped} left alone (changed meanwhile or gold)"
            self._status(msg, 8000)
            self.parseFinished.emit(changed)

        def failed(msg):
            self.show_error("Cannot parse", msg)
            self.parseFinished.emit(None)
        label = "Parsing" if len(indices) == 1 else f"Parsing {len(indices)} sentences"
        self._run_task(work, label, done, failed, wait)

    # -- crash recovery ------------------------------------------------------------------------------
    def offer_recovery(self, ask: Callable | None = None) -> list[Document]:
        """At start-up: offers to restore edits left by a crashed session."""
        return recovery.offer_recovery(self.window, self.open_document, ask)


def install_annotation(window: QMainWindow) -> AnnotationController:
    """Adds the annotation menus, docks and drag-and-drop to ``window``; returns the controller
    (also stored as ``window.annotation``)."""
    existing = getattr(window, "annotation", None)
    if isinstance(existing, AnnotationController):
        return existing
    controller = AnnotationController(window)
    window.annotation = controller
    return controller
