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

Blocks of rows may get rates of their own (:class:`Tier`): the word table is sorted by training
count, so the rows of rare words, which matter less, can be stored with fewer bits per weight than
the frequent ones; the storage writes each block with its own codebook. The biases can be quantized
the same way (:func:`quantize_vectors`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from .codebook import Sharing, Tier, _values, assign  # noqa: F401 (Tier, assign: re-exported)
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


def _rows(layer: Layer, row_rates: Sequence[tuple[int, float]] | None, rate: float) -> list[tuple[int, int | None, float]]:
    """(start, end, rate) row blocks: rows before the first ``row_rates`` start get ``rate``."""
    if not row_rates:
        return [(0, None, rate)]
    if len(layer.params) != 1:
        raise ValueError(f"{layer.name}: rates per block of rows need a layer of one tensor")
    rows = layer.params[0][1].shape[0]
    starts = [0] + [int(s) for s, _ in row_rates]
    if any(b <= a for a, b in zip(starts, starts[1:])) or starts[-1] >= rows:
        raise ValueError(f"{layer.name}: row blocks must start in increasing order below {rows} rows, not {starts[1:]}")
    rates = [rate] + [float(r) for _, r in row_rates]
    ends = starts[1:] + [None]
    return list(zip(starts, ends, rates))


@torch.no_grad()
def quantize_layer_uniform(layer: Layer, rate: float, row_rates: Sequence[tuple[int, float]] | None = None) -> Sharing:
    """Replaces the layer's non-zero weights by uniform levels (zero level = 0, others = their means), in place.

    ``row_rates`` [(first row, rate), ...] give later blocks of rows their own rates (and steps); the
    storage then writes each block with its own codebook. For an embedding table whose rows are sorted
    by frequency, this spends fewer bits on rare words than on frequent ones.
    """
    blocks = _rows(layer, row_rates, rate)
    for _, _, r in blocks:
        if not 0 <= r <= 8 or (r < 0.1 and r != 0):
            raise ValueError(f"the rate must be 0 or between 0.1 and 8 bits per weight, not {r}")
    params = [p for _, p in layer.params]
    originals = [p.detach().numpy().astype(np.float64) for p in params]
    index = {name: torch.full(p.shape, -1, dtype=torch.long) for name, p in layer.params}
    tiers, centroids = [], []
    for start, end, r in blocks:
        flats = [o[start:end].ravel() for o in originals]
        allv = np.concatenate(flats)
        nz = allv != 0
        if r == 0:  # the whole block is pruned
            for p in params:
                p[start:end] = 0
            tiers.append(Tier(start, end, 1.0, 0, 1, len(centroids)))
            centroids.append(0.0)
            continue
        step = step_for_rate(flats, r)
        q = levels(allv[nz], step)
        low = int(q.min()) if q.size else 0
        k = int(q.max()) - low + 1 if q.size else 1
        cnt = np.bincount(q - low, minlength=k)
        means = np.bincount(q - low, weights=allv[nz], minlength=k) / np.maximum(cnt, 1)
        c = np.where(cnt > 0, means, (np.arange(k) + low) * step)
        tier = Tier(start, end, step, low, k, len(centroids))
        if tier.zero is not None:
            c[-low] = 0.0
        full = np.full(allv.shape, -1, dtype=np.int64)
        full[nz] = q - low + tier.offset
        centroids.extend(c.tolist())
        tiers.append(tier)
        pos = 0
        for (name, p), f in zip(layer.params, flats):
            index[name][start:end] = torch.from_numpy(full[pos:pos + f.size].copy()).view_as(p[start:end])
            pos += f.size
    c = torch.tensor(centroids, dtype=torch.float32)
    for name, p in layer.params:
        p.copy_(_values(c, index[name]))
    return Sharing(layer.name, 0, index, c.numpy(), tiers=tiers)


def vector_layers(model, min_size: int = 64) -> list[Layer]:
    """Every bias-like vector of the model (1-D, at least ``min_size`` values) as a layer of its own.

    A vector of zeros (e.g. the LSTM's b_hh once folded into b_ih) is included: it then stays zero
    while the model is fine-tuned, as pruned weights do.
    """
    return [Layer(f"{key}/{name}", "vector", [(f"{key}/{name}", p)]) for key, net in model.modules().items()
            for name, p in net.named_parameters() if p.dim() == 1 and p.numel() >= min_size]


def quantize_vectors(model, rate: float) -> list[Sharing]:
    """Uniformly quantizes every bias-like vector at ``rate`` bits per value (:func:`vector_layers`).

    The weight matrices dominate a model, but once they take 1-2 bits per weight, float32 biases are a few
    percent of the file (the LSTM gate biases above all).
    """
    return [quantize_layer_uniform(l, rate) for l in vector_layers(model)]
