"""What the arc view shows, without Qt: the words and their (possibly partial) tree, an optional
gold tree to compare with, a reference tree that fixes the layout while stepping, and the marks
on words (validation flags, stack/buffer roles, feature highlights, badges).

:meth:`ArcState.classify` turns it into the arcs to draw, each with its *kind*: a relation family
(:func:`.relations.family`) or, when comparing with gold, ``correct`` / ``label`` / ``head`` /
``missing`` (the gold arc the tree lacks)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

from deplab.parser.tree import DependencyTree

from .relations import family

ROLE_STACK, ROLE_BUFFER = "stack", "buffer"

Tree = tuple[list, list]  # (heads, labels), one per word


def is_rtl(forms: Sequence[str]) -> bool:
    """True when most strongly directional letters are right-to-left (Hebrew, Arabic, ...)."""
    r = l = 0
    for f in forms:
        for ch in f:
            b = unicodedata.bidirectional(ch)
            if b in ("R", "AL"):
                r += 1
            elif b == "L":
                l += 1
    return r > l


@dataclass
class ArcState:
    forms: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    heads: list[int | None] = field(default_factory=list)  # heads[i] is word i+1's head (None: unattached)
    labels: list[str | None] = field(default_factory=list)
    gold: Tree | None = None        # compare with this tree
    reference: Tree | None = None   # lay the arcs out as if this tree were drawn
    flags: dict[int, str] = field(default_factory=dict)   # word -> problem (wavy underline, tooltip)
    roles: dict[int, str] = field(default_factory=dict)   # word -> ROLE_STACK / ROLE_BUFFER
    marks: dict[int, str] = field(default_factory=dict)   # word -> badge ("s1", "b1", "dep", "head?")
    highlights: set[int] = field(default_factory=set)
    focus_word: int | None = None
    newest: tuple[int, int] | None = None  # (head, dependent) of the arc to emphasise
    shades: dict[int, float] = field(default_factory=dict)  # word -> share in [-1, 1] (why this transition)
    placeholder: str = ""
    rtl_override: bool | None = None

    def __len__(self) -> int:
        return len(self.forms)

    def rtl(self) -> bool:
        return self.rtl_override if self.rtl_override is not None else is_rtl(self.forms)

    # -- what is shown (the checks of the arc view's setters) ------------------------------------
    def set_tree(self, forms: Sequence[str], tags: Sequence[str] | None = None,
                 heads: Sequence[int | None] | None = None, labels: Sequence[str | None] | None = None) -> bool:
        """Words 1..n and their tree; with other words the gold and reference trees go.  True when
        the words changed."""
        n = len(forms)
        tags = list(tags) if tags is not None else [""] * n
        heads = list(heads) if heads is not None else [None] * n
        labels = list(labels) if labels is not None else [None] * n
        if len(tags) != n or len(heads) != n or len(labels) != n:
            raise ValueError("forms, tags, heads and labels must have the same length")
        other = list(forms) != self.forms
        if other:  # another sentence: the comparison and reference go
            self.gold = self.reference = None
        self.forms, self.tags, self.heads, self.labels = list(forms), tags, heads, labels
        self.flags = {k: v for k, v in self.flags.items() if 0 <= k <= n}
        return other

    def set_tree_state(self, forms: Sequence[str], tags: Sequence[str], heads: Sequence[int | None],
                       labels: Sequence[str | None], reference: Tree | None = None, gold: Tree | None = None) -> bool:
        """Words, tree, reference and gold at once.  True when the words changed."""
        n = len(forms)
        for name, t in (("reference", reference), ("gold", gold)):
            if t is not None and (len(t[0]) != n or len(t[1]) != n):
                raise ValueError(f"the {name} tree must have one head and label per word")
        if len(tags) != n or len(heads) != n or len(labels) != n:
            raise ValueError("forms, tags, heads and labels must have the same length")
        other = list(forms) != self.forms
        self.forms, self.tags, self.heads, self.labels = list(forms), list(tags), list(heads), list(labels)
        self.reference = (list(reference[0]), list(reference[1])) if reference is not None else None
        self.gold = (list(gold[0]), list(gold[1])) if gold is not None else None
        self.flags = {k: v for k, v in self.flags.items() if 0 <= k <= n}
        return other

    def set_gold(self, heads: Sequence[int | None] | None, labels: Sequence[str | None] | None = None) -> bool:
        """The tree to compare with (None: none).  False when nothing changed."""
        if heads is None:
            if self.gold is None:
                return False
            self.gold = None
            return True
        labs = list(labels) if labels is not None else [None] * len(heads)
        if len(heads) != len(self.forms) or len(labs) != len(self.forms):
            raise ValueError("the gold tree must have one head and label per word")
        self.gold = (list(heads), labs)
        return True

    def set_reference(self, heads: Sequence[int | None] | None, labels: Sequence[str | None] | None = None) -> None:
        """The tree whose arcs keep their place in the layout (None: none)."""
        if heads is None:
            self.reference = None
            return
        labs = list(labels) if labels is not None else [None] * len(heads)
        if len(heads) != len(self.forms) or len(labs) != len(heads):
            raise ValueError("the reference tree must have one head and label per word")
        self.reference = (list(heads), labs)

    # -- what to draw -----------------------------------------------------------------------------
    def classify(self) -> tuple[list[tuple[int, int, str]], list[str]]:
        """The arcs to draw as (head, dependent, label text) and their kinds."""
        n = len(self.forms)
        arcs: list[tuple[int, int, str]] = []
        kinds: list[str] = []
        for d in range(1, n + 1):
            h, lab = self.heads[d - 1], self.labels[d - 1]
            if h is None or not 0 <= h <= n or h == d:
                continue
            text = lab or ""
            if self.gold is None:
                kind = family(lab)
            else:
                gh, gl = self.gold[0][d - 1], self.gold[1][d - 1]
                if gh != h:
                    kind = "head"
                elif gl is not None and gl != lab:
                    kind = "label"
                    text = f"{lab or '?'} ≠ {gl}"
                else:
                    kind = "correct"
            arcs.append((h, d, text))
            kinds.append(kind)
        if self.gold is not None:
            for d in range(1, n + 1):
                gh, gl = self.gold[0][d - 1], self.gold[1][d - 1]
                if gh is not None and gh != self.heads[d - 1] and 0 <= gh <= n and gh != d:
                    arcs.append((gh, d, gl or ""))
                    kinds.append("missing")
        return arcs, kinds

    def non_projective(self) -> set[tuple[int, int]]:
        n = len(self.forms)
        try:
            tree = DependencyTree([h if h is not None and 0 <= h <= n else None for h in self.heads],
                                  [l or "_" for l in self.labels])
            return set(tree.non_projective_arcs())
        except Exception:  # a malformed tree being edited: no projectivity marks
            return set()

    def layout_entries(self, arcs: list[tuple[int, int, str]]) -> dict[tuple[int, int], str]:
        """The arcs the layout makes room for: the drawn ones and the reference tree's."""
        n = len(self.forms)
        entries: dict[tuple[int, int], str] = {}
        if self.reference is not None:
            for d, (h, lab) in enumerate(zip(*self.reference), start=1):
                if h is not None and 0 <= h <= n and h != d:
                    entries[(h, d)] = lab or ""
        for h, d, text in arcs:
            entries[(h, d)] = text
        return entries
