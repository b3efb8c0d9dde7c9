"""A sentence as the Grew matcher reads it: heads, relations, children and lazily parsed features.

Nodes are the sentence's words 1..n plus Grew's anchor node 0 (ROOT), from which the root edge comes; a
word's features are the columns ``form``, ``lemma``, ``upos``, ``xpos``, then FEATS, then MISC attributes
(https://grew.fr/doc/request/).  Tree-wide properties (``is_tree``, ``is_projective``) are
:mod:`parser.tree`'s.
"""
from __future__ import annotations

from ..conllu import Sentence
from ..tree import DependencyTree
from .syntax_tree import WORD_COLUMNS as _COLUMNS


class SentenceGraph:
    """The words of one sentence as arrays the matcher reads (features parsed on first use)."""

    __slots__ = ("sentence", "n", "words", "heads", "deprels", "children", "_feats", "_misc", "_projective")

    def __init__(self, sentence: Sentence):
        self.sentence = sentence
        words = sentence.words
        self.n = n = len(words)
        self.words = [None] + words
        self.heads = heads = [None] + [w.head_index for w in words]
        self.deprels = [None] + [w.deprel for w in words]
        self.children: list[list[int]] = [[] for _ in range(n + 1)]
        for d in range(1, n + 1):
            h = heads[d]
            if h is not None and 0 <= h <= n:
                self.children[h].append(d)
        self._feats: list[dict | None] = [None] * (n + 1)
        self._misc: list[dict | None] = [None] * (n + 1)
        self._projective: bool | None = None

    def feature(self, word: int, name: str) -> str | None:
        """The value of a feature of a word, or None when the word does not have it (node 0 has none)."""
        if word == 0:
            return None
        if name in _COLUMNS:
            v = getattr(self.words[word], name)
            return None if v == "_" and name != "form" else v
        feats = self._feats[word]
        if feats is None:
            feats = self._feats[word] = _attributes(self.words[word].feats)
        if name in feats:
            return feats[name]
        misc = self._misc[word]
        if misc is None:
            misc = self._misc[word] = _attributes(self.words[word].misc)
        return misc.get(name)

    def is_tree(self) -> bool:
        """Grew's ``is_tree``: every word has one head, one word hangs from ROOT, no cycle (parser.tree)."""
        return DependencyTree(self.heads[1:]).is_valid()

    def is_projective(self) -> bool:
        """Grew's ``is_projective``: no arc's span holds a word its head does not dominate (parser.tree)."""
        if self._projective is None:
            self._projective = DependencyTree(self.heads[1:]).is_projective()
        return self._projective


def _attributes(column: str) -> dict[str, str]:
    if column == "_" or not column:
        return {}
    out = {}
    for item in column.split("|"):
        k, sep, v = item.partition("=")
        if sep:
            out[k] = v
    return out
