"""Arc-standard (Nivre 2004, "Incrementality in deterministic dependency parsing").

* SHIFT          moves b1 onto the stack.
* LEFT-ARC(l)    adds the arc s1 -l-> s2 and removes s2   (s2 must not be ROOT).
* RIGHT-ARC(l)   adds the arc s2 -l-> s1 and removes s1.

RIGHT-ARC from ROOT is allowed only with the label ``root`` and an empty buffer,
and ``root`` is allowed only there, so every terminal configuration (empty
buffer, only ROOT on the stack) is a tree with exactly one root word.

The static oracle is the one Chen & Manning (2014, sec. 3.1) train on:
LEFT-ARC when s2's gold head is s1; RIGHT-ARC when s1's gold head is s2 and s1
has all its dependents; SHIFT otherwise.
"""
from __future__ import annotations

from ..configuration import LEFT, RIGHT, SHIFT, Configuration, Gold, Namer, Transition, TransitionSystem, \
    default_namer


class ArcStandard(TransitionSystem):
    name = "arc-standard"
    reference = "Nivre (2004)"

    def is_terminal(self, c: Configuration) -> bool:
        return not c.buffer and c.stack == [0]

    def allows(self, c: Configuration, t: Transition) -> bool:
        if t.kind == SHIFT:
            return bool(c.buffer)
        if t.kind in (LEFT, RIGHT) and len(c.stack) >= 2:
            s1, s2 = c.stack[-1], c.stack[-2]
            if t.kind == LEFT:
                return s2 != 0 and self.root_rule(s1, t.label)
            return self.root_rule(s2, t.label) and (s2 != 0 or not c.buffer)
        return False

    def arc(self, c: Configuration, t: Transition) -> tuple[int, int] | None:
        if t.kind == LEFT:
            return c.stack[-1], c.stack[-2]
        if t.kind == RIGHT:
            return c.stack[-2], c.stack[-1]
        return None

    def apply(self, c: Configuration, t: Transition) -> None:
        if t.kind == SHIFT:
            c.stack.append(c.buffer.pop(0))
        elif t.kind == LEFT:
            c.attach(c.stack[-1], c.stack.pop(-2), t.label)
        elif t.kind == RIGHT:
            c.attach(c.stack[-2], c.stack.pop(), t.label)
        else:
            raise ValueError(f"{self.name} has no {t.kind}")

    def oracle(self, c: Configuration, gold: Gold) -> Transition | None:
        if len(c.stack) >= 2:
            s1, s2 = c.stack[-1], c.stack[-2]
            if s2 != 0 and gold.head[s2] == s1 and gold.complete(c, s2):
                return Transition(LEFT, gold.label[s2])
            if gold.head[s1] == s2 and gold.complete(c, s1) and (s2 != 0 or not c.buffer):
                return Transition(RIGHT, gold.label[s1])
        return Transition(SHIFT) if c.buffer else None

    def reason(self, c: Configuration, gold: Gold, t: Transition, name: Namer = default_namer) -> str:
        s1 = c.stack[-1]
        s2 = c.stack[-2] if len(c.stack) >= 2 else None
        if t.kind == LEFT:
            return (f"LEFT-ARC because s2's gold head is s1 (s2 = {name(s2)}, s1 = {name(s1)}) "
                    f"and s2 has all its dependents.")
        if t.kind == RIGHT:
            return (f"RIGHT-ARC because s1's gold head is s2 (s1 = {name(s1)}, s2 = {name(s2)}) "
                    f"and s1 has all its dependents.")
        return "SHIFT because " + _why_no_arc(c, gold, name)


def _why_no_arc(c: Configuration, gold: Gold, name: Namer) -> str:
    """Why no arc between s1 and s2 is built now (arc-standard and swap)."""
    if len(c.stack) < 2:
        return "fewer than two words are on the stack: no arc is possible."
    s1, s2 = c.stack[-1], c.stack[-2]
    for dep, head in ((s2, s1), (s1, s2)):
        if gold.head[dep] == head and dep != 0:
            if not gold.complete(c, dep):
                missing = [d for d in gold.children[dep] if c.heads[d] is None]
                return (f"{name(dep)} belongs to {name(head)}, but its dependent(s) "
                        f"{', '.join(name(d) for d in missing)} are not attached yet.")
            if head == 0:
                return f"{name(dep)} is the root word, attached to ROOT only when the buffer is empty."
    return f"there is no gold arc between s1 = {name(s1)} and s2 = {name(s2)}."
