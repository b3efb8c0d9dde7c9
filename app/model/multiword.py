"""Multiword tokens (UD: one orthographic token, several syntactic words, e.g. French ``du`` = ``de le``).

CoNLL-U writes such a token as a range line ``4-5  du`` followed by its words ``4 de`` and ``5 le``
(https://universaldependencies.org/format.html#words-tokens-and-empty-nodes).  :func:`split_word`
turns one word into a multiword token of several words (creating the range line) and :func:`merge_range`
turns a multiword token back into one word.  Both return a new sentence with the ids, heads and DEPS of
the following words renumbered; the document applies them as one undoable edit.  Qt-free.
"""
from __future__ import annotations

from typing import Sequence

from deplab.parser.conllu import Sentence, Token


class MultiwordError(ValueError):
    pass


def _shift_id(value: str, mapping: dict[int, int]) -> str:
    return str(mapping[int(value)]) if value.isdigit() and int(value) in mapping else value


def _shift_deps(deps: str, mapping: dict[int, int]) -> str:
    if deps in ("_", ""):
        return deps
    out = []
    for part in deps.split("|"):
        head, sep, rel = part.partition(":")
        out.append(_shift_id(head, mapping) + sep + rel)
    return "|".join(out)


def _renumber(tokens: list[Token], mapping: dict[int, int]) -> None:
    for t in tokens:
        if t.is_range:
            a, b = t.id.split("-")
            t.id = f"{_shift_id(a, mapping)}-{_shift_id(b, mapping)}"
        elif t.is_empty:
            a, b = t.id.split(".")
            t.id = f"{_shift_id(a, mapping)}.{b}"
        else:
            t.head = _shift_id(t.head, mapping)
            t.deps = _shift_deps(t.deps, mapping)


def range_of(sentence: Sentence, word: int) -> tuple[int, int, int] | None:
    """``(token_index, first, last)`` of the multiword token that contains ``word``, or None."""
    for k, t in enumerate(sentence.tokens):
        if t.is_range:
            a, b = (int(x) for x in t.id.split("-"))
            if a <= word <= b:
                return k, a, b
    return None


def split_word(sentence: Sentence, word: int, forms: Sequence[str]) -> Sentence:
    """A copy in which word ``word`` becomes the words ``forms`` under a range line with the word's form.

    The first new word keeps the word's annotation (lemma, tags, head, relation); the others get
    their form as lemma, no tags, and are attached to the first with ``dep`` until the user annotates
    them, so the tree stays a tree.  MISC (e.g. ``SpaceAfter=No``) moves to the range line."""
    forms = [f.strip() for f in forms if f.strip()]
    if len(forms) < 2:
        raise MultiwordError("give at least two words, separated by spaces (e.g. 'de le')")
    if any("\t" in f or " " in f for f in forms):
        raise MultiwordError("a word cannot contain a space or a tab")
    s = sentence.copy()
    words = s.words
    if not 1 <= word <= len(words):
        raise MultiwordError(f"there is no word {word}")
    if range_of(s, word) is not None:
        raise MultiwordError(f"word {word} is already part of a multiword token: merge it first")
    extra = len(forms) - 1
    mapping = {w: (w + extra if w > word else w) for w in range(0, len(words) + 1)}
    k = next(i for i, t in enumerate(s.tokens) if t.is_word and int(t.id) == word)
    old = s.tokens[k]
    _renumber(s.tokens, mapping)
    for t in s.tokens:  # ids of the words after the split
        if t.is_word and int(t.id) > word:
            t.id = str(int(t.id) + extra)
    rng = Token(id=f"{word}-{word + extra}", form=old.form, misc=old.misc)
    first = Token(id=str(word), form=forms[0], lemma=old.lemma if old.form == forms[0] else forms[0],
                  upos=old.upos, xpos=old.xpos, feats=old.feats, head=old.head, deprel=old.deprel,
                  deps=old.deps, misc="_")
    rest = [Token(id=str(word + j), form=f, lemma=f, head=str(word), deprel="dep")
            for j, f in enumerate(forms[1:], start=1)]
    s.tokens[k:k + 1] = [rng, first, *rest]
    return s


def merge_range(sentence: Sentence, word: int) -> Sentence:
    """A copy in which the multiword token containing ``word`` becomes one word with the token's form.

    The merged word takes the token's form as its lemma and the tags, head and relation of the range's
    syntactic head (its word whose head lies outside the range); dependents of any of the range's words now depend on the merged word."""
    s = sentence.copy()
    found = range_of(s, word)
    if found is None:
        raise MultiwordError(f"word {word} is not part of a multiword token")
    k, a, b = found
    rng = s.tokens[k]
    inside = [t for t in s.tokens if t.is_word and a <= int(t.id) <= b]
    outside_head = [t for t in inside if not (t.head.isdigit() and a <= int(t.head) <= b)]
    keep = outside_head[0] if outside_head else inside[0]
    n = len(s.words)
    mapping = {w: (w if w < a else a if w <= b else w - (b - a)) for w in range(0, n + 1)}
    merged = Token(id=str(a), form=rng.form, lemma=rng.form, upos=keep.upos, xpos=keep.xpos, feats=keep.feats,
                   head=keep.head, deprel=keep.deprel, deps=keep.deps,
                   misc=rng.misc)
    end = s.tokens.index(inside[-1])
    s.tokens[k:end + 1] = [merged]
    _renumber(s.tokens, mapping)
    for t in s.tokens:
        if t.is_word and t is not merged and int(t.id) > b:
            t.id = str(int(t.id) - (b - a))
    return s
