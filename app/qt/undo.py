"""Undo/redo for treebank edits: one QUndoStack per document.

Every edit is applied to the Qt-free :class:`~app.model.document.Document`
first (which validates it and raises :class:`EditError` if it is refused, in
which case nothing is pushed), then recorded as a :class:`SnapshotCommand`
holding the before/after snapshots of the sentences it changed.  Undo puts the
"before" snapshots back, redo the "after" ones, so every kind of edit (arcs,
relations, columns, status, parser output) undoes the same way.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from deplab.app.model.document import Document, EditError, SentenceState  # noqa: F401  (EditError re-exported)


class SnapshotCommand(QUndoCommand):
    """Restores whole-sentence snapshots; created after the edit was applied."""

    def __init__(self, doc: Document, before: dict[int, SentenceState], after: dict[int, SentenceState],
                 text: str, focus: int | None = None):
        super().__init__(text)
        self.doc = doc
        self.before, self.after = before, after
        self.focus = focus if focus is not None else (min(before) if before else None)
        self._applied = True  # QUndoStack.push calls redo() once: the edit is already done

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.doc.restore_many(self.after)

    def undo(self) -> None:
        self.doc.restore_many(self.before)

    def sentences(self) -> list[int]:
        return sorted(self.before)


class DocumentEditor:
    """Applies edits to a document through its undo stack.

    Each method raises EditError (with a message for the user) when the
    document refuses the edit; a no-op edit pushes nothing and returns False.
    """

    def __init__(self, doc: Document, stack: QUndoStack | None = None):
        self.doc = doc
        self.stack = stack if stack is not None else QUndoStack()
        self.pushed = None  # optional callback(command) after each push

    def _edit(self, i: int, text: str, fn: Callable[[], None]) -> bool:
        before = self.doc.snapshot(i)
        fn()
        after = self.doc.snapshot(i)
        if after.sentence.to_text() == before.sentence.to_text():
            return False
        cmd = SnapshotCommand(self.doc, {i: before}, {i: after}, text, i)
        self.stack.push(cmd)
        if self.pushed:
            self.pushed(cmd)
        return True

    def _form(self, i: int, word: int) -> str:
        if word == 0:
            return "ROOT"
        words = self.doc[i].words
        return words[word - 1].form if 1 <= word <= len(words) else str(word)

    def attach(self, i: int, dependent: int, head: int, deprel: str | None = None) -> bool:
        text = f"Attach '{self._form(i, dependent)}' to '{self._form(i, head)}'"
        if deprel:
            text += f" as {deprel}"
        return self._edit(i, text, lambda: self.doc.attach(i, dependent, head, deprel))

    def set_deprel(self, i: int, word: int, deprel: str) -> bool:
        return self._edit(i, f"Relation of '{self._form(i, word)}' → {deprel}",
                          lambda: self.doc.set_deprel(i, word, deprel))

    def set_column(self, i: int, token_index: int, column: str, value: str) -> bool:
        tokens = self.doc[i].tokens
        form = tokens[token_index].form if 0 <= token_index < len(tokens) else "?"
        return self._edit(i, f"{column.upper()} of '{form}' → {value}",
                          lambda: self.doc.set_column(i, token_index, column, value))

    def set_status(self, i: int, status: str) -> bool:
        return self._edit(i, f"Mark sentence {i + 1} {status}", lambda: self.doc.set_status(i, status))

    def apply_parses(self, results: dict) -> list[int]:
        """Parser output for many sentences as one undoable step (gold sentences are skipped)."""
        before = {i: self.doc.snapshot(i) for i in results}
        done = self.doc.apply_parses(results)
        if not done:
            return done
        after = {i: self.doc.snapshot(i) for i in done}
        cmd = SnapshotCommand(self.doc, {i: before[i] for i in done}, after,
                              f"Parse {len(done)} sentence{'s' if len(done) != 1 else ''}", done[0])
        self.stack.push(cmd)
        if self.pushed:
            self.pushed(cmd)
        return done

    def install_parses(self, before: dict, after: dict, after_states: dict) -> list[int]:
        """Parser output prepared in a worker (:meth:`Document.parsed_sentence`, with the snapshots
        before and after) put in place as one undoable step: the GUI thread only swaps sentences."""
        done = self.doc.install_parses(after)
        if not done:
            return done
        cmd = SnapshotCommand(self.doc, {i: before[i] for i in done}, {i: after_states[i] for i in done},
                              f"Parse {len(done)} sentence{'s' if len(done) != 1 else ''}", done[0])
        self.stack.push(cmd)
        if self.pushed:
            self.pushed(cmd)
        return done
