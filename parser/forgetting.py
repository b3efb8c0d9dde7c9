"""Guards against catastrophic forgetting that need none of the base model's training data.

Fine-tuning on a few in-domain sentences moves the weights away from what the
base model learnt on its own domain (McCloskey & Cohen 1989).  Rehearsal
(Robins 1995, :mod:`parser.finetune`) needs the base model's training data;
the two guards here need only the base model itself:

* **Learning without Forgetting** (Li & Hoiem 2016): on the new sentences, the
  fine-tuned model is also trained to keep the base model's distribution over
  transitions at every oracle configuration -- a distillation term
  ``T^2 KL(p_base(./T) || p_model(./T))`` with temperature T (Hinton et al.
  2015), weighted by ``weight``;
* **L2-SP** (Li, Grandvalet & Davoine 2018, "Explicit inductive bias for
  transfer learning with convolutional networks"): an L2 penalty
  ``alpha/2 ||w - w_base||^2`` towards the base weights (the "starting
  point") instead of towards 0; rows that vocabulary growth added have no
  starting point and are not penalised.

Both are terms added to the training loss through ``Trainer.train_parser``'s
``objective`` hook (:func:`guarded_objective`).
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
import torch.nn.functional as F

from .growth import transition_map
from .model import Model

GUARDS = ("none", "lwf", "l2sp", "lwf+l2sp")


def parse_guard(text: str) -> str:
    """``"lwf"``, ``"l2sp"``, ``"lwf+l2sp"`` or ``"none"`` (``"both"`` is ``"lwf+l2sp"``)."""
    t = (text or "none").strip().lower().replace(" ", "")
    t = {"both": "lwf+l2sp", "l2sp+lwf": "lwf+l2sp", "off": "none", "": "none"}.get(t, t)
    if t not in GUARDS:
        from .errors import UserError
        raise UserError(f"unknown forgetting guard {text!r}; choose from {', '.join(GUARDS)}")
    return t


def _named(model: Model) -> dict[str, torch.nn.Parameter]:
    return {f"{m}.{n}": p for m, module in model.modules().items() for n, p in module.named_parameters()}


class L2SP:
    """``alpha/2 * sum ||w - w0||^2`` over the weights the model shares with its base (Li et al. 2018)."""

    def __init__(self, model: Model, base: Model, alpha: float):
        self.alpha = alpha
        self.terms: list[tuple[torch.nn.Parameter, torch.Tensor, torch.Tensor | None]] = []
        old = _named(base)
        out_rows = torch.tensor(transition_map(base.transitions, model.transitions))
        for name, p in _named(model).items():
            if name not in old:
                continue
            w0 = old[name].detach().clone()
            if p.shape == w0.shape:
                rows = None
                if name == "parser.out.weight" or name == "parser.out.bias":
                    rows = out_rows  # the transitions may be renumbered by growth
                    if torch.equal(rows, torch.arange(len(rows))):
                        rows = None
            elif p.dim() == w0.dim() and p.shape[1:] == w0.shape[1:] and p.shape[0] > w0.shape[0]:
                # grown table: old rows keep their numbers, except the remapped transitions of the output layer
                rows = out_rows if name in ("parser.out.weight", "parser.out.bias") else torch.arange(w0.shape[0])
            else:
                continue
            self.terms.append((p, w0, rows))

    def penalty(self) -> torch.Tensor:
        total = torch.zeros(())
        for p, w0, rows in self.terms:
            w = p if rows is None else p[rows]
            total = total + ((w - w0) ** 2).sum()
        return 0.5 * self.alpha * total


class LwF:
    """The base model's transition distribution as a soft target on the new sentences (Li & Hoiem 2016).

    The teacher sees the same sentences (in its own vocabulary) at the same oracle configurations;
    relations that growth added are NULL labels for it, and only its own transitions are compared
    (their numbers in the grown model come from :func:`parser.growth.transition_map`).
    """

    def __init__(self, base: Model, student: Model, forms: Sequence[Sequence[str]], weight: float = 1.0,
                 temperature: float = 2.0):
        self.teacher, self.weight, self.T = base.eval(), weight, temperature
        self.forms = forms
        self.columns = torch.tensor(transition_map(base.transitions, student.transitions))
        self.n_labels = len(base.labels)
        self.tags = None
        if base.tagger is not None:  # cm2014/weiss2015 read tags: the teacher's own predictions
            from .decode import parse_batch
            self.tags = [p.tags for p in parse_batch(base, [list(f) for f in forms])]

    @torch.no_grad()
    def teacher_logits(self, idx: Sequence[int], local, pos, labs) -> torch.Tensor:
        t = self.teacher
        b = t.encode([self.forms[i] for i in idx], [self.tags[i] for i in idx] if self.tags else None)
        labs = torch.as_tensor(labs).clone()
        labs[labs >= self.n_labels] = -1  # a relation the base model does not know: NULL for it
        return t.parser.scores(t.parser.context(b), torch.as_tensor(local), torch.as_tensor(pos), labs)

    def loss(self, logits: torch.Tensor, idx, local, pos, labs) -> torch.Tensor:
        p = F.softmax(self.teacher_logits(idx, local, pos, labs) / self.T, dim=-1)
        log_q = F.log_softmax(logits / self.T, dim=-1)[:, self.columns]
        kl = (p * (torch.log(p.clamp_min(1e-12)) - log_q)).sum(-1).mean()
        return self.weight * self.T ** 2 * kl


def guarded_objective(lwf: LwF | None, l2sp: L2SP | None) -> Callable | None:
    """``objective(logits, gold, idx, local, pos, labs)`` for ``Trainer.train_parser``: cross-entropy of the
    gold transitions plus the guards' terms (None without a guard: the plain cross-entropy)."""
    if lwf is None and l2sp is None:
        return None

    def objective(logits, gold, idx, local, pos, labs):
        loss = F.cross_entropy(logits, gold)
        if lwf is not None:
            loss = loss + lwf.loss(logits, idx, local, pos, labs)
        if l2sp is not None:
            loss = loss + l2sp.penalty()
        return loss
    return objective
