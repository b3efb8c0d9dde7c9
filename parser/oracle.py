"""The static arc-standard oracle: a gold projective tree -> its transition sequence.

Chen & Manning (2014, sec. 3.1) train on the sequence this oracle produces:
LEFT-ARC when s2's gold head is s1; RIGHT-ARC when s1's gold head is s2 and all
of s1's dependents are attached; SHIFT otherwise.  Non-projective trees have
no such sequence: :func:`parser.tree.projectivize` lifts them first.
"""
from __future__ import annotations

from typing import Sequence

from .transition import LEFT, RIGHT, SHIFT, Configuration, Step, Trace, Transition, TransitionSet


def oracle_transitions(heads: Sequence[int], labels: Sequence[str]) -> list[Transition]:
    """The gold transitions for a projective tree (``heads[i]`` is the head of word i+1)."""
    n = len(heads)
    gold_head = [None] + list(heads)
    missing = [0] * (n + 1)  # dependents of each word not attached yet
    for h in heads:
        missing[h] += 1
    c = Configuration.initial(n)
    out = []
    while not c.is_terminal():
        t = _next(c, gold_head, labels, missing)
        if t is None:
            raise ValueError("the tree is not projective (or not a tree): the oracle is stuck")
        if t.kind != SHIFT:
            head = c.stack[-1] if t.kind == LEFT else c.stack[-2]
            missing[head] -= 1
        c.apply(t)
        out.append(t)
    return out


def _next(c: Configuration, gold_head, labels, missing) -> Transition | None:
    if len(c.stack) >= 2:
        s1, s2 = c.stack[-1], c.stack[-2]
        if s2 != 0 and gold_head[s2] == s1:
            return Transition(LEFT, labels[s2 - 1])
        if gold_head[s1] == s2 and missing[s1] == 0 and (s2 != 0 or not c.buffer):
            return Transition(RIGHT, labels[s1 - 1])
    return Transition(SHIFT) if c.buffer else None


def oracle_trace(forms: Sequence[str], tags: Sequence[str], heads: Sequence[int],
                 labels: Sequence[str], transitions: TransitionSet) -> Trace:
    """The oracle's run as a :class:`Trace` (no scores), for the app's oracle mode."""
    gold = oracle_transitions(heads, labels)
    unknown = sorted({t.label for t in gold if t not in transitions.index})
    if unknown:  # labels the model does not know still get a number
        transitions = TransitionSet(transitions.labels + unknown)
    c = Configuration.initial(len(forms))
    steps = []
    for i, t in enumerate(gold):
        steps.append(Step(i, c.copy(), transitions.legal_mask(c), None, transitions.index[t]))
        c.apply(t)
    return Trace(list(forms), list(tags), transitions, steps, c, source="oracle")
