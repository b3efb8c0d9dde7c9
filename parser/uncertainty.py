"""Which sentences should the annotator correct first?  Ranking by parser uncertainty.

Uncertainty sampling (Lewis & Gale 1994): label the examples the current model
is least sure about.  For a greedy transition parser the natural confidence
of one step is the *margin* between the probabilities of the best and the
second-best legal transition (margin sampling, Scheffer, Decomain & Wrobel
2001); a sentence is scored by the mean margin along its greedy path (and we
report the smallest one, the single most doubtful decision).  Steps with a
single legal move carry no information and are skipped.  The margins come
from the same batched decoder that parses (``decode.parse_batch(margins=True)``),
so ranking a document costs one parse.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .conllu import Sentence
from .decode import parse_batch
from .model import Model
from .progress import Progress


def uncertainty_score(margins: Sequence[float]) -> float:
    """1 - the mean margin of a sentence's decisions: higher means less certain (0 without a real decision)."""
    return 1.0 - sum(margins) / len(margins) if margins else 0.0


@dataclass
class Uncertainty:
    index: int           # position in the input list
    mean_margin: float   # 0 (a coin toss at every step) .. 1 (certain)
    min_margin: float
    steps: int           # decisions with at least two legal moves

    @property
    def score(self) -> float:
        """1 - mean margin: higher means less certain (what the navigator shows)."""
        return 1.0 - self.mean_margin if self.steps else 0.0

    def to_json(self) -> dict:
        return {"index": self.index, "score": round(self.score, 4), "mean_margin": round(self.mean_margin, 4),
                "min_margin": round(self.min_margin, 4), "steps": self.steps}


def margins(model: Model, sentences: Sequence[Sentence], batch_size: int = 256,
            progress: Progress | None = None) -> list[list[float]]:
    """Per sentence, the best-minus-second margins of the greedy path (predicted tags).
    ``progress(done, total, message)`` counts sentences."""
    forms = [[w.form for w in s.words] for s in sentences]
    count = (lambda d: progress(d, len(forms), "ranking by uncertainty")) if progress is not None else None
    parsed = parse_batch(model, forms, batch_size=batch_size, progress=count, margins=True)
    return [p.margins for p in parsed]


def rank(model: Model, sentences: Sequence[Sentence], by: str = "mean", batch_size: int = 256,
         progress: Progress | None = None) -> list[Uncertainty]:
    """Sentences from least to most certain (``by`` = ``"mean"`` or ``"min"`` margin).

    Ties keep the input order; sentences without any real decision (one word) come last.
    """
    if by not in ("mean", "min"):
        raise ValueError(f"rank by 'mean' or 'min', not {by!r}")
    out = []
    for i, m in enumerate(margins(model, sentences, batch_size, progress)):
        if m:
            out.append(Uncertainty(i, sum(m) / len(m), min(m), len(m)))
        else:
            out.append(Uncertainty(i, 1.0, 1.0, 0))
    key = (lambda u: (u.mean_margin, u.index)) if by == "mean" else (lambda u: (u.min_margin, u.index))
    return sorted(out, key=key)
