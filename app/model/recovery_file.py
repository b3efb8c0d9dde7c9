"""The recovery file: a document's unsaved sentences and the identity of the file they belong to.

Written by the autosaver while a document has unsaved edits, read at the next start after a
crash.  JSON: ``format``, ``source`` (the CoNLL-U file) and its ``source_sha1``, ``pid`` of the
writer, ``n_sentences`` and ``sentences`` (index → CoNLL-U text of every changed sentence).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass

from deplab.parser.conllu import ConlluError, parse_conllu_text
from deplab.parser.fileio import atomic_write_bytes

RECOVERY_FORMAT = "deplab-recovery"


class RecoveryError(ValueError):
    """A recovery file that cannot be applied (unreadable, or its source file changed)."""


@dataclass(frozen=True)
class RecoveryInfo:
    path: str
    source: str | None
    name: str
    saved_at: float
    pid: int
    n_changed: int


def record(source: str | None, source_sha1: str | None, name: str, n_sentences: int, newline: str,
           sentences: dict[int, str]) -> dict:
    return {"format": RECOVERY_FORMAT, "version": 1, "source": source, "source_sha1": source_sha1,
            "name": name, "saved_at": time.time(), "pid": os.getpid(), "n_sentences": n_sentences,
            "newline": newline, "sentences": {str(i): t for i, t in sentences.items()}}


CHUNK_CHARS = 1 << 16  # characters encoded at a time by :func:`write`


def encoded_chunks(rec: dict, chunk_chars: int = CHUNK_CHARS):
    """The UTF-8 bytes of a :func:`record` as JSON, in pieces of about ``chunk_chars`` characters.

    The same bytes as ``json.dumps(rec, ensure_ascii=False).encode("utf-8")`` ("sentences" is the
    record's last key), but no single C call handles the whole text: ``json.dumps``, ``str.join``
    and ``str.encode`` of a 15 MB record each hold the GIL (and with it the window) for tens to
    hundreds of milliseconds; a sentence at a time, the GUI thread gets the GIL back between pieces."""
    head = {k: v for k, v in rec.items() if k != "sentences"}
    pending = [json.dumps(head, ensure_ascii=False)[:-1], ', "sentences": {']
    size = sum(map(len, pending))
    sep = ""
    for k, t in rec["sentences"].items():
        piece = f'{sep}"{k}": {json.dumps(t, ensure_ascii=False)}'
        sep = ", "
        pending.append(piece)
        size += len(piece)
        if size >= chunk_chars:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    pending.append("}}")
    yield "".join(pending).encode("utf-8")


def write(path: str | os.PathLike, rec: dict) -> None:
    """Writes a :func:`record` atomically (safe to call from a worker thread).

    Encoded piecewise (:func:`encoded_chunks`) into one buffer, which the one atomic write of
    :mod:`deplab.parser.fileio` writes out (the file's write releases the GIL)."""
    data = bytearray()
    for chunk in encoded_chunks(rec):
        data += chunk
    atomic_write_bytes(os.fspath(path), data)


def load(path) -> dict:
    try:
        with open(path, "rb") as f:
            rec = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError) as e:
        raise RecoveryError(f"{os.fspath(path)}: cannot read the recovery file: {e}") from None
    if not isinstance(rec, dict) or rec.get("format") != RECOVERY_FORMAT or "sentences" not in rec:
        raise RecoveryError(f"{os.fspath(path)}: not a DepLab recovery file")
    return rec


def read_info(path: str | os.PathLike) -> RecoveryInfo:
    rec = load(path)
    return RecoveryInfo(os.fspath(path), rec.get("source"), rec.get("name", "Untitled"),
                        float(rec.get("saved_at", 0)), int(rec.get("pid", 0)), len(rec.get("sentences", {})))


def recovered_sentences(path: str | os.PathLike, rec: dict) -> dict:
    where = os.fspath(path)
    try:
        return {int(k): parse_conllu_text(v, f"{where} (sentence {int(k) + 1})")[0]
                for k, v in rec["sentences"].items()}
    except (ConlluError, ValueError, KeyError, IndexError) as e:
        raise RecoveryError(f"{where}: the recovery file is damaged: {e}") from None
