"""An ensemble of transition parsers: one greedy decoder, the members' mean log-probabilities.

Greedy decoding with several models trained differently (here: from scratch and fine-tuned from another
language's model, the two starts of :mod:`parser.auto_start`) and one configuration per sentence: at each
step every member scores the same configuration and the transition with the best mean log-probability is
taken -- the product of experts of Hinton (2002), as the score ensembles of greedy parsers in Surdeanu &
Manning (2010) and Kuncoro et al. (2016) combine their members.  The first member (the model itself) owns
the transition set and the labels; a partner's transitions and labels are matched to them by name, and a
transition a partner does not know is scored by the members that do.  Tags are combined the same way.

A model folder holds its partners in sub-folders (``partner-1/``; ``config["ensemble"]``, see
:meth:`parser.model.Model.load`); everything but decoding (training, compression, the "why" of a choice)
works on the first member alone.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch

Scorer = Callable[[np.ndarray, np.ndarray, np.ndarray], torch.Tensor]


def transition_map(reference, member) -> tuple[np.ndarray, np.ndarray]:
    """``(actions, labels)``: for every transition of ``reference`` its number in ``member`` (-1: unknown),
    and for every label id of ``reference`` (and -1, NULL, last) the member's label id (-1: unknown)."""
    index = {(t.kind, t.label): k for k, t in enumerate(member.transitions)}
    actions = np.array([index.get((t.kind, t.label), -1) for t in reference.transitions], dtype=np.int64)
    ids = {label: k for k, label in enumerate(member.labels)}
    labels = np.array([ids.get(label, -1) for label in reference.labels] + [-1], dtype=np.int64)
    return actions, labels


def mean_log_probs(parts: Sequence[tuple[torch.Tensor, np.ndarray]], n: int) -> torch.Tensor:
    """The mean over members of log-softmax scores mapped onto ``n`` reference columns: ``parts`` are
    (a member's scores [rows, its columns], its column for each reference column, -1 where it has none)."""
    total, count = None, np.zeros(n)
    for scores, columns in parts:
        known = columns >= 0
        lp = torch.log_softmax(scores.float(), dim=-1)[..., np.maximum(columns, 0)]
        lp = torch.where(torch.from_numpy(known), lp, torch.zeros(()))
        total = lp if total is None else total + lp
        count += known
    return total / torch.from_numpy(np.maximum(count, 1)).float()


def combined_scorer(reference, members: Sequence[tuple[object, Scorer]]) -> Scorer:
    """A scorer over ``reference``'s transitions from ``members`` ((model, its scorer); the reference first):
    the mean log-probability of each transition (:func:`mean_log_probs`)."""
    maps = [transition_map(reference, m) for m, _ in members]
    n = len(reference.transitions)

    def score(rows, pos, labs):
        return mean_log_probs([(fn(rows, pos, np.ascontiguousarray(lab[labs])), actions)
                               for (_, fn), (actions, lab) in zip(members, maps)], n)
    return score


def tag_columns(reference, member) -> np.ndarray:
    """For every tag id of ``reference``, the member's id of the same tag (-1: unknown)."""
    stoi = member.tags.stoi
    return np.array([stoi.get(t, -1) for t in reference.tags.itos], dtype=np.int64)


def combined_tag_logits(reference, members: Sequence[tuple[object, torch.Tensor]]) -> torch.Tensor:
    """Tag scores [B, N+2, reference tags] from each member's tag logits: the mean log-probability."""
    return mean_log_probs([(logits, tag_columns(reference, m)) for m, logits in members], len(reference.tags.itos))
