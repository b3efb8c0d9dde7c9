"""The syntax tree of a Grew request or rule: blocks of node, edge, order and comparison clauses,
and rewrite commands (https://grew.fr/doc/request/, https://grew.fr/doc/commands/).

:mod:`.request` builds it from text; :mod:`.match` searches trees with it, :mod:`.rewrite` applies
its commands.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


class RequestError(ValueError):
    """A request or rule that cannot be parsed: ``line:column: message``."""

    def __init__(self, message: str, line: int, column: int, source: str = "pattern"):
        self.message, self.line, self.column, self.source = message, line, column, source
        super().__init__(f"{source}:{line}:{column}: {message}")


@dataclass(frozen=True)
class Pos:
    line: int
    column: int


@dataclass
class FeatureTest:
    """One constraint in ``N [...]``: ``feat=v1|v2``, ``feat<>v``, ``feat=re"..."``, ``feat`` or ``!feat``."""

    feature: str
    op: str  # "=", "<>", "has", "hasnot", or "any" (a disjunction [...]|[...])
    values: tuple[str, ...] = ()
    regex: re.Pattern | None = None
    pos: Pos | None = None
    alternatives: list | None = None  # op "any": lists of tests, one of which must hold


@dataclass
class LabelTest:
    """The relation constraint of an edge; ``None`` on the edge means any relation."""

    labels: tuple[str, ...] = ()          # exact labels (``nsubj|obj``)
    negated: bool = False                 # ``^nsubj|obj``
    regex: re.Pattern | None = None       # ``re"..."``
    parts: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # ``1=nsubj, 2=pass``, ``!2`` -> None

    def matches(self, label: str) -> bool:
        if self.regex is not None:
            return self.regex.fullmatch(label) is not None
        if self.parts:
            main, _, sub = label.partition(":")
            have = {"1": main, "2": sub or None}
            for k, allowed in self.parts.items():
                v = have.get(k)
                if allowed is None:
                    if v is not None:
                        return False
                elif v is None or v not in allowed:
                    return False
            return True
        return (label in self.labels) != self.negated


@dataclass
class EdgeClause:
    source: str
    target: str
    label: LabelTest | None
    name: str | None = None
    pos: Pos | None = None


@dataclass
class OrderClause:
    left: str
    right: str
    immediate: bool  # ``<`` (immediately before) vs ``<<`` (anywhere before)
    pos: Pos | None = None


@dataclass
class CompareClause:
    """``N.feat = M.feat``, ``N.feat <> M.feat`` or ``N.feat = value``."""

    node: str
    feature: str
    op: str  # "=" or "<>"
    other_node: str | None
    other_feature: str | None
    value: str | None = None
    pos: Pos | None = None


@dataclass
class Block:
    """A ``pattern``, ``with`` or ``without`` block."""

    kind: str
    nodes: dict[str, list[FeatureTest]] = field(default_factory=dict)
    edges: list[EdgeClause] = field(default_factory=list)
    orders: list[OrderClause] = field(default_factory=list)
    compares: list[CompareClause] = field(default_factory=list)
    node_pos: dict[str, Pos] = field(default_factory=dict)
    pos: Pos | None = None

    def declare(self, name: str, pos: Pos) -> None:
        if name not in self.nodes:
            self.nodes[name] = []
            self.node_pos[name] = pos


@dataclass
class Command:
    """One rewrite command (see :mod:`.rewrite`)."""

    op: str  # del_edge, add_edge, set_feat, copy_feat, del_feat
    args: dict
    pos: Pos


@dataclass
class Request:
    pattern: Block
    without: list[Block] = field(default_factory=list)
    with_: list[Block] = field(default_factory=list)
    globals_: list[tuple[str, Pos]] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    text: str = ""
    edge_names: dict[str, EdgeClause] = field(default_factory=dict)

    @property
    def node_names(self) -> list[str]:
        return list(self.pattern.nodes)


GLOBALS = ("is_projective", "is_not_projective", "is_tree", "is_not_tree")
WORD_COLUMNS = ("form", "lemma", "upos", "xpos")   # a node's columns, as opposed to its features


@dataclass
class Rule:
    name: str
    request: Request
    pos: Pos
