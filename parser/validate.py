"""Validating a CoNLL-U file against the UD guidelines, like the UD project's ``validate.py``.

Levels follow the official validator (https://github.com/UniversalDependencies/tools):

1. format: ten tab-separated columns, no empty or white-space-padded fields, word IDs
   1, 2, ..., multiword-token ranges and empty nodes in place, comments before the tokens,
   the file ending with an empty line, Unicode in NFC;
2. contents: ``sent_id`` present and unique, ``# text`` present and equal to the forms
   joined with ``SpaceAfter=No``, UPOS among the 17 universal tags, DEPREL a universal
   relation (optionally ``:subtype``), FEATS and MISC syntax and FEATS sorting, HEAD a word
   of the sentence, exactly one root attached as ``root`` and only it, no cycles, DEPS
   syntax, references and sorting, the enhanced graph connected from 0, and present in
   every sentence or in none (as the official validator, which does not require the basic
   HEAD to reappear in DEPS: relative pronouns take ``ref`` instead);
3. the universal syntactic checks that need no language data (Zeman et al., the UD
   guidelines https://universaldependencies.org/u/overview/syntax.html): ``punct`` on
   PUNCT only and PUNCT only as ``punct``, function words as leaves (``case``, ``mark``,
   ``cc``, ``aux``, ``cop``, ``fixed``, ``goeswith``, ``punct`` with the exceptions the
   guidelines allow), UPOS of function relations, ``conj``/``fixed``/``flat``/``appos``/
   ``goeswith`` going left to right, ``goeswith`` groups (contiguous, separated by spaces,
   annotated on the first part, Typo=Yes), punctuation neither attached non-projectively nor
   making other words non-projective, and (as warnings) gaps in ``fixed``, ``flat:foreign``
   words and the parent of ``orphan``.

Language-specific checks (levels 4-5: a language's features, subtypes, auxiliaries)
need the UD project's language data, which is not bundled.  Every problem carries the
file, line, sentence, word, level and the validator's test id, and reading goes on after
a problem so that one run lists them all.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field

from .errors import UserError

UPOS = frozenset("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split())
UNIVERSAL_DEPRELS = frozenset(
    "acl advcl advmod amod appos aux case cc ccomp clf compound conj cop csubj dep det discourse dislocated "
    "expl fixed flat goeswith iobj list mark nmod nsubj nummod obj obl orphan parataxis punct reparandum "
    "root vocative xcomp".split())
ERROR, WARNING = "error", "warning"

_WORD_ID = re.compile(r"^[1-9][0-9]*$")
_RANGE_ID = re.compile(r"^([1-9][0-9]*)-([1-9][0-9]*)$")
_EMPTY_ID = re.compile(r"^(0|[1-9][0-9]*)\.([1-9][0-9]*)$")
_DEPREL = re.compile(r"^[a-z]+(:[a-z]+)?$")
_EDEPREL = re.compile(r"^[a-z]+(:[\w-]+)*$|^ref$")
_FEAT_NAME = re.compile(r"^[A-Z0-9][A-Za-z0-9]*(\[[a-z0-9]+\])?$")
_FEAT_VALUE = re.compile(r"^[A-Z0-9][a-zA-Z0-9]*$")
_HEAD_ID = re.compile(r"^(0|[1-9][0-9]*)(\.[1-9][0-9]*)?$")
_META = re.compile(r"^#\s*([^=]+?)\s*=\s?(.*)$")
_WS = re.compile(r"\s")
_WS_NOT_TAB = re.compile(r"[^\S\t]")

FORM, LEMMA, UPOS_COL, XPOS, FEATS, HEAD, DEPREL, DEPS, MISC = range(1, 10)
COLUMN_NAMES = ("ID", "FORM", "LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS", "MISC")


@dataclass
class Problem:
    """One problem: where (file, line, sentence, word), which check, and what is wrong."""

    path: str
    line: int
    sentence: int | None      # 0-based index of the sentence in the file (None: outside any sentence)
    sent_id: str | None
    word: str | None          # the token's ID column
    level: int
    check: str                # the official validator's test id, e.g. "multiple-roots"
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        what = []
        if self.sent_id or self.sentence is not None:
            what.append(f"sentence {self.sent_id or '#' + str(self.sentence + 1)}")
        if self.word:
            what.append(f"word {self.word}")
        loc = (" " + ", ".join(what) + ":") if what else ""
        return f"{where}{loc} {self.severity} L{self.level} {self.check}: {self.message}"

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("path", "line", "sentence", "sent_id", "word", "level", "check",
                                              "message", "severity")}


@dataclass
class _Token:
    line: int
    cols: list[str]

    @property
    def id(self) -> str:
        return self.cols[0]


@dataclass
class _Block:
    index: int
    start: int
    comments: list[tuple[int, str]] = field(default_factory=list)
    tokens: list[_Token] = field(default_factory=list)
    broken: bool = False  # a level-1 problem makes the tree checks meaningless

    @property
    def sent_id(self) -> str | None:
        for _, c in self.comments:
            m = _META.match(c)
            if m and m.group(1) == "sent_id":
                return m.group(2)
        return None


class Validator:
    def __init__(self, path: str = "<input>", level: int = 3):
        self.path, self.level = path, level
        self.problems: list[Problem] = []
        self.sent_ids: dict[str, int] = {}
        self.seen_feats = False                 # the file has morphological features (so far)
        self.first_graph: int | None = None     # line of the first sentence with an enhanced graph
        self.first_without: int | None = None   # ... and of the first without one

    def report(self, line: int, block: _Block | None, word: str | None, level: int, check: str, message: str,
               severity: str = ERROR) -> None:
        if level > self.level:
            return
        self.problems.append(Problem(self.path, line, block.index if block else None,
                                     block.sent_id if block else None, word, level, check, message, severity))

    # -- level 1: reading ------------------------------------------------------------
    def run(self, data: bytes) -> list[Problem]:
        if data.startswith(b"\xef\xbb\xbf"):
            self.report(1, None, None, 1, "unicode-bom", "the file starts with a byte-order mark")
            data = data[3:]
        lines = data.split(b"\n")
        ends_with_newline = data.endswith(b"\n")
        if ends_with_newline:
            lines = lines[:-1]
        block: _Block | None = None
        n_blocks = 0
        last_blank = True
        for lineno, raw in enumerate(lines, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                self.report(lineno, block, None, 1, "invalid-unicode", f"invalid UTF-8 (byte {e.start + 1} of the line)")
                if block:
                    block.broken = True
                line = raw.decode("utf-8", "replace")
            if line.endswith("\r"):
                self.report(lineno, block, None, 1, "non-unix-newline", "the line ends with CR LF; CoNLL-U uses LF")
                line = line[:-1]
            if not line:
                if block is not None:
                    self.finish(block)
                    block = None
                last_blank = True
                continue
            last_blank = False
            if line.isspace():
                self.report(lineno, block, None, 1, "pseudo-empty-line",
                            "the line holds only white space; an empty line separates sentences")
                if block is not None:  # read as the end of the sentence, as it was surely meant
                    self.finish(block)
                    block = None
                last_blank = True
                continue
            if block is None:
                block = _Block(n_blocks, lineno)
                n_blocks += 1
            if unicodedata.normalize("NFC", line) != line:
                self.report(lineno, block, None, 1, "unicode-normalization", "the line is not in Unicode NFC")
            if line.startswith("#"):
                if block.tokens:
                    self.report(lineno, block, None, 1, "misplaced-comment",
                                "a comment after the sentence's tokens; comments go before them")
                else:
                    block.comments.append((lineno, line))
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                self.report(lineno, block, cols[0] if len(cols) > 1 else None, 1, "number-of-columns",
                            f"expected 10 tab-separated columns, found {len(cols)}")
                block.broken = True
                if len(cols) > 1:  # keep its ID so that the next IDs are not reported as well
                    block.tokens.append(_Token(lineno, (cols + ["_"] * 10)[:10]))
                continue
            self.check_columns(lineno, block, cols, line)
            block.tokens.append(_Token(lineno, cols))
        if block is not None:
            self.finish(block)
        if data and not (ends_with_newline and last_blank):
            self.report(len(lines), None, None, 1, "missing-empty-line",
                        "the file must end with an empty line after the last sentence")
        if n_blocks == 0:
            self.report(1, None, None, 1, "empty-file", "no sentences found")
        return self.problems

    def check_columns(self, lineno: int, block: _Block, cols: list[str], line: str = "") -> None:
        tid = cols[0]
        # the common case: no white space but the tabs, no empty column
        clean = line and not _WS_NOT_TAB.search(line) and "\t\t" not in line and line[0] != "\t" != line[-1]
        for k, c in enumerate(() if clean else cols):
            name = COLUMN_NAMES[k]
            if c == "":
                self.report(lineno, block, tid, 1, "empty-column", f"column {name} is empty (use '_')")
                block.broken = True
                continue
            if c[0].isspace():
                self.report(lineno, block, tid, 1, "leading-whitespace", f"column {name} starts with white space")
            if c[-1].isspace():
                self.report(lineno, block, tid, 1, "trailing-whitespace", f"column {name} ends with white space")
            if k not in (FORM, LEMMA, MISC) and _WS.search(c.strip()):
                self.report(lineno, block, tid, 1, "invalid-whitespace", f"column {name} contains white space")
        if not (_WORD_ID.match(tid) or _RANGE_ID.match(tid) or _EMPTY_ID.match(tid)):
            self.report(lineno, block, tid, 1, "invalid-word-id",
                        f"invalid ID {tid!r}: expected an integer, a range like 1-2 or a decimal like 8.1")
            block.broken = True

    def finish(self, block: _Block) -> None:
        if not block.tokens:
            if not block.broken:
                self.report(block.start, block, None, 1, "missing-sentence", "comments without any token line")
            return
        self.check_ids(block)
        if self.level >= 2:
            self.check_metadata(block)
            self.check_token_contents(block)
            if not block.broken:
                self.check_tree(block)
                self.check_deps(block)
                self.check_text(block)
        if self.level >= 3 and not block.broken:
            self.check_syntax(block)

    def check_ids(self, block: _Block) -> None:
        expected = 1
        range_end = 0
        last_empty = (0, 0)
        words = [t for t in block.tokens if _WORD_ID.match(t.id)]
        n = len(words)
        for t in block.tokens:
            tid = t.id
            if _WORD_ID.match(tid):
                if int(tid) != expected:
                    self.report(t.line, block, tid, 1, "word-id-sequence",
                                f"word ID {tid} out of sequence: expected {expected}")
                    block.broken = True
                    expected = int(tid)
                expected += 1
            elif (m := _RANGE_ID.match(tid)):
                a, b = int(m.group(1)), int(m.group(2))
                if a != expected:
                    self.report(t.line, block, tid, 1, "misplaced-word-interval",
                                f"multiword token {tid} must come right before word {a}")
                    block.broken = True
                elif b <= a:
                    self.report(t.line, block, tid, 1, "reversed-word-interval",
                                f"multiword token {tid} must span at least two words")
                    block.broken = True
                elif b > n:
                    self.report(t.line, block, tid, 1, "invalid-word-interval",
                                f"multiword token {tid} goes past the last word {n}")
                    block.broken = True
                elif a <= range_end:
                    self.report(t.line, block, tid, 1, "overlapping-word-intervals",
                                f"multiword token {tid} overlaps the previous one")
                    block.broken = True
                range_end = max(range_end, b)
                for k in range(LEMMA, MISC):
                    if t.cols[k] != "_":
                        self.report(t.line, block, tid, 2, "mwt-nonempty-field",
                                    f"a multiword token has only FORM and MISC; {COLUMN_NAMES[k]} must be '_'")
            elif (m := _EMPTY_ID.match(tid)):
                a, b = int(m.group(1)), int(m.group(2))
                if a != expected - 1 or (a, b) <= last_empty or (a == last_empty[0] and b != last_empty[1] + 1) \
                        or (a != last_empty[0] and b != 1):
                    self.report(t.line, block, tid, 1, "misplaced-empty-node",
                                f"empty node {tid} out of place: after word {expected - 1} the next empty node is "
                                f"{expected - 1}.{last_empty[1] + 1 if last_empty[0] == expected - 1 else 1}")
                    block.broken = True
                last_empty = (a, b)
                for k, what in ((HEAD, "HEAD"), (DEPREL, "DEPREL")):
                    if t.cols[k] != "_":
                        self.report(t.line, block, tid, 2, "mwt-nonempty-field",
                                    f"an empty node has its relations in DEPS; {what} must be '_'")
                if t.cols[DEPS] == "_":
                    self.report(t.line, block, tid, 2, "empty-node-deps", "an empty node needs DEPS")

    # -- level 2 -------------------------------------------------------------------
    def check_metadata(self, block: _Block) -> None:
        ids = [(ln, c) for ln, c in block.comments if (m := _META.match(c)) and m.group(1) == "sent_id"]
        texts = [(ln, c) for ln, c in block.comments if (m := _META.match(c)) and m.group(1) == "text"]
        if not ids:
            self.report(block.start, block, None, 2, "missing-sent-id", "the sentence has no '# sent_id = ...'")
        elif len(ids) > 1:
            self.report(ids[1][0], block, None, 2, "multiple-sent-id", "the sentence has more than one sent_id")
        else:
            sid = _META.match(ids[0][1]).group(2)
            if not sid or _WS.search(sid):
                self.report(ids[0][0], block, None, 2, "invalid-sent-id", f"sent_id {sid!r} is empty or has spaces")
            elif sid in self.sent_ids:
                self.report(ids[0][0], block, None, 2, "non-unique-sent-id",
                            f"sent_id {sid!r} was already used on line {self.sent_ids[sid]}")
            else:
                self.sent_ids[sid] = ids[0][0]
        if not texts:
            self.report(block.start, block, None, 2, "missing-text", "the sentence has no '# text = ...'")
        elif len(texts) > 1:
            self.report(texts[1][0], block, None, 2, "multiple-text", "the sentence has more than one '# text'")

    def check_token_contents(self, block: _Block) -> None:
        for t in block.tokens:
            c = t.cols
            if not _WORD_ID.match(t.id):
                if _EMPTY_ID.match(t.id):
                    self.check_upos_feats(block, t)
                self.check_misc(block, t)
                continue
            self.check_upos_feats(block, t)
            if not _DEPREL.match(c[DEPREL]):
                self.report(t.line, block, t.id, 2, "invalid-deprel",
                            f"DEPREL {c[DEPREL]!r} is not a relation (lowercase, optionally relation:subtype)")
            elif c[DEPREL].split(":")[0] not in UNIVERSAL_DEPRELS:
                self.report(t.line, block, t.id, 2, "unknown-deprel",
                            f"{c[DEPREL].split(':')[0]!r} is not a universal relation")
            self.check_misc(block, t)

    def check_upos_feats(self, block: _Block, t: _Token) -> None:
        c = t.cols
        if c[FEATS] != "_":
            self.seen_feats = True
        if c[UPOS_COL] not in UPOS and not (c[UPOS_COL] == "_" and _EMPTY_ID.match(t.id)):
            self.report(t.line, block, t.id, 2, "unknown-upos", f"UPOS {c[UPOS_COL]!r} is not a universal tag")
        feats = c[FEATS]
        if feats == "_":
            return
        names = []
        for item in feats.split("|"):
            name, sep, value = item.partition("=")
            if not sep or not name or not value:
                self.report(t.line, block, t.id, 2, "invalid-feature", f"{item!r} is not Feature=Value")
                continue
            if not _FEAT_NAME.match(name):
                self.report(t.line, block, t.id, 2, "invalid-feature", f"invalid feature name {name!r}")
            values = value.split(",")
            for v in values:
                if not _FEAT_VALUE.match(v):
                    self.report(t.line, block, t.id, 2, "invalid-feature-value", f"invalid value {v!r} of {name}")
            if len(set(values)) != len(values):
                self.report(t.line, block, t.id, 2, "repeated-feature-value", f"{name} repeats a value")
            elif values != sorted(values, key=str.lower):
                self.report(t.line, block, t.id, 2, "unsorted-feature-values",
                            f"the values of {name} must be sorted: {','.join(sorted(values, key=str.lower))}")
            names.append(name)
        if len(set(names)) != len(names):
            self.report(t.line, block, t.id, 2, "repeated-feature", "a feature appears twice in FEATS")
        elif names != sorted(names, key=str.lower):
            self.report(t.line, block, t.id, 2, "unsorted-features",
                        f"FEATS must be sorted by name (case-insensitive): {'|'.join(sorted(names, key=str.lower))} ...")

    def check_misc(self, block: _Block, t: _Token) -> None:
        misc = t.cols[MISC]
        if misc == "_":
            return
        items = misc.split("|")
        if any(i == "" for i in items):
            self.report(t.line, block, t.id, 2, "empty-misc", "MISC has an empty attribute ('||' or a '|' at an end)")
        names = [i.split("=", 1)[0] for i in items if "=" in i]
        for i in items:
            if i and i != i.strip():
                self.report(t.line, block, t.id, 2, "misc-extra-space", f"MISC attribute {i!r} has extra spaces")
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            self.report(t.line, block, t.id, 2, "repeated-misc", f"MISC repeats {', '.join(sorted(dup))}")

    def _words(self, block: _Block) -> list[_Token]:
        return [t for t in block.tokens if _WORD_ID.match(t.id)]

    def check_tree(self, block: _Block) -> None:
        words = self._words(block)
        n = len(words)
        heads: list[int | None] = []
        for t in words:
            h = t.cols[HEAD]
            if not h.isdigit() or (h != "0" and h.startswith("0")):
                self.report(t.line, block, t.id, 2, "invalid-head", f"HEAD {h!r} must be a word number or 0")
                heads.append(None)
                continue
            hi = int(h)
            if hi > n:
                self.report(t.line, block, t.id, 2, "unknown-head", f"HEAD {hi} is not a word: the sentence has {n}")
                heads.append(None)
            elif hi == int(t.id):
                self.report(t.line, block, t.id, 2, "head-self-loop", "a word cannot be its own head")
                heads.append(None)
            else:
                heads.append(hi)
            rel = t.cols[DEPREL].split(":")[0]
            if hi == 0 and rel != "root":
                self.report(t.line, block, t.id, 2, "0-is-not-root",
                            f"a word attached to 0 must be 'root', not {t.cols[DEPREL]!r}")
            if hi != 0 and rel == "root":
                self.report(t.line, block, t.id, 2, "root-is-not-0", "'root' is for the word attached to 0 only")
        if any(h is None for h in heads):
            block.broken = True
            return
        roots = [words[d] for d, h in enumerate(heads) if h == 0]
        if not roots:
            self.report(block.start, block, None, 2, "missing-root", "no word is attached to 0 (the root)")
        elif len(roots) > 1:
            self.report(roots[1].line, block, roots[1].id, 2, "multiple-roots",
                        f"words {', '.join(r.id for r in roots)} are all attached to 0; exactly one may be")
        # reachability from the root: a cycle leaves words unreachable
        seen = {0}
        children: dict[int, list[int]] = {}
        for d, h in enumerate(heads, 1):
            children.setdefault(h, []).append(d)
        stack = [0]
        while stack:
            for c in children.get(stack.pop(), []):
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        unreachable = [d for d in range(1, n + 1) if d not in seen]
        if unreachable:
            t = words[unreachable[0] - 1]
            self.report(t.line, block, t.id, 2, "non-tree",
                        f"words {', '.join(map(str, unreachable))} are not reachable from the root (a cycle)")
            block.broken = True

    def check_deps(self, block: _Block) -> None:
        ids = {"0"} | {t.id for t in block.tokens if not _RANGE_ID.match(t.id)}
        has_empty = any(_EMPTY_ID.match(t.id) for t in block.tokens)
        nodes = [t for t in block.tokens if not _RANGE_ID.match(t.id)]
        given = [t for t in nodes if t.cols[DEPS] != "_"]
        # the enhanced graph is optional, but then in every sentence of the file or in none
        has_graph = bool(given) or has_empty
        first = block.tokens[0].line
        if has_graph and self.first_graph is None:
            self.first_graph = first
            if self.first_without is not None:
                self.report(first, block, None, 2, "edeps-only-sometimes",
                            f"this sentence has DEPS but the one on line {self.first_without} has none")
        elif not has_graph and self.first_without is None:
            self.first_without = first
            if self.first_graph is not None:
                self.report(first, block, None, 2, "edeps-only-sometimes",
                            f"this sentence has no DEPS but the one on line {self.first_graph} has")
        children: dict[str, set[str]] = {}
        all_ok = True
        for t in given:
            pairs = []
            ok = True
            for item in t.cols[DEPS].split("|"):
                h, sep, rel = item.partition(":")
                if not sep or not _HEAD_ID.match(h) or not _EDEPREL.match(rel):
                    self.report(t.line, block, t.id, 2, "invalid-deps", f"{item!r} is not head:relation")
                    ok = False
                    continue
                if h not in ids:
                    self.report(t.line, block, t.id, 2, "unknown-ehead", f"DEPS head {h} is not a node of the sentence")
                    ok = False
                if h == t.id:
                    self.report(t.line, block, t.id, 2, "deps-self-loop", "a node cannot be its own enhanced head")
                pairs.append((tuple(int(x) for x in h.split(".")) + ((0,) if "." not in h else ()), rel))
            if not ok:
                all_ok = False
                continue
            if pairs != sorted(pairs):
                self.report(t.line, block, t.id, 2, "unsorted-deps", "DEPS must be sorted by head (then relation)")
            if len(set(pairs)) != len(pairs):
                self.report(t.line, block, t.id, 2, "repeated-deps", "DEPS repeats a head:relation pair")
            for item in t.cols[DEPS].split("|"):
                children.setdefault(item.partition(":")[0], set()).add(t.id)
        if has_graph and all_ok:  # the graph's own problems were reported above
            reached, stack = set(), ["0"]
            while stack:
                for c in children.get(stack.pop(), ()):
                    if c not in reached:
                        reached.add(c)
                        stack.append(c)
            unreachable = [t for t in nodes if t.id not in reached]
            if unreachable:
                self.report(unreachable[0].line, block, unreachable[0].id, 2, "unconnected-egraph",
                            f"the enhanced graph is not connected: {', '.join(t.id for t in unreachable)} "
                            f"cannot be reached from 0")

    def check_text(self, block: _Block) -> None:
        text = None
        line = block.start
        for ln, c in block.comments:
            m = _META.match(c)
            if m and m.group(1) == "text":
                text, line = m.group(2), ln
        if text is None:
            return
        surface = []
        skip_to = 0
        for t in block.tokens:
            if (m := _RANGE_ID.match(t.id)):
                surface.append(t)
                skip_to = int(m.group(2))
            elif _WORD_ID.match(t.id):
                if int(t.id) > skip_to:
                    surface.append(t)
        pos = 0
        for k, t in enumerate(surface):
            form = t.cols[FORM]
            if not text.startswith(form, pos):
                self.report(t.line, block, t.id, 2, "text-form-mismatch",
                            f"the text has {text[pos:pos + len(form) + 5]!r} where the form {form!r} is expected")
                return
            pos += len(form)
            no_space = "SpaceAfter=No" in t.cols[MISC].split("|")
            last = k == len(surface) - 1
            if last:
                break
            if no_space:
                if text.startswith(" ", pos):
                    self.report(t.line, block, t.id, 2, "extra-spaceafter",
                                "SpaceAfter=No, but the text has a space after this token")
                    pos += 1
            else:
                if not text.startswith(" ", pos):
                    self.report(t.line, block, t.id, 2, "missing-spaceafter",
                                f"the text has no space after {form!r}: add SpaceAfter=No to MISC")
                else:
                    pos += 1
        if pos < len(text.rstrip()):
            self.report(line, block, None, 2, "text-extra-chars",
                        f"the text goes on after the last token: {text[pos:]!r}")

    # -- level 3 --------------------------------------------------------------------
    def check_syntax(self, block: _Block) -> None:
        words = self._words(block)
        n = len(words)
        heads = [0] + [int(t.cols[HEAD]) for t in words]
        rels = [""] + [t.cols[DEPREL].split(":")[0] for t in words]
        upos = [""] + [t.cols[UPOS_COL] for t in words]
        feats = [set()] + [set(t.cols[FEATS].split("|")) for t in words]
        children: list[list[int]] = [[] for _ in range(n + 1)]
        for d in range(1, n + 1):
            children[heads[d]].append(d)

        def rep(d: int, check: str, msg: str, severity: str = ERROR) -> None:
            t = words[d - 1]
            self.report(t.line, block, t.id, 3, check, msg, severity)

        def projection(h: int) -> set[int]:
            out, stack = set(), [h]
            while stack:
                for c in children[stack.pop()]:
                    if c not in out:
                        out.add(c)
                        stack.append(c)
            return out

        def gap(d: int) -> set[int]:
            h = heads[d]
            if h == 0:
                return set()
            a, b = sorted((h, d))
            between = set(range(a + 1, b))
            return between - projection(h) if between else set()

        def caused_nonprojectivities(d: int) -> list[int]:
            """Words on the other side of d than their head, over d (an ancestor's arcs excepted)."""
            ancestors, x = set(), d
            while x and x not in ancestors:
                x = heads[x]
                ancestors.add(x)
            pid = heads[d]
            left, right = (range(pid + 1, d), range(d + 1, n + 1)) if pid < d else (range(1, d), range(d + 1, pid))
            leftcross = [x for x in left if heads[x] not in ancestors and heads[x] > d]
            rightcross = [x for x in right if heads[x] not in ancestors and heads[x] < d]
            if pid < d:
                rightcross = [x for x in rightcross if heads[x] > pid]
            else:
                leftcross = [x for x in leftcross if heads[x] < pid]
            return sorted(leftcross + rightcross)

        for d in range(1, n + 1):
            rel, u, h = rels[d], upos[d], heads[d]
            form = words[d - 1].cols[FORM]
            has_fixed = any(rels[c] == "fixed" for c in children[d])
            extpos = any(f.startswith("ExtPos=") for f in feats[d])
            # punctuation
            if rel == "punct" and u != "PUNCT":
                rep(d, "rel-upos-punct", f"'punct' must be a PUNCT word, not {u} ({form})")
            if u == "PUNCT" and rel not in ("punct", "root"):
                rep(d, "upos-rel-punct", f"a PUNCT word must be attached as 'punct', not {words[d - 1].cols[DEPREL]!r}")
            if not has_fixed and not extpos:
                expected = {"det": ("DET", "PRON"), "nummod": ("NUM", "NOUN", "SYM"), "aux": ("AUX",),
                            "cop": ("AUX", "PRON", "DET", "SYM"), "expl": ("PRON", "DET", "PART")}.get(rel)
                if expected and u not in expected:
                    rep(d, f"rel-upos-{rel}", f"'{rel}' should be {' or '.join(expected)}, not {u} ({form})")
                forbidden = {"case": ("PROPN", "ADJ", "PRON", "DET", "NUM", "AUX"),
                             "mark": ("NOUN", "PROPN", "ADJ", "PRON", "DET", "NUM", "AUX", "INTJ"),  # VERB: "regarding"
                             "cc": ("NOUN", "PROPN", "ADJ", "PRON", "DET", "NUM", "VERB", "AUX", "INTJ")}.get(rel)
                if forbidden and u in forbidden:
                    rep(d, f"rel-upos-{rel}", f"'{rel}' should not be {u} ({form})")
                if rel == "advmod" and u not in ("ADV", "ADJ", "CCONJ", "DET", "PART", "SYM") \
                        and not any(rels[c] == "goeswith" for c in children[d]):
                    rep(d, "rel-upos-advmod", f"'advmod' should be ADV, not {u} ({form})")
            if u == "PROPN" and (rel == "fixed" or has_fixed):
                rep(d, "rel-upos-fixed", f"'fixed' is not used for proper nouns ({form})")
            # left-to-right relations
            if rel in ("conj", "fixed", "flat", "appos", "goeswith") and h > d:
                rep(d, f"right-to-left-{rel}", f"'{rel}' goes from left to right: its head must come before it")
            # function words as leaves (guidelines: function-word modifiers)
            if rel in ("case", "mark", "cc", "aux", "cop", "fixed", "goeswith", "punct"):
                for c in children[d]:
                    crel = rels[c]
                    if rel != "punct" and crel == "advmod" and upos[c] in ("PART", "ADV") and "Polarity=Neg" in feats[c]:
                        continue
                    if crel == "punct" and gap(d):
                        continue
                    bad = None
                    if rel in ("mark", "case") and crel not in ("advmod", "obl", "goeswith", "fixed", "reparandum",
                                                                "conj", "cc", "punct"):
                        bad = "leaf-mark-case"
                    if rel in ("aux", "cop") and crel not in ("goeswith", "fixed", "reparandum", "conj", "cc", "punct"):
                        bad = "leaf-aux-cop"
                    if rel == "cc" and crel not in ("goeswith", "fixed", "reparandum", "conj", "punct"):
                        bad = "leaf-cc"
                    elif rel == "fixed" and crel not in ("goeswith", "reparandum", "conj", "punct"):
                        bad = "leaf-fixed"
                    elif rel == "goeswith":
                        bad = "leaf-goeswith"
                    elif rel == "punct" and crel != "punct":
                        bad = "leaf-punct"
                    if bad:
                        rep(c, bad, f"'{rel}' {words[d - 1].cols[FORM]} ({d}) should not have dependents such as "
                                    f"'{crel}' {words[c - 1].cols[FORM]} ({c})")
            # goeswith groups: contiguous, separated by spaces, the word annotated on its first part
            gw = sorted(c for c in children[d] if rels[c] == "goeswith")
            if gw:
                group = sorted([d] + gw)
                if group != list(range(d, gw[-1] + 1)):
                    rep(d, "goeswith-gap", f"the goeswith group {group} has a gap")
                if any("SpaceAfter=No" in words[x - 1].cols[MISC].split("|") for x in group[:-1]):
                    rep(d, "goeswith-nospace", "'goeswith' joins parts separated by white space, but a part "
                                               "has SpaceAfter=No")
                if self.seen_feats and "Typo=Yes" not in feats[d]:
                    rep(d, "goeswith-missing-typo", "the head of 'goeswith' needs Typo=Yes (the treebank has "
                                                    "features)")
            if rel == "goeswith":
                t = words[d - 1]
                for col, want, check in ((LEMMA, "_", "goeswith-lemma"), (UPOS_COL, "X", "goeswith-upos"),
                                         (FEATS, "_", "goeswith-feats")):
                    if t.cols[col] != want:
                        rep(d, check, f"a non-first part of a goeswith word has {COLUMN_NAMES[col]} {want!r}")
                if t.cols[DEPS] not in ("_", f"{t.cols[HEAD]}:{t.cols[DEPREL]}"):
                    rep(d, "goeswith-edeps", "a goeswith dependent has no other enhanced dependencies")
            fx = sorted(c for c in children[d] if rels[c] == "fixed")
            if fx and [x for x in set(range(d, fx[-1] + 1)) - set([d] + fx) if rels[x] != "punct"]:
                rep(d, "fixed-gap", f"the fixed expression {sorted([d] + fx)} has a gap", WARNING)
            if words[d - 1].cols[DEPREL] == "flat:foreign":
                for x in (d, h):
                    if x and (upos[x] != "X" or words[x - 1].cols[FEATS] != "Foreign=Yes"):
                        rep(x, "flat-foreign-upos-feats", "flat:foreign words are X with Foreign=Yes only", WARNING)
            if rel == "orphan" and rels[h] not in ("conj", "parataxis", "root", "csubj", "ccomp", "advcl", "acl",
                                                   "reparandum"):
                rep(d, "orphan-parent", f"the parent of 'orphan' is normally 'conj', not {rels[h]!r}", WARNING)
            # punctuation: attached projectively and not making other words non-projective
            if rel == "punct":
                caused = caused_nonprojectivities(d)
                if caused:
                    rep(d, "punct-causes-nonproj", f"punctuation makes {caused} non-projective")
                if gap(d):
                    rep(d, "punct-is-nonproj", f"punctuation attached non-projectively over {sorted(gap(d))}")
            subjects = [c for c in children[d] if rels[c] in ("nsubj", "csubj")
                        and ":outer" not in words[c - 1].cols[DEPREL]
                        and "Subject=Outer" not in words[c - 1].cols[MISC].split("|")]
            if len(subjects) > 1:
                rep(d, "too-many-subjects", f"several subjects {subjects} not subtyped ':outer' (an outer subject "
                                            f"is allowed when a clause is the predicate of another)")


def validate_bytes(data: bytes, path: str = "<input>", level: int = 3) -> list[Problem]:
    """Every problem in a CoNLL-U file's bytes, in file order."""
    problems = Validator(path, level).run(data)
    problems.sort(key=lambda p: p.line)
    return problems


def validate_file(path: str | os.PathLike, level: int = 3) -> list[Problem]:
    with open(path, "rb") as f:
        return validate_bytes(f.read(), os.fspath(path), level)


# -- the command -------------------------------------------------------------------------

def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="CoNLL-U files")
    p.add_argument("--level", type=int, default=3, choices=(1, 2, 3),
                   help="1 format, 2 contents (ids, tree, features, text), 3 universal syntax (default)")
    p.add_argument("--lang", metavar="CODE",
                   help="the language (e.g. en); recorded only: language-specific checks (levels 4-5) need UD's "
                        "language data, which DepLab does not bundle")
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    p.add_argument("--max", type=int, default=0, metavar="N", help="print at most N problems (0: all)")


def run(args) -> int:
    import json
    problems: list[Problem] = []
    for path in args.files:
        if not os.path.isfile(path):
            raise UserError(f"{path}: no such file")
        problems.extend(validate_file(path, args.level))
    errors = sum(1 for p in problems if p.severity == ERROR)
    warnings = len(problems) - errors
    shown = problems if not args.max else problems[:args.max]
    if args.json:
        json.dump({"level": args.level, "errors": errors, "warnings": warnings,
                   "problems": [p.as_dict() for p in shown]}, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for p in shown:
            print(p)
        if len(shown) < len(problems):
            print(f"... and {len(problems) - len(shown)} more")
        verdict = "*** PASSED ***" if errors == 0 else "*** FAILED ***"
        print(f"{verdict} level {args.level}: {errors} error{'s' if errors != 1 else ''}, "
              f"{warnings} warning{'s' if warnings != 1 else ''}")
    return 1 if errors else 0
