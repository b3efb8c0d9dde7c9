"""Parsing Grew requests and rules, with errors that name line and column.

The syntax is the core of Grew's (https://grew.fr/doc/request/ and
https://grew.fr/doc/commands/)::

    global  { is_not_projective }
    pattern { N [upos=VERB, Mood=Ind|Imp, lemma=re"s.*", !Person, Number, Tense<>Fut];
              A [upos=ADV, !ExtPos]|[ExtPos=ADV];
              M [];  e: N -[nsubj|obj]-> M;  N << M;  N.lemma = M.lemma }
    without { N -[aux]-> A }
    commands { del_edge e; add_edge N -[obl]-> M; M.Case = Acc; del_feat M.Number }

Edge labels follow Grew's UD configuration: ``-[nsubj]->`` matches the label
``nsubj`` exactly (not ``nsubj:pass``); ``-[1=nsubj]->`` matches ``nsubj`` and
all its subtypes, ``-[1=nsubj, 2=pass]->`` only ``nsubj:pass``; ``-[^punct]->``
any label but ``punct``; ``-[re".*subj"]->`` a label matching the whole regular
expression; ``->`` any edge.  Clauses are separated by ``;`` or new lines;
``%`` starts a comment.  Errors are :class:`RequestError` with a 1-based line
and column, never a traceback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# -- the syntax tree --------------------------------------------------------------


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

# -- tokens -----------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r]+)
  | (?P<nl>\n)
  | (?P<comment>%[^\n]*)
  | (?P<regex>re"(?:[^"\\\n]|\\.)*")
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<edge_open>-\[)
  | (?P<edge_close>\]->)
  | (?P<arrow>->)
  | (?P<op><<|>>|<>|[{}\[\];,|=!<>.:^*])
  | (?P<ident>[\w]+(?:[-'][\w]+)*)
""", re.VERBOSE)


@dataclass
class Tok:
    kind: str
    text: str
    pos: Pos


def tokenize(text: str, source: str = "pattern") -> list[Tok]:
    out: list[Tok] = []
    i, line, col = 0, 1, 1
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m:
            ch = text[i]
            if ch == '"' or text.startswith('re"', i):
                raise RequestError("unterminated string: a closing \" is missing on this line", line, col, source)
            raise RequestError(f"unexpected character {ch!r}", line, col, source)
        kind, s = m.lastgroup, m.group()
        if kind == "nl":
            out.append(Tok("nl", s, Pos(line, col)))
            line, col = line + 1, 1
        else:
            if kind not in ("ws", "comment"):
                out.append(Tok(kind if kind != "op" else s, s, Pos(line, col)))
            col += len(s)
        i = m.end()
    out.append(Tok("eof", "", Pos(line, col)))
    return out


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


# -- the parser -------------------------------------------------------------------

