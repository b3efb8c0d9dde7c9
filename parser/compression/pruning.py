"""Magnitude pruning: remove the smallest weights, then retrain with the mask fixed.

Han, Pool, Tran & Dally (2015), "Learning both weights and connections for
efficient neural networks": train, prune the connections whose |w| is below a
threshold, retrain the remaining ones (the pruned stay at zero), repeat.
The threshold is chosen so that exactly the requested fraction of weights is
removed: over the whole model by |w| (``global``), over the whole model by
|w| / std(layer) (``std``: Han et al.'s one quality parameter times each
layer's standard deviation, so layers of different scale, such as
embeddings and LSTM weights, are pruned alike), or the same fraction in
every layer (``layer``).  Single layers can be given their own sparsity.
"""
from __future__ import annotations

from typing import Sequence

import torch

from .layers import Layer

Masks = dict[str, torch.Tensor]   # full parameter name -> bool tensor, True = kept


def _flat(layers: Sequence[Layer], relative: bool = False
          ) -> tuple[torch.Tensor, list[tuple[str, torch.nn.Parameter, int, int]]]:
    parts, spans, start = [], [], 0
    for layer in layers:
        scale = 1.0
        if relative:
            w = torch.cat([p.detach().flatten() for _, p in layer.params])
            scale = float(w.std()) or 1.0
        for name, p in layer.params:
            parts.append(p.detach().abs().flatten() / scale)
            spans.append((name, p, start, start + p.numel()))
            start += p.numel()
    return torch.cat(parts), spans


def _smallest(values: torch.Tensor, fraction: float) -> torch.Tensor:
    """A keep-mask removing exactly round(fraction * n) of the smallest values."""
    k = int(round(fraction * values.numel()))
    keep = torch.ones(values.numel(), dtype=torch.bool)
    if k > 0:
        keep[torch.argsort(values, stable=True)[:k]] = False
    return keep


def magnitude_masks(layers: Sequence[Layer], sparsity: float, scope: str = "global",
                    per_layer: dict[str, float] | None = None) -> Masks:
    """Masks that prune ``sparsity`` of the weights by magnitude (``scope`` = global, std or layer).

    Layers named in ``per_layer`` get their own sparsity (and are left out of the global ranking).
    """
    if not 0.0 <= sparsity < 1.0:
        raise ValueError(f"sparsity must be in [0, 1), not {sparsity}")
    per_layer = dict(per_layer or {})
    masks: Masks = {}
    groups: list[tuple[list[Layer], float]] = []
    rest = [l for l in layers if l.name not in per_layer]
    if scope in ("global", "std"):
        groups.append((rest, sparsity))
    elif scope == "layer":
        groups += [([l], sparsity) for l in rest]
    else:
        raise ValueError(f"scope must be 'global', 'std' or 'layer', not {scope!r}")
    groups += [([l], per_layer[l.name]) for l in layers if l.name in per_layer]
    for group, s in groups:
        if not group:
            continue
        values, spans = _flat(group, relative=scope == "std")
        keep = _smallest(values, s)
        for name, p, a, b in spans:
            masks[name] = keep[a:b].view_as(p).clone()
    return masks


@torch.no_grad()
def apply_masks(layers: Sequence[Layer], masks: Masks) -> None:
    for layer in layers:
        for name, p in layer.params:
            if name in masks:
                p.mul_(masks[name].to(p.dtype))


def prune(layers: Sequence[Layer], sparsity: float, scope: str = "global",
          per_layer: dict[str, float] | None = None) -> Masks:
    """Prunes in place and returns the masks (for retraining)."""
    masks = magnitude_masks(layers, sparsity, scope, per_layer)
    apply_masks(layers, masks)
    return masks


def sparsity(layers: Sequence[Layer]) -> float:
    """Fraction of the layers' weights that are exactly zero."""
    n = sum(l.numel for l in layers)
    return 1.0 - sum(l.nonzeros() for l in layers) / n if n else 0.0


class MaskConstraint:
    """Keeps pruned weights at zero while retraining: zero gradients, and the mask re-applied after each step."""

    def __init__(self, layers: Sequence[Layer], masks: Masks):
        self.items = [(p, masks[name]) for layer in layers for name, p in layer.params if name in masks]
        self.handles = []

    def attach(self) -> "MaskConstraint":
        for p, m in self.items:
            mf = m.to(p.dtype)
            self.handles.append(p.register_hook(lambda g, mf=mf: g * mf))
        return self

    @torch.no_grad()
    def after_step(self) -> None:
        for p, m in self.items:
            p.mul_(m.to(p.dtype))

    def detach(self) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []
