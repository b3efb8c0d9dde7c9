"""The treebank-wide panels in the window: search and rewrite by tree pattern, validation,
inter-annotator agreement and adjudication (issue 18).

:class:`TreebankTools` wires the standalone panels (:mod:`.search_panel`, :mod:`.validation_panel`,
:mod:`.agreement_panel`, :mod:`.adjudication_view`) to the annotation controller:

* Edit ▸ Find by Tree Pattern… (Ctrl+Shift+F) shows the Search dock; F3 / Shift+F3 step through the
  matches anywhere in the window; a match selects its sentence in the Sentences list, shows it and
  highlights the matched words in the tree; a rewrite is previewed and applied as one undo step on
  the document's undo stack;
* Tools ▸ Validate Treebank shows the Validation dock and runs the checks; a click on a problem goes
  to its sentence and word;
* Tools ▸ Inter-annotator Agreement… asks for two or more files and shows the Agreement dock; its
  Adjudicate… button opens the adjudication view in its own window, which saves the adjudicated file.

The matching, checks and figures are the engine's (``deplab grep``, ``deplab validate``, ``deplab agree``).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from .agreement_panel import AgreementPanel
from .annotation_actions import _action, _menu
from .search_panel import SearchPanel
from .validation_panel import ValidationPanel

CONLLU_FILTER = "CoNLL-U (*.conllu *.conll *.conllx);;All files (*)"


class TreebankTools:
    """The Search, Validation and Agreement docks and their actions, over the controller ``ctl``'s document."""

    def __init__(self, ctl):
        self.ctl = ctl
        A = Qt.DockWidgetArea
        self.search = SearchPanel()
        self.validation = ValidationPanel()
        self.agreement = AgreementPanel()
        add = ctl.docks._add
        self.search_dock = add("Search by Tree Pattern", self.search, A.BottomDockWidgetArea, "searchDock")
        self.validation_dock = add("Validation", self.validation, A.BottomDockWidgetArea, "validationDock")
        self.agreement_dock = add("Agreement", self.agreement, A.BottomDockWidgetArea, "agreementDock")
        for d in (self.search_dock, self.validation_dock, self.agreement_dock):
            d.hide()
        self.adjudication_windows: list = []
        #: asks for the annotators' files (replaceable in tests and scripts)
        self.get_agreement_paths: Callable[[], list[str]] = self._agreement_dialog

        self.search.highlightRequested.connect(self.show_match)
        self.validation.goToRequested.connect(self.go_to_word)
        self.agreement.adjudicationOpened.connect(self._adjudication_opened)
        ctl.documentChanged.connect(self._document_changed)
        self._build_actions()

    def _build_actions(self) -> None:
        c = self.ctl
        e = _menu(c, "&Edit")
        e.addSeparator()
        self.find_action = _action(c, e, "Find by &Tree Pattern…", self.show_search, "Ctrl+Shift+F",
                                   "Search (and rewrite) the treebank with a Grew request")
        self.next_match_action = _action(c, e, "Next Match", self.search.next_match, "F3")
        self.prev_match_action = _action(c, e, "Previous Match", self.search.previous_match, "Shift+F3")
        t = _menu(c, "&Tools")
        self.validate_action = _action(c, t, "&Validate Treebank", self.validate, None,
                                       "The UD checks (levels 1–3) over the whole treebank")
        self.agreement_action = _action(c, t, "Inter-annotator &Agreement…", self.agreement_dialog, None,
                                        "Agreement between two or more annotators' files; adjudication")
        for a in (self.find_action, self.next_match_action, self.prev_match_action, self.validate_action):
            a.setEnabled(False)

    # -- the document -------------------------------------------------------------------------
    def _document_changed(self, doc) -> None:
        self.search.set_document(doc, self.ctl.editor)
        self.validation.set_document(doc)
        for a in (self.find_action, self.next_match_action, self.prev_match_action, self.validate_action):
            a.setEnabled(doc is not None)

    # -- search --------------------------------------------------------------------------------
    def show_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search.edit.setFocus()

    def _reveal(self, sentence: int) -> bool:
        """Goes to a sentence of the document, clearing a navigator filter that hides it; False if there is none."""
        c = self.ctl
        if c.doc is None or not 0 <= sentence < len(c.doc):
            return False
        if c.navigator.model.rowOf(sentence) < 0:
            c.navigator.clearFilters()
        c.go_to(sentence)
        return True

    def show_match(self, sentence: int, words: list) -> None:
        """Goes to the matched sentence (clearing a filter that hides it) and highlights the matched words."""
        c = self.ctl
        if not self._reveal(sentence):
            return
        shown = [w for w in words if w]
        c.annotator.arcs.setHighlights(shown, shown[0] if shown else None)
        c.status(f"match: sentence {sentence + 1}, words {', '.join(map(str, shown)) or 'ROOT'}", 4000)

    # -- validation ------------------------------------------------------------------------------
    def validate(self) -> None:
        if self.ctl.doc is None:
            return
        self.validation_dock.show()
        self.validation_dock.raise_()
        self.validation.set_document(self.ctl.doc)
        self.validation.start()

    def go_to_word(self, sentence: int, word: int) -> None:
        c = self.ctl
        if not self._reveal(sentence):
            return
        if 0 < word <= len(c.doc[sentence].words):
            c.token_table.selectWord(word)
            c.word = word
            c.edits.show_selection()

    # -- agreement and adjudication ---------------------------------------------------------------
    def _agreement_dialog(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(self.ctl.window, "Annotators' files (two or more)", "", CONLLU_FILTER)
        return paths

    def agreement_dialog(self) -> None:
        paths = self.get_agreement_paths()
        if not paths:
            return
        self.agreement_dock.show()
        self.agreement_dock.raise_()
        self.agreement.set_files(paths)
        if len(paths) < 2:
            self.agreement.message.setText("Add at least one more annotator's file (Add file…) to compare.")
            return
        self.agreement.start()

    def _adjudication_opened(self, view) -> None:
        view.setParent(self.ctl.window, Qt.WindowType.Window)
        view.saved.connect(lambda p: self.ctl.status(f"Adjudicated treebank saved to {p}", 8000))
        self.adjudication_windows.append(view)
        view.show()
