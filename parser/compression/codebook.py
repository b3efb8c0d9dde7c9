"""Shared weights: the cluster (level) index of every weight and the values the indices stand for.

The common ground of k-means weight sharing (:mod:`~parser.compression.kmeans`, Han, Mao & Dally
2016) and uniform quantization (:mod:`~parser.compression.uniform`, Choi, El-Khamy & Lee 2017):
a :class:`Sharing` per layer, and for uniform quantization the :class:`Tier` blocks of rows with
their fixed thresholds (:func:`assign`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch


@dataclass
class Sharing:
    """The cluster index of every weight of one layer's tensors (-1 = pruned, stays zero)."""

    layer: str
    bits: int
    index: dict[str, torch.Tensor]   # full parameter name -> long tensor
    centroids: np.ndarray
    # uniform quantization (:mod:`~parser.compression.uniform`): blocks of rows with fixed thresholds (empty: k-means)
    tiers: list = field(default_factory=list)


def _values(centroids: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    """The value of every index (-1: zero).  A layer pruned to nothing has no centroids: all zeros."""
    if centroids.numel() == 0:
        return torch.zeros(idx.shape, dtype=centroids.dtype)
    return torch.where(idx >= 0, centroids[idx.clamp(min=0)], torch.zeros((), dtype=centroids.dtype))


@dataclass
class Tier:
    """A block of rows quantized with its own uniform step: its weights take levels offset..offset+k-1."""

    start: int
    end: int | None  # None: to the last row
    step: float
    low: int         # the level of index ``offset`` is ``low``: index = round(w / step) - low + offset
    k: int
    offset: int

    @property
    def zero(self) -> int | None:
        """The index of this tier's zero level (kept exactly 0), if it has one."""
        return self.offset - self.low if self.low <= 0 < self.low + self.k else None


def assign(tiers: list[Tier], w: torch.Tensor) -> torch.Tensor:
    """The level index of every weight of ``w`` under the tiers' fixed uniform thresholds."""
    idx = torch.empty(w.shape, dtype=torch.long)
    for t in tiers:
        part = w[t.start:t.end]
        idx[t.start:t.end] = (torch.round(part / t.step).long() - t.low).clamp(0, t.k - 1) + t.offset
    return idx
