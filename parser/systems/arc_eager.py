"""Arc-eager (Nivre 2003, "An efficient algorithm for projective dependency parsing";
Nivre 2008; Goldberg & Nivre 2012 for its dynamic oracle).

* SHIFT          moves b1 onto the stack.
* LEFT-ARC(l)    adds the arc b1 -l-> s1 and removes s1   (s1 has no head yet and is not ROOT).
* RIGHT-ARC(l)   adds the arc s1 -l-> b1 and moves b1 onto the stack.
* REDUCE         removes s1 (it has its head).

Right dependents are attached as soon as they are seen ("eagerly"), so a word
waits on the stack for its own right dependents and is then reduced.  The
parse ends when the buffer is empty.  ROOT starts on the stack; its one arc is
RIGHT-ARC(root).  Two rules keep every run a tree with one root word (in the
spirit of Nivre & Fernández-González 2014, "Arc-eager parsing with the tree
constraint"): a transition is legal only if it leaves a configuration that can
still be completed, that is (with b the buffer):

* b empty: every word on the stack has its head;
* b not empty and the root word chosen: the lowest word on the stack above ROOT has its head
  (otherwise nothing could ever become its head, nor the head of the last word);
* b not empty and no root word yet: always.
"""
from __future__ import annotations

from ..configuration import LEFT, REDUCE, RIGHT, SHIFT, Configuration, Gold, Namer, Transition, \
    TransitionSystem, default_namer


def has_root(c: Configuration) -> bool:
    return 0 in c.heads[1:]


class ArcEager(TransitionSystem):
    name = "arc-eager"
    extra_kinds = (REDUCE,)
    dynamic = True
    reference = "Nivre (2003, 2008)"

    def is_terminal(self, c: Configuration) -> bool:
        return not c.buffer

    def allows(self, c: Configuration, t: Transition) -> bool:
        if not c.buffer:
            return False
        s1, rooted, sp = c.stack[-1], has_root(c), len(c.stack)
        if t.kind == SHIFT:
            return len(c.buffer) >= 2  # the last word shifted headless could never get a head
        if t.kind == LEFT:
            return s1 != 0 and c.heads[s1] is None and t.label != "root" and not (rooted and sp == 2)
        if t.kind == RIGHT:
            if not self.root_rule(s1, t.label) or (s1 == 0 and rooted):
                return False
            return len(c.buffer) >= 2 or all(c.heads[w] is not None for w in c.stack[1:])
        if t.kind == REDUCE:
            return s1 != 0 and c.heads[s1] is not None and not (rooted and sp == 2)
        return False

    def arc(self, c: Configuration, t: Transition) -> tuple[int, int] | None:
        if t.kind == LEFT:
            return c.buffer[0], c.stack[-1]
        if t.kind == RIGHT:
            return c.stack[-1], c.buffer[0]
        return None

    def apply(self, c: Configuration, t: Transition) -> None:
        if t.kind == SHIFT:
            c.stack.append(c.buffer.pop(0))
        elif t.kind == LEFT:
            c.attach(c.buffer[0], c.stack.pop(), t.label)
        elif t.kind == RIGHT:
            c.attach(c.stack[-1], c.buffer[0], t.label)
            c.stack.append(c.buffer.pop(0))
        elif t.kind == REDUCE:
            c.stack.pop()
        else:
            raise ValueError(f"{self.name} has no {t.kind}")

    def oracle(self, c: Configuration, gold: Gold) -> Transition | None:
        """Nivre (2008): LEFT-ARC, RIGHT-ARC when the gold arc links s1 and b1; REDUCE when s1 is done
        (it has its head and no gold dependent in the buffer); SHIFT otherwise."""
        if not c.buffer:
            return None
        s1, b1 = c.stack[-1], c.buffer[0]
        if s1 != 0 and gold.head[s1] == b1:
            return Transition(LEFT, gold.label[s1])
        if gold.head[b1] == s1:
            return Transition(RIGHT, gold.label[b1])
        if s1 != 0 and c.heads[s1] is not None and gold.complete(c, s1) and self.allows(c, Transition(REDUCE)):
            return Transition(REDUCE)
        return Transition(SHIFT)

    def reason(self, c: Configuration, gold: Gold, t: Transition, name: Namer = default_namer) -> str:
        s1, b1 = c.stack[-1], c.buffer[0]
        if t.kind == LEFT:
            return f"LEFT-ARC because s1's gold head is b1 (s1 = {name(s1)}, b1 = {name(b1)})."
        if t.kind == RIGHT:
            return (f"RIGHT-ARC because b1's gold head is s1 (b1 = {name(b1)}, s1 = {name(s1)}); "
                    f"b1 stays on the stack for its own right dependents.")
        if t.kind == REDUCE:
            return f"REDUCE because s1 = {name(s1)} has its head and all its dependents."
        if s1 != 0 and c.heads[s1] is not None:
            missing = [d for d in gold.children[s1] if c.heads[d] is None]
            if missing:
                return (f"SHIFT because s1 = {name(s1)} still waits for its dependent(s) "
                        f"{', '.join(name(d) for d in missing)}, and b1 = {name(b1)} is not linked to it.")
        return f"SHIFT because there is no gold arc between s1 = {name(s1)} and b1 = {name(b1)}."
