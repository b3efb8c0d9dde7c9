"""Bit allocation (parser.compression.allocation): the least summed loss within a byte budget."""
import itertools

import pytest

from deplab.parser.compression.allocation import allocate, monotone

OPTIONS = {  # (rate, bytes, loss)
    "a": [(1.0, 1000, 0.9), (2.0, 2000, 0.2), (3.0, 3000, 0.1)],
    "b": [(1.0, 500, 0.3), (2.0, 1000, 0.25), (4.0, 2000, 0.0)],
    "c": [(2.0, 640, 0.5), (5.0, 1600, 0.05)],
}


def brute_force(options, budget):
    best = None
    for combo in itertools.product(*options.values()):
        if sum(o[1] for o in combo) <= budget:
            loss = sum(o[2] for o in combo)
            if best is None or loss < best[0]:
                best = (loss, {n: o[0] for n, o in zip(options, combo)})
    return best


@pytest.mark.parametrize("budget", [2140, 3000, 3500, 4200, 5000, 7000])
def test_allocate_finds_the_least_loss_within_the_budget(budget):
    chosen = allocate(OPTIONS, budget, unit=1)
    size = sum(dict((r, b) for r, b, _ in OPTIONS[n])[r] for n, r in chosen.items())
    loss = sum(dict((r, l) for r, _, l in OPTIONS[n])[r] for n, r in chosen.items())
    assert size <= budget
    assert loss == pytest.approx(brute_force(OPTIONS, budget)[0])


def test_allocate_with_coarse_units_never_exceeds_the_budget():
    for budget in range(2140 + 3 * 64, 7000, 37):   # (each layer's size rounds up by less than a unit)
        chosen = allocate(OPTIONS, budget, unit=64)
        assert sum(dict((r, b) for r, b, _ in OPTIONS[n])[r] for n, r in chosen.items()) <= budget
    assert list(allocate(OPTIONS, 7000)) == ["a", "b", "c"]   # the layers' order is kept


def test_allocate_says_when_nothing_fits():
    with pytest.raises(ValueError, match="do not fit"):
        allocate(OPTIONS, 2000, unit=1)
    with pytest.raises(ValueError, match="no candidate"):
        allocate({"a": []}, 1000)


def test_monotone_never_lets_a_lower_rate_lose_less():
    fixed = monotone({"a": [(1.0, 10, 0.3), (1.5, 15, 0.4), (2.0, 20, 0.1), (3.0, 30, 0.15)]})["a"]
    assert fixed == [(1.0, 10, 0.4), (1.5, 15, 0.4), (2.0, 20, 0.15), (3.0, 30, 0.15)]
