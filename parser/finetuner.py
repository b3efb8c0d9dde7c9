"""The fine-tuning trainer: discriminative learning rates, a slanted triangular schedule, rehearsal.

Howard & Ruder (2018, "Universal language model fine-tuning for text classification", ULMFiT):
each part below the output trains with the learning rate divided by ``layer_decay`` once more
(:mod:`parser.parameter_parts`), and the rate warms up linearly and then decays linearly to 0.
Rehearsal (Robins 1995): base-domain sentences from a file the user chose are mixed into every
epoch, so the model keeps seeing the data it was trained on and forgets less of it.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

import torch

from .conllu import read_conllu
from .errors import UserError
from .examples import Treebank, training_treebank
from .finetune_config import FinetuneConfig
from .model import Model
from .parameter_parts import DEPTH
from .train import Trainer


class FineTuner(Trainer):
    """A Trainer with discriminative learning rates (each part its own), an optional slanted
    triangular learning-rate schedule and optional rehearsal of base-domain sentences.

    Rehearsal (Robins 1995; the "mixed" training of domain adaptation): the treebank holds the
    ``n_main`` in-domain sentences first, then ``rehearse`` base-domain sentences per epoch; epoch e
    trains on all in-domain sentences plus its own slice of base-domain ones, so the model keeps
    seeing the data it was trained on and forgets less of it.
    """

    def __init__(self, *a, layer_decay: float = 1.0, parts: dict[int, str] | None = None,
                 n_main: int | None = None, rehearse: int = 0, warmup: float = 0.0, **kw):
        super().__init__(*a, **kw)
        self.layer_decay, self.parts = layer_decay, parts or {}
        self.n_main = len(self.train) if n_main is None else n_main
        self.rehearse, self.warmup = rehearse, warmup
        self.scheduled, self.opt, self.step_no, self.total_steps = False, None, 0, 1

    def epoch_batches(self, epoch: int) -> list[list[int]]:
        if not self.rehearse:
            return super().epoch_batches(epoch)
        extra = len(self.train) - self.n_main
        start = ((epoch - 1) * self.rehearse) % max(extra, 1)
        mixed = list(range(self.n_main)) + [self.n_main + (start + j) % extra
                                            for j in range(min(self.rehearse, extra))]
        self.rng.shuffle(mixed)
        return [mixed[i:i + self.cfg.batch_size] for i in range(0, len(mixed), self.cfg.batch_size)]

    def lr_factor(self, step: int) -> float:
        """Slanted triangular schedule: 0 -> 1 over the warm-up steps, then linearly down to 0."""
        if self.warmup <= 0:
            return 1.0
        peak = max(1, round(self.warmup * self.total_steps))
        if step < peak:
            return (step + 1) / peak
        return max(0.0, (self.total_steps - step) / max(1, self.total_steps - peak))

    def _optimizer(self, params):
        params = [p for p in params if p.requires_grad]
        if self.layer_decay == 1.0:
            opt = super()._optimizer(params)
        else:
            groups: dict[str, list] = {}
            for p in params:
                groups.setdefault(self.parts.get(id(p), "hidden"), []).append(p)
            opt = torch.optim.Adam([{"params": ps, "lr": self.cfg.lr / self.layer_decay ** DEPTH[part]}
                                    for part, ps in groups.items()], lr=self.cfg.lr, betas=(0.9, 0.9))
        if self.scheduled:  # the parser's optimiser: remember the peak rates, start at step 0's rate
            self.opt, self.step_no = opt, 0
            for g in opt.param_groups:
                g["peak_lr"] = g["lr"]
                g["lr"] = g["peak_lr"] * self.lr_factor(0)
        return opt

    def after_step(self) -> None:
        """The next step's learning rate of the schedule, then the callbacks' ``after_step``."""
        if self.opt is not None and self.warmup > 0:
            self.step_no += 1
            for g in self.opt.param_groups:
                g["lr"] = g["peak_lr"] * self.lr_factor(self.step_no)
        super().after_step()

    def train_parser(self, dev, epochs, **kw):
        self.scheduled = True
        per_epoch = -(-(self.n_main + min(self.rehearse, len(self.train) - self.n_main)) // self.cfg.batch_size)
        self.total_steps = max(1, epochs * per_epoch)
        return super().train_parser(dev, epochs, **kw)


def rehearsal_path(cfg: FinetuneConfig) -> Path:
    """The base-domain CoNLL-U file the user chose for rehearsal (a clear error if it is gone)."""
    p = Path(cfg.rehearsal_data)
    if not p.is_file():
        raise UserError(f"rehearsal: the base-domain data {p} was not found; choose the file again "
                        "or fine-tune without it (the forgetting guard needs no data)")
    return p


def rehearsal_treebank(base: Model, cfg: FinetuneConfig, log: Callable[[str], None] = print) -> Treebank | None:
    """``cfg.rehearsal`` x ``cfg.epochs`` base-domain sentences (a seeded sample, each epoch its own
    slice; sentences repeat only when the file is smaller), or None without rehearsal (no file chosen)."""
    if cfg.rehearsal <= 0 or not cfg.rehearsal_data:
        return None
    path = rehearsal_path(cfg)
    tb = training_treebank(read_conllu(path), str(path))
    known = set(base.labels)
    keep = [i for i in range(len(tb)) if all(l in known for l in tb.labels[i])]
    random.Random(cfg.seed).shuffle(keep)
    need = min(len(keep), cfg.rehearsal * cfg.epochs)
    pick = keep[:need]
    log(f"rehearsal: {min(cfg.rehearsal, len(keep))} of {len(keep)} sentences of {path.name} mixed into "
        "every epoch")
    return tb.subset(pick)
