"""The arc-standard transition system over configurations (stack, buffer, arcs).

Nivre (2004), "Incrementality in deterministic dependency parsing", in the
notation of Chen & Manning (2014, "A fast and accurate dependency parser using
neural networks"): s1 is the top of the stack, s2 the word below it, b1 the
first word of the buffer.  Word 0 is ROOT.

* SHIFT          moves b1 onto the stack.
* LEFT-ARC(l)    adds the arc s1 -l-> s2 and removes s2   (s2 must not be ROOT).
* RIGHT-ARC(l)   adds the arc s2 -l-> s1 and removes s1.

RIGHT-ARC from ROOT is allowed only with the label ``root`` and an empty buffer,
and ``root`` is allowed only there, so every terminal configuration is a tree
with exactly one root word.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

SHIFT, LEFT, RIGHT = "SHIFT", "LEFT-ARC", "RIGHT-ARC"
ROOT_LABEL = "root"


@dataclass(frozen=True)
class Transition:
    kind: str  # SHIFT, LEFT-ARC or RIGHT-ARC
    label: str | None = None

    def __str__(self) -> str:
        return self.kind if self.kind == SHIFT else f"{self.kind}({self.label})"


class TransitionSet:
    """Numbers the transitions: 0 = SHIFT, then LEFT-ARC(l) and RIGHT-ARC(l) per label."""

    def __init__(self, labels: Sequence[str]):
        self.labels = list(labels)
        if ROOT_LABEL not in self.labels:
            self.labels.append(ROOT_LABEL)
        self.transitions = [Transition(SHIFT)]
        self.transitions += [Transition(LEFT, l) for l in self.labels]
        self.transitions += [Transition(RIGHT, l) for l in self.labels]
        self.index = {t: i for i, t in enumerate(self.transitions)}
        self.root_right = self.index[Transition(RIGHT, ROOT_LABEL)]

    def __len__(self) -> int:
        return len(self.transitions)

    def __getitem__(self, i: int) -> Transition:
        return self.transitions[i]

    def legal_mask(self, config: "Configuration") -> list[bool]:
        """Which transitions (by number) are legal in ``config``."""
        L = len(self.labels)
        can_shift = bool(config.buffer)
        can_arc = len(config.stack) >= 2
        s2_is_root = can_arc and config.stack[-2] == 0
        mask = [can_shift] + [False] * (2 * L)
        if can_arc:
            for i, lab in enumerate(self.labels):
                is_root = lab == ROOT_LABEL
                mask[1 + i] = not s2_is_root and not is_root
                mask[1 + L + i] = (is_root and s2_is_root and not config.buffer) or (not is_root and not s2_is_root)
        return mask


@dataclass
class Configuration:
    """A parser state: ``stack`` (ROOT=0 at the bottom, s1 last), ``buffer`` and the arcs so far."""

    n: int
    stack: list[int] = field(default_factory=lambda: [0])
    buffer: list[int] = field(default_factory=list)
    heads: list[int | None] = field(default_factory=list)
    labels: list[str | None] = field(default_factory=list)

    @classmethod
    def initial(cls, n: int) -> "Configuration":
        return cls(n, [0], list(range(1, n + 1)), [None] * (n + 1), [None] * (n + 1))

    def copy(self) -> "Configuration":
        return Configuration(self.n, list(self.stack), list(self.buffer), list(self.heads), list(self.labels))

    def is_terminal(self) -> bool:
        return not self.buffer and self.stack == [0]

    def apply(self, t: Transition) -> None:
        if t.kind == SHIFT:
            self.stack.append(self.buffer.pop(0))
        elif t.kind == LEFT:
            s1, s2 = self.stack[-1], self.stack[-2]
            del self.stack[-2]
            self.heads[s2], self.labels[s2] = s1, t.label
        else:
            s1, s2 = self.stack.pop(), self.stack[-1]
            self.heads[s1], self.labels[s1] = s2, t.label

    @property
    def arcs(self) -> list[tuple[int, int, str]]:
        """(head, dependent, label) built so far, in word order of the dependent."""
        return [(h, d, self.labels[d]) for d, h in enumerate(self.heads) if h is not None]

    # children in word order, as the feature template needs them
    def left_children(self, h: int) -> list[int]:
        return [d for d in range(1, h) if self.heads[d] == h]

    def right_children(self, h: int) -> list[int]:
        return [d for d in range(self.n, h, -1) if self.heads[d] == h]


@dataclass
class Step:
    """One recorded transition: the configuration before it, what was legal, the scores, the choice."""

    index: int
    config: Configuration
    legal: list[bool]
    scores: list[float] | None  # softmax probabilities per transition number, None for the oracle
    chosen: int
    # the forms and tags the model read (None for the oracle); ``features`` is computed from them on demand
    inputs: tuple[Sequence[str], Sequence[str]] | None = field(default=None, repr=False)

    @property
    def features(self) -> dict[str, tuple[str, int]] | None:
        """Feature name (e.g. ``lc1(s2).t``) -> (the word, tag or label it picked, the word index it looked at:
        0 for ROOT, -1 when the position is empty); None for the oracle."""
        if self.inputs is None:
            return None
        from .features import describe  # features.py builds on this module
        return describe(self.config, *self.inputs)


@dataclass
class Trace:
    """The whole run of the parser (or the oracle) over one sentence.

    ``steps[i].config`` is the configuration before transition i; ``final`` is
    the terminal configuration.  ``config_at(k)`` gives the configuration after
    k transitions, so a viewer can step back and forth exactly.
    """

    forms: list[str]
    tags: list[str]
    transitions: TransitionSet
    steps: list[Step]
    final: Configuration
    source: str = "model"  # "model" or "oracle"

    def __len__(self) -> int:
        return len(self.steps)

    def config_at(self, k: int) -> Configuration:
        return self.steps[k].config if k < len(self.steps) else self.final

    def transition_at(self, k: int) -> Transition:
        return self.transitions[self.steps[k].chosen]

    def first_divergence(self, other: "Trace") -> int | None:
        """Index of the first step where the two traces choose different transitions.

        Transitions are compared by kind and label, since an oracle trace may number them differently.
        """
        for a, b in zip(self.steps, other.steps):
            if self.transitions[a.chosen] != other.transitions[b.chosen]:
                return a.index
        return None if len(self.steps) == len(other.steps) else min(len(self.steps), len(other.steps))
