"""The caller's side of a training run: what it hears, and the little it decides.

A training run (:class:`parser.train.Trainer`, :func:`parser.train.train_model`, fine-tuning in
:mod:`parser.finetune`, retraining under a constraint in :mod:`parser.compression.retrain`) takes one
:class:`TrainingCallbacks` object and calls its methods at fixed points of the loop; every method of the
base class does nothing, so a caller subclasses it and overrides only what it needs (the command line a
logger and a progress bar, the app a task's progress and cancel, compression its constraints).

The points of the loop, in order, for each epoch: ``progress`` after every batch, ``after_step`` after
every optimizer step, ``before_eval`` on the weights about to be scored, ``epoch_end`` with the epoch's
dev scores, ``new_best`` when they are the best so far (and ``can_keep()`` allows keeping them);
``cancelled`` is asked before every batch (:func:`parser.progress.check`).
"""
from __future__ import annotations

from typing import Callable


class TrainingCallbacks:
    """No-op callbacks: a run with them is silent, cannot be cancelled and keeps whatever epoch is best."""

    def log(self, message: str) -> None:
        """A line for the user (what the data is, each epoch's scores, what was kept)."""

    def progress(self, done: int, total: int, message: str = "") -> None:
        """A :class:`parser.progress.Progress`: the batches done of the current epoch (the trainer), or of
        the whole run (fine-tuning's functions report the run as a whole)."""

    def cancelled(self) -> bool:
        """True once the user asked to stop; the run raises :class:`parser.progress.Cancelled`."""
        return False

    def epoch_end(self, run: str, epoch: int, scores: dict) -> None:
        """An epoch's dev scores (``epoch``, ``loss``, ``seconds``, ``UPOS``, ``UAS``, ``LAS``); ``run`` names
        the run (``"train"``; fine-tuning: ``"finetuned"``, ``"scratch"``, and ``"base"`` at epoch 0)."""

    def new_best(self, run: str, scores: dict) -> None:
        """The epoch just scored is the best so far and is kept (e.g. to checkpoint the model)."""

    def after_step(self) -> None:
        """After every optimizer step (e.g. to re-apply a pruning mask)."""

    def before_eval(self) -> None:
        """On the weights about to be scored and perhaps kept (e.g. to project them onto a constraint)."""

    def can_keep(self) -> bool:
        """Whether the epoch just scored may be kept as the best one (e.g. only once pruning reached its
        final sparsity)."""
        return True


class LogTo(TrainingCallbacks):
    """Callbacks that write the run's log lines to ``write`` (``print``, a logger's method, a list's
    ``append``) and otherwise do nothing."""

    def __init__(self, write: Callable[[str], None] = print):
        self.write = write

    def log(self, message: str) -> None:
        self.write(message)


class Forward(TrainingCallbacks):
    """Passes every call on to ``inner``; a subclass overrides the calls it adds to (e.g. a checkpoint
    on ``new_best``, a progress that counts the whole run) and calls ``self.inner``'s itself."""

    def __init__(self, inner: TrainingCallbacks | None):
        self.inner = inner if inner is not None else TrainingCallbacks()

    def log(self, message: str) -> None:
        self.inner.log(message)

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.inner.progress(done, total, message)

    def cancelled(self) -> bool:
        return self.inner.cancelled()

    def epoch_end(self, run: str, epoch: int, scores: dict) -> None:
        self.inner.epoch_end(run, epoch, scores)

    def new_best(self, run: str, scores: dict) -> None:
        self.inner.new_best(run, scores)

    def after_step(self) -> None:
        self.inner.after_step()

    def before_eval(self) -> None:
        self.inner.before_eval()

    def can_keep(self) -> bool:
        return self.inner.can_keep()
