"""Bit allocation: the rate of every layer that loses least for a total size.

Each layer has a few candidate rates, each with its measured size and its measured loss
(the layer quantized alone, the rest of the model untouched: the sensitivity analysis of
Han et al. 2015, sec. 4).  Assuming the losses add up, the best rates for a byte budget solve
a multiple-choice knapsack (Shoham & Gersho 1988, "Efficient bit allocation for an arbitrary
set of quantizers", who solve it with a Lagrangian; with a dozen layers and a handful of rates
the exact dynamic programme over the budget is as quick).
"""
from __future__ import annotations

import math

import numpy as np
from typing import Mapping, Sequence

Option = tuple[float, int, float]   # (rate, bytes, loss)


def monotone(options: Mapping[str, Sequence[Option]]) -> dict[str, list[Option]]:
    """Each layer's losses made non-increasing in the rate: a rate's loss becomes the largest of the loss
    at that rate and at every higher one, so that a lower rate never looks better than a higher one only
    because its measurement was lucky (a small dev set's LAS moves by a few hundredths either way)."""
    out = {}
    for name, opts in options.items():
        ordered = sorted(opts, key=lambda o: o[0], reverse=True)
        worst, fixed = -math.inf, []
        for rate, size, loss in ordered:
            worst = max(worst, loss)
            fixed.append((rate, size, worst))
        out[name] = fixed[::-1]
    return out


def allocate(options: Mapping[str, Sequence[Option]], budget: int, unit: int = 1) -> dict[str, float]:
    """{layer: rate} with the smallest summed loss whose summed bytes stay within ``budget``.

    Sizes are counted in ``unit`` bytes, rounded up, so the budget is never exceeded (a coarser unit is
    quicker but may miss an allocation that fits only to the byte).  Raises ValueError if even the
    smallest rate of every layer does not fit or a layer has no option.
    """
    if unit < 1:
        raise ValueError("the unit must be at least 1 byte")
    names = list(options)
    for name in names:
        if not options[name]:
            raise ValueError(f"{name}: no candidate rate")
    cap = max(0, budget) // unit
    best = np.zeros(cap + 1)   # best[b]: the smallest loss of the layers so far in at most b units
    picks = []
    for name in names:
        new, pick = np.full(cap + 1, np.inf), np.full(cap + 1, -1, dtype=np.int64)
        for k, (_, size, loss) in enumerate(options[name]):
            w = math.ceil(size / unit)
            if w > cap:
                continue
            cand = np.full(cap + 1, np.inf)
            cand[w:] = best[:cap + 1 - w] + loss
            better = cand < new
            new[better], pick[better] = cand[better], k
        best = new
        picks.append(pick)
    if not np.isfinite(best[cap]):
        raise ValueError(f"the smallest rates of the layers do not fit in {budget:,} bytes")
    end, out = cap, {}
    for name, pick in zip(reversed(names), reversed(picks)):   # walk back through the choices
        rate, size, _ = options[name][int(pick[end])]
        out[name] = rate
        end -= math.ceil(size / unit)
    return {name: out[name] for name in names}
