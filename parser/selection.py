"""Model selection: the epoch with the best dev LAS is kept, and training may stop early.

Without dev data a seeded part of the training sentences is held out for this (:func:`hold_out`).
Early stopping: after ``patience`` epochs without a better dev LAS the run ends (Prechelt 1998).
"""
from __future__ import annotations

import random
from typing import Sequence

import torch

from .conllu import Sentence
from .decode import parse_batch
from .model import Model


def dev_scores(model: Model, dev: Sequence[Sentence], keep_tags: bool = False) -> dict:
    """UPOS/UAS/LAS of the model on dev sentences (gold tokenization), via parser.evaluate."""
    from .evaluate import evaluate
    from .pipeline import annotate
    forms = [[w.form for w in s.words] for s in dev]
    tags = [[w.upos for w in s.words] for s in dev] if keep_tags else None
    parsed = parse_batch(model, forms, tags)
    system = [annotate(s, p) for s, p in zip(dev, parsed)]
    return evaluate(dev, system).to_json()


def hold_out(sentences: Sequence[Sentence], fraction: float, seed: int) -> tuple[list[Sentence], list[Sentence]]:
    """A seeded split of ``sentences`` into (train, held out): ``fraction`` of them, at least one, held out
    (none when there are fewer than two sentences).  File order is kept on both sides."""
    n = len(sentences)
    if n < 2 or fraction <= 0:
        return list(sentences), []
    k = min(n - 1, max(1, round(fraction * n)))
    held = set(random.Random(seed).sample(range(n), k))
    return [s for i, s in enumerate(sentences) if i not in held], [s for i, s in enumerate(sentences) if i in held]


class Selection:
    """The best epoch so far by dev LAS, and its weights (``keep_best=False``: the last epoch's weights
    stay, the best scores are still reported); ``patience`` > 0 stops after that many epochs without a
    better dev LAS."""

    def __init__(self, patience: int = 0, keep_best: bool = True):
        self.patience, self.keep_best = patience, keep_best
        self.best: dict = {"LAS": -1.0}
        self.state: dict | None = None

    def consider(self, scores: dict, net: torch.nn.Module, allowed: bool = True) -> bool:
        """Records ``scores`` (and a copy of ``net``'s weights) if they are the best so far and ``allowed``;
        True if they were."""
        if scores["LAS"] > self.best["LAS"] and allowed:
            self.best = scores
            self.state = {k: v.clone() for k, v in net.state_dict().items()} if self.keep_best else None
            return True
        return False

    def should_stop(self, epoch: int) -> bool:
        """Early stopping: ``patience`` epochs went by since the best one."""
        return bool(self.patience) and "epoch" in self.best and epoch - self.best["epoch"] >= self.patience

    def restore(self, net: torch.nn.Module) -> bool:
        """Loads the best epoch's weights into ``net``; False if there are none to load."""
        if self.state is None:
            return False
        net.load_state_dict(self.state)
        return True


SPLIT_SEED = 1


def split_halves(sentences: Sequence[Sentence], seed: int = SPLIT_SEED) -> tuple[list[Sentence], list[Sentence]]:
    """Two disjoint halves of a treebank, ``(select, report)``: the sentences are shuffled with ``seed``
    (``random.Random(seed)``), the first ceil(n/2) of that order choose, the rest report; each half keeps
    the file's order.  Choosing epochs on one half and scoring on the other keeps the reported figures
    free of the choice (with both on the same sentences, the best of several epochs is an optimistic score)."""
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    cut = (len(order) + 1) // 2
    chosen = set(order[:cut])
    select = [s for i, s in enumerate(sentences) if i in chosen]
    report = [s for i, s in enumerate(sentences) if i not in chosen]
    if not select or not report:
        raise ValueError("splitting the evaluation treebank in two needs at least 2 sentences")
    return select, report
