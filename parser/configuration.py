"""Parser configurations and the interface every transition system implements.

A configuration (Nivre 2008, "Algorithms for deterministic incremental
dependency parsing") is a stack, a buffer and the arcs built so far.  In the
notation of Chen & Manning (2014) s1 is the top of the stack, s2 the word below
it, b1 the first word of the buffer.  Word 0 is ROOT and starts on the stack in
every system here.

A :class:`TransitionSystem` says which transitions are legal, what they do,
which one the static oracle takes towards a gold tree and why.  The systems
live in :mod:`parser.systems`; this module holds what they share.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from .tree import DependencyTree

SHIFT, LEFT, RIGHT, REDUCE, SWAP = "SHIFT", "LEFT-ARC", "RIGHT-ARC", "REDUCE", "SWAP"
ARC_KINDS = (LEFT, RIGHT)
KIND_IDS = {SHIFT: 0, LEFT: 1, RIGHT: 2, REDUCE: 3, SWAP: 4}  # kind codes (parser.transition, parser.batch)
ROOT_LABEL = "root"


@dataclass(frozen=True)
class Transition:
    kind: str  # SHIFT, LEFT-ARC, RIGHT-ARC, REDUCE or SWAP
    label: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}({self.label})" if self.kind in ARC_KINDS else self.kind

    @classmethod
    def parse(cls, text: str) -> "Transition":
        """The inverse of ``str``: ``"LEFT-ARC(nsubj)"`` -> Transition(LEFT, "nsubj")."""
        text = text.strip()
        for kind in ARC_KINDS:
            if text.startswith(kind + "(") and text.endswith(")"):
                return cls(kind, text[len(kind) + 1:-1])
        if text in (SHIFT, REDUCE, SWAP):
            return cls(text)
        raise ValueError(f"not a transition: {text!r}")


@dataclass
class Configuration:
    """A parser state: ``stack`` (ROOT=0 at the bottom, s1 last), ``buffer`` (b1 first) and the arcs so far.

    ``system`` is the :class:`TransitionSystem` whose rules ``apply`` follows.
    """

    n: int
    stack: list[int]
    buffer: list[int]
    heads: list[int | None]
    labels: list[str | None]
    system: "TransitionSystem" = field(repr=False, compare=False, default=None)

    def copy(self) -> "Configuration":
        return Configuration(self.n, list(self.stack), list(self.buffer), list(self.heads), list(self.labels),
                             self.system)

    def is_terminal(self) -> bool:
        return self.system.is_terminal(self)

    def apply(self, t: Transition) -> None:
        self.system.apply(self, t)

    @property
    def arcs(self) -> list[tuple[int, int, str]]:
        """(head, dependent, label) built so far, in word order of the dependent."""
        return [(h, d, self.labels[d]) for d, h in enumerate(self.heads) if h is not None]

    def attach(self, head: int, dep: int, label: str | None) -> None:
        self.heads[dep], self.labels[dep] = head, label

    # children in word order, as the feature template needs them
    def left_children(self, h: int) -> list[int]:
        return [d for d in range(1, h) if self.heads[d] == h]

    def right_children(self, h: int) -> list[int]:
        return [d for d in range(self.n, h, -1) if self.heads[d] == h]


@dataclass
class Gold:
    """A gold tree as an oracle reads it: ``head[d]`` and ``label[d]`` for words 1..n (index 0 unused)."""

    head: list[int | None]
    label: list[str | None]
    children: list[list[int]] = field(default_factory=list)

    @classmethod
    def of(cls, heads: Sequence[int], labels: Sequence[str]) -> "Gold":
        n = len(heads)
        children = [[] for _ in range(n + 1)]
        for d, h in enumerate(heads, start=1):
            children[h].append(d)
        return cls([None, *heads], [None, *labels], children)

    def complete(self, c: Configuration, w: int) -> bool:
        """Every gold dependent of ``w`` is attached in ``c``."""
        return all(c.heads[d] is not None for d in self.children[w])


Namer = Callable[[int], str]


def default_namer(i: int) -> str:
    return "ROOT" if i == 0 else f"word {i}"


class TransitionSystem:
    """The interface of a transition system.

    Subclasses define ``kinds`` (the transition kinds besides SHIFT, LEFT-ARC and
    RIGHT-ARC come last in the numbering), ``allows``, ``apply``, ``arc``,
    ``is_terminal``, the static ``oracle`` and its ``reason``.
    """

    name = "?"
    extra_kinds: tuple[str, ...] = ()  # REDUCE (arc-eager) or SWAP (swap)
    projective = True                  # reaches only projective trees
    dynamic = False                    # has a dynamic oracle (parser.dynamic_oracle)
    reference = ""                     # the paper

    def __repr__(self) -> str:
        return f"<transition system {self.name}>"

    @property
    def kinds(self) -> tuple[str, ...]:
        return (SHIFT, LEFT, RIGHT, *self.extra_kinds)

    def initial(self, n: int) -> Configuration:
        return Configuration(n, [0], list(range(1, n + 1)), [None] * (n + 1), [None] * (n + 1), self)

    def is_terminal(self, c: Configuration) -> bool:
        raise NotImplementedError

    def allows(self, c: Configuration, t: Transition) -> bool:
        raise NotImplementedError

    def apply(self, c: Configuration, t: Transition) -> None:
        raise NotImplementedError

    def arc(self, c: Configuration, t: Transition) -> tuple[int, int] | None:
        """(head, dependent) of the arc ``t`` adds in ``c``; None for a transition that adds none."""
        raise NotImplementedError

    def gold(self, heads: Sequence[int], labels: Sequence[str]) -> Gold:
        """What the oracle needs to know of a gold tree (the swap oracle adds orders and components)."""
        return Gold.of(heads, labels)

    def not_derivable(self, heads: Sequence[int]) -> str | None:
        """Why the system cannot build this (well-formed) tree, or None when it can."""
        if self.projective:
            bad = DependencyTree(list(heads)).non_projective_arcs()
            if bad:
                h, d = bad[0]
                return (f"non-projective ({len(bad)} arc{'s' if len(bad) > 1 else ''} cross, e.g. {h} -> {d}); "
                        f"{self.name} builds projective trees only")
        return None

    def oracle(self, c: Configuration, gold: Gold) -> Transition | None:
        """The static oracle's next transition towards ``gold`` (None when it is stuck)."""
        raise NotImplementedError

    def reason(self, c: Configuration, gold: Gold, t: Transition, name: Namer = default_namer) -> str:
        """Why the static oracle chooses ``t`` in ``c`` (one sentence for the teaching view)."""
        raise NotImplementedError

    # -- shared rules -------------------------------------------------------------------
    @staticmethod
    def root_rule(head: int, label: str | None) -> bool:
        """The arc from ROOT carries the label ``root``, and ``root`` is only the arc from ROOT."""
        return (head == 0) == (label == ROOT_LABEL)
