"""The annotation controller's verbs, each handed to the controller that does it: files
(:mod:`.file_controller`), editing (:mod:`.edit_controller`), parsing (:mod:`.parse_controller`),
crash recovery (:mod:`.recovery`).  :class:`~.annotation.AnnotationController` inherits them, so
that menus, scripts and tests call ``controller.open_path(...)``, ``controller.attach(...)``."""
from __future__ import annotations

from typing import Callable

from deplab.app.model.document import Document

from . import recovery
from .annotation_widgets import ChoiceMenu


class AnnotationJobs:
    """Mixed into the controller, which provides ``files``, ``edits``, ``parsing`` and ``window``."""

    def open_dialog(self) -> None:
        self.files.open_dialog()

    def open_path(self, path: str, wait: bool = False) -> None:
        self.files.open_path(path, wait)

    def new_from_text_dialog(self) -> None:
        self.files.new_from_text_dialog()

    def new_from_text(self, text: str, parse: bool = False, wait: bool = False) -> bool:
        return self.files.new_from_text(text, parse, wait)

    def maybe_save(self) -> bool:
        return self.files.maybe_save()

    def save(self, wait: bool = True) -> bool:
        return self.files.save(wait)

    def save_as(self, wait: bool = True) -> bool:
        return self.files.save_as(wait)

    def export_clean(self, path: str | None = None) -> bool:
        return self.files.export_clean(path)

    def close_document(self) -> bool:
        return self.files.close_document()

    def recent_files(self) -> list[str]:
        return self.files.recent.paths()

    def _fill_recent(self) -> None:
        self.files.fill_recent(self._recent_menu)

    def attach(self, dependent: int, head: int, deprel: str | None = None) -> bool:
        return self.edits.attach(dependent, head, deprel)

    def set_relation(self, word: int, deprel: str) -> bool:
        return self.edits.set_relation(word, deprel)

    def set_upos(self, word: int, upos: str) -> bool:
        return self.edits.set_upos(word, upos)

    def toggle_gold(self) -> None:
        self.edits.toggle_gold()

    def relation_menu(self, word: int | None = None) -> ChoiceMenu | None:
        return self.edits.relation_menu(word)

    def upos_menu(self, word: int | None = None) -> ChoiceMenu | None:
        return self.edits.upos_menu(word)

    def refuse(self, message: str) -> None:
        self.edits.refuse(message)

    def parse_current(self, wait: bool = False) -> None:
        self.parsing.parse_current(wait)

    def parse_unannotated(self, wait: bool = False) -> None:
        self.parsing.parse_unannotated(wait)

    def offer_recovery(self, ask: Callable | None = None) -> list[Document]:
        """At start-up: offers to restore edits left by a crashed session."""
        return recovery.offer_recovery(self.window, self.open_document, ask)

    def split_word(self, word: int | None = None, forms: str | None = None) -> bool:
        return self.edits.split_word(word, forms)

    def merge_range(self, word: int | None = None) -> bool:
        return self.edits.merge_range(word)
