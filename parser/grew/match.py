"""Matching a Grew request against dependency trees.

A match is an injective map from the pattern's nodes to the sentence's words
under which every node, edge, order and comparison clause holds: a subgraph
monomorphism (Ullmann 1976, "An algorithm for subgraph isomorphism"), found
here by backtracking over the pattern's nodes, most constrained first, each new
node drawn from the neighbours of nodes already placed when an edge links them
(as in VF2, Cordella et al. 2004).  In a tree a word has one head, so an edge
``N -> M`` is just ``head(M) == N``, which is why this is faster than building a
networkx graph per sentence (``benchmarks/grep_speed.py`` measures both).

Grew's semantics (https://grew.fr/doc/request/): the pattern's matches are
filtered by every ``with`` block (an extension must exist) and every
``without`` block independently (no extension may exist); ``global`` items test
the whole sentence first.  Nodes are words (empty nodes and multiword tokens
are not matched), plus, as in Grew, an anchor node 0 (ROOT) from which the root
edge comes, so ``R -[root]-> N`` finds the root word and ``N -> M`` counts every
word's incoming edge; features are the columns ``form``, ``lemma``, ``upos``,
``xpos``, then FEATS, then MISC attributes (the anchor has none).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..conllu import Sentence
from .graph import SentenceGraph
from .request import parse_request
from .syntax_tree import Block, CompareClause, FeatureTest, Request


@dataclass
class Match:
    """Sentence ``index`` (0-based in the file), pattern node -> word id (1-based), edge name -> (head, dependent)."""

    index: int
    nodes: dict[str, int]
    edges: dict[str, tuple[int, int]] = field(default_factory=dict)
    sent_id: str | None = None

    @property
    def words(self) -> list[int]:
        """The matched words (the anchor node 0, ROOT, left out)."""
        return sorted(set(self.nodes.values()) - {0})


# -- node and clause tests ------------------------------------------------------------

def _node_ok(g: SentenceGraph, w: int, tests: list[FeatureTest]) -> bool:
    for t in tests:
        if t.op == "any":
            if not any(_node_ok(g, w, alt) for alt in t.alternatives):
                return False
            continue
        v = g.feature(w, t.feature)
        if t.op == "has":
            if v is None:
                return False
        elif t.op == "hasnot":
            if v is not None:
                return False
        elif t.op == "=":
            if v is None:
                return False
            if t.regex is not None:
                if t.regex.fullmatch(v) is None:
                    return False
            elif v not in t.values:
                return False
        else:  # "<>": Grew also accepts a word without the feature
            if v is not None:
                if t.regex is not None:
                    if t.regex.fullmatch(v) is not None:
                        return False
                elif v in t.values:
                    return False
    return True


def _compare_ok(g: SentenceGraph, c: CompareClause, assign: dict[str, int]) -> bool:
    v1 = g.feature(assign[c.node], c.feature)
    v2 = g.feature(assign[c.other_node], c.other_feature) if c.other_node else c.value
    if c.op == "=":
        return v1 is not None and v1 == v2
    return v1 != v2


class _Plan:
    """A block compiled for backtracking: the order nodes are placed in and what to check at each step.

    The order is fixed once per request (not per sentence): first a node that is the target of an
    edge with a required relation (few words carry it) or with the most feature tests, then always
    a node linked by an edge to one already placed, whose candidates are the placed node's
    dependents or its head instead of the whole sentence.
    """

    def __init__(self, block: Block, bound: Iterable[str] = ()):
        self.block = block
        bound = set(bound)
        self.new_nodes = [n for n in block.nodes if n not in bound]
        self.extra_tests = {n: t for n, t in block.nodes.items() if n in bound and t}
        self.required_labels: dict[str, list] = {}
        for e in block.edges:
            if e.label is not None:
                self.required_labels.setdefault(e.target, []).append(e.label)
        # exact relation sets allow a set lookup instead of calling each LabelTest
        self.label_sets: dict[str, frozenset | None] = {}
        for n, tests in self.required_labels.items():
            if all(t.regex is None and not t.negated and not t.parts for t in tests):
                sets = [frozenset(t.labels) for t in tests]
                self.label_sets[n] = frozenset.intersection(*sets)
            else:
                self.label_sets[n] = None
        self.order = self._order(bound)
        placed_at = {n: i for i, n in enumerate(self.order)}

        def slot(*names):
            return max((placed_at.get(n, -1) for n in names), default=-1) + 1

        self.checks: list[list] = [[] for _ in range(len(self.order) + 1)]
        for e in block.edges:
            self.checks[slot(e.source, e.target)].append(("edge", e))
        for o in block.orders:
            self.checks[slot(o.left, o.right)].append(("order", o))
        for c in block.compares:
            self.checks[slot(c.node, *((c.other_node,) if c.other_node else ()))].append(("cmp", c))
        self.via: list[tuple[str, str] | None] = []
        for i, n in enumerate(self.order):
            earlier = set(self.order[:i]) | bound
            how = None
            for e in block.edges:
                if e.target == n and e.source in earlier:
                    how = ("child_of", e.source)
                    break
                if e.source == n and e.target in earlier:
                    how = ("head_of", e.target)
                    break
            self.via.append(how)
        self.named_edges = [(e.name, e.source, e.target) for e in block.edges if e.name]
        # Grew adds an anchor node 0 to a dependency tree, the source of the root edge: a pattern
        # node may be that anchor when it is the source of an edge (it has no features)
        self.anchor_ok = {n: any(e.source == n for e in block.edges) for n in self.new_nodes}

    def _order(self, bound: set[str]) -> list[str]:
        placed = set(bound)
        todo = list(self.new_nodes)
        out = []
        edges = self.block.edges

        def weight(n):
            return (n in self.required_labels, len(self.block.nodes[n]))

        while todo:
            linked = [n for n in todo if any((e.source == n and e.target in placed) or
                                             (e.target == n and e.source in placed) for e in edges)]
            best = max(linked or todo, key=weight)
            out.append(best)
            placed.add(best)
            todo.remove(best)
        return out

    def word_ok(self, g: SentenceGraph, name: str, w: int) -> bool:
        if name in self.required_labels:
            if g.heads[w] is None:
                return False
            d = g.deprels[w]
            fast = self.label_sets[name]
            if fast is not None:
                if d not in fast:
                    return False
            elif not all(lt.matches(d) for lt in self.required_labels[name]):
                return False
        tests = self.block.nodes[name]
        return not tests or _node_ok(g, w, tests)


def _extensions(g: SentenceGraph, plan: _Plan, assign: dict[str, int],
                stop_at_first: bool) -> Iterator[tuple[dict[str, int], dict]]:
    """Every way to place the plan's new nodes given ``assign`` (which is left unchanged)."""
    for n, tests in plan.extra_tests.items():
        if not _node_ok(g, assign[n], tests):
            return
    order, checks, via = plan.order, plan.checks, plan.via
    used = set(assign.values())
    cur = dict(assign)
    heads, deprels, children = g.heads, g.deprels, g.children

    def ok(step: int) -> bool:
        for kind, c in checks[step]:
            if kind == "edge":
                s, t = cur[c.source], cur[c.target]
                if heads[t] != s or (c.label is not None and not c.label.matches(deprels[t])):
                    return False
            elif kind == "order":
                a, b = cur[c.left], cur[c.right]
                if not (b == a + 1 if c.immediate else a < b):
                    return False
            elif not _compare_ok(g, c, cur):
                return False
        return True

    if not ok(0):
        return
    last = len(order)

    def rec(step: int):
        if step == last:
            yield dict(cur), {name: (cur[a], cur[b]) for name, a, b in plan.named_edges}
            return
        n = order[step]
        how = via[step]
        if how is None:
            pool = range(0 if plan.anchor_ok[n] else 1, g.n + 1)
        elif how[0] == "child_of":
            pool = children[cur[how[1]]]
        else:
            h = heads[cur[how[1]]]
            pool = (h,) if h is not None and (h or plan.anchor_ok[n]) else ()
        for w in pool:
            if w in used or not plan.word_ok(g, n, w):
                continue
            cur[n] = w
            used.add(w)
            if ok(step + 1):
                for r in rec(step + 1):
                    yield r
                    if stop_at_first:
                        used.discard(w)
                        del cur[n]
                        return
            used.discard(w)
            del cur[n]

    yield from rec(0)


