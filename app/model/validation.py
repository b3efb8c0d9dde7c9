"""Universal Dependencies checks for annotated sentences, listed per word.

The annotation views flag words instead of refusing edits, except for cycles,
which the document refuses outright.  Checks follow the UD v2 guidelines
(https://universaldependencies.org/u/dep/ and the official validator's
"basic" level): one root labelled ``root``, every word has a head, relations
are universal relations or their subtypes, punct on PUNCT words only,
function-word relations (det, case, cc, aux, cop, mark) with their usual
UPOS and without dependents of their own, and head-initial ``conj``,
``fixed``, ``flat``, ``appos`` and ``goeswith``.

Pure Python: used by the Qt widgets and by the tests alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from deplab.parser.tree import DependencyTree

UNIVERSAL_RELATIONS = (
    "acl", "advcl", "advmod", "amod", "appos", "aux", "case", "cc", "ccomp", "clf",
    "compound", "conj", "cop", "csubj", "dep", "det", "discourse", "dislocated", "expl",
    "fixed", "flat", "goeswith", "iobj", "list", "mark", "nmod", "nsubj", "nummod", "obj",
    "obl", "orphan", "parataxis", "punct", "reparandum", "root", "vocative", "xcomp",
)
UPOS_TAGS = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
    "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X",
)
_RELATION_SYNTAX = re.compile(r"^[a-z]+(:[a-z]+)?$")

ERROR, WARNING = "error", "warning"

#: relation -> UPOS tags it normally goes with (a mismatch is a warning, punct an error)
EXPECTED_UPOS = {
    "punct": {"PUNCT"},
    "aux": {"AUX"},
    "cop": {"AUX", "PRON", "DET"},
    "det": {"DET", "PRON"},
    "cc": {"CCONJ", "SCONJ", "ADV", "PART"},
    "case": {"ADP", "PART", "ADV", "SCONJ", "VERB", "ADJ", "NOUN"},
    "mark": {"SCONJ", "ADP", "PART", "ADV", "CCONJ", "PRON"},
    "nummod": {"NUM", "SYM", "NOUN"},
}
#: relations whose dependents should be leaves, and what they may still take
FUNCTION_RELATIONS = {"aux", "case", "cc", "cop", "det", "mark", "punct"}
ALLOWED_UNDER_FUNCTION = {"fixed", "goeswith", "conj", "cc", "punct", "advmod", "reparandum", "dep"}
HEAD_INITIAL = {"conj", "fixed", "flat", "appos", "goeswith"}


@dataclass(frozen=True)
class Issue:
    """A problem with word ``word`` (1-based) of a sentence."""

    word: int
    severity: str  # ERROR or WARNING
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


def base_relation(deprel: str) -> str:
    return deprel.split(":", 1)[0]


def is_known_relation(deprel: str) -> bool:
    """A universal relation, optionally with a lower-case subtype (``nmod:poss``)."""
    return bool(_RELATION_SYNTAX.match(deprel)) and base_relation(deprel) in UNIVERSAL_RELATIONS


def relation_choices(present: set[str] | list[str] = ()) -> list[str]:
    """The relation menu: universal relations plus the known subtypes in ``present``, sorted."""
    extra = {r for r in present if r and r != "_" and ":" in r and is_known_relation(r)}
    return sorted(set(UNIVERSAL_RELATIONS) | extra)


def is_annotated(sentence) -> bool:
    """True if at least one word has a HEAD (an unannotated sentence gets no tree checks)."""
    return any(t.head != "_" for t in sentence.tokens if t.is_word)


def check_sentence(sentence) -> list[Issue]:
    """Every issue of ``sentence``, errors first within each word."""
    words = sentence.words
    out: list[Issue] = []
    if not words:
        return out
    for i, w in enumerate(words, 1):
        if w.upos != "_" and w.upos not in UPOS_TAGS:
            out.append(Issue(i, ERROR, "unknown-upos", f"unknown UPOS {w.upos!r} (not one of the 17 UD tags)"))
    if not is_annotated(sentence):
        return out
    heads = [w.head_index for w in words]
    labels = [w.deprel for w in words]
    tree = DependencyTree(heads, labels)
    n = len(words)
    for d in tree.missing_heads():
        out.append(Issue(d, ERROR, "missing-head", "no head: attach this word"))
    roots = tree.roots()
    if not roots:
        pass  # a cycle or missing heads explain it; reported below
    elif len(roots) > 1:
        others = ", ".join(str(r) for r in roots)
        for r in roots:
            out.append(Issue(r, ERROR, "second-root", f"more than one root: words {others} are all attached to ROOT"))
    for cycle in tree.cycles():
        text = " → ".join(map(str, cycle + [cycle[0]]))
        for d in cycle:
            out.append(Issue(d, ERROR, "cycle", f"on the cycle {text}"))
    if not roots and not tree.missing_heads() and not tree.cycles():
        out.append(Issue(1, ERROR, "no-root", "no word is attached to ROOT"))
    children: dict[int, list[int]] = {}
    for d, h in enumerate(heads, 1):
        if h is not None:
            children.setdefault(h, []).append(d)
    for d, (w, h, rel) in enumerate(zip(words, heads, labels), 1):
        base = base_relation(rel)
        if rel == "_":
            if h is not None:
                out.append(Issue(d, ERROR, "missing-relation", "attached without a relation"))
            continue
        if not is_known_relation(rel):
            out.append(Issue(d, ERROR, "unknown-relation",
                             f"unknown relation {rel!r} (not a UD relation or relation:subtype)"))
        expected = EXPECTED_UPOS.get(base)
        if expected and w.upos != "_" and w.upos not in expected:
            sev = ERROR if base == "punct" else WARNING
            out.append(Issue(d, sev, f"{base}-upos",
                             f"{base} on a {w.upos} word (expected {'/'.join(sorted(expected))})"))
        if w.upos == "PUNCT" and base not in ("punct", "root"):
            out.append(Issue(d, WARNING, "punct-rel", f"PUNCT word attached as {rel!r} (expected punct)"))
        if h is None:
            continue
        if not 0 <= h <= n:
            out.append(Issue(d, ERROR, "head-range", f"head {h} out of range"))
            continue
        if h == 0 and base != "root":
            out.append(Issue(d, ERROR, "root-label", f"attached to ROOT with {rel!r}; must be 'root'"))
        if h != 0 and base == "root":
            out.append(Issue(d, ERROR, "root-label", "'root' is only for the word attached to ROOT"))
        if base in FUNCTION_RELATIONS:
            kids = children.get(d, ())
            if base == "punct":
                bad = [c for c in kids if base_relation(labels[c - 1]) != "punct"]
            else:
                bad = [c for c in kids if base_relation(labels[c - 1]) not in ALLOWED_UNDER_FUNCTION]
            if bad:
                out.append(Issue(d, WARNING, "leaf", f"{base} should not have dependents "
                                 f"({', '.join(f'{c} {labels[c - 1]}' for c in bad)})"))
        if base in HEAD_INITIAL and h != 0 and h > d:
            out.append(Issue(d, ERROR, "head-initial", f"{base} must point right-to-left: its head must precede it"))
    out.sort(key=lambda x: (x.word, x.severity != ERROR))
    return out


def issues_by_word(sentence) -> dict[int, list[Issue]]:
    out: dict[int, list[Issue]] = {}
    for issue in check_sentence(sentence):
        out.setdefault(issue.word, []).append(issue)
    return out


def flags_for_view(sentence) -> dict[int, str]:
    """``{word: "error: ...\\nwarning: ..."}`` for the arc view's ``setFlags``."""
    return {w: "\n".join(map(str, issues)) for w, issues in issues_by_word(sentence).items()}


def count_errors(sentence) -> int:
    return sum(1 for i in check_sentence(sentence) if i.severity == ERROR)
