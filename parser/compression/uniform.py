"""Entropy-constrained weight sharing: a uniform quantizer whose step is set by the Huffman rate.

k-means (:mod:`~parser.compression.kmeans`) minimises the error for a given *number* of
shared values. But Deep Compression stores the indices Huffman-coded, so what the file
pays for is their *entropy*. For a given entropy, a uniform quantizer is close to the best
there is (Gish & Pierce 1968); Choi, El-Khamy & Lee (2017, "Towards the limit of network
quantization") show that uniform quantization + Huffman coding beats k-means + Huffman
coding on networks. Here each layer gets the step at which the storage's smallest encoding
of it (Huffman-coded indices, dense or sparse, :mod:`~parser.compression.storage`) costs
``rate`` bits per weight, and each level's value is the mean of its weights. The level
around zero is exactly zero, so the quantizer also prunes the weights below step/2.
Already-pruned weights stay zero and are not counted.
"""
from __future__ import annotations

import numpy as np
import torch

from .kmeans import Sharing, _values
from .layers import Layer
from .storage import tensor_bytes

MAX_LEVELS = 255  # the storage's codebooks hold at most 256 values


def levels(values: np.ndarray, step: float) -> np.ndarray:
    """The uniform level of every value: round(value / step) (clipped to at most MAX_LEVELS levels)."""
    half = MAX_LEVELS // 2
    return np.clip(np.rint(values / step), -half, half).astype(np.int64)


def layer_bits(tensors: list[np.ndarray], step: float) -> int:
    """Bits on disk of the layer's tensors quantized with ``step`` (the storage's smallest encoding of each)."""
    return 8 * sum(tensor_bytes(np.where(t != 0, levels(t, step) * step, 0.0)) for t in tensors)


def step_for_rate(tensors: list[np.ndarray], rate: float, iterations: int = 25) -> float:
    """The (smallest found) step whose quantized tensors cost at most ``rate`` bits per weight (bisection)."""
    n = sum(t.size for t in tensors)
    top = max((float(np.abs(t).max()) for t in tensors if t.size), default=0.0) + 1e-12
    target = rate * n
    # lo: the smallest step that needs no clipping (at high rates the rate may stay below the target);
    # hi: everything rounds to 0
    lo, hi = top / (MAX_LEVELS // 2), top * 4
    if layer_bits(tensors, lo) <= target:
        return lo
    for _ in range(iterations):
        mid = (lo * hi) ** 0.5
        if layer_bits(tensors, mid) > target:
            lo = mid
        else:
            hi = mid
    return hi


@torch.no_grad()
def quantize_layer_uniform(layer: Layer, rate: float) -> Sharing:
    """Replaces the layer's non-zero weights by uniform levels (zero level = 0, others = their means), in place."""
    if not 0.1 <= rate <= 8:
        raise ValueError(f"the rate must be between 0.1 and 8 bits per weight, not {rate}")
    flats = [p.detach().flatten().numpy().astype(np.float64) for _, p in layer.params]
    allv = np.concatenate(flats)
    nz = allv != 0
    step = step_for_rate(flats, rate)
    q = levels(allv[nz], step)
    low = int(q.min()) if q.size else 0
    k = int(q.max()) - low + 1 if q.size else 1
    cnt = np.bincount(q - low, minlength=k)
    means = np.bincount(q - low, weights=allv[nz], minlength=k) / np.maximum(cnt, 1)
    centroids = np.where(cnt > 0, means, (np.arange(k) + low) * step)
    if low <= 0 < low + k:
        centroids[-low] = 0.0
    full = np.full(allv.shape, -1, dtype=np.int64)
    full[nz] = q - low
    c = torch.from_numpy(centroids.astype(np.float32))
    index, start = {}, 0
    for (name, p), f in zip(layer.params, flats):
        idx = torch.from_numpy(full[start:start + f.size].copy()).view_as(p)
        start += f.size
        index[name] = idx
        p.copy_(_values(c, idx))
    return Sharing(layer.name, 0, index, centroids.astype(np.float32), step=step, low=low)
