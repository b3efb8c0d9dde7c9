"""The parser in the loop: fine-tune on the gold sentences so far, then re-parse and re-rank the rest.

Active learning with uncertainty sampling (Lewis & Gale 1994; survey: Settles
2009): the annotator corrects the sentences the parser is least sure of
(:mod:`parser.uncertainty`), the parser is fine-tuned on the corrected ones
(:mod:`parser.finetune`), and the sentences nobody corrected yet are parsed
again and ranked again with the new model.  ``deplab finetune`` and the app's
Lab ▸ Fine-tuning tab call :func:`parser.finetune.finetune_to_folder`; the tab's "Retrain on
my gold" calls :func:`retrain_and_reparse`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .callbacks import TrainingCallbacks
from .conllu import Sentence
from .decode import parse_batch
from .finetune import FinetuneConfig, FinetuneResult, finetune_to_folder, split_heldout
from .model import Model
from .pipeline import annotate
from .uncertainty import uncertainty_score


def summary(result: FinetuneResult, path: str | Path, train: int, heldout: int) -> dict:
    """What a front end shows of a run: scores before/after (and from scratch), growth, size, time."""
    return {"path": str(path), "base": result.base_scores, "finetuned": result.finetuned.final,
            "scratch": result.scratch.final if result.scratch else None,
            "growth": result.finetuned.growth.to_json() if result.finetuned.growth else {"words": 0, "labels": []},
            "train": train, "heldout": heldout, "epochs": len(result.finetuned.history),
            "seconds": result.record.get("seconds"), "guard": result.record.get("guard")}


@dataclass
class Retrained:
    result: FinetuneResult
    path: Path
    parses: dict[int, Sentence]    # the pending sentences (by their index in the document), parsed again
    scores: dict[int, float]       # their uncertainty under the new model (higher: less certain)
    train: int
    heldout: int

    def summary(self) -> dict:
        return summary(self.result, self.path, self.train, self.heldout)


def retrain_and_reparse(base: Model, gold: Sequence[Sentence], pending: dict[int, Sentence], cfg: FinetuneConfig,
                        out: str | Path, heldout_percent: float = 20, data: dict | None = None,
                        callbacks: TrainingCallbacks | None = None) -> Retrained:
    """Fine-tunes ``base`` on the gold sentences (a seeded ``heldout_percent``% held out when there are at least
    10), saves it to ``out``, and parses and scores the ``pending`` sentences with it (``callbacks``: as
    :func:`parser.finetune.finetune`'s; their ``progress`` also counts the re-parsing)."""
    callbacks = callbacks if callbacks is not None else TrainingCallbacks()
    progress = callbacks.progress
    pct = heldout_percent if len(gold) >= 10 else 0
    train, held = split_heldout(gold, pct, seed=1)
    data = dict(data or {})
    data["heldout"] = {"source": "split", "percent": pct, "seed": 1}
    result = finetune_to_folder(base, train, held, cfg, out, baseline=False, data=data, callbacks=callbacks)
    order = list(pending)
    progress(0, len(order), "re-parsing")
    parsed = parse_batch(result.finetuned.model, [[w.form for w in pending[i].words] for i in order], margins=True,
                         progress=lambda d: progress(d, len(order), "re-parsing"))
    parses = {i: annotate(pending[i], p) for i, p in zip(order, parsed)}
    scores = {i: uncertainty_score(p.margins) for i, p in zip(order, parsed)}
    return Retrained(result, Path(out), parses, scores, len(train), len(held))
