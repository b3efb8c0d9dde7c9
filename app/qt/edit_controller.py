"""Editing the current sentence: mouse and keyboard re-attachment, relation and UPOS menus, gold.

The selection and the keyboard head mode are the Qt-free :class:`~deplab.app.model.editing.EditingState`;
this controller turns Qt events into its key names, carries out the commands it returns through
the undoable :class:`~.undo.DocumentEditor` (the document refuses cycles), and draws the
current sentence and its marks in the arc view.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication

from deplab.app.model import editing
from deplab.app.model.document import EDITED, GOLD, EditError
from deplab.app.model.validation import UPOS_TAGS, flags_for_view

from .annotation_widgets import ChoiceMenu
from .navigator import STATUS_COLORS

K = Qt.Key
KEY_NAMES = {K.Key_Left: "left", K.Key_Right: "right", K.Key_Up: "up", K.Key_Down: "down", K.Key_Home: "home",
             K.Key_End: "end", K.Key_Return: "enter", K.Key_Enter: "enter", K.Key_Escape: "escape",
             K.Key_PageUp: "pageup", K.Key_PageDown: "pagedown", K.Key_0: "0"}


def key_name(ev) -> str | None:
    """The editor's name of a key press (``"left"``, ``"enter"``, ``"r"``…), None for other keys."""
    name = KEY_NAMES.get(ev.key())
    if name is None:
        text = ev.text().lower()
        name = text if len(text) == 1 and text.isalpha() else None
    return name


