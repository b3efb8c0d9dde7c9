"""Weight sharing: k-means quantization of each layer, with the centroids fine-tuned.

Han, Mao & Dally (2016), "Deep Compression", sec. 3: the (remaining) weights
of a layer are clustered into 2^bits shared values with 1-D k-means from a
linear initialisation; each weight then stores only a ``bits``-bit cluster
index.  During fine-tuning the gradient of a centroid gathers the gradients
of its weights (we use their mean, so gradient clipping is not dominated by
big clusters) and every weight of the cluster gets it; after each optimizer
step the cluster's weights are set to their mean, so they stay exactly tied
(this also joins the two directions of a BiLSTM layer, which share one
codebook).  Pruned weights (zeros) stay zero and are not clustered.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from .codebook import Sharing, _values, assign
from .layers import Layer


def kmeans_1d(values: np.ndarray, k: int, iterations: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's algorithm in one dimension with linear initialisation; returns (centroids, assignment).

    A cluster left empty (the linear start puts centroids between far-apart values) is reseeded at
    the value farthest from its centroid.  The centroids returned are sorted and each has at least one
    value (clusters still empty at the end are dropped, so there may be fewer than ``k``); no values
    (a layer pruned to nothing) give no centroids."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    lo, hi = float(values.min()), float(values.max())
    k = max(1, min(k, np.unique(values).size))
    centroids = np.linspace(lo, hi, k)
    order = np.argsort(values, kind="stable")
    sorted_v = values[order]
    csum = np.concatenate([[0.0], np.cumsum(sorted_v)])
    for _ in range(iterations):
        bounds = np.searchsorted(sorted_v, (centroids[1:] + centroids[:-1]) / 2)
        edges = np.concatenate([[0], bounds, [len(sorted_v)]])
        counts = np.diff(edges)
        sums = csum[edges[1:]] - csum[edges[:-1]]
        new = np.where(counts > 0, sums / np.maximum(counts, 1), centroids)
        empty = np.flatnonzero(counts == 0)
        if empty.size:  # reseed each empty cluster at one of the values farthest from their centroid
            error = np.abs(sorted_v - np.repeat(new, counts))
            far = np.argsort(-error, kind="stable")
            far_values = sorted_v[far[error[far] > 0]]  # farthest first, none already a centroid
            _, first = np.unique(far_values, return_index=True)
            seeds = far_values[np.sort(first)][:empty.size]  # distinct values
            new[empty[:seeds.size]] = seeds
            new = np.sort(new)
        if np.allclose(new, centroids, rtol=0, atol=1e-12):
            centroids = new
            break
        centroids = new
    bounds = np.searchsorted(sorted_v, (centroids[1:] + centroids[:-1]) / 2)
    assign_sorted = np.searchsorted(bounds, np.arange(len(sorted_v)), side="right")
    # a centroid no value is nearest to (from the linear start, between far-apart values) is dropped:
    # every centroid returned stands for at least one value, and the indices are renumbered to match
    used = np.bincount(assign_sorted, minlength=len(centroids)) > 0
    if not used.all():
        centroids = centroids[used]
        assign_sorted = (np.cumsum(used) - 1)[assign_sorted]
    assign = np.empty(len(values), dtype=np.int64)
    assign[order] = assign_sorted
    return centroids, assign


@torch.no_grad()
def quantize_layer(layer: Layer, bits: int) -> Sharing:
    """Replaces the layer's non-zero weights by their nearest of 2^bits shared values, in place."""
    if not 1 <= bits <= 8:
        raise ValueError(f"bits must be in 1..8, not {bits}")
    flats = [p.detach().flatten().numpy() for _, p in layer.params]
    allv = np.concatenate(flats)
    nz = allv != 0
    centroids, assign = kmeans_1d(allv[nz], 1 << bits)
    centroids = centroids.astype(np.float32)
    full = np.full(allv.shape, -1, dtype=np.int64)
    full[nz] = assign
    index, start = {}, 0
    for (name, p), f in zip(layer.params, flats):
        idx = torch.from_numpy(full[start:start + f.size].copy()).view_as(p)
        start += f.size
        index[name] = idx
        p.copy_(_values(torch.from_numpy(centroids), idx))
    return Sharing(layer.name, bits, index, centroids)


