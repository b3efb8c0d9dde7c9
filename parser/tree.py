"""Dependency trees: well-formedness, projectivity and crossing arcs.

A tree over words 1..n is given by ``heads[i]`` (the head of word ``i + 1``,
0 for the root) and ``labels[i]``.  A well-formed tree has a head for every
word, exactly one word attached to the root and no cycles.  An arc (h, d) is
projective when every word between h and d is dominated by h
(Nivre 2008, "Algorithms for deterministic incremental dependency parsing").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class DependencyTree:
    heads: list[int | None]
    labels: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.labels:
            self.labels = ["_"] * len(self.heads)

    @classmethod
    def from_sentence(cls, sentence) -> "DependencyTree":
        words = sentence.words
        return cls([w.head_index for w in words], [w.deprel for w in words])

    def __len__(self) -> int:
        return len(self.heads)

    @property
    def arcs(self) -> list[tuple[int, int, str]]:
        """(head, dependent, label) for every word that has a head; ids are 1-based."""
        return [(h, d + 1, l) for d, (h, l) in enumerate(zip(self.heads, self.labels)) if h is not None]

    def dependents(self, head: int) -> list[int]:
        return [d + 1 for d, h in enumerate(self.heads) if h == head]

    # -- well-formedness ------------------------------------------------------
    def roots(self) -> list[int]:
        return [d + 1 for d, h in enumerate(self.heads) if h == 0]

    def missing_heads(self) -> list[int]:
        return [d + 1 for d, h in enumerate(self.heads) if h is None]

    def cycles(self) -> list[list[int]]:
        """Each cycle as the list of words on it."""
        n = len(self.heads)
        state = [0] * (n + 1)  # 0 unseen, 1 on current path, 2 done
        found = []
        for start in range(1, n + 1):
            path, node = [], start
            while node and node <= n and state[node] == 0 and self.heads[node - 1] is not None:
                state[node] = 1
                path.append(node)
                node = self.heads[node - 1]
            if node and node <= n and state[node] == 1:
                found.append(path[path.index(node):])
            for p in path:
                state[p] = 2
        return found

    def would_create_cycle(self, dependent: int, head: int) -> bool:
        """True if attaching ``dependent`` to ``head`` closes a cycle."""
        node = head
        seen = set()
        while node and node not in seen:
            if node == dependent:
                return True
            seen.add(node)
            node = self.heads[node - 1]
        return False

    def problems(self) -> list[str]:
        """Human-readable reasons why this is not a well-formed tree (empty if it is)."""
        out = []
        missing = self.missing_heads()
        if missing:
            out.append(f"no head for word(s) {', '.join(map(str, missing))}")
        bad = [d + 1 for d, h in enumerate(self.heads) if h is not None and not 0 <= h <= len(self.heads)]
        if bad:
            out.append(f"head out of range for word(s) {', '.join(map(str, bad))}")
        roots = self.roots()
        if len(self.heads) and len(roots) != 1:
            out.append(f"{len(roots)} words attached to the root ({', '.join(map(str, roots))}); exactly one is required")
        for c in self.cycles():
            out.append("cycle " + " -> ".join(map(str, c + [c[0]])))
        return out

    def is_valid(self) -> bool:
        return not self.problems()

    # -- projectivity -----------------------------------------------------------
    def crossing_arcs(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Pairs of arcs (head, dependent) that cross when drawn above the sentence."""
        spans = [(min(h, d), max(h, d), h, d) for h, d, _ in self.arcs]
        out = []
        for i, (a1, b1, h1, d1) in enumerate(spans):
            for a2, b2, h2, d2 in spans[i + 1:]:
                if a1 < a2 < b1 < b2 or a2 < a1 < b2 < b1:
                    out.append(((h1, d1), (h2, d2)))
        return out

    def non_projective_arcs(self) -> list[tuple[int, int]]:
        """Arcs (head, dependent) whose span contains a word the head does not dominate."""
        out = []
        for h, d, _ in self.arcs:
            for k in range(min(h, d) + 1, max(h, d)):
                if not self.dominates(h, k):
                    out.append((h, d))
                    break
        return out

    def dominates(self, head: int, word: int) -> bool:
        node, steps = word, 0
        while node and steps <= len(self.heads):
            if node == head:
                return True
            node = self.heads[node - 1]
            steps += 1
        return head == 0 and node == 0

    def is_projective(self) -> bool:
        return not self.non_projective_arcs()

    # -- views --------------------------------------------------------------------
    def to_networkx(self, forms: Sequence[str] | None = None) -> "nx.DiGraph":
        """A directed graph head -> dependent with node 0 as ROOT and ``label`` on edges."""
        import networkx as nx  # only for this view: the matcher and the commands that need no graph start fast
        g = nx.DiGraph()
        g.add_node(0, form="ROOT")
        for i in range(len(self.heads)):
            g.add_node(i + 1, form=forms[i] if forms else str(i + 1))
        for h, d, l in self.arcs:
            g.add_edge(h, d, label=l)
        return g


def projectivize(heads: Sequence[int]) -> tuple[list[int], int]:
    """Lifts non-projective arcs to the head's head until the tree is projective.

    The lifting of Nivre & Nilsson (2005, "Pseudo-projective dependency
    parsing") without the label encoding; returns the new heads and the number
    of lifts.  The shortest non-projective arc is lifted first.
    Raises ValueError when a word has no head, a head is out of range or the
    heads form a cycle (lifting would never terminate).
    """
    heads = list(heads)
    broken = [p for p in DependencyTree(heads).problems() if p.startswith(("no head", "head out", "cycle"))]
    if broken:
        raise ValueError("cannot projectivize: " + "; ".join(broken))
    lifts = 0
    while True:
        tree = DependencyTree(heads)
        bad = tree.non_projective_arcs()
        if not bad:
            return heads, lifts
        h, d = min(bad, key=lambda a: abs(a[0] - a[1]))
        heads[d - 1] = heads[h - 1] if h else 0
        lifts += 1