class EditController:
    """Edits of the current sentence of ``ctl`` (the :class:`~.annotation.AnnotationController`)."""

    def __init__(self, ctl):
        self.ctl = ctl
        self.state = editing.EditingState()
        self.state.changed.connect(self.show_selection)
        self.menu: ChoiceMenu | None = None
        arcs = ctl.annotator.arcs
        arcs.wordClicked.connect(self.word_clicked)
        arcs.attachRequested.connect(self.attach_requested)
        ctl.annotator.keyPressed.connect(self.key)
        ctl.token_table.wordSelected.connect(self.state.select)
        ctl.token_table.model.edit_handler = self.table_edit
        ctl.token_table.model.editRefused.connect(lambda m: self.refuse(m))
        ctl.token_table.setRelationSource(lambda: ctl.doc.relations() if ctl.doc else [])

    # -- messages --------------------------------------------------------------------------
    def refuse(self, message: str) -> None:
        """An edit was refused: say why, in the editor and the status bar (no modal dialog)."""
        self.ctl.annotator.showMessage("✖ " + message, error=True)
        self.ctl.status(message, 6000)

    def _guard(self, fn: Callable[[], bool]) -> bool:
        try:
            done = fn()
        except EditError as e:
            self.refuse(str(e))
            return False
        self.ctl.annotator.showMessage("")
        return done

    # -- edits -----------------------------------------------------------------------------------
    def attach(self, dependent: int, head: int, deprel: str | None = None) -> bool:
        c = self.ctl
        if c.editor is None or c.current is None:
            return False
        i = c.current
        return self._guard(lambda: c.editor.attach(i, dependent, head, deprel))

    def set_relation(self, word: int, deprel: str) -> bool:
        c = self.ctl
        if c.editor is None or c.current is None:
            return False
        i = c.current
        return self._guard(lambda: c.editor.set_deprel(i, word, deprel))

    def set_upos(self, word: int, upos: str) -> bool:
        c = self.ctl
        if c.editor is None or c.current is None:
            return False
        i, row = c.current, c.token_table.model.rowOfWord(word)
        return self._guard(lambda: c.editor.set_column(i, row, "upos", upos))

    def table_edit(self, i: int, row: int, column: str, value: str) -> bool:
        c = self.ctl
        if c.editor is None:
            return False
        done = c.editor.set_column(i, row, column, value)  # EditError -> the table reports it
        c.annotator.showMessage("")
        return done

    # -- multiword tokens ---------------------------------------------------------------------------
    def _snapshot_edit(self, text: str, fn: Callable[[], None]) -> bool:
        """One undoable edit of the current sentence (whole-sentence snapshots, like every edit)."""
        from .undo import SnapshotCommand
        c = self.ctl
        i = c.current
        before = c.doc.snapshot(i)
        fn()
        cmd = SnapshotCommand(c.doc, {i: before}, {i: c.doc.snapshot(i)}, text, i)
        c.editor.stack.push(cmd)
        if c.editor.pushed:
            c.editor.pushed(cmd)
        return True

    def split_word(self, word: int | None = None, forms: str | None = None) -> bool:
        """Splits the selected word into syntactic words (``du`` → ``de le``), creating the range line."""
        c = self.ctl
        word = word if word is not None else self.state.word
        if c.doc is None or c.current is None or c.editor is None:
            return False
        if not word:
            self.refuse("select the word to split first")
            return False
        form = c.doc[c.current].words[word - 1].form
        if forms is None:
            forms = c.ask_text("Split into words", f"The syntactic words of <b>{form}</b>, separated by spaces "
                                                   "(e.g. du → de le):", form)
            if not forms:
                return False
        done = self._guard(lambda: self._snapshot_edit(f"Split '{form}' into {forms}",
                                                       lambda: c.doc.split_word(c.current, word, forms.split())))
        if done:
            c.status(f"'{form}' is now a multiword token of {len(forms.split())} words")
        return done

    def merge_range(self, word: int | None = None) -> bool:
        """Merges the multiword token that contains the selected word back into one word."""
        c = self.ctl
        word = word if word is not None else self.state.word
        if c.doc is None or c.current is None or c.editor is None:
            return False
        if not word:
            self.refuse("select a word of the multiword token first")
            return False
        return self._guard(lambda: self._snapshot_edit("Merge multiword token",
                                                       lambda: c.doc.merge_range(c.current, word)))

    def toggle_gold(self) -> None:
        c = self.ctl
        if c.editor is None or c.current is None:
            return
        i = c.current
        new = EDITED if c.doc.status(i) == GOLD else GOLD
        if self._guard(lambda: c.editor.set_status(i, new)):
            c.status(f"Sentence {i + 1} marked {new}")

    def _attached(self, dep: int, head: int) -> None:
        if self.attach(dep, head):
            self.ctl.token_table.selectWord(dep)
            if self.ctl.ask_relation_after_attach:
                self.relation_menu(dep)

    # -- mouse -------------------------------------------------------------------------------------
    def attach_requested(self, dependent: int, head: int) -> None:
        cmd = self.state.drag(dependent, head)
        if cmd is not None:
            self._attached(cmd.word, cmd.head)
        self.show_selection()

    def word_clicked(self, w: int) -> None:
        cmd = self.state.click(w)
        if cmd is None:
            return
        if cmd.kind == editing.SELECT:
            self.ctl.token_table.selectWord(w)
            form = self.ctl.doc[self.ctl.current].words[w - 1].form
            self.ctl.annotator.showMessage(f"Now click the new head of <b>{form}</b> (or ROOT); "
                                           "click it again or press Esc to cancel.")
        elif cmd.kind == editing.CANCEL:
            self.ctl.annotator.showMessage("")
        elif cmd.kind == editing.ATTACH:
            if self.attach(cmd.word, cmd.head) and self.ctl.ask_relation_after_attach:
                self.relation_menu(cmd.word)
        self.show_selection()

    # -- keyboard ------------------------------------------------------------------------------------
    def key(self, ev) -> None:
        """Keyboard-only editing in the arc view (see :mod:`deplab.app.model.editing`)."""
        c = self.ctl
        mods = ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        name = key_name(ev)
        if (c.doc is None or c.current is None or name is None
                or mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)):
            ev.ignore()
            return
        words = c.doc[c.current].words
        cmd = self.state.key(name, len(words), lambda w: words[w - 1].head_index)
        if cmd is None:
            ev.ignore()
            return
        k = cmd.kind
        if k == editing.SELECT and cmd.word:
            c.token_table.selectWord(cmd.word)
        elif k == editing.HEAD_MODE:
            c.annotator.showMessage(f"Choose the head of <b>{words[cmd.word - 1].form}</b>: ←/→, Home = ROOT, "
                                    "Enter to attach, Esc to cancel")
        elif k == editing.ATTACH:
            if self.attach(cmd.word, cmd.head) and c.ask_relation_after_attach:
                self.relation_menu(cmd.word)
        elif k == editing.CANCEL:
            c.annotator.showMessage("")
        elif k == editing.RELATION:
            self.relation_menu()
        elif k == editing.UPOS:
            self.upos_menu()
        elif k == editing.GOLD:
            self.toggle_gold()
        elif k == editing.STEP:
            c.step_sentence(cmd.step)
        self.show_selection()
        ev.accept()

    # -- menus -----------------------------------------------------------------------------------------
    def _menu_pos(self, word: int | None) -> QPoint:
        arcs = self.ctl.annotator.arcs
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

    def _choice_menu(self, title: str, word: int | None, choices, column: str, apply) -> ChoiceMenu | None:
        c = self.ctl
        word = word or self.state.word
        if c.doc is None or c.current is None or not word:
            c.status("Select a word first (click it, or ←/→ in the arc view)")
            return None
        current = getattr(c.doc[c.current].words[word - 1], column)
        menu = ChoiceMenu(title, list(choices), current, c.window)
        menu.chosen.connect(lambda value, w=word: apply(w, value))
        self._popup(menu, word)
        return menu

    def relation_menu(self, word: int | None = None) -> ChoiceMenu | None:
        """Pops up the relation menu for ``word`` (default: the selected word)."""
        doc = self.ctl.doc
        return self._choice_menu("Relation", word, doc.relations() if doc else [], "deprel", self.set_relation)

    def upos_menu(self, word: int | None = None) -> ChoiceMenu | None:
        return self._choice_menu("UPOS", word, UPOS_TAGS, "upos", self.set_upos)

    # -- drawing the current sentence ---------------------------------------------------------------------
    def show_sentence(self) -> None:
        c = self.ctl
        doc, i = c.doc, c.current
        if doc is None or i is None:
            return
        s = doc[i]
        words = s.words
        ann = c.annotator
        ann.arcs.setTree([w.form for w in words], [("" if w.upos == "_" else w.upos) for w in words],
                         [w.head_index for w in words], [None if w.deprel == "_" else w.deprel for w in words])
        ann.arcs.setFlags(flags_for_view(s))
        self.show_selection()
        st = doc.status(i)
        sid = f" · {s.sent_id}" if s.sent_id else ""
        ann.title.setText(f"<b>Sentence {i + 1}</b> of {len(doc)}{sid}")
        ann.status_badge.setText(
            f"<span style='background:{STATUS_COLORS[st]}; color:white; padding:2px 6px; border-radius:3px'>"
            f"&nbsp;{st}&nbsp;</span>")
        ann.text.setText(s.text)
        ranges = [t for t in s.tokens if t.is_range]
        if ranges:
            by_id = {t.id: t.form for t in words}

            def parts(t):
                a, b = (int(x) for x in t.id.split("-"))
                return " + ".join(by_id.get(str(k), "?") for k in range(a, b + 1))
            ann.multiword.setText("Multiword tokens: " + " · ".join(
                f"<b>{t.form}</b> = {parts(t)} (words {t.id.replace('-', '–')})" for t in ranges))
        ann.multiword.setVisible(bool(ranges))
        ann.gold_button.setText("Unmark gold" if st == GOLD else "Mark gold")
        ann.parse_button.setEnabled(st != GOLD and c.idle())
        c.gold_action.setText("Unmark Sentence Gold" if st == GOLD else "Mark Sentence Gold")
        if not ann.arcs.wordCount():
            ann.arcs.setPlaceholder("empty sentence")

    def show_selection(self) -> None:
        marks, words, focus = self.state.marks()
        arcs = self.ctl.annotator.arcs
        arcs.setMarks(marks)
        arcs.setHighlights(words, focus)