def _cluster_sums(pairs, K: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Sum and count of the values of each of ``K`` clusters over (values, cluster index) pairs (-1 = pruned)."""
    sums = torch.zeros(K, dtype=torch.float64)
    cnt = torch.zeros(K, dtype=torch.float64)
    for values, idx in pairs:
        kept = idx >= 0
        sums.index_add_(0, idx[kept], values[kept].double())
        cnt += torch.bincount(idx[kept], minlength=K).double()
    return sums, cnt


class TieConstraint:
    """Fine-tunes the shared values: cluster-averaged gradients, and the ties restored after each step."""

    def __init__(self, layers: Sequence[Layer], sharings: Sequence[Sharing]):
        by_name = {s.layer: s for s in sharings}
        self.groups = []
        for layer in layers:
            s = by_name.get(layer.name)
            if s is None:
                continue
            K = len(s.centroids)
            self.groups.append((K, [(p, s.index[name]) for name, p in layer.params]))
        self.handles = []

    def attach(self) -> "TieConstraint":
        for K, items in self.groups:
            for p, idx in items:
                self.handles.append(p.register_hook(self._hook(idx, K)))
        return self

    @staticmethod
    def _hook(idx: torch.Tensor, K: int):
        valid = idx >= 0
        cnt = torch.bincount(idx[valid], minlength=K).clamp(min=1)

        def hook(g):  # every weight of a cluster gets the cluster's mean gradient; pruned weights get 0
            sums = torch.zeros(K, dtype=g.dtype).index_add_(0, idx[valid], g[valid])
            return _values(sums / cnt.to(g.dtype), idx)
        return hook

    @torch.no_grad()
    def after_step(self) -> None:
        """Each cluster takes the mean of its weights (they are equal up to rounding) and pruned weights stay zero."""
        for K, items in self.groups:
            sums, cnt = _cluster_sums(items, K)
            c = (sums / cnt.clamp(min=1)).float()
            for p, idx in items:
                p.copy_(_values(c, idx))

    def detach(self) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []


class QuantizationAware:
    """Quantization-aware fine-tuning: every weight may move to another cluster (straight-through estimator).

    The network always holds the shared values, so forward and backward passes see the quantized
    model. After each optimizer step, the change the step made to a weight goes to that weight's
    full-precision copy (started from the weights before quantization). The copy is assigned to its
    nearest centroid, and each centroid becomes the mean of its copies (one Lloyd step). This is
    how BinaryConnect (Courbariaux et al. 2015) and Jacob et al. (2018) train through quantized
    weights. Han et al.'s centroid fine-tuning (:class:`TieConstraint`) is the special case where
    no weight changes cluster. The number of shared values per layer never grows, and pruned
    weights stay zero. A uniformly quantized layer (:mod:`~parser.compression.uniform`) keeps its
    fixed thresholds instead of the nearest centroid, and its zero level stays zero.
    """

    def __init__(self, layers: Sequence[Layer], sharings: Sequence[Sharing], originals: dict[str, torch.Tensor]):
        """``originals``: the weights before quantization, by parameter name (updated in place as the copies)."""
        by_name = {s.layer: s for s in sharings}
        self.groups = []  # (sorted centroids, [(parameter, full-precision copy, kept mask)], uniform tiers)
        for layer in layers:
            s = by_name.get(layer.name)
            if s is None:
                continue
            items = [(p, originals[name], s.index[name] >= 0) for name, p in layer.params]
            centroids = torch.from_numpy(np.asarray(s.centroids, dtype=np.float32))
            self.groups.append((centroids if s.tiers else torch.sort(centroids)[0], items, s.tiers or None))
        self.last: list[list[torch.Tensor]] = []

    def attach(self) -> "QuantizationAware":
        self.last = [[p.detach().clone() for p, _, _ in items] for _, items, _ in self.groups]
        return self

    @torch.no_grad()
    def after_step(self) -> None:
        for (centroids, items, tiers), last in zip(self.groups, self.last):
            bounds = (centroids[1:] + centroids[:-1]) / 2
            nearest = []
            for (p, copy, keep), before in zip(items, last):
                copy.add_(p - before)
                if tiers is None:  # nearest centroid
                    idx = torch.bucketize(copy, bounds)
                else:  # the fixed uniform thresholds keep the rate (a nearest-centroid step would raise it)
                    idx = assign(tiers, copy)
                nearest.append(torch.where(keep, idx, -1))
            sums, cnt = _cluster_sums([(copy, idx) for (_, copy, _), idx in zip(items, nearest)], len(centroids))
            # means of consecutive intervals stay sorted; an empty cluster keeps its value
            new = torch.where(cnt > 0, sums / cnt.clamp(min=1), centroids.double()).float()
            for t in tiers or ():
                if t.zero is not None:
                    new[t.zero] = 0.0  # the zero level stays zero
            centroids.copy_(new)
            for (p, _, _), idx, before in zip(items, nearest, last):
                p.copy_(_values(centroids, idx))
                before.copy_(p)

    def detach(self) -> None:
        pass
