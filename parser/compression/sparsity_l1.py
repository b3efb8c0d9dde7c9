"""L1-regularised retraining that drives weights to exactly zero.

An L1 penalty lambda * sum |w| favours sparse weights (Han et al. 2015, sec. 3.1,
compare L1 and L2 regularisation for pruning).  Plain gradient steps on |w|
oscillate around zero; the proximal step (soft thresholding,
w <- sign(w) * max(|w| - lr * lambda, 0), as in Tsuruoka, Tsujii & Ananiadou
2009 and proximal gradient methods) after each optimizer step sets them to
exactly zero, so the sparsity reached can be read off the weights.
"""
from __future__ import annotations

from typing import Sequence

import torch

from .layers import Layer


class L1Constraint:
    """Soft-thresholds every weight by ``lr * strength`` after each optimizer step."""

    def __init__(self, layers: Sequence[Layer], strength: float, lr: float):
        if strength < 0:
            raise ValueError("the L1 strength must be >= 0")
        self.params = [p for layer in layers for _, p in layer.params]
        self.threshold = lr * strength

    def attach(self) -> "L1Constraint":
        return self

    @torch.no_grad()
    def after_step(self) -> None:
        for p in self.params:
            p.copy_(p.sign() * (p.abs() - self.threshold).clamp(min=0))

    def detach(self) -> None:
        pass