class _Parser:
    def __init__(self, text: str, source: str, allow_commands: bool):
        self.toks = tokenize(text, source)
        self.k = 0
        self.source = source
        self.allow_commands = allow_commands

    # helpers
    def peek(self, skip_nl: bool = True, ahead: int = 0) -> Tok:
        k = self.k
        seen = -1
        while True:
            t = self.toks[k]
            if t.kind == "nl" and skip_nl:
                k += 1
                continue
            seen += 1
            if seen == ahead:
                return t
            k += 1

    def next(self, skip_nl: bool = True) -> Tok:
        while skip_nl and self.toks[self.k].kind == "nl":
            self.k += 1
        t = self.toks[self.k]
        if t.kind != "eof":
            self.k += 1
        return t

    def error(self, message: str, tok: Tok):
        raise RequestError(message, tok.pos.line, tok.pos.column, self.source)

    def expect(self, kind: str, what: str | None = None) -> Tok:
        t = self.next()
        if t.kind != kind:
            self.error(f"expected {what or repr(kind)}, found {_describe(t)}", t)
        return t

    # grammar
    def request(self, until: str = "eof", start: Tok | None = None) -> Request:
        pattern = Block("pattern")
        req = Request(pattern)
        saw_pattern = False
        while True:
            t = self.next()
            if t.kind == until:
                break
            if t.kind == "eof":
                self.error(f"rule {start.text if start else ''} is not closed: '}}' is missing", t)
            if t.kind != "ident" or t.text not in ("pattern", "without", "with", "global", "commands"):
                self.error(f"expected 'pattern', 'without', 'with', 'global'"
                           f"{' or commands' if self.allow_commands else ''}, found {_describe(t)}", t)
            self.expect("{", "'{'")
            if t.text == "global":
                self.globals_block(req)
            elif t.text == "commands":
                if not self.allow_commands:
                    self.error("'commands' belong in a rewrite rule (deplab rewrite), not in a search", t)
                self.commands_block(req)
            else:
                block = pattern if t.text == "pattern" else Block(t.text, pos=t.pos)
                if t.text == "pattern":
                    saw_pattern = True
                self.clauses(block)
                if t.text == "without":
                    req.without.append(block)
                elif t.text == "with":
                    req.with_.append(block)
        if not saw_pattern and not req.without and not req.with_ and not req.globals_:
            self.error("the request is empty: write e.g. pattern { N [upos=VERB] }", start or self.toks[-1])
        self.check_names(req)
        return req

    def globals_block(self, req: Request) -> None:
        while True:
            t = self.next()
            if t.kind == "}":
                return
            if t.kind == ";":
                continue
            if t.kind == "ident" and t.text in GLOBALS:
                req.globals_.append((t.text, t.pos))
                continue
            self.error(f"unknown global constraint {_describe(t)}; expected one of {', '.join(GLOBALS)}", t)

    def end_of_clause(self) -> None:
        t = self.peek(skip_nl=False)
        if t.kind in (";", "nl"):
            self.next(skip_nl=False)
            return
        if t.kind == "}":
            return
        self.error(f"expected ';', a new line or '}}' after the clause, found {_describe(t)}", t)

    def clauses(self, block: Block) -> None:
        while True:
            t = self.next()
            if t.kind == "}":
                return
            if t.kind == ";":
                continue
            if t.kind == "eof":
                self.error(f"the {block.kind} block is not closed: '}}' is missing", t)
            if t.kind != "ident":
                self.error(f"expected a node name, found {_describe(t)}", t)
            self.clause(block, t)
            self.end_of_clause()

    def clause(self, block: Block, first: Tok) -> None:
        nxt = self.peek()
        if nxt.kind == ":":  # e: N -> M
            self.next()
            src = self.expect("ident", "the source node of edge " + first.text)
            self.edge(block, src, name=first.text, name_pos=first.pos)
            return
        if nxt.kind == "[":
            self.next()
            block.declare(first.text, first.pos)
            tests = self.feature_tests()
            if self.peek(skip_nl=False).kind == "|":  # N [upos=ADV, !ExtPos]|[ExtPos=ADV]: any of them
                alternatives = [tests]
                while self.peek(skip_nl=False).kind == "|":
                    bar = self.next()
                    self.expect("[", "'[' after '|' (a node may be [...]|[...])")
                    alternatives.append(self.feature_tests())
                tests = [FeatureTest("", "any", alternatives=alternatives, pos=first.pos)]
            block.nodes[first.text].extend(tests)
            return
        if nxt.kind in ("arrow", "edge_open"):
            self.edge(block, first)
            return
        if nxt.kind in ("<", "<<", ">", ">>"):
            op = self.next()
            other = self.expect("ident", "a node name")
            block.declare(first.text, first.pos)
            block.declare(other.text, other.pos)
            left, right = (first.text, other.text) if op.kind in ("<", "<<") else (other.text, first.text)
            block.orders.append(OrderClause(left, right, op.kind in ("<", ">"), first.pos))
            return
        if nxt.kind == ".":
            self.next()
            feat = self.expect("ident", "a feature name after '.'")
            op = self.next()
            if op.kind not in ("=", "<>"):
                self.error(f"expected '=' or '<>' after {first.text}.{feat.text}, found {_describe(op)}", op)
            val = self.next()
            if val.kind == "ident" and self.peek().kind == ".":
                self.next()
                f2 = self.expect("ident", "a feature name after '.'")
                block.compares.append(CompareClause(first.text, feat.text, op.kind, val.text, f2.text, None, first.pos))
            elif val.kind in ("ident", "string"):
                v = _unquote(val.text[1:-1]) if val.kind == "string" else val.text
                block.compares.append(CompareClause(first.text, feat.text, op.kind, None, None, v, first.pos))
            else:
                self.error(f"expected a value or NODE.feature, found {_describe(val)}", val)
            block.declare(first.text, first.pos)
            return
        self.error(f"expected '[', an edge '-[...]->', '->', '<', '<<' or '.' after node {first.text}, "
                   f"found {_describe(nxt)}", nxt)

    def edge(self, block: Block, src: Tok, name: str | None = None, name_pos: Pos | None = None) -> None:
        t = self.next()
        label = None
        if t.kind == "edge_open":
            label = self.label_test(t)
        elif t.kind != "arrow":
            self.error(f"expected '->' or '-[' after {src.text}, found {_describe(t)}", t)
        tgt = self.expect("ident", "the target node of the edge")
        block.declare(src.text, src.pos)
        block.declare(tgt.text, tgt.pos)
        block.edges.append(EdgeClause(src.text, tgt.text, label, name, name_pos or src.pos))

    def label_test(self, open_tok: Tok) -> LabelTest:
        t = self.peek()
        if t.kind == "regex":
            self.next()
            lt = LabelTest(regex=self.compile(t))
            self.expect("edge_close", "']->'")
            return lt
        negated = False
        if t.kind == "^":
            self.next()
            negated = True
        # feature form: 1=nsubj, 2=pass|outer, !2
        if (self.peek().kind == "ident" and self.peek(ahead=1).kind == "=") or self.peek().kind == "!":
            if negated:
                self.error("'^' cannot be combined with 1=/2= label features", t)
            parts: dict = {}
            while True:
                p = self.next()
                if p.kind == "!":
                    k = self.expect("ident", "a label feature (1 or 2)")
                    parts[k.text] = None
                else:
                    if p.kind != "ident":
                        self.error(f"expected a label feature such as 1=nsubj, found {_describe(p)}", p)
                    self.expect("=", "'='")
                    parts[p.text] = tuple(self.values())
                if p.text not in ("1", "2") and (p.kind != "!" or k.text not in ("1", "2")):
                    bad = p if p.kind != "!" else k
                    self.error(f"unknown label feature {bad.text!r}: UD labels have 1 (relation) and 2 (subtype)", bad)
                sep = self.next()
                if sep.kind == "edge_close":
                    return LabelTest(parts=parts)
                if sep.kind != ",":
                    self.error(f"expected ',' or ']->', found {_describe(sep)}", sep)
        labels = []
        while True:
            lab = self.next()
            if lab.kind != "ident":
                self.error(f"expected a relation name, found {_describe(lab)}", lab)
            name = lab.text
            while self.peek(skip_nl=False).kind == ":":
                self.next()
                sub = self.expect("ident", "a relation subtype after ':'")
                name += ":" + sub.text
            labels.append(name)
            sep = self.next()
            if sep.kind == "edge_close":
                break
            if sep.kind != "|":
                self.error(f"expected '|' or ']->' in the relation, found {_describe(sep)}", sep)
        return LabelTest(labels=tuple(labels), negated=negated)

    def compile(self, t: Tok) -> re.Pattern:
        body = t.text[3:-1]
        try:
            return re.compile(body)
        except re.error as e:
            raise RequestError(f"bad regular expression: {e.msg}", t.pos.line, t.pos.column + 3 + (e.pos or 0),
                               self.source) from None

    def values(self) -> list[str]:
        vals = []
        while True:
            v = self.next()
            if v.kind == "ident":
                vals.append(v.text)
            elif v.kind == "string":
                vals.append(_unquote(v.text[1:-1]))
            else:
                self.error(f"expected a value, found {_describe(v)}", v)
            if self.peek().kind != "|":
                return vals
            self.next()

    def feature_tests(self) -> list[FeatureTest]:
        out = []
        if self.peek().kind == "]":
            self.next()
            return out
        while True:
            t = self.next()
            if t.kind == "!":
                f = self.expect("ident", "a feature name after '!'")
                out.append(FeatureTest(f.text, "hasnot", pos=t.pos))
            elif t.kind == "ident":
                nxt = self.peek()
                if nxt.kind in ("=", "<>"):
                    self.next()
                    if self.peek().kind == "regex":
                        r = self.next()
                        out.append(FeatureTest(t.text, nxt.kind, regex=self.compile(r), pos=t.pos))
                    else:
                        out.append(FeatureTest(t.text, nxt.kind, tuple(self.values()), pos=t.pos))
                else:
                    out.append(FeatureTest(t.text, "has", pos=t.pos))
            else:
                self.error(f"expected a feature constraint such as upos=VERB, found {_describe(t)}", t)
            sep = self.next()
            if sep.kind == "]":
                return out
            if sep.kind != ",":
                self.error(f"expected ',' or ']' in the node's features, found {_describe(sep)}", sep)

    def commands_block(self, req: Request) -> None:
        while True:
            t = self.next()
            if t.kind == "}":
                return
            if t.kind == ";":
                continue
            if t.kind == "eof":
                self.error("the commands block is not closed: '}' is missing", t)
            req.commands.append(parse_command(self, t))
            self.end_of_clause()

    def check_names(self, req: Request) -> None:
        known = set(req.pattern.nodes)
        edge_names: dict[str, EdgeClause] = {}
        for e in req.pattern.edges:
            if e.name:
                if e.name in edge_names:
                    raise RequestError(f"edge name {e.name!r} is used twice", e.pos.line, e.pos.column, self.source)
                edge_names[e.name] = e
        for block in req.with_:
            for n in block.nodes:
                known.add(n)
        for block in [req.pattern, *req.with_, *req.without]:
            for c in block.compares:
                if c.other_node and c.other_node not in known and c.other_node not in block.nodes:
                    raise RequestError(f"unknown node {c.other_node!r}", c.pos.line, c.pos.column, self.source)
        for cmd in req.commands:
            for key in ("node", "source", "target", "other_node"):
                n = cmd.args.get(key)
                if n is not None and n not in known:
                    raise RequestError(f"command uses node {n!r}, which the pattern does not declare",
                                       cmd.pos.line, cmd.pos.column, self.source)
            e = cmd.args.get("edge")
            if e is not None and e not in edge_names:
                raise RequestError(f"unknown edge {e!r}: name it in the pattern, e.g. {e}: N -> M",
                                   cmd.pos.line, cmd.pos.column, self.source)
        req.edge_names = edge_names


