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
    unknown = set(per_layer) - {l.name for l in layers}
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(sorted(unknown))}; the layers are: "
                         f"{', '.join(l.name for l in layers)}")
    for name, s in per_layer.items():
        if not 0.0 <= s < 1.0:
            raise ValueError(f"the sparsity of {name} must be in [0, 1), not {s}")
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
        self.layers = list(layers)
        self.params = {name: p for layer in layers for name, p in layer.params if name in masks}
        self.masks = {name: masks[name].to(p.dtype) for name, p in self.params.items()}  # 1.0 = kept
        self.handles = []

    def attach(self) -> "MaskConstraint":
        for name, p in self.params.items():
            self.handles.append(p.register_hook(lambda g, name=name: g * self.masks[name]))
        return self

    @torch.no_grad()
    def after_step(self) -> None:
        self.project()

    @torch.no_grad()
    def project(self) -> None:
        """Zeroes the pruned weights."""
        for name, p in self.params.items():
            p.mul_(self.masks[name])

    def detach(self) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []


class GradualPruning(MaskConstraint):
    """Iterative pruning during retraining: the sparsity rises to its target over ``ramp`` optimizer steps.

    Han et al. (2015, sec. 3.3) prune and retrain in several rounds; here the
    rounds are small and frequent: every ``every`` steps the masks are
    recomputed by magnitude at the sparsity of the cubic schedule of Zhu &
    Gupta (2017, "To prune, or not to prune"), s_t = s (1 - (1 - t/ramp)^3),
    so the network adapts while it loses weights.  After the ramp the mask is fixed.
    """

    def __init__(self, layers: Sequence[Layer], sparsity: float, scope: str = "std",
                 per_layer: dict[str, float] | None = None, ramp: int = 1000, every: int = 20):
        self.sparsity, self.scope, self.per_layer = sparsity, scope, dict(per_layer or {})
        self.ramp, self.every, self.step = max(1, ramp), max(1, every), 0
        super().__init__(layers, magnitude_masks(layers, 0.0, scope, {k: 0.0 for k in self.per_layer}))

    @property
    def settled(self) -> bool:
        """True once the sparsity has reached its target (only then can an epoch be kept as the best)."""
        return self.step >= self.ramp

    def fraction(self, step: int) -> float:
        """How far along the schedule: 0 at the start, 1 from ``ramp`` on."""
        return 1.0 - (1.0 - min(step, self.ramp) / self.ramp) ** 3

    @torch.no_grad()
    def after_step(self) -> None:
        self.step += 1
        if self.step <= self.ramp and (self.step % self.every == 0 or self.step == self.ramp):
            f = self.fraction(self.step)
            new = magnitude_masks(self.layers, self.sparsity * f, self.scope,
                                  {k: v * f for k, v in self.per_layer.items()})
            for name, m in self.masks.items():
                m.copy_(new[name].to(m.dtype))
        super().after_step()

    def final_masks(self) -> Masks:
        return {name: m.bool() for name, m in self.masks.items()}
