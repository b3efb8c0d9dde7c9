"""Reading one rewrite command of a rule's ``commands { }`` block (https://grew.fr/doc/commands/):
``del_edge``, ``add_edge``, ``del_feat``, ``N.feature = value`` and ``N.feature = M.feature``.

What the commands do is :mod:`.rewrite`'s; this module only reads them, with the request parser's
tokens and errors (:class:`.request.RequestParser`).
"""
from __future__ import annotations

from .syntax_tree import WORD_COLUMNS, Command


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
