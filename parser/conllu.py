"""Lossless reading and writing of CoNLL-U (Universal Dependencies v2).

Every column is kept as the exact string found in the file, comments are kept
line by line, and multiword-token ranges (``1-2``) and empty nodes (``8.1``)
stay in place, so ``write(read(f)) == f`` byte for byte.  Reading streams one
sentence at a time.  Malformed input raises :class:`ConlluError`, whose message
names the file, the line number and what is wrong.

Format: https://universaldependencies.org/format.html
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from typing import IO, Iterable, Iterator

from .fileio import atomic_write_text

COLUMNS = ("id", "form", "lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc")

_RANGE_ID = re.compile(r"^([1-9][0-9]*)-([1-9][0-9]*)$")
_EMPTY_ID = re.compile(r"^(0|[1-9][0-9]*)\.([1-9][0-9]*)$")
_META = re.compile(r"^#\s*([^=]+?)\s*=\s?(.*)$")


class ConlluError(ValueError):
    """Malformed CoNLL-U: ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


@dataclass(slots=True)
class Token:
    """One CoNLL-U line. All ten columns are the exact strings of the file."""

    id: str
    form: str = "_"
    lemma: str = "_"
    upos: str = "_"
    xpos: str = "_"
    feats: str = "_"
    head: str = "_"
    deprel: str = "_"
    deps: str = "_"
    misc: str = "_"

    @property
    def is_word(self) -> bool:
        return self.id.isdigit()

    @property
    def is_range(self) -> bool:
        return "-" in self.id

    @property
    def is_empty(self) -> bool:
        return "." in self.id

    @property
    def head_index(self) -> int | None:
        """HEAD as an int (0 = root), or None when it is ``_``."""
        return int(self.head) if self.head.isdigit() else None

    def to_line(self) -> str:
        return "\t".join((self.id, self.form, self.lemma, self.upos, self.xpos,
                          self.feats, self.head, self.deprel, self.deps, self.misc))


@dataclass(slots=True)
class Sentence:
    """Comments plus tokens (words, ranges and empty nodes in file order)."""

    comments: list[str] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    line: int = 0  # 1-based line where the sentence starts in its file (0 if built in memory)

    # -- views -------------------------------------------------------------
    @property
    def words(self) -> list[Token]:
        """Syntactic words only; ``words[i]`` has ID ``i + 1``."""
        return [t for t in self.tokens if t.is_word]

    @property
    def metadata(self) -> dict[str, str]:
        """``# key = value`` comments as a dict (e.g. ``sent_id``, ``text``)."""
        out = {}
        for c in self.comments:
            m = _META.match(c)
            if m:
                out[m.group(1)] = m.group(2)
        return out

    @property
    def sent_id(self) -> str | None:
        return self.metadata.get("sent_id")

    @property
    def text(self) -> str:
        t = self.metadata.get("text")
        return t if t is not None else " ".join(w.form for w in self.words)

    def get_meta(self, key: str) -> str | None:
        return self.metadata.get(key)

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or with ``None`` remove) a ``# key = value`` comment, keeping the others."""
        for i, c in enumerate(self.comments):
            m = _META.match(c)
            if m and m.group(1) == key:
                if value is None:
                    del self.comments[i]
                else:
                    self.comments[i] = f"# {key} = {value}"
                return
        if value is not None:
            self.comments.append(f"# {key} = {value}")

    @property
    def heads(self) -> list[int | None]:
        return [w.head_index for w in self.words]

    @property
    def deprels(self) -> list[str]:
        return [w.deprel for w in self.words]

    def to_text(self) -> str:
        """The sentence as CoNLL-U, ending with the blank line."""
        lines = list(self.comments)
        lines.extend(t.to_line() for t in self.tokens)
        return "\n".join(lines) + "\n\n"

    def copy(self) -> "Sentence":
        return Sentence(list(self.comments), [Token(t.id, t.form, t.lemma, t.upos, t.xpos, t.feats, t.head,
                                                    t.deprel, t.deps, t.misc) for t in self.tokens], self.line)

    @classmethod
    def from_words(cls, forms: Iterable[str], text: str | None = None,
                   sent_id: str | None = None) -> "Sentence":
        """A new unannotated sentence from a list of word forms."""
        s = cls()
        if sent_id is not None:
            s.comments.append(f"# sent_id = {sent_id}")
        forms = list(forms)
        s.comments.append(f"# text = {text if text is not None else ' '.join(forms)}")
        s.tokens = [Token(str(i + 1), f) for i, f in enumerate(forms)]
        return s


# -- reading -------------------------------------------------------------------

def _check_sentence(path: str, start: int, tokens: list[tuple[int, Token]]) -> None:
    """Checks IDs (order, duplicates, ranges, empty nodes) and HEAD ranges."""
    if not tokens:
        raise ConlluError(path, start, "sentence has comments but no tokens")
    words = [(lineno, t) for lineno, t in tokens if t.id.isdigit()]
    n_words = len(words)
    if len(words) < len(tokens):  # multiword ranges or empty nodes: the full check
        _check_special_ids(path, tokens, n_words)
    for expected, (lineno, t) in enumerate(words, 1):
        if t.id != str(expected):
            if any(t.id == w.id for _, w in words[:expected - 1]):
                raise ConlluError(path, lineno, f"duplicate ID {t.id!r}")
            raise ConlluError(path, lineno, f"ID {t.id} out of order: expected word ID {expected}")
        if t.head != "_":
            h = int(t.head)
            if h > n_words:
                raise ConlluError(path, lineno, f"HEAD {h} is out of range: the sentence has {n_words} words")
            if h == expected:
                raise ConlluError(path, lineno, f"word {t.id} is its own head")


