"""Dynamic oracles for arc-eager and arc-hybrid: the cost of every transition in any configuration.

Goldberg & Nivre (2012, "A dynamic oracle for arc-eager dependency parsing"; 2013, "Training deterministic
parsers with non-deterministic oracles"): both systems are arc-decomposable, so the best tree still
reachable from a configuration contains every gold arc that is reachable on its own, and the cost of a
transition is the number of gold arcs it makes unreachable (a wrong label counts as a lost arc).  A
transition of cost 0 is optimal: from the configuration it leads to, the best reachable tree is as good as
before, also when the configuration itself came from earlier mistakes.  Exploration training
(Kiperwasser & Goldberg 2016) learns the optimal moves in configurations the model reaches on its own.
"""
from __future__ import annotations

import numpy as np

from .configuration import KIND_IDS, LEFT, REDUCE, RIGHT, SHIFT, Configuration, Gold, Transition
from .systems.arc_eager import has_root


def kind_costs(c: Configuration, gold: Gold) -> dict[str, int]:
    """The cost of each legal kind of transition, with the gold label wherever the arc it adds is a gold one.

    A labelled transition costs one more when its arc has the gold head but another label
    (see :func:`transition_cost`).
    """
    system = c.system.name
    if system == "arc-hybrid":
        return _hybrid(c, gold)
    if system == "arc-eager":
        return _eager(c, gold)
    raise ValueError(f"{system} has no dynamic oracle (arc-eager and arc-hybrid do)")


def transition_cost(c: Configuration, gold: Gold, t: Transition, kinds: dict[str, int] | None = None) -> int | None:
    """The cost of ``t`` in ``c`` (None when it is illegal)."""
    if not c.system.allows(c, t):
        return None
    kinds = kind_costs(c, gold) if kinds is None else kinds
    cost = kinds[t.kind]
    arc = c.system.arc(c, t)
    if arc is not None and gold.head[arc[1]] == arc[0] and gold.label[arc[1]] != t.label:
        cost += 1
    return cost


def cost_array(c: Configuration, gold: Gold, transitions) -> np.ndarray:
    """The cost of every transition number of a :class:`parser.transition.TransitionSet`, -1 where illegal
    (the same numbers as :func:`transition_cost`, for all labels at once)."""
    kinds = kind_costs(c, gold)
    ts = transitions
    out = np.zeros(len(ts), dtype=np.int64)
    for kind, cost in kinds.items():
        out[ts.kind_of == KIND_IDS[kind]] = cost
    for kind in (LEFT, RIGHT):
        sel = ts.kind_of == KIND_IDS[kind]
        if kind not in kinds:
            continue
        try:
            h, d = c.system.arc(c, Transition(kind, ""))
        except IndexError:  # no such arc here (the transition is illegal anyway)
            continue
        if gold.head[d] == h:  # the gold arc, but another label: one more lost
            lid = ts.labels.index(gold.label[d]) if gold.label[d] in ts.labels else -2
            out[sel & (ts.label_of != lid)] += 1
    out[~ts.legal_array(c)] = -1
    return out


def costs(c: Configuration, gold: Gold, transitions) -> list[int | None]:
    """The cost of every transition of a :class:`parser.transition.TransitionSet` (None: illegal)."""
    return [None if x < 0 else int(x) for x in cost_array(c, gold, transitions).tolist()]


def _dependents_in(gold: Gold, head: int, words) -> int:
    return sum(1 for d in gold.children[head] if d in words)


def _hybrid(c: Configuration, gold: Gold) -> dict[str, int]:
    """Goldberg & Nivre (2013, sec. 5.1).  In arc-hybrid a word on the stack can still get its head from the
    word below it or from the buffer; a word in the buffer from any word on the stack or in the buffer."""
    stack, buffer = c.stack, set(c.buffer)
    s1 = stack[-1]
    s2 = stack[-2] if len(stack) >= 2 else None
    out = {}
    if c.buffer:
        b1 = c.buffer[0]
        # SHIFT: b1 can no longer get its head from, nor take as dependents, the stack below the new s2 (= s1)
        out[SHIFT] = int(gold.head[b1] in set(stack[:-1])) + _dependents_in(gold, b1, set(stack))
        if s1 != 0:  # LEFT-ARC: s1 takes b1 as its head and leaves
            h = gold.head[s1]
            out[LEFT] = int(h != b1 and (h == s2 or h in buffer)) + _dependents_in(gold, s1, buffer)
    if s2 is not None:  # RIGHT-ARC: s1 takes s2 as its head and leaves
        out[RIGHT] = int(gold.head[s1] in buffer) + _dependents_in(gold, s1, buffer)
    return out


def _eager(c: Configuration, gold: Gold) -> dict[str, int]:
    """Goldberg & Nivre (2012, sec. 3).  In arc-eager a headless word on the stack can only get its head from
    the buffer; a word in the buffer from the buffer or the stack (ROOT only while no word is the root)."""
    out = {}
    if not c.buffer:
        return out
    stack, buffer = set(c.stack), set(c.buffer)
    s1, b1 = c.stack[-1], c.buffer[0]
    rooted = has_root(c)
    headless_stack = {w for w in c.stack if w != 0 and c.heads[w] is None}

    def reachable_from_stack(h, exclude=None):  # b1's head h on the stack, still usable
        return h in stack and h != exclude and not (h == 0 and rooted)

    # b1 onto the stack (SHIFT headless, RIGHT-ARC with s1 as head): headless stack words lose b1 as a head
    lost_deps_b1 = _dependents_in(gold, b1, headless_stack)
    out[SHIFT] = int(reachable_from_stack(gold.head[b1])) + lost_deps_b1
    right = int(gold.head[b1] != s1 and (reachable_from_stack(gold.head[b1]) or gold.head[b1] in buffer))
    if s1 == 0:  # the root word is chosen: a gold root word still waiting in the buffer loses ROOT
        right += sum(1 for w in c.buffer[1:] if gold.head[w] == 0)
    out[RIGHT] = right + lost_deps_b1
    if s1 != 0:
        deps = _dependents_in(gold, s1, buffer)
        out[REDUCE] = deps
        if c.heads[s1] is None:
            h = gold.head[s1]
            out[LEFT] = int(h != b1 and h in buffer) + deps
    return out
