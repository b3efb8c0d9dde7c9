"""Adjudicating two annotations of the same sentences (Qt-free).

The adjudicated result is a :class:`~app.model.document.Document` that starts as annotation A
with every word on which A and B disagree (head or relation) left unattached (HEAD and
DEPREL ``_``): the adjudicator picks A's or B's arc for each such word, or attaches it
otherwise, through the document's edit methods, so cycles are refused, every change can be
undone and the result is saved like any treebank.  Whether a word is still open is read
from the document itself (no head yet), so undo and redo never leave this model stale.
The differences come from :func:`deplab.parser.agreement.disagreements`.
"""
from __future__ import annotations

from typing import Sequence

from deplab.parser.agreement import agreement, check_alignment, disagreements
from deplab.parser.conllu import Sentence

from .document import Document

A, B = "a", "b"


class Adjudication:
    def __init__(self, a: Sequence[Sentence], b: Sequence[Sentence], name_a: str = "A", name_b: str = "B"):
        check_alignment([(name_a, a), (name_b, b)])  # raises TokenizationMismatch with file:line
        self.a, self.b = list(a), list(b)
        self.name_a, self.name_b = name_a, name_b
        self.differences: dict[int, list[int]] = dict(disagreements(self.a, self.b))
        start = []
        for i, s in enumerate(self.a):
            s = s.copy()
            words = s.words
            for w in self.differences.get(i, ()):
                words[w - 1].head, words[w - 1].deprel = "_", "_"
            start.append(s)
        self.result = Document(start)

    @property
    def sentences(self) -> list[int]:
        """Indices of the sentences where A and B disagree."""
        return sorted(self.differences)

    def arc(self, i: int, word: int, side: str) -> tuple[int, str]:
        w = (self.a if side == A else self.b)[i].words[word - 1]
        return int(w.head), w.deprel

    def open_words(self, i: int) -> list[int]:
        """Differing words of sentence i not attached yet in the result."""
        words = self.result[i].words
        return [w for w in self.differences.get(i, ()) if words[w - 1].head == "_"]

    def open_count(self) -> int:
        return sum(len(self.open_words(i)) for i in self.differences)

    def chosen(self, i: int, word: int) -> str | None:
        """``"a"``, ``"b"``, ``"both"`` … which annotation the result's arc equals (None: neither or open)."""
        r = self.result[i].words[word - 1]
        if r.head == "_":
            return None
        got = (int(r.head), r.deprel)
        ha, hb = self.arc(i, word, A) == got, self.arc(i, word, B) == got
        return "both" if ha and hb else A if ha else B if hb else "edit"

    def pick(self, i: int, word: int, side: str, editor=None) -> bool:
        """Attaches ``word`` as annotation ``side`` has it; through ``editor`` (undoable) when given."""
        head, deprel = self.arc(i, word, side)
        if editor is not None:
            return editor.attach(i, word, head, deprel)
        self.result.attach(i, word, head, deprel)
        return True

    def figures(self) -> dict:
        """The agreement between A and B (as ``deplab agree --json`` prints it)."""
        return agreement([(self.name_a, self.a), (self.name_b, self.b)]).as_dict()
