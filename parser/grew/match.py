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
are not matched); features are the columns ``form``, ``lemma``, ``upos``,
``xpos``, then FEATS, then MISC attributes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..conllu import Sentence, iter_sentences
from .request import Block, CompareClause, FeatureTest, Request, parse_request

_COLUMNS = ("form", "lemma", "upos", "xpos")


@dataclass
class Match:
    """Sentence ``index`` (0-based in the file), pattern node -> word id (1-based), edge name -> (head, dependent)."""

    index: int
    nodes: dict[str, int]
    edges: dict[str, tuple[int, int]] = field(default_factory=dict)
    sent_id: str | None = None

    @property
    def words(self) -> list[int]:
        return sorted(set(self.nodes.values()))


class SentenceGraph:
    """The words of one sentence as arrays the matcher reads (features parsed on first use)."""

    __slots__ = ("sentence", "n", "cols", "heads", "deprels", "children", "_feats", "_misc", "_projective")

    def __init__(self, sentence: Sentence):
        self.sentence = sentence
        words = sentence.words
        self.n = len(words)
        self.cols = {"form": [None] + [w.form for w in words],
                     "lemma": [None] + [w.lemma for w in words],
                     "upos": [None] + [w.upos for w in words],
                     "xpos": [None] + [w.xpos for w in words]}
        self.heads = [None] + [w.head_index for w in words]
        self.deprels = [None] + [w.deprel for w in words]
        self.children: list[list[int]] = [[] for _ in range(self.n + 1)]
        for d in range(1, self.n + 1):
            h = self.heads[d]
            if h is not None and 0 <= h <= self.n:
                self.children[h].append(d)
        self._feats: list[dict | None] = [None] * (self.n + 1)
        self._misc: list[dict | None] = [None] * (self.n + 1)
        self._projective: bool | None = None

    def feature(self, word: int, name: str) -> str | None:
        """The value of a feature of a word, or None when the word does not have it."""
        col = self.cols.get(name)
        if col is not None:
            v = col[word]
            return None if v == "_" and name != "form" else v
        feats = self._feats[word]
        if feats is None:
            feats = self._feats[word] = _attributes(self.sentence.words[word - 1].feats)
        if name in feats:
            return feats[name]
        misc = self._misc[word]
        if misc is None:
            misc = self._misc[word] = _attributes(self.sentence.words[word - 1].misc)
        return misc.get(name)

    def is_projective(self) -> bool:
        if self._projective is None:
            self._projective = _projective(self.heads, self.n)
        return self._projective

    def is_tree(self) -> bool:
        roots = sum(1 for h in self.heads[1:] if h == 0)
        if roots != 1 or any(h is None for h in self.heads[1:]):
            return False
        for start in range(1, self.n + 1):
            node, steps = start, 0
            while node and steps <= self.n:
                node, steps = self.heads[node], steps + 1
            if node:
                return False
        return True


def _attributes(column: str) -> dict[str, str]:
    if column == "_" or not column:
        return {}
    out = {}
    for item in column.split("|"):
        k, sep, v = item.partition("=")
        if sep:
            out[k] = v
    return out


def _projective(heads: list, n: int) -> bool:
    """No two arcs cross and no arc covers the root (the usual definition for UD trees)."""
    spans = []
    for d in range(1, n + 1):
        h = heads[d]
        if h is None:
            continue
        a, b = (h, d) if h < d else (d, h)
        spans.append((a, b))
    spans.sort()
    for i, (a1, b1) in enumerate(spans):
        for a2, b2 in spans[i + 1:]:
            if a2 >= b1:
                break
            if a1 < a2 < b1 < b2:
                return False
    return True


# -- node and clause tests ------------------------------------------------------------

def _node_ok(g: SentenceGraph, w: int, tests: list[FeatureTest]) -> bool:
    for t in tests:
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
    """A block compiled for backtracking: the order nodes are placed in and what to check at each step."""

    def __init__(self, block: Block, bound: Iterable[str] = ()):
        self.block = block
        bound = set(bound)
        self.new_nodes = [n for n in block.nodes if n not in bound]
        self.extra_tests = {n: t for n, t in block.nodes.items() if n in bound and t}
        # labels a target must carry (to cut candidates before backtracking)
        self.required_labels: dict[str, list] = {}
        for e in block.edges:
            if e.label is not None:
                self.required_labels.setdefault(e.target, []).append(e.label)

    def order(self, g: SentenceGraph, cands: dict[str, list[int]], bound: set[str]) -> list[str]:
        placed = set(bound)
        todo = list(self.new_nodes)
        out = []
        while todo:
            linked = [n for n in todo if any((e.source == n and e.target in placed) or
                                             (e.target == n and e.source in placed) for e in self.block.edges)]
            pool = linked or todo
            best = min(pool, key=lambda n: len(cands[n]))
            out.append(best)
            placed.add(best)
            todo.remove(best)
        return out


