"""The annotation area's menu actions (File, Edit, View, Parse) and when they are enabled."""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from deplab.app.model.document import GOLD


def _menu(c, title: str) -> QMenu:
    bar = c.window.menuBar()
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

def _action(c, menu: QMenu, text: str, slot, shortcut=None, tip: str = "",
            before: QAction | None = None) -> QAction:
    a = QAction(text, c.window)
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


def build_actions(c) -> None:
    """The File, Edit, View and Parse actions of the annotation area, stored on the controller ``c``."""
    SK = QKeySequence.StandardKey
    f = _menu(c, "&File")
    first = f.actions()[0] if f.actions() else None  # the treebank actions go on top of the File menu
    c.open_action = _action(c, f, "&Open Treebank (CoNLL-U)…", c.open_dialog, "Ctrl+Shift+O",
                            "Open a CoNLL-U treebank", before=first)
    c._recent_menu = QMenu("Open Recent &Treebank", f)
    c._recent_menu.aboutToShow.connect(c._fill_recent)
    f.insertMenu(first, c._recent_menu) if first is not None else f.addMenu(c._recent_menu)
    c.new_action = _action(c, f, "&New Treebank from Text…", c.new_from_text_dialog, "Ctrl+Shift+N",
                           "Start a treebank from typed or pasted text", before=first)
    c.save_action = _action(c, f, "&Save Treebank", lambda: c.save(wait=False), SK.Save,
                            "Save the treebank (atomically, in the background)", before=first)
    c.save_as_action = _action(c, f, "Save Treebank &As…", lambda: c.save_as(wait=False), SK.SaveAs, before=first)
    c.export_clean_action = _action(c, f, "&Export Treebank without DepLab Comments…", c.export_clean,
                                    None, "A copy without deplab_status / deplab_predicted comments",
                                    before=first)
    c.close_action = _action(c, f, "&Close Treebank", c.close_document, None, before=first)
    if first is not None:
        f.insertSeparator(first)

    e = _menu(c, "&Edit")
    c.undo_action = c.undo_group.createUndoAction(c.window, "&Undo")
    c.undo_action.setShortcuts(SK.Undo)
    c.redo_action = c.undo_group.createRedoAction(c.window, "&Redo")
    c.redo_action.setShortcuts(SK.Redo)
    first_e = e.actions()[0] if e.actions() else None
    e.insertAction(first_e, c.undo_action)
    e.insertAction(first_e, c.redo_action)
    if first_e is not None:
        e.insertSeparator(first_e)
    e.addSeparator()
    c.relation_action = _action(c, e, "&Relation of Selected Word…", c.relation_menu, "Ctrl+R",
                                "Choose the relation of the selected word")
    c.upos_action = _action(c, e, "UP&OS of Selected Word…", c.upos_menu, "Ctrl+U")
    c.split_action = _action(c, e, "S&plit Token into Words…", c.split_word, "Ctrl+Alt+S",
                             "A multiword token: the selected word becomes several syntactic words (du → de le)")
    c.merge_action = _action(c, e, "&Merge Multiword Token", c.merge_range, "Ctrl+Alt+M",
                             "The multiword token of the selected word becomes one word again")
    c.gold_action = _action(c, e, "Mark Sentence &Gold", c.toggle_gold, "Ctrl+Shift+G",
                            "Mark (or unmark) the current sentence gold; recorded in the file")
    c.focus_tree_action = _action(c, e, "Focus the &Tree Editor", c.focus_tree, "Ctrl+E",
                                  "Keyboard editing in the arc view: ←/→, Enter, R, U, G")
    c.focus_table_action = _action(c, e, "Focus the Token T&able", c.token_table.view.setFocus, "Ctrl+T")
    c.focus_filter_action = _action(c, e, "&Find Sentences…", c.focus_filter, "Ctrl+F",
                                    "Filter the sentence list by text, form, UPOS, relation or status")
    e.addSeparator()
    c.next_action = _action(c, e, "Next Sentence", lambda: c.step_sentence(1), "Alt+Down")
    c.prev_action = _action(c, e, "Previous Sentence", lambda: c.step_sentence(-1), "Alt+Up")
    c.next_unfinished_action = _action(c, e, "Next &Unfinished Sentence", lambda: c.step_unfinished(1),
                                       "Ctrl+Alt+Down", "The next sentence that is not gold")
    c.prev_unfinished_action = _action(c, e, "Previous Unfinished Sentence",
                                       lambda: c.step_unfinished(-1), "Ctrl+Alt+Up")

    v = _menu(c, "&View")
    v.addSeparator()
    if not callable(getattr(c.window, "add_dock", None)):  # else they are under View ▸ Panels
        for d in (c.editor_dock, c.navigator_dock, c.table_dock, c.eval_dock, c.diff_dock):
            v.addAction(d.toggleViewAction())
    c.focus_action = _action(c, v, "&Annotation Layout (hide the stepper)", lambda: None, "Ctrl+Shift+A",
                             "Give the whole window to the treebank panels")
    c.focus_action.setCheckable(True)
    c.focus_action.toggled.connect(c.set_annotation_layout)
    c.diff_current_action = _action(c, v, "Compare Sentence with Parser &Prediction",
                                    c.diff_current, "Ctrl+Shift+D",
                                    "Gold-versus-parsed view of the current sentence")

    p = _menu(c, "&Parse")
    p.addSeparator()
    c.parse_current_action = _action(c, p, "Parse &Current Sentence", c.parse_current, "Ctrl+Shift+P",
                                     "Parse the current sentence (never a gold one)")
    c.parse_all_action = _action(c, p, "Parse &All Unannotated Sentences", c.parse_unannotated, None,
                                 "Parse every sentence without annotation, in the background")
    c.evaluate_action = _action(c, p, "&Evaluate…", c.show_evaluation, None,
                                "Scores: gold corrections vs parser, or gold vs system files")
    c.study_action = None
    if callable(getattr(c.window, "show_sentence", None)):
        c.study_action = _action(c, p, "&Step Through Current Treebank Sentence", c.study_current, None,
                                 "Show the current sentence in the parser stepper (its tree as gold)")
    changed = getattr(c.window, "pipelineChanged", None)
    if changed is not None:
        changed.connect(c._pipeline_changed)


