"""The lines of a CoNLL-U file as the validator reads them: columns, IDs, tokens, sentence blocks.

The format: https://universaldependencies.org/format.html (ten tab-separated columns; word IDs
1, 2, ...; multiword-token ranges such as 1-2; empty nodes such as 8.1; comments before the tokens).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

UPOS = frozenset("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split())
UNIVERSAL_DEPRELS = frozenset(
    "acl advcl advmod amod appos aux case cc ccomp clf compound conj cop csubj dep det discourse dislocated "
    "expl fixed flat goeswith iobj list mark nmod nsubj nummod obj obl orphan parataxis punct reparandum "
    "root vocative xcomp".split())
WORD_ID = re.compile(r"^[1-9][0-9]*$")
RANGE_ID = re.compile(r"^([1-9][0-9]*)-([1-9][0-9]*)$")
EMPTY_ID = re.compile(r"^(0|[1-9][0-9]*)\.([1-9][0-9]*)$")
DEPREL_RE = re.compile(r"^[a-z]+(:[a-z]+)?$")
EDEPREL = re.compile(r"^[a-z]+(:[\w-]+)*$|^ref$")
FEAT_NAME = re.compile(r"^[A-Z0-9][A-Za-z0-9]*(\[[a-z0-9]+\])?$")
FEAT_VALUE = re.compile(r"^[A-Z0-9][a-zA-Z0-9]*$")
HEAD_ID = re.compile(r"^(0|[1-9][0-9]*)(\.[1-9][0-9]*)?$")
META = re.compile(r"^#\s*([^=]+?)\s*=\s?(.*)$")
WS = re.compile(r"\s")
WS_NOT_TAB = re.compile(r"[^\S\t]")

FORM, LEMMA, UPOS_COL, XPOS, FEATS, HEAD, DEPREL, DEPS, MISC = range(1, 10)
COLUMN_NAMES = ("ID", "FORM", "LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS", "MISC")


@dataclass
class Token:
    line: int
    cols: list[str]

    @property
    def id(self) -> str:
        return self.cols[0]


@dataclass
class Block:
    index: int
    start: int
    comments: list[tuple[int, str]] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    broken: bool = False  # a level-1 problem makes the tree checks meaningless

    @property
    def sent_id(self) -> str | None:
        for _, c in self.comments:
            m = META.match(c)
            if m and m.group(1) == "sent_id":
                return m.group(2)
        return None

    def words(self) -> list[Token]:
        """The syntactic words (integer IDs): no multiword-token ranges, no empty nodes."""
        return [t for t in self.tokens if WORD_ID.match(t.id)]