WORD_COLUMNS = ("form", "lemma", "upos", "xpos")


def parse_command(p, first) -> Command:
    """One rewrite command (its meaning is in :mod:`.rewrite`), read with parser ``p``; ``first`` is its first token."""
    if first.kind != "ident":
        p.error(f"expected a command (del_edge, add_edge, del_feat or N.feature = value), found {first.text!r}", first)
    if first.text in ("del_edge", "add_edge"):
        a = p.expect("ident", "an edge name or a node name")
        nxt = p.peek()
        if first.text == "del_edge" and nxt.kind not in ("arrow", "edge_open"):
            return Command("del_edge", {"edge": a.text}, first.pos)
        t = p.next()
        label = None
        if t.kind == "edge_open":
            lab = p.label_test(t)
            if lab.regex is not None or lab.negated or lab.parts or len(lab.labels) != 1:
                p.error(f"{first.text} needs one relation, e.g. -[obl]->", t)
            label = lab.labels[0]
        elif t.kind != "arrow":
            p.error(f"expected '-[relation]->' after {a.text}, found {t.text!r}", t)
        if first.text == "add_edge" and label is None:
            p.error("add_edge needs a relation: add_edge N -[obl]-> M", t)
        b = p.expect("ident", "the target node")
        return Command(first.text, {"source": a.text, "target": b.text, "label": label}, first.pos)
    if first.text == "del_feat":
        n = p.expect("ident", "a node name")
        p.expect(".", "'.' (del_feat N.Feature)")
        f = p.expect("ident", "a feature name")
        if f.text in ("form", "upos", "lemma", "xpos"):
            p.error(f"{f.text} cannot be deleted; set it instead (N.{f.text} = ...)", f)
        return Command("del_feat", {"node": n.text, "feature": f.text}, first.pos)
    # N.feat = value | N.feat = M.feat
    dot = p.next()
    if dot.kind != ".":
        p.error(f"unknown command {first.text!r}: expected del_edge, add_edge, del_feat or N.feature = value", first)
    f = p.expect("ident", "a feature name")
    p.expect("=", "'='")
    v = p.next()
    if v.kind == "ident" and p.peek().kind == ".":
        p.next()
        f2 = p.expect("ident", "a feature name")
        return Command("copy_feat", {"node": first.text, "feature": f.text, "other_node": v.text,
                                     "other_feature": f2.text}, first.pos)
    if v.kind == "string":
        value = v.text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    elif v.kind == "ident":
        value = v.text
    else:
        p.error(f"expected a value after '=', found {v.text!r}", v)
    if not value or any(c in value for c in "\t\n\r") or (f.text not in ("form", "lemma") and " " in value):
        p.error(f"invalid value {value!r} for {f.text}", v)
    if f.text not in WORD_COLUMNS and any(c in value for c in "|="):
        p.error(f"a feature value cannot contain '|' or '=': {value!r}", v)
    return Command("set_feat", {"node": first.text, "feature": f.text, "value": value}, first.pos)


