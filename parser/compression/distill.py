"""Knowledge distillation: a small student learns from the teacher's soft targets.

Hinton, Vinyals & Dean (2015), "Distilling the knowledge in a neural
network": the student minimises

    alpha * T^2 * KL(softmax(z_teacher / T) || softmax(z_student / T))
    + (1 - alpha) * cross-entropy(z_student, gold transition)

over the oracle configurations of the training treebank (the T^2 keeps the
soft gradients on the scale of the hard ones).  The same student trained
with alpha = 0 (gold only) is the baseline it must beat.  The student shares
the teacher's vocabularies and transition set, so its outputs line up.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
import torch.nn.functional as F

from ..model import Model
from ..examples import Treebank


def make_student(teacher: Model, sizes: dict, seed: int = 1) -> Model:
    """A fresh model of the teacher's architecture with smaller ``sizes`` (same vocabularies)."""
    torch.manual_seed(seed)
    config = {k: v for k, v in teacher.config.items() if k not in ("training", "compression")}
    config["sizes"] = {**teacher.config.get("sizes", {}), **sizes}
    student = Model.create(config, teacher.words, teacher.chars, teacher.tags, teacher.labels)
    if teacher.tagger is not None:  # cm2014/weiss2015: the separate tagger is kept from the teacher
        student.tagger = copy.deepcopy(teacher.tagger)
    return student


@torch.no_grad()
def init_from_teacher(student: Model, teacher: Model) -> list[str]:
    """Starts the student from what the teacher already learnt; returns the names of the tensors set.

    Tensors of the same shape (character embeddings and CNN, label embeddings ...) are copied;
    an embedding table that is narrower in the student gets the teacher's table projected on its
    first principal components (PCA, rescaled to the teacher's spread), so every word starts
    near its trained position instead of at random.  Everything else keeps its random start.
    This is a second channel of knowledge transfer next to the soft targets (cf. the "hints" of
    Romero et al. 2015, "FitNets"); the gold-only baseline starts at random.
    """
    done = []
    for key, s_net in student.modules().items():
        t_state = teacher.modules()[key].state_dict()
        for name, p in s_net.state_dict().items():
            t = t_state.get(name)
            if t is None or not t.is_floating_point():
                continue
            if t.shape == p.shape:
                p.copy_(t)
                done.append(f"{key}/{name}")
            elif (name.endswith("words.weight") and t.dim() == 2 and p.dim() == 2 and t.shape[0] == p.shape[0]
                  and p.shape[1] < t.shape[1]):
                centred = t - t.mean(dim=0, keepdim=True)
                _, _, v = torch.linalg.svd(centred, full_matrices=False)
                proj = centred @ v[:p.shape[1]].T
                proj *= t.std() / proj.std().clamp(min=1e-8)
                proj[0] = 0.0  # padding row
                p.copy_(proj)
                done.append(f"{key}/{name}")
    return done


class SoftTargets:
    """``objective`` for :meth:`parser.train.Trainer.train_parser`: the distillation loss above.

    The teacher's logits for a sentence's oracle configurations do not change
    between epochs, so they are computed once (in eval mode, no dropout) and cached.
    """

    def __init__(self, teacher: Model, train: Treebank, temperature: float = 2.0, alpha: float = 0.5):
        if temperature <= 0 or not 0.0 <= alpha <= 1.0:
            raise ValueError("temperature must be > 0 and alpha in [0, 1]")
        self.teacher, self.train = teacher.eval(), train
        self.T, self.alpha = float(temperature), float(alpha)
        self.cache: dict[int, torch.Tensor] = {}

    @torch.no_grad()
    def _teacher_logits(self, idx, local, pos, labs) -> torch.Tensor:
        missing = [j for j, i in enumerate(idx) if i not in self.cache]
        if missing:
            t = self.teacher
            tags = [self.train.tags[idx[j]] for j in missing] if t.tagger is not None else None
            b = t.encode([self.train.forms[idx[j]] for j in missing], tags)
            ctx = t.parser.context(b)
            rows_of = {j: r for r, j in enumerate(missing)}
            sel = np.nonzero(np.isin(local, missing))[0]
            rows = np.array([rows_of[j] for j in local[sel]], dtype=np.int64)
            logits = t.parser.scores(ctx, torch.from_numpy(rows), torch.from_numpy(pos[sel]),
                                     torch.from_numpy(labs[sel])).to(torch.float16)
            starts = np.searchsorted(local[sel], missing)  # local is sorted (examples in idx order)
            ends = np.searchsorted(local[sel], missing, side="right")
            for j, a, e in zip(missing, starts, ends):
                self.cache[idx[j]] = logits[a:e].clone()
        return torch.cat([self.cache[i] for i in idx]).float()

    def __call__(self, logits, gold, idx, local, pos, labs) -> torch.Tensor:
        hard = F.cross_entropy(logits, gold)
        if self.alpha == 0.0:
            return hard
        t = self._teacher_logits(list(idx), np.asarray(local), pos, labs)
        soft = F.kl_div(F.log_softmax(logits / self.T, dim=1), F.log_softmax(t / self.T, dim=1),
                        reduction="batchmean", log_target=True) * (self.T ** 2)
        return self.alpha * soft + (1.0 - self.alpha) * hard
