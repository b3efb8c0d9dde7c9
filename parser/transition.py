"""Transitions by number, and recorded runs of a parser or an oracle (``Step``, ``Trace``).

A :class:`TransitionSet` numbers the transitions of one system for one label
set: 0 = SHIFT, then LEFT-ARC(l) and RIGHT-ARC(l) per label, then the system's
own (REDUCE for arc-eager, SWAP for swap).  A network scores these numbers;
:mod:`parser.batch` reads the kind and label of each number from here.

The systems themselves (what a transition does, when it is legal, the oracles)
are in :mod:`parser.systems`; configurations in :mod:`parser.configuration`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .configuration import (ARC_KINDS, KIND_IDS, LEFT, REDUCE, RIGHT, ROOT_LABEL, SHIFT, SWAP, Configuration, Gold,
                            Namer, Transition, TransitionSystem)
from .dynamic_oracle import costs as dynamic_costs
from .features import describe
from .systems import SYSTEMS, get_system

__all__ = ["SHIFT", "LEFT", "RIGHT", "REDUCE", "SWAP", "ROOT_LABEL", "Transition", "Configuration",
           "TransitionSet", "Step", "Trace", "SYSTEMS", "get_system", "KIND_IDS"]



class TransitionSet:
    """The transitions of ``system`` for ``labels``, numbered (``root`` is added when missing)."""

    def __init__(self, labels: Sequence[str], system: str | TransitionSystem | None = None):
        self.system = get_system(system)
        self.labels = list(labels)
        if ROOT_LABEL not in self.labels:
            self.labels.append(ROOT_LABEL)
        self.transitions = [Transition(SHIFT)]
        self.transitions += [Transition(LEFT, l) for l in self.labels]
        self.transitions += [Transition(RIGHT, l) for l in self.labels]
        self.transitions += [Transition(k) for k in self.system.extra_kinds]
        self.index = {t: i for i, t in enumerate(self.transitions)}
        self.root_right = self.index[Transition(RIGHT, ROOT_LABEL)]
        self.root_label = self.labels.index(ROOT_LABEL)
        label_id = {l: i for i, l in enumerate(self.labels)}
        # per transition number: its kind (KIND_IDS) and label id (-1 without a label), for batch.py
        self.kind_of = np.array([KIND_IDS[t.kind] for t in self.transitions], dtype=np.int64)
        self.label_of = np.array([label_id[t.label] if t.label is not None else -1 for t in self.transitions],
                                 dtype=np.int64)

    def with_labels(self, labels: Sequence[str]) -> "TransitionSet":
        """The same system over another label list (e.g. the model's labels plus new ones)."""
        return TransitionSet(labels, self.system)

    def __len__(self) -> int:
        return len(self.transitions)

    def __getitem__(self, i: int) -> Transition:
        return self.transitions[i]

    def __iter__(self):
        return iter(self.transitions)

    def number(self, kind: str, label: str | None = None) -> int:
        return self.index[Transition(kind, label)]

    def initial(self, n: int) -> Configuration:
        return self.system.initial(n)

    def legal_array(self, config: Configuration) -> np.ndarray:
        """Which transitions (by number) are legal in ``config``, as a boolean array.

        In every system a label matters to legality only as ``root`` or not ``root``, so each kind is
        asked twice, not once per label."""
        allows = self.system.allows
        ok = {}
        for kind in self.system.kinds:
            if kind in ARC_KINDS:
                ok[kind] = (allows(config, Transition(kind, ROOT_LABEL)), allows(config, Transition(kind, "")))
            else:
                ok[kind] = (False, allows(config, Transition(kind)))
        table = np.array([ok[k] for k in KIND_IDS if k in ok], dtype=bool)  # [kinds, (root, other)]
        rows = np.array([list(KIND_IDS).index(k) for k in KIND_IDS if k in ok])
        where = np.searchsorted(rows, self.kind_of)
        return table[where, (self.label_of != self.root_label).astype(np.int64)]

    def legal_mask(self, config: Configuration) -> list[bool]:
        """Which transitions (by number) are legal in ``config``."""
        return self.legal_array(config).tolist()


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
        return describe(self.config, *self.inputs)


@dataclass
class Trace:
    """The whole run of the parser (or the oracle) over one sentence.

    ``steps[i].config`` is the configuration before transition i; ``final`` is
    the terminal configuration.  ``config_at(k)`` gives the configuration after
    k transitions, so a viewer can step back and forth exactly.  ``gold`` is the
    tree an oracle trace was derived from (and the one ``reason`` and ``costs``
    compare with); a model trace may be given one too.
    """

    forms: list[str]
    tags: list[str]
    transitions: TransitionSet
    steps: list[Step]
    final: Configuration
    source: str = "model"  # "model" or "oracle"
    gold: Gold | None = None

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def system(self) -> TransitionSystem:
        return self.transitions.system

    def config_at(self, k: int) -> Configuration:
        return self.steps[k].config if k < len(self.steps) else self.final

    def transition_at(self, k: int) -> Transition:
        return self.transitions[self.steps[k].chosen]

    def arc_of(self, k: int) -> tuple[int, int, str] | None:
        """(head, dependent, label) added by transition k; None for one that adds no arc."""
        if not 0 <= k < len(self.steps):
            return None
        t = self.transition_at(k)
        arc = self.system.arc(self.steps[k].config, t)
        return (arc[0], arc[1], t.label) if arc else None

    def arcs_built(self, k: int | None = None) -> list[tuple[int, int, str]]:
        """Arcs added by the first k transitions (all without k), in the order they were added."""
        k = len(self.steps) if k is None else min(k, len(self.steps))
        return [a for a in (self.arc_of(i) for i in range(k)) if a]

    def arc_steps(self) -> dict[int, int]:
        """dependent -> the step whose transition attached it."""
        out = {}
        for i in range(len(self.steps)):
            a = self.arc_of(i)
            if a:
                out[a[1]] = i
        return out

    def first_divergence(self, other: "Trace") -> int | None:
        """Index of the first step where the two traces choose different transitions.

        Transitions are compared by kind and label, since an oracle trace may number them differently.
        """
        for a, b in zip(self.steps, other.steps):
            if self.transitions[a.chosen] != other.transitions[b.chosen]:
                return a.index
        return None if len(self.steps) == len(other.steps) else min(len(self.steps), len(other.steps))

    def word(self, i: int) -> str:
        return "ROOT" if i == 0 else f"{self.forms[i - 1]}({i})"

    def reason(self, k: int, name: Namer | None = None) -> str:
        """Why the static oracle takes transition k of this (oracle) trace; "" without a gold tree."""
        if self.gold is None or not 0 <= k < len(self.steps):
            return ""
        return self.system.reason(self.steps[k].config, self.gold, self.transition_at(k), name or self.word)

    def costs(self, k: int) -> list[int | None] | None:
        """The dynamic oracle's cost of every transition (None: illegal) in the configuration before step k
        (after the last step: None); None when the system has no dynamic oracle or there is no gold tree."""
        if self.gold is None or not self.system.dynamic or not 0 <= k < len(self.steps):
            return None
        return dynamic_costs(self.steps[k].config, self.gold, self.transitions)