def _candidates(g: SentenceGraph, plan: _Plan) -> dict[str, list[int]] | None:
    out = {}
    block = plan.block
    for name in plan.new_nodes:
        tests = block.nodes[name]
        labels = plan.required_labels.get(name)
        cand = []
        for w in range(1, g.n + 1):
            if labels:
                d = g.deprels[w]
                if g.heads[w] is None or not all(lt.matches(d) for lt in labels):
                    continue
            if tests and not _node_ok(g, w, tests):
                continue
            cand.append(w)
        if not cand:
            return None
        out[name] = cand
    return out


def _extensions(g: SentenceGraph, plan: _Plan, assign: dict[str, int], stop_at_first: bool,
                cands: dict[str, list[int]] | None = None) -> Iterator[tuple[dict[str, int], dict]]:
    """Every way to place the plan's new nodes given ``assign`` (which is left unchanged)."""
    block = plan.block
    for n, tests in plan.extra_tests.items():
        if not _node_ok(g, assign[n], tests):
            return
    if cands is None:
        cands = _candidates(g, plan)
        if cands is None:
            return
    order = plan.order(g, cands, set(assign))
    # clauses become checkable once all their nodes are placed: index them by the last one
    placed_at = {n: i for i, n in enumerate(order)}
    checks: list[list] = [[] for _ in range(len(order) + 1)]

    def slot(*names):
        return max((placed_at.get(n, -1) for n in names), default=-1) + 1

    for e in block.edges:
        checks[slot(e.source, e.target)].append(("edge", e))
    for o in block.orders:
        checks[slot(o.left, o.right)].append(("order", o))
    for c in block.compares:
        names = (c.node,) + ((c.other_node,) if c.other_node else ())
        checks[slot(*names)].append(("cmp", c))
    used = set(assign.values())
    cur = dict(assign)

    def ok(step: int) -> bool:
        for kind, c in checks[step]:
            if kind == "edge":
                s, t = cur[c.source], cur[c.target]
                if g.heads[t] != s or (c.label is not None and not c.label.matches(g.deprels[t])):
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
    cand_sets = {n: set(v) for n, v in cands.items()}
    # for each node: an edge to an already placed node that yields its candidates directly
    via: dict[str, tuple[str, str]] = {}
    for i, n in enumerate(order):
        earlier = set(order[:i]) | set(assign)
        for e in block.edges:
            if e.target == n and e.source in earlier:
                via[n] = ("child_of", e.source)
                break
            if e.source == n and e.target in earlier:
                via[n] = ("head_of", e.target)
                break

    def rec(step: int):
        if step == len(order):
            edges = {e.name: (cur[e.source], cur[e.target]) for e in block.edges if e.name}
            yield dict(cur), edges
            return
        n = order[step]
        how = via.get(n)
        if how is None:
            pool = cands[n]
        elif how[0] == "child_of":
            pool = [w for w in g.children[cur[how[1]]] if w in cand_sets[n]]
        else:
            h = g.heads[cur[how[1]]]
            pool = [h] if h and h in cand_sets[n] else []
        for w in pool:
            if w in used:
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
        g = sentence if isinstance(sentence, SentenceGraph) else SentenceGraph(sentence)
        if not self._globals_ok(g):
            return []
        cands = _candidates(g, self.plan)
        if cands is None:
            return []
        out = []
        sent_id = None
        for assign, edges in _extensions(g, self.plan, {}, False, cands):
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


def load_request_text(arg: str) -> tuple[str, str]:
    """``@file.req`` reads the request from a file; returns (text, source name for messages)."""
    if arg.startswith("@"):
        path = arg[1:]
        with open(path, encoding="utf-8") as f:
            return f.read(), path
    return arg, "pattern"


def grep_files(request: Request, paths: Iterable[str | os.PathLike]) -> Iterator[tuple[str, Sentence, list[Match]]]:
    """(path, sentence, its matches) for every sentence with at least one match."""
    m = Matcher(request)
    for path in paths:
        for i, s in enumerate(iter_sentences(path)):
            found = m.matches(s, i)
            if found:
                yield os.fspath(path), s, found