class Matcher:
    """A compiled request: ``matcher.matches(sentence)`` lists its matches."""

    def __init__(self, request: Request | str):
        if isinstance(request, str):
            request = parse_request(request)
        self.request = request
        self.plan = _Plan(request.pattern)
        bound = set(request.pattern.nodes)
        self.with_plans = [_Plan(b, bound) for b in request.with_]
        self.without_plans = [_Plan(b, bound) for b in request.without]
        self.node_names = list(request.pattern.nodes)
        self.requirements = self._requirements()

    def _requirements(self) -> list[tuple[str, frozenset, bool]]:
        """(column, values, main part only) one word of a sentence must have for a match: a cheap pre-filter."""
        out = []
        for e in self.request.pattern.edges:
            lt = e.label
            if lt is None or lt.regex is not None or lt.negated:
                continue
            if lt.parts:
                if lt.parts.get("1"):
                    out.append(("deprel", frozenset(lt.parts["1"]), True))
            elif lt.labels:
                out.append(("deprel", frozenset(lt.labels), False))
        for tests in self.request.pattern.nodes.values():
            for t in tests:
                if t.feature in ("upos", "lemma", "form", "xpos") and t.op == "=" and t.regex is None:
                    out.append((t.feature, frozenset(t.values), False))
        return out

    def could_match(self, sentence: Sentence) -> bool:
        """False when a sentence lacks a relation or a tag the pattern requires (no graph is built)."""
        for col, values, main in self.requirements:
            if main:
                if not any(t.deprel.split(":")[0] in values for t in sentence.tokens):
                    return False
            elif not any(getattr(t, col) in values for t in sentence.tokens):
                return False
        return True

    def _globals_ok(self, g: SentenceGraph) -> bool:
        for name, _ in self.request.globals_:
            if name == "is_projective" and not g.is_projective():
                return False
            if name == "is_not_projective" and g.is_projective():
                return False
            if name == "is_tree" and not g.is_tree():
                return False
            if name == "is_not_tree" and g.is_tree():
                return False
        return True

    def matches(self, sentence: Sentence | SentenceGraph, index: int = 0) -> list[Match]:
        if isinstance(sentence, SentenceGraph):
            g = sentence
        else:
            if not self.could_match(sentence):
                return []
            g = SentenceGraph(sentence)
        if not self._globals_ok(g):
            return []
        out = []
        sent_id = None
        for assign, edges in _extensions(g, self.plan, {}, False):
            if any(next(_extensions(g, p, assign, True), None) is None for p in self.with_plans):
                continue
            if any(next(_extensions(g, p, assign, True), None) is not None for p in self.without_plans):
                continue
            if sent_id is None:
                sent_id = g.sentence.sent_id
            out.append(Match(index, {n: assign[n] for n in self.node_names}, edges, sent_id))
        return out

    def search(self, sentences: Iterable[Sentence], cancelled=None) -> Iterator[Match]:
        """Matches over many sentences, in order; ``cancelled()`` is polled every 256 sentences."""
        for i, s in enumerate(sentences):
            if cancelled is not None and i % 256 == 0 and cancelled():
                from ..progress import Cancelled
                raise Cancelled()
            yield from self.matches(s, i)
