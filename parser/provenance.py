"""Where a model or a result came from, recorded by file name and sha256 — never by an absolute path of
the machine that wrote it (the folder may move; the file's content is what identifies it)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_record(path: str | Path, sentences: Sequence | None = None) -> dict:
    """A data file by name and sha256, with its size in sentences and words when they are given."""
    p = Path(path)
    record = {"source": "file", "name": p.name, "sha256": sha256(p) if p.is_file() else None}
    if sentences is not None:
        record.update(sentences=len(sentences), words=sum(len(s.words) for s in sentences))
    return record


def folder_record(folder: str | Path | None) -> dict:
    """A model folder by name and the sha256 of its files."""
    if folder is None:
        return {"name": None}
    folder = Path(folder)
    files = {f.name: sha256(f) for f in sorted(folder.iterdir())
             if f.is_file() and f.suffix in (".json", ".safetensors", ".dlc")}
    return {"name": folder.name, "files": files}


def model_record(model) -> dict:
    """:func:`folder_record` of a loaded model's folder (``{"name": None}`` for a model only in memory)."""
    return folder_record(model.path)
