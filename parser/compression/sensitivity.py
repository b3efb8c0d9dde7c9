"""Layer sensitivity: prune one layer alone at increasing sparsity and measure dev LAS.

Han et al. (2015, sec. 4, fig. 6) prune each layer by itself to see which
layers are sensitive; the curves suggest a sparsity per layer.
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch

from ..conllu import Sentence
from ..model import Model
from .layers import Layer, model_layers
from .measure import accuracy_and_speed
from .pruning import magnitude_masks, apply_masks
from ..progress import Cancelled

DEFAULT_SPARSITIES = (0.5, 0.7, 0.8, 0.9, 0.95)


def layer_sensitivity(model: Model, dev: Sequence[Sentence], sparsities: Sequence[float] = DEFAULT_SPARSITIES,
                      layers: Sequence[str] | None = None,
                      on_point: Callable[[str, float, dict], None] | None = None,
                      progress: Callable[[int, int, str], None] | None = None,
                      cancelled: Callable[[], bool] = lambda: False) -> list[dict]:
    """For every layer and sparsity: dev UAS/LAS with only that layer pruned (the model is restored after)."""
    all_layers = model_layers(model)
    chosen: list[Layer] = [l for l in all_layers if layers is None or l.name in layers]
    points = []
    total, done = len(chosen) * len(sparsities), 0
    for layer in chosen:
        saved = [p.detach().clone() for _, p in layer.params]
        try:
            for s in sparsities:
                if cancelled():
                    raise Cancelled()
                if progress:
                    progress(done, total, f"sensitivity: {layer.name} at {s:.0%}")
                apply_masks([layer], magnitude_masks([layer], s, scope="layer"))
                scores = accuracy_and_speed(model, dev)
                point = {"layer": layer.name, "sparsity": s, "weights": layer.numel, **scores}
                points.append(point)
                if on_point:
                    on_point(layer.name, s, point)
                with torch.no_grad():
                    for (_, p), w in zip(layer.params, saved):
                        p.copy_(w)
                done += 1
        finally:
            with torch.no_grad():
                for (_, p), w in zip(layer.params, saved):
                    p.copy_(w)
    if progress:
        progress(total, total, "sensitivity: done")
    return points
