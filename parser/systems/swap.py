"""Arc-standard with SWAP (Nivre 2009, "Non-projective dependency parsing in expected linear time").

SHIFT, LEFT-ARC(l) and RIGHT-ARC(l) as in arc-standard, plus

* SWAP  moves s2 back to the front of the buffer (0 < s2 < s1 in word order),

which reorders the words so that any tree, non-projective included, can be
built with adjacent arcs.  The static oracle is the lazy one of Nivre,
Kuhlmann & Hall (2009, "An improved oracle for dependency parsing with online
reordering"): SWAP when s1 comes before s2 in the projective order (the
in-order traversal of the gold tree) and s1 is not in the same maximal
projective component as b1; otherwise as arc-standard.  The lazy condition
postpones swaps, so sequences stay short.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..configuration import LEFT, RIGHT, SHIFT, SWAP, Configuration, Gold, Namer, Transition, default_namer
from .arc_standard import ArcStandard, _why_no_arc


@dataclass
class SwapGold(Gold):
    order: list[int] = field(default_factory=list)      # order[w]: w's rank in the projective order
    component: list[int] = field(default_factory=list)  # component[w]: its maximal projective component


class Swap(ArcStandard):
    name = "swap"
    extra_kinds = (SWAP,)
    projective = False
    reference = "Nivre (2009); lazy oracle: Nivre, Kuhlmann & Hall (2009)"

    def allows(self, c: Configuration, t: Transition) -> bool:
        if t.kind == SWAP:
            return len(c.stack) >= 3 and 0 < c.stack[-2] < c.stack[-1]
        return super().allows(c, t)

    def apply(self, c: Configuration, t: Transition) -> None:
        if t.kind == SWAP:
            c.buffer.insert(0, c.stack.pop(-2))
        else:
            super().apply(c, t)

    def not_derivable(self, heads: Sequence[int]) -> str | None:
        return None  # every tree

    def gold(self, heads: Sequence[int], labels: Sequence[str]) -> SwapGold:
        g = Gold.of(heads, labels)
        n = len(heads)
        order = [0] * (n + 1)
        rank = 0
        todo = [(0, False)]  # in-order traversal: left dependents, the head, right dependents
        while todo:
            w, expanded = todo.pop()
            if expanded:
                order[w] = rank
                rank += 1
                continue
            kids = g.children[w]
            for d in reversed([d for d in kids if d > w]):
                todo.append((d, False))
            todo.append((w, True))
            for d in reversed([d for d in kids if d < w]):
                todo.append((d, False))
        return SwapGold(g.head, g.label, g.children, order, _components(g, n))

    def oracle(self, c: Configuration, gold: SwapGold) -> Transition | None:
        if len(c.stack) >= 2:
            s1, s2 = c.stack[-1], c.stack[-2]
            if s2 != 0 and gold.head[s2] == s1 and gold.complete(c, s2):
                return Transition(LEFT, gold.label[s2])
            if gold.head[s1] == s2 and gold.complete(c, s1) and (s2 != 0 or not c.buffer):
                return Transition(RIGHT, gold.label[s1])
            if s2 != 0 and gold.order[s1] < gold.order[s2] and self._lazy(c, gold):
                return Transition(SWAP)
        return Transition(SHIFT) if c.buffer else None

    @staticmethod
    def _lazy(c: Configuration, gold: SwapGold) -> bool:
        """Swap only when b1 is not in s1's maximal projective component (or the buffer is empty)."""
        return not c.buffer or gold.component[c.stack[-1]] != gold.component[c.buffer[0]]

    def reason(self, c: Configuration, gold: SwapGold, t: Transition, name: Namer = default_namer) -> str:
        if t.kind == SWAP:
            s1, s2 = c.stack[-1], c.stack[-2]
            return (f"SWAP because s1 = {name(s1)} comes before s2 = {name(s2)} in the projective order of the "
                    f"gold tree, and b1 is not in s1's projective component: s2 goes back to the buffer.")
        if t.kind == SHIFT and len(c.stack) >= 2:
            s1, s2 = c.stack[-1], c.stack[-2]
            if s2 != 0 and gold.order[s1] < gold.order[s2]:
                return (f"SHIFT (no SWAP yet) because s1 = {name(s1)} and b1 = {name(c.buffer[0])} are in the same "
                        f"projective component: they are built first (lazy swapping).")
            return "SHIFT because " + _why_no_arc(c, gold, name)
        return super().reason(c, gold, t, name)


def _components(g: Gold, n: int) -> list[int]:
    """Maximal projective components (Nivre, Kuhlmann & Hall 2009): the subtrees arc-standard (without SWAP)
    builds from the gold tree before it gets stuck; each word is named by the top word of its subtree."""
    head = list(range(n + 1))  # head[w] == w: w is the top of its component so far
    attached = [False] * (n + 1)
    missing = [len(g.children[w]) for w in range(n + 1)]
    stack, buffer = [0], list(range(1, n + 1))
    while True:
        if len(stack) >= 2:
            s1, s2 = stack[-1], stack[-2]
            if s2 != 0 and g.head[s2] == s1 and missing[s2] == 0:
                head[s2], attached[s2] = s1, True
                missing[s1] -= 1
                del stack[-2]
                continue
            if g.head[s1] == s2 and missing[s1] == 0 and (s2 != 0 or not buffer):
                head[s1], attached[s1] = s2, True
                missing[s2] -= 1
                stack.pop()
                continue
        if not buffer:
            break
        stack.append(buffer.pop(0))

    def top(w: int) -> int:
        while head[w] != w:
            w = head[w]
        return w
    return [top(w) for w in range(n + 1)]
