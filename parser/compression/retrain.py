"""Retraining under a constraint (fixed mask, tied weights, L1 step) with :class:`parser.train.Trainer`."""
from __future__ import annotations

from typing import Callable, Sequence

from ..callbacks import TrainingCallbacks
from ..conllu import Sentence
from ..examples import Treebank
from ..model import Model
from ..train import Trainer
from ..train_config import TrainConfig


BATCH_SIZE = 32


class _Constrained(TrainingCallbacks):
    """The constraints kept through training: re-applied after every step, projected onto before every
    evaluation, and no epoch kept as the best one before every constraint has ``settled``; progress counts
    the whole retraining."""

    def __init__(self, constraints: Sequence, epochs: int, log, progress, cancelled, text: str):
        self.constraints, self.epochs, self.text = constraints, epochs, text
        self._log, self._cancelled, self._progress = log, cancelled, progress
        self.epoch = 1

    def log(self, message: str) -> None:
        self._log(message)

    def cancelled(self) -> bool:
        return self._cancelled()

    def progress(self, done: int, total: int, message: str = "") -> None:
        if self._progress:
            self._progress((self.epoch - 1) * total + done, self.epochs * total,
                           f"{self.text}: epoch {self.epoch}/{self.epochs}")

    def epoch_end(self, run: str, epoch: int, scores: dict) -> None:
        self.epoch = epoch + 1

    def after_step(self) -> None:
        for c in self.constraints:
            c.after_step()

    def before_eval(self) -> None:  # the (averaged) weights scored and kept must satisfy the constraints
        for c in self.constraints:
            if hasattr(c, "project"):
                c.project()

    def can_keep(self) -> bool:
        return all(getattr(c, "settled", True) for c in self.constraints)


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
    callbacks = _Constrained(constraints, epochs, log, progress, cancelled, text)
    trainer = Trainer(model, train, cfg, callbacks)
    for c in constraints:
        c.attach()
    try:
        result = trainer.train_parser(dev, epochs, objective=objective)
        if average > 0:  # the averaged weights kept at the end must satisfy the constraints exactly again
            callbacks.after_step()
        return result
    finally:
        for c in constraints:
            c.detach()
        model.eval()