def _describe(t: Tok) -> str:
    if t.kind == "eof":
        return "the end of the request"
    if t.kind == "nl":
        return "a new line"
    return repr(t.text)


def parse_request(text: str, source: str = "pattern", allow_commands: bool = False) -> Request:
    """Parses a search request; raises :class:`RequestError` (line, column, message).

    With ``allow_commands`` a ``commands { }`` block is accepted (and ignored by the matcher),
    so one text can be searched and then applied as a rule."""
    req = _Parser(text, source, allow_commands=allow_commands).request()
    req.text = text
    return req


@dataclass
class Rule:
    name: str
    request: Request
    pos: Pos


def parse_rules(text: str, source: str = "rules") -> list[Rule]:
    """One rule (``pattern {...} commands {...}``) or several named ones, applied in order::

        rule tmod { pattern { e: N -[obl:tmod]-> M } commands { del_edge e; add_edge N -[obl]-> M } }
        rule poss { ... }
    """
    p = _Parser(text, source, allow_commands=True)
    first = p.peek()
    if not (first.kind == "ident" and first.text == "rule"):
        return [Rule("rule", parse_rule(text, source), first.pos)]
    rules = []
    names = set()
    while p.peek().kind != "eof":
        kw = p.next()
        if kw.kind != "ident" or kw.text != "rule":
            p.error(f"expected 'rule NAME {{ ... }}', found {_describe(kw)}", kw)
        name = p.expect("ident", "the rule's name")
        if name.text in names:
            p.error(f"a second rule named {name.text!r}", name)
        names.add(name.text)
        p.expect("{", "'{'")
        req = p.request(until="}", start=name)
        if not req.commands:
            p.error(f"rule {name.text} has no commands {{ ... }} block", name)
        req.text = text
        rules.append(Rule(name.text, req, kw.pos))
    return rules


def parse_rule(text: str, source: str = "rule") -> Request:
    """Parses a rewrite rule: a request plus a ``commands { }`` block."""
    p = _Parser(text, source, allow_commands=True)
    req = p.request()
    req.text = text
    if not req.commands:
        t = p.toks[-1]
        raise RequestError("the rule has no commands { ... } block", t.pos.line, t.pos.column, source)
    return req