def update_actions(c) -> None:
    """Enables what the document and the background task allow; the window title shows the file."""
    has = c.doc is not None
    for a in (c.save_action, c.save_as_action, c.close_action, c.export_clean_action,
              c.gold_action, c.split_action, c.merge_action, c.relation_action, c.upos_action, c.focus_tree_action,
              c.focus_table_action, c.focus_filter_action, c.next_action, c.prev_action,
              c.next_unfinished_action, c.prev_unfinished_action, c.diff_current_action):
        a.setEnabled(has)
    idle = c.idle()
    c.parse_current_action.setEnabled(has and idle)
    c.parse_all_action.setEnabled(has and idle)
    c.open_action.setEnabled(idle)
    c.new_action.setEnabled(idle)
    c.annotator.gold_button.setEnabled(has and c.current is not None)
    c.annotator.parse_button.setEnabled(has and idle and c.current is not None
                                           and c.doc.status(c.current) != GOLD)
    if has:
        c.window.setWindowTitle(f"{c.doc.name}[*] — DepLab")
        c.window.setWindowModified(c.doc.dirty)
        c.editor_dock.setWindowTitle(f"Annotation — {c.doc.name}{' *' if c.doc.dirty else ''}")
    elif c.window.windowTitle().endswith("[*] — DepLab"):
        c.window.setWindowModified(False)
        c.window.setWindowTitle("DepLab")
        c.editor_dock.setWindowTitle("Annotation")
