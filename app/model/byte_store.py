"""The bytes a document was read from, so that untouched sentences are saved byte for byte.

A :class:`ByteStore` keeps the file's bytes, the bytes before the first sentence and the byte
span of every sentence: sentence i is ``data[spans[i][0]:spans[i][1]]`` (its blank line
included).  :func:`read_file` streams the file through the CoNLL-U reader, so a file that is not
CoNLL-U is refused at its first bad line without being read whole.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

from deplab.parser.conllu import Sentence, iter_sentences

BOM = b"\xef\xbb\xbf"


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


@dataclass
class ByteStore:
    data: bytes = b""
    prefix: bytes = b""
    spans: list = field(default_factory=list)  # (begin, end) or None for a sentence not from the file
    newline: str = "\n"
    sha1: str | None = None

    @classmethod
    def from_sentences(cls, data: bytes, sentences: Sequence[Sentence], starts: Sequence[int]) -> "ByteStore":
        """``starts[k]`` is the byte offset of line k + 1."""
        spans = []
        for i, s in enumerate(sentences):
            begin = starts[s.line - 1]
            end = starts[sentences[i + 1].line - 1] if i + 1 < len(sentences) else len(data)
            spans.append((begin, end))
        if spans and spans[0][0] == 0 and data.startswith(BOM):
            spans[0] = (3, spans[0][1])  # a byte-order mark stays in front of the first sentence
        newline = "\r\n" if spans and data[:spans[0][1]].find(b"\r\n") >= 0 else "\n"
        return cls(data, data[:spans[0][0]] if spans else data, spans, newline, sha1(data))

    def original(self, i: int) -> bytes | None:
        span = self.spans[i] if i < len(self.spans) else None
        return None if span is None else self.data[span[0]:span[1]]

    def encode(self, s: Sentence) -> bytes:
        text = s.to_text()
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return text.encode("utf-8")

    def sentence_bytes(self, i: int, s: Sentence, modified: bool) -> bytes:
        """The bytes to write for sentence i: the original ones unless it changed."""
        raw = self.original(i)
        if raw is not None and not modified:
            return raw
        new = self.encode(s)
        if raw is not None and raw.rstrip(b"\r\n") == new.rstrip(b"\r\n"):
            return raw  # an undo back to the original: keep the original bytes (and its blank lines)
        return new

    def assemble(self, pieces: Iterator[bytes]) -> tuple[bytes, list[tuple[int, int]]]:
        """The file made of ``prefix`` and the sentences' bytes, and each one's span in it."""
        items = list(pieces)
        parts, spans, pos = [self.prefix], [], len(self.prefix)
        nl = self.newline.encode()
        for k, b in enumerate(items):
            if k + 1 < len(items) and not b.endswith(nl + nl) and not b.endswith(b"\n\n"):
                b = b.rstrip(b"\r\n") + nl + nl  # the last sentence may lack its blank line; others must have it
            parts.append(b)
            spans.append((pos, pos + len(b)))
            pos += len(b)
        return b"".join(parts), spans

    def replaced(self, data: bytes, spans: list[tuple[int, int]], digest: str | None = None) -> "ByteStore":
        """The store after ``data`` was written to the file; ``digest``: its sha1, when the caller
        already has it (a save hashes its bytes in the worker that made them, not on the GUI thread)."""
        return ByteStore(data, data[:spans[0][0]] if spans else data, spans, self.newline,
                         digest if digest is not None else sha1(data))


def line_starts(data: bytes) -> list[int]:
    starts = [0]
    starts.extend(itertools.accumulate(len(line) + 1 for line in data.split(b"\n")))
    return starts


def read_file(path: str, progress: Callable[[float], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> tuple[list[Sentence], ByteStore, tuple[int, float]]:
    """Streams ``path`` through the CoNLL-U reader (ConlluError with file:line at the first bad line),
    then keeps its bytes; returns the sentences, the store and the file's (size, mtime)."""
    from deplab.parser.progress import check
    st = os.stat(path)
    size = max(1, st.st_size)
    starts = [0]
    with open(path, "rb") as f:
        def lines():
            pos = 0
            for raw in f:
                pos += len(raw)
                starts.append(pos)
                yield raw
        sentences = []
        pause = time.monotonic()
        for k, s in enumerate(iter_sentences(lines(), path)):
            sentences.append(s)
            if k % 500 == 0:
                check(cancelled)
                if progress:
                    progress(min(1.0, starts[-1] / size))
                if time.monotonic() - pause > 0.1:  # a few ms of a free GIL for the window's repaint
                    time.sleep(0.003)
                    pause = time.monotonic()
        f.seek(0)
        data = f.read()
    if progress:
        progress(1.0)
    return sentences, ByteStore.from_sentences(data, sentences, starts), (st.st_size, st.st_mtime)
