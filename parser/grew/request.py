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

The tokens are :mod:`.tokens`', the syntax tree :mod:`.syntax_tree`'s, the commands of a rule are
read by :mod:`.command_parser`; this module is the recursive-descent parser over them.
"""
from __future__ import annotations

import re

from .command_parser import parse_command
from .syntax_tree import (GLOBALS, Block, CompareClause, EdgeClause, FeatureTest, LabelTest, OrderClause, Pos,
                          Request, RequestError, Rule)
from .tokens import Tok, describe, tokenize, unquote


class RequestParser:
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
            self.error(f"expected {what or repr(kind)}, found {describe(t)}", t)
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
                           f"{' or commands' if self.allow_commands else ''}, found {describe(t)}", t)
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
            self.error(f"unknown global constraint {describe(t)}; expected one of {', '.join(GLOBALS)}", t)

    def end_of_clause(self) -> None:
        t = self.peek(skip_nl=False)
        if t.kind in (";", "nl"):
            self.next(skip_nl=False)
            return
        if t.kind == "}":
            return
        self.error(f"expected ';', a new line or '}}' after the clause, found {describe(t)}", t)

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
                self.error(f"expected a node name, found {describe(t)}", t)
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
                    self.next()
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
                self.error(f"expected '=' or '<>' after {first.text}.{feat.text}, found {describe(op)}", op)
            val = self.next()
            if val.kind == "ident" and self.peek().kind == ".":
                self.next()
                f2 = self.expect("ident", "a feature name after '.'")
                block.compares.append(CompareClause(first.text, feat.text, op.kind, val.text, f2.text, None, first.pos))
            elif val.kind in ("ident", "string"):
                v = unquote(val.text[1:-1]) if val.kind == "string" else val.text
                block.compares.append(CompareClause(first.text, feat.text, op.kind, None, None, v, first.pos))
            else:
                self.error(f"expected a value or NODE.feature, found {describe(val)}", val)
            block.declare(first.text, first.pos)
            return
        self.error(f"expected '[', an edge '-[...]->', '->', '<', '<<' or '.' after node {first.text}, "
                   f"found {describe(nxt)}", nxt)

    def edge(self, block: Block, src: Tok, name: str | None = None, name_pos: Pos | None = None) -> None:
        t = self.next()
        label = None
        if t.kind == "edge_open":
            label = self.label_test(t)
        elif t.kind != "arrow":
            self.error(f"expected '->' or '-[' after {src.text}, found {describe(t)}", t)
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
                        self.error(f"expected a label feature such as 1=nsubj, found {describe(p)}", p)
                    self.expect("=", "'='")
                    parts[p.text] = tuple(self.values())
                if p.text not in ("1", "2") and (p.kind != "!" or k.text not in ("1", "2")):
                    bad = p if p.kind != "!" else k
                    self.error(f"unknown label feature {bad.text!r}: UD labels have 1 (relation) and 2 (subtype)", bad)
                sep = self.next()
                if sep.kind == "edge_close":
                    return LabelTest(parts=parts)
                if sep.kind != ",":
                    self.error(f"expected ',' or ']->', found {describe(sep)}", sep)
        labels = []
        while True:
            lab = self.next()
            if lab.kind != "ident":
                self.error(f"expected a relation name, found {describe(lab)}", lab)
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
                self.error(f"expected '|' or ']->' in the relation, found {describe(sep)}", sep)
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
                vals.append(unquote(v.text[1:-1]))
            else:
                self.error(f"expected a value, found {describe(v)}", v)
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
                self.error(f"expected a feature constraint such as upos=VERB, found {describe(t)}", t)
            sep = self.next()
            if sep.kind == "]":
                return out
            if sep.kind != ",":
                self.error(f"expected ',' or ']' in the node's features, found {describe(sep)}", sep)

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


def parse_request(text: str, source: str = "pattern", allow_commands: bool = False) -> Request:
    """Parses a search request; raises :class:`RequestError` (line, column, message).

    With ``allow_commands`` a ``commands { }`` block is accepted (and ignored by the matcher),
    so one text can be searched and then applied as a rule."""
    req = RequestParser(text, source, allow_commands=allow_commands).request()
    req.text = text
    return req


def parse_rules(text: str, source: str = "rules") -> list[Rule]:
    """One rule (``pattern {...} commands {...}``) or several named ones, applied in order::

        rule tmod { pattern { e: N -[obl:tmod]-> M } commands { del_edge e; add_edge N -[obl]-> M } }
        rule poss { ... }
    """
    p = RequestParser(text, source, allow_commands=True)
    first = p.peek()
    if not (first.kind == "ident" and first.text == "rule"):
        return [Rule("rule", parse_rule(text, source), first.pos)]
    rules = []
    names = set()
    while p.peek().kind != "eof":
        kw = p.next()
        if kw.kind != "ident" or kw.text != "rule":
            p.error(f"expected 'rule NAME {{ ... }}', found {describe(kw)}", kw)
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
    p = RequestParser(text, source, allow_commands=True)
    req = p.request()
    req.text = text
    if not req.commands:
        t = p.toks[-1]
        raise RequestError("the rule has no commands { ... } block", t.pos.line, t.pos.column, source)
    return req
