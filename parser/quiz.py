"""Practice: judging a student's next transition against the oracle.

A student sees a configuration and proposes the next transition. For arc-eager and arc-hybrid the
judge is the dynamic oracle (Goldberg & Nivre 2012, 2013): every transition of cost 0 is optimal —
it still leads to the best tree reachable — so a move other than the static oracle's can be just as
good, and after a mistake the optimal moves are those from the configuration actually reached.
arc-standard and swap have no dynamic oracle here: their judge is the static oracle (Nivre 2008;
Nivre 2009), which knows one right move, and after a mistake its move is no longer guaranteed to be
optimal (:attr:`Judgement.static` says so).

The model's choice in the student's configuration (which the model itself may never have reached)
is scored with the same network and template as :func:`.decode.trace`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import torch

from . import dynamic_oracle
from . import features as F
from .configuration import Configuration, Gold, Transition
from .transition import TransitionSet

RIGHT, ALSO_OPTIMAL, WRONG, ILLEGAL = "right", "also optimal", "wrong", "illegal"


@dataclass
class Judgement:
    """What the judge says about one proposed move."""

    move: Transition
    verdict: str                      # RIGHT (the oracle's move), ALSO_OPTIMAL, WRONG or ILLEGAL
    oracle: Transition | None         # the static oracle's move (None when it is stuck)
    optimal: list[Transition] = field(default_factory=list)  # every optimal move (dynamic), or [oracle]
    cost: int | None = None           # gold arcs the move loses (dynamic oracle only)
    static: bool = False              # judged by the static oracle (arc-standard, swap)
    model: Transition | None = None   # the model's choice in this configuration, if a model was given

    @property
    def ok(self) -> bool:
        return self.verdict in (RIGHT, ALSO_OPTIMAL)


def judge(config: Configuration, gold: Gold, move: Transition, transitions: TransitionSet) -> Judgement:
    """Judges ``move`` in ``config`` towards ``gold`` (see the module docstring)."""
    system = config.system
    oracle = system.oracle(config, gold)
    if oracle is not None and not system.allows(config, oracle):
        oracle = None
    if not system.allows(config, move):
        optimal = _optimal(config, gold, transitions, oracle)
        return Judgement(move, ILLEGAL, oracle, optimal, None, not system.dynamic)
    if system.dynamic:
        optimal = _optimal(config, gold, transitions, oracle)
        cost = dynamic_oracle.transition_cost(config, gold, move)
        if cost == 0:
            verdict = RIGHT if move == oracle else ALSO_OPTIMAL
        else:
            verdict = WRONG
        return Judgement(move, verdict, oracle, optimal, cost, False)
    verdict = RIGHT if move == oracle else WRONG
    return Judgement(move, verdict, oracle, [oracle] if oracle is not None else [], None, True)


def _optimal(config: Configuration, gold: Gold, transitions: TransitionSet, oracle) -> list[Transition]:
    if not config.system.dynamic:
        return [oracle] if oracle is not None else []
    costs = dynamic_oracle.costs(config, gold, transitions)
    return [transitions[i] for i, c in enumerate(costs) if c == 0]


def model_choice(model, forms: Sequence[str], tags: Sequence[str], config: Configuration) -> Transition | None:
    """The model's (greedy) choice in ``config``: its best-scoring legal transition; None when the model
    uses another transition system than the configuration's or nothing is legal."""
    ts = model.transitions
    if ts.system.name != config.system.name:
        return None
    model.eval()
    with torch.no_grad():
        from .decode import _context, scorer
        b = model.encode([list(forms)], [list(tags)])
        ctx = _context(model, b, False)
        score = scorer(model, [list(forms)], [list(tags)], b, ctx)
        row = np.zeros(1, dtype=np.int64)
        pos = np.array([F.positions(config)], dtype=np.int64)
        labs = F.label_features(F.label_ids(config, {l: i for i, l in enumerate(model.labels)}), row, pos)
        values = score(row, pos, labs)[0].tolist()
    legal = ts.legal_mask(config)
    ok = [k for k, good in enumerate(legal) if good]
    return ts[max(ok, key=values.__getitem__)] if ok else None
