"""Measurements of a model: parameters, non-zeros, bytes on disk, dev UAS/LAS, parsing speed.

Everything is measured, nothing estimated: sizes are the bytes of the files
written, accuracy is :func:`parser.evaluate.evaluate` on the model loaded
back from its folder, speed is the wall-clock time of that parse.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

from ..conllu import Sentence
from ..decode import parse_batch
from ..evaluate import evaluate
from ..model import Model
from ..pipeline import annotate
from .layers import counts  # noqa: F401 (re-exported: measure.counts)
from .storage import folder_bytes


def model_counts(model: Model) -> dict:
    return model.extra.get("counts") or counts(model)


def accuracy_and_speed(model: Model, dev: Sequence[Sentence], repeats: int = 1) -> dict:
    """Dev UPOS/UAS/LAS (gold tokenization, predicted tags) and sentences parsed per second.

    With ``repeats`` > 1 the dev set is parsed that many times and the fastest run counts
    (the machine's other work only ever slows a run down).
    """
    forms = [[w.form for w in s.words] for s in dev]
    seconds = float("inf")
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        parsed = parse_batch(model, forms)
        seconds = min(seconds, time.perf_counter() - t0)
    scores = evaluate(list(dev), [annotate(s, p) for s, p in zip(dev, parsed)]).to_json()
    return {"UPOS": scores["UPOS"], "UAS": scores["UAS"], "LAS": scores["LAS"],
            "sentences_per_s": len(dev) / seconds if seconds > 0 else 0.0, "parse_seconds": seconds}


def measure_folder(path, dev: Sequence[Sentence], repeats: int = 1) -> dict:
    """Loads the model folder like ``deplab parse`` does and measures it."""
    path = Path(path)
    model = Model.load(path)
    return {**model_counts(model), **{f"{k}_bytes": v for k, v in folder_bytes(path).items()},
            **accuracy_and_speed(model, dev, repeats)}