def _check_special_ids(path: str, tokens: list[tuple[int, Token]], n_words: int) -> None:
    """Multiword-token ranges must start at the next word; empty nodes must follow their word."""
    expected = 1
    seen: set[str] = set()
    last_empty: tuple[int, int] = (0, 0)
    for lineno, t in tokens:
        if t.id in seen:
            raise ConlluError(path, lineno, f"duplicate ID {t.id!r}")
        seen.add(t.id)
        if t.id.isdigit():
            if int(t.id) != expected:
                raise ConlluError(path, lineno, f"ID {t.id} out of order: expected word ID {expected}")
            expected += 1
        elif t.is_range:
            a, b = map(int, _RANGE_ID.match(t.id).groups())
            if a != expected:
                raise ConlluError(path, lineno, f"multiword-token range {t.id} does not start at the next word {expected}")
            if b <= a:
                raise ConlluError(path, lineno, f"multiword-token range {t.id} must span at least two words")
            if b > n_words:
                raise ConlluError(path, lineno, f"multiword-token range {t.id} goes past the last word {n_words}")
        else:
            a, b = map(int, _EMPTY_ID.match(t.id).groups())
            if a != expected - 1 or (a, b) <= last_empty:
                raise ConlluError(path, lineno, f"empty node {t.id} out of order after word {expected - 1}")
            last_empty = (a, b)


def _parse_token(path: str, lineno: int, line: str) -> Token:
    cols = line.split("\t")
    if len(cols) != 10:
        what = "a line that is not CoNLL-U" if len(cols) == 1 else "wrong column count"
        raise ConlluError(path, lineno, f"{what}: expected 10 tab-separated columns, found {len(cols)}")
    tid, head = cols[0], cols[6]
    if tid.isascii() and tid.isdigit() and tid[0] != "0":  # the common case, without regular expressions
        if head != "_" and not (head.isascii() and head.isdigit() and (head[0] != "0" or head == "0")):
            raise ConlluError(path, lineno, f"HEAD {head!r} is not a non-negative integer")
    elif not (_RANGE_ID.match(tid) or _EMPTY_ID.match(tid)):
        raise ConlluError(path, lineno, f"invalid ID {tid!r}: expected an integer, a range like 1-2 or a decimal like 8.1")
    elif head != "_":
        raise ConlluError(path, lineno, f"{'range' if '-' in tid else 'empty node'} {tid} must have HEAD '_', found {head!r}")
    if "" in cols:
        name = COLUMNS[cols.index("")]
        raise ConlluError(path, lineno, f"column {name.upper()} is empty (use '_')")
    return Token(*cols)


def iter_sentences(source: str | os.PathLike | IO[bytes], path: str | None = None) -> Iterator[Sentence]:
    """Streams sentences from a path or a binary file object.

    Raises ConlluError for malformed input, including invalid UTF-8 and an empty file.
    """
    if isinstance(source, (str, os.PathLike)):
        path = path or os.fspath(source)
        with open(source, "rb") as f:
            yield from iter_sentences(f, path)
        return
    path = path or getattr(source, "name", "<input>")
    comments: list[str] = []
    tokens: list[tuple[int, Token]] = []
    start = 0
    lineno = 0
    count = 0
    for lineno, raw in enumerate(source, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ConlluError(path, lineno, f"invalid UTF-8 (byte {e.start + 1} of the line)") from None
        if lineno == 1 and line.startswith("\ufeff"):
            line = line[1:]  # a UTF-8 byte-order mark (not written back)
        line = line.rstrip("\r\n")
        if not line or line.isspace():
            if line:
                raise ConlluError(path, lineno, "line holds only white space; sentences are separated by an empty line")
            if comments or tokens:
                _check_sentence(path, start, tokens)
                yield Sentence(comments, [t for _, t in tokens], start)
                count += 1
                comments, tokens = [], []
            continue
        if not start or not (comments or tokens):
            start = lineno
        if line.startswith("#"):
            if tokens:
                raise ConlluError(path, lineno, "comment line inside a sentence (after its tokens)")
            comments.append(line)
        else:
            tokens.append((lineno, _parse_token(path, lineno, line)))
    if comments or tokens:
        _check_sentence(path, start, tokens)
        yield Sentence(comments, [t for _, t in tokens], start)
        count += 1
    if count == 0:
        raise ConlluError(path, max(lineno, 1), "the file is empty: no sentences found")


def read_conllu(source, path: str | None = None) -> list[Sentence]:
    """Reads all sentences (see :func:`iter_sentences`)."""
    return list(iter_sentences(source, path))


def parse_conllu_text(text: str, path: str = "<text>") -> list[Sentence]:
    return read_conllu(io.BytesIO(text.encode("utf-8")), path)


def write_conllu(sentences: Iterable[Sentence], target: str | os.PathLike | IO[str]) -> None:
    """Writes sentences; a path is written atomically (temporary file, then rename)."""
    if isinstance(target, (str, os.PathLike)):
        atomic_write_text(target, "".join(s.to_text() for s in sentences))
        return
    for s in sentences:
        target.write(s.to_text())


def to_conllu_text(sentences: Iterable[Sentence]) -> str:
    return "".join(s.to_text() for s in sentences)


def drop_enhanced_graph(sentence: Sentence) -> Sentence:
    """Removes the enhanced graph in place: DEPS ``_`` on every word, no empty nodes (a parser predicts basic
    trees: an enhanced graph built on the old tree would be inconsistent with the new one, and copying the
    new tree into DEPS would claim an enhanced annotation nobody made).  Returns the sentence."""
    if any(t.is_empty for t in sentence.tokens):
        sentence.tokens = [t for t in sentence.tokens if not t.is_empty]
    for w in sentence.words:
        if w.deps != "_":
            w.deps = "_"
    return sentence
