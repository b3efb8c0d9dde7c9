"""Retraining under a constraint (fixed mask, tied weights, L1 step) with :class:`parser.train.Trainer`."""
from __future__ import annotations

from typing import Callable, Sequence

from ..conllu import Sentence
from ..model import Model
from ..train import Trainer, TrainConfig, Treebank


BATCH_SIZE = 32


def retrain(model: Model, train: Treebank, dev: Sequence[Sentence], epochs: int, constraints: Sequence = (),
            lr: float = 1e-3, seed: int = 1, objective=None, log: Callable[[str], None] = print,
            lr_decay: float = 1.0, average: float = 0.0,
            progress: Callable[[int, int, str], None] | None = None,
            cancelled: Callable[[], bool] = lambda: False, text: str = "retraining") -> dict:
    """Trains the parser for ``epochs`` with every constraint's ``after_step`` run after each optimizer step.

    The learning rate is multiplied by ``lr_decay`` after every epoch; ``average`` > 0 evaluates and
    keeps a moving average of the weights (as ``deplab train --average``; fine-tuning a trained model
    with noisy small-batch steps loses accuracy that the average keeps), re-constrained at the end.
    Keeps the epoch with the best dev LAS, like training does.  Raises :class:`parser.progress.Cancelled`.
    """
    if epochs <= 0:
        return {}
    cfg = TrainConfig(arch=model.arch, lr=lr, seed=seed, batch_size=BATCH_SIZE, lr_decay=lr_decay, average=average)
    epoch = [1]

    def on_batch(k, n):
        if progress:
            progress((epoch[0] - 1) * n + k, epochs * n, f"{text}: epoch {epoch[0]}/{epochs}")

    def on_epoch(e, scores):
        epoch[0] = e + 1

    def after_step():
        for c in constraints:
            c.after_step()

    def before_eval():  # the (averaged) weights scored and kept must satisfy the constraints
        for c in constraints:
            if hasattr(c, "project"):
                c.project()

    trainer = Trainer(model, train, cfg, log=log, progress=on_batch, cancelled=cancelled)
    for c in constraints:
        c.attach()
    try:
        result = trainer.train_parser(dev, epochs, on_epoch=on_epoch, after_step=after_step, objective=objective,
                                      before_eval=before_eval,
                                      can_keep=lambda: all(getattr(c, "settled", True) for c in constraints))
        if average > 0:  # the averaged weights kept at the end must satisfy the constraints exactly again
            after_step()
        return result
    finally:
        for c in constraints:
            c.detach()
        model.eval()
