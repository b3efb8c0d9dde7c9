"""Vocabulary pruning: structured pruning of the word-embedding rows of rare words.

A word seen fewer than ``min_count`` times in the training treebank loses its
embedding row and is read as UNK, which is what word dropout (Kiperwasser &
Goldberg 2016, sec. 6) already trained the model to do for rare words; its
character features still describe it.  Removing a row removes every weight
from that word's one-hot input at once (structured pruning), and the
vocabulary the model file carries shrinks with it.  The word-embedding table
is the biggest tensor of the bundled model (44% of its parameters), and most
of its rows belong to words seen a handful of times.
"""
from __future__ import annotations

import copy

import torch

from ..model import Model
from ..vocab import SPECIALS, Vocabulary


def kept_words(words: Vocabulary, min_count: int) -> list[str]:
    """The vocabulary items (specials excluded) seen at least ``min_count`` times, in their order."""
    return [w for w in words.itos[len(SPECIALS):] if words.counts.get(w, 0) >= min_count]


@torch.no_grad()
def prune_vocabulary(model: Model, min_count: int) -> Model:
    """A copy of ``model`` whose word vocabulary keeps the words seen >= ``min_count`` times.

    Every word-embedding table (one row per vocabulary item) keeps the rows of
    the surviving words; the other tensors are copied unchanged, so a word
    still in the vocabulary gets exactly the vector it had.
    """
    if min_count <= 1:
        return copy.deepcopy(model)
    old = model.words
    items = kept_words(old, min_count)
    new = Vocabulary(items, {w: old.counts[w] for w in items})
    rows = torch.tensor([old.stoi[w] for w in new.itos], dtype=torch.long)
    config = {k: v for k, v in model.config.items() if k != "compression"}
    pruned = Model.create(copy.deepcopy(config), new, model.chars, model.tags, model.labels)
    for key, module in model.modules().items():
        state = module.state_dict()
        for name, t in state.items():
            if name.endswith("words.weight") and t.dim() == 2 and t.shape[0] == len(old):
                state[name] = t[rows].clone()
        pruned.modules()[key].load_state_dict(state)
    pruned.extra = {k: v for k, v in model.extra.items() if k not in ("counts", "row_blocks")}
    return pruned.eval()


def first_row_below(words: Vocabulary, count: int) -> int:
    """The first row of the words seen fewer than ``count`` times (the vocabulary is sorted by count)."""
    seen = [words.counts.get(w, 0) for w in words.itos[len(SPECIALS):]]
    if any(b > a for a, b in zip(seen, seen[1:])):
        raise ValueError("the word vocabulary is not sorted by count")
    return len(SPECIALS) + sum(c >= count for c in seen)


def rare_row_rates(words: Vocabulary, rates: dict[int, float]) -> list[tuple[int, float]]:
    """{count: rate} (the words seen fewer than ``count`` times get ``rate``) as [(first row, rate), ...].

    The rarest words take the rate of the smallest count; blocks with no rows are left out.
    """
    out = []
    for count in sorted(rates, reverse=True):
        row = first_row_below(words, count)
        if row < len(words) and (not out or row > out[-1][0]):
            out.append((row, float(rates[count])))
        elif out and row == out[-1][0]:
            out[-1] = (row, float(rates[count]))
    return out
