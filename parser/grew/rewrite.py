"""Rewriting trees with Grew rules: a request plus ``commands { }``.

Commands (Grew's, https://grew.fr/doc/commands/, restricted to what keeps a
basic UD tree a tree)::

    del_edge e                  % the edge named in the pattern (e: N -> M)
    del_edge N -[obj]-> M       % that edge, if it is there
    add_edge N -[obl]-> M       % M must have no head (delete its edge first): moving a head
    add_edge R -[root]-> M      % R the anchor node 0 (pattern { R -[root]-> N }): a new root
    N.upos = PROPN; N.lemma = "x"; N.Case = Acc; N.Number = M.Number
    del_feat N.Number

A file may hold one rule or several (``rule NAME { pattern {...} commands {...} }``), applied
in order.  A rule is applied to a sentence until no new match is left (Grew's normal
form), each match at most once.  A match whose commands would leave the
sentence with a cycle, a second root, or a word without a head is *refused*:
the sentence keeps its previous state for that match and the refusal is
listed with its reason, never skipped silently.  :func:`rewrite_file` writes
the sentences no rule touched byte for byte as they were read.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from typing import Iterable

from ..conllu import COLUMNS, Sentence, iter_sentences
from ..fileio import atomic_write_bytes
from .match import Match, Matcher
from .request import parse_rules
from .syntax_tree import WORD_COLUMNS as _WORD_COLUMNS, Command, Pos, Request, RequestError, Rule


# -- results ------------------------------------------------------------------------

@dataclass
class Change:
    """One column of one word changed: sentence ``index`` (0-based), word id (1-based)."""

    index: int
    sent_id: str | None
    word: int
    form: str
    column: str
    old: str
    new: str

    def __str__(self) -> str:
        where = self.sent_id or f"sentence {self.index + 1}"
        return f"{where} word {self.word} ({self.form}): {self.column.upper()} {self.old} -> {self.new}"


@dataclass
class Refusal:
    index: int
    sent_id: str | None
    nodes: dict[str, int]
    reason: str
    rule: str = ""  # the rule's name when a file holds several

    def __str__(self) -> str:
        where = self.sent_id or f"sentence {self.index + 1}"
        nodes = ", ".join(f"{k}={v}" for k, v in self.nodes.items())
        rule = f"rule {self.rule} " if self.rule else ""
        return f"{where} ({nodes}): {rule}refused: {self.reason}"


@dataclass
class RewriteResult:
    sentences: list[Sentence]                       # every sentence, rewritten or the original object
    changed: dict[int, Sentence] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def words_changed(self) -> int:
        return len({(c.index, c.word) for c in self.changes})


class _Refused(Exception):
    pass


# -- applying ----------------------------------------------------------------------------

def _set_feat(feats: str, name: str, value: str | None) -> str:
    items = {} if feats == "_" else dict(kv.split("=", 1) for kv in feats.split("|") if "=" in kv)
    if value is None:
        items.pop(name, None)
    else:
        items[name] = value
    if not items:
        return "_"
    return "|".join(f"{k}={items[k]}" for k in sorted(items, key=str.lower))


def _get_feat(tok, name: str) -> str | None:
    if name in _WORD_COLUMNS:
        v = getattr(tok, name)
        return None if v == "_" and name != "form" else v
    if tok.feats == "_":
        return None
    for kv in tok.feats.split("|"):
        k, _, v = kv.partition("=")
        if k == name:
            return v
    return None


def apply_commands(sentence: Sentence, commands: list[Command], match: Match) -> Sentence:
    """A rewritten copy of ``sentence``; raises _Refused with the reason when the result is not a tree."""
    s = sentence.copy()
    words = s.words
    before_heads = [w.head_index for w in words]
    deleted: set[int] = set()
    for cmd in commands:
        a = cmd.args
        if cmd.op == "del_edge":
            if "edge" in a:
                h, d = match.edges[a["edge"]]
            else:
                h, d = match.nodes[a["source"]], match.nodes[a["target"]]
                if a["label"] is not None and words[d - 1].deprel != a["label"]:
                    continue
            w = words[d - 1]
            if w.head_index == h:
                w.head, w.deprel = "_", "_"
                deleted.add(d)
        elif cmd.op == "add_edge":
            h, d = match.nodes[a["source"]], match.nodes[a["target"]]
            w = words[d - 1]
            if w.head_index == h and w.deprel == a["label"]:
                continue
            if d == 0:
                raise _Refused("ROOT (the anchor node) cannot depend on a word")
            if h == 0 and a["label"] != "root":
                raise _Refused(f"a word attached to ROOT has the relation 'root', not {a['label']!r}")
            if h != 0 and a["label"].split(":")[0] == "root":
                raise _Refused(f"'root' is only for the word attached to ROOT; {words[h - 1].form} is a word")
            if w.head_index is not None:
                raise _Refused(f"word {d} ({w.form}) already has a head ({w.head}); "
                               f"del_edge its edge before add_edge")
            w.head, w.deprel = str(h), a["label"]
            deleted.discard(d)
        elif cmd.op in ("set_feat", "copy_feat", "del_feat"):
            if match.nodes[a["node"]] == 0 or match.nodes.get(a.get("other_node"), 1) == 0:
                raise _Refused("ROOT (the anchor node) has no features")
            w = words[match.nodes[a["node"]] - 1]
            if cmd.op == "copy_feat":
                value = _get_feat(words[match.nodes[a["other_node"]] - 1], a["other_feature"])
                if value is None:
                    raise _Refused(f"word {match.nodes[a['other_node']]} has no {a['other_feature']} to copy")
            else:
                value = a.get("value")
            f = a["feature"]
            if f in _WORD_COLUMNS:
                setattr(w, f, value)
            else:
                w.feats = _set_feat(w.feats, f, value)
    # the result must still be a tree
    heads = [w.head_index for w in words]
    for d, (h0, h) in enumerate(zip(before_heads, heads), 1):
        if h is None and h0 is not None:
            raise _Refused(f"word {d} ({words[d - 1].form}) would be left without a head (add_edge a new one)")
    roots_before = sum(1 for h in before_heads if h == 0)
    roots = [d for d, h in enumerate(heads, 1) if h == 0]
    if len(roots) > max(1, roots_before):
        raise _Refused(f"a second root: words {', '.join(map(str, roots))} would all depend on ROOT")
    for start in range(1, len(heads) + 1):
        node, path = start, []
        while node and node not in path and heads[node - 1] is not None:
            path.append(node)
            node = heads[node - 1]
        if node and node in path:
            cyc = path[path.index(node):]
            raise _Refused("a cycle: " + " -> ".join(map(str, cyc + [cyc[0]])))
    return s


def _diff(index: int, old: Sentence, new: Sentence) -> list[Change]:
    out = []
    sid = old.sent_id
    for a, b in zip(old.tokens, new.tokens):
        if not a.is_word:
            continue
        for col in COLUMNS[1:]:
            va, vb = getattr(a, col), getattr(b, col)
            if va != vb:
                out.append(Change(index, sid, int(a.id), a.form, col, va, vb))
    return out


def rewrite_sentence(rule: Request, matcher: Matcher, sentence: Sentence, index: int = 0,
                     max_steps: int | None = None) -> tuple[Sentence | None, list[Change], list[Refusal]]:
    """Applies the rule to one sentence until no new match; returns (new sentence or None, changes, refusals)."""
    current = sentence
    applied: set[tuple] = set()
    refusals: list[Refusal] = []
    refused: set[tuple] = set()
    limit = max_steps if max_steps is not None else 4 * (len(sentence.words) + 1)
    steps = 0
    while steps < limit:
        progress = False
        for m in matcher.matches(current, index):
            key = tuple(sorted(m.nodes.items()))
            if key in applied or key in refused:
                continue
            try:
                new = apply_commands(current, rule.commands, m)
            except _Refused as e:
                refused.add(key)
                refusals.append(Refusal(index, sentence.sent_id, dict(m.nodes), str(e)))
                continue
            applied.add(key)
            if new.to_text() != current.to_text():
                current = new
                progress = True
                break
        steps += 1
        if not progress:
            break
    if current is sentence:
        return None, [], refusals
    return current, _diff(index, sentence, current), refusals


def rewrite_sentences(rule: "Request | str | list[Rule]", sentences: Iterable[Sentence],
                      cancelled=None) -> RewriteResult:
    """Applies a rule, or several rules in order (each to its normal form), to every sentence.

    Sentences are not modified in place; ``changes`` compare each sentence's final state with
    its original."""
    if isinstance(rule, str):
        rules = parse_rules(rule)
    elif isinstance(rule, Request):
        rules = [Rule("rule", rule, Pos(1, 1))]
    else:
        rules = list(rule)
    compiled = [(r, Matcher(r.request)) for r in rules]
    several = len(rules) > 1
    result = RewriteResult([])
    for i, s in enumerate(sentences):
        if cancelled is not None and i % 256 == 0 and cancelled():
            from ..progress import Cancelled
            raise Cancelled()
        current = s
        for r, matcher in compiled:
            new, _, refusals = rewrite_sentence(r.request, matcher, current, i)
            for x in refusals:
                x.rule = r.name if several else ""
            result.refusals.extend(refusals)
            if new is not None:
                current = new
        if current is not s:
            result.changed[i] = current
            result.changes.extend(_diff(i, s, current))
        result.sentences.append(current)
    return result


def read_with_source(path: str | os.PathLike) -> tuple[bytes, list[Sentence], list[tuple[int, int]]]:
    """The file's bytes, its sentences, and each sentence's byte range (blank line included)."""
    with open(path, "rb") as f:
        data = f.read()
    sentences = list(iter_sentences(io.BytesIO(data), os.fspath(path)))
    starts = [0]
    pos = 0
    for line in data.split(b"\n"):
        pos += len(line) + 1
        starts.append(pos)
    spans = []
    for i, s in enumerate(sentences):
        begin = starts[s.line - 1]
        end = starts[sentences[i + 1].line - 1] if i + 1 < len(sentences) else len(data)
        spans.append((begin, min(end, len(data))))
    return data, sentences, spans


def rewrite_file(rule: "Request | list[Rule]", source: str | os.PathLike, target: str | os.PathLike) -> RewriteResult:
    """Rewrites a CoNLL-U file into ``target`` (atomically); untouched sentences keep their exact bytes."""
    data, sentences, spans = read_with_source(source)
    result = rewrite_sentences(rule, sentences)
    crlf = b"\r\n" in data[:spans[0][1]] if spans else False
    out = bytearray(data[:spans[0][0]] if spans else data)
    for i, (begin, end) in enumerate(spans):
        if i in result.changed:
            text = result.changed[i].to_text()
            if crlf:
                text = text.replace("\n", "\r\n")
            out += text.encode("utf-8")
        else:
            out += data[begin:end]
    atomic_write_bytes(target, bytes(out))
    return result


def load_rules(text: str, source: str = "rules") -> list[Rule]:
    return parse_rules(text, source)


__all__ = ["Change", "Refusal", "RewriteResult", "RequestError", "Pos", "apply_commands", "load_rules",
           "rewrite_file", "rewrite_sentence", "rewrite_sentences"]
