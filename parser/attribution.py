"""Why this transition: which inputs pushed the model's choice against the runner-up.

Occlusion (Zeiler & Fergus 2014): each input of the scoring network is replaced, one at a time,
by the vector the network reads for an empty position (its NULL word, tag or label, or for
``kg2016`` the BiLSTM's NULL column), and the change of the *margin* — the chosen transition's
score minus the runner-up's (the best other legal transition) — is recorded. A positive value
means the input pushed towards the choice; a negative one, against it.

Inputs: for the Chen & Manning networks (``cm2014``, ``weiss2015``) each of the 48 template
features (18 words, 18 tags, 12 labels; :mod:`.features`); for ``kg2016`` the BiLSTM vectors of
the stack/buffer slots (s1, s2, s3, b1) and the 12 child labels (Kiperwasser & Goldberg 2016).
Nothing here changes the model.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from . import features as F
from .decode import _context, scorer
from .model import Model


@dataclass
class Push:
    """One input's share of a decision."""

    name: str    # e.g. "s1.w", "lc1(s2).l"
    word: int    # the word it read (0: ROOT, -1: an empty position)
    delta: float  # margin with the input minus margin with it occluded


@dataclass
class Explanation:
    chosen: int        # transition numbers, as in the trace
    runner_up: int | None
    margin: float      # chosen's score minus runner-up's (logits)
    pushes: list[Push]  # in the network's input order

    def strongest(self, k: int = 5) -> list[Push]:
        return sorted(self.pushes, key=lambda p: -abs(p.delta))[:k]

    def word_shares(self, n_words: int) -> list[float]:
        """Per word (0 = ROOT … n), the summed deltas of the inputs that read it: for shading the tree."""
        out = [0.0] * (n_words + 1)
        for p in self.pushes:
            if 0 <= p.word <= n_words:
                out[p.word] += p.delta
        return out


def _runner_up(logits: list[float], legal: list[bool], chosen: int) -> int | None:
    others = [k for k, ok in enumerate(legal) if ok and k != chosen]
    return max(others, key=logits.__getitem__) if others else None


def explain(model: Model, trace, k: int) -> Explanation:
    """Occlusion attributions for step ``k`` of a model trace (:func:`.decode.trace`) of ``model``."""
    step = trace.steps[k]
    c = step.config
    model.eval()
    with torch.no_grad():
        b = model.encode([list(trace.forms)], [list(trace.tags)])
        ctx = _context(model, b, False)
        row = np.zeros(1, dtype=np.int64)
        pos = np.array([F.positions(c)], dtype=np.int64)
        labs = F.label_features(F.label_ids(c, {l: i for i, l in enumerate(model.labels)}), row, pos)
        net = model.parser
        if model.arch == "kg2016":  # an ensemble's inputs are occluded in every member (parser.ensemble)
            score = scorer(model, [list(trace.forms)], [list(trace.tags)], b, ctx)

            def margin_of(p, l):
                return score(row, p, l)[0]

            variants = []
            for i, slot in enumerate(net.SLOT_POSITIONS[:net.SLOTS]):
                p = pos.copy()
                p[0, slot] = -1
                variants.append((F.POSITIONS[slot] + ".w", int(pos[0, slot]), p, labs))
            for j, name in enumerate(F.LABEL_POSITIONS):
                l = labs.copy()
                l[0, j] = -1
                variants.append((name + ".l", int(pos[0, 6 + j]), pos, l))
            base = margin_of(pos, labs).tolist()
            scored = [(name, word, margin_of(p, l).tolist()) for name, word, p, l in variants]
        else:
            x = net.features(ctx, torch.from_numpy(row), torch.from_numpy(pos), torch.from_numpy(labs))
            head = _HEADS[model.arch]
            base = head(net, x)[0].tolist()
            dim = net.features.words.embedding_dim
            words, tags = ctx
            nulls = [net.features.words(words[0, -1]), net.features.tags(tags[0, -1]), net.features.labels.weight[0]]
            scored = []
            for f, name in enumerate(F.FEATURE_NAMES):
                kind = 0 if f < 18 else 1 if f < 36 else 2
                slot = f % 18 if kind < 2 else 6 + (f - 36)
                xo = x.clone()
                xo[0, f * dim:(f + 1) * dim] = nulls[kind]
                scored.append((name, int(pos[0, slot]), head(net, xo)[0].tolist()))
    chosen = step.chosen
    runner = _runner_up(base, step.legal, chosen)

    def margin(values: list[float]) -> float:
        return values[chosen] - (values[runner] if runner is not None else 0.0)

    m = margin(base)
    return Explanation(chosen, runner, m, [Push(name, word, m - margin(v)) for name, word, v in scored])


_HEADS = {
    "cm2014": lambda net, x: net.out(net.hidden(x) ** 3),
    "weiss2015": lambda net, x: net.out(net.mlp(x)),
}
