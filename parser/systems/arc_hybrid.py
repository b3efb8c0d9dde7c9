"""Arc-hybrid (Kuhlmann, Gómez-Rodríguez & Satta 2011, "Dynamic programming algorithms for
transition-based dependency parsers"; Goldberg & Nivre 2013 for its dynamic oracle).

* SHIFT          moves b1 onto the stack.
* LEFT-ARC(l)    adds the arc b1 -l-> s1 and removes s1   (s1 must not be ROOT).
* RIGHT-ARC(l)   adds the arc s2 -l-> s1 and removes s1.

Left arcs come from the buffer as in arc-eager, right arcs from the stack as in
arc-standard.  RIGHT-ARC from ROOT is allowed only with the label ``root`` and
an empty buffer, so the terminal configuration (empty buffer, only ROOT on the
stack) is a tree with exactly one root word.
"""
from __future__ import annotations

from ..configuration import LEFT, RIGHT, SHIFT, Configuration, Gold, Namer, Transition, TransitionSystem, \
    default_namer


class ArcHybrid(TransitionSystem):
    name = "arc-hybrid"
    dynamic = True
    reference = "Kuhlmann, Gómez-Rodríguez & Satta (2011)"

    def is_terminal(self, c: Configuration) -> bool:
        return not c.buffer and c.stack == [0]

    def allows(self, c: Configuration, t: Transition) -> bool:
        if t.kind == SHIFT:
            return bool(c.buffer)
        if t.kind == LEFT:
            return bool(c.buffer) and c.stack[-1] != 0 and t.label != "root"
        if t.kind == RIGHT and len(c.stack) >= 2:
            s2 = c.stack[-2]
            return self.root_rule(s2, t.label) and (s2 != 0 or not c.buffer)
        return False

    def arc(self, c: Configuration, t: Transition) -> tuple[int, int] | None:
        if t.kind == LEFT:
            return c.buffer[0], c.stack[-1]
        if t.kind == RIGHT:
            return c.stack[-2], c.stack[-1]
        return None

    def apply(self, c: Configuration, t: Transition) -> None:
        if t.kind == SHIFT:
            c.stack.append(c.buffer.pop(0))
        elif t.kind == LEFT:
            c.attach(c.buffer[0], c.stack.pop(), t.label)
        elif t.kind == RIGHT:
            c.attach(c.stack[-2], c.stack.pop(), t.label)
        else:
            raise ValueError(f"{self.name} has no {t.kind}")

    def oracle(self, c: Configuration, gold: Gold) -> Transition | None:
        s1 = c.stack[-1]
        if c.buffer and s1 != 0 and gold.head[s1] == c.buffer[0]:
            return Transition(LEFT, gold.label[s1])
        if len(c.stack) >= 2 and gold.head[s1] == c.stack[-2] and gold.complete(c, s1) \
                and (c.stack[-2] != 0 or not c.buffer):
            return Transition(RIGHT, gold.label[s1])
        return Transition(SHIFT) if c.buffer else None

    def reason(self, c: Configuration, gold: Gold, t: Transition, name: Namer = default_namer) -> str:
        s1 = c.stack[-1]
        if t.kind == LEFT:
            return (f"LEFT-ARC because s1's gold head is b1 (s1 = {name(s1)}, b1 = {name(c.buffer[0])}); "
                    f"s1's dependents are all attached, since they lie between them.")
        if t.kind == RIGHT:
            return (f"RIGHT-ARC because s1's gold head is s2 (s1 = {name(s1)}, s2 = {name(c.stack[-2])}) "
                    f"and s1 has all its dependents.")
        if s1 == 0:
            return "SHIFT because only ROOT is on the stack."
        h = gold.head[s1]
        if len(c.stack) >= 2 and h == c.stack[-2]:
            if h == 0:
                return f"SHIFT because s1 = {name(s1)} is the root word, attached to ROOT only at the end."
            missing = [d for d in gold.children[s1] if c.heads[d] is None]
            return (f"SHIFT because s1 = {name(s1)} belongs to s2, but its dependent(s) "
                    f"{', '.join(name(d) for d in missing)} are still in the buffer.")
        return f"SHIFT because s1 = {name(s1)}'s gold head is neither b1 nor s2."
