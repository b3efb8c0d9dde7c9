"""Vocabulary growth: new words, characters, tags and relations for a trained model.

Fine-tuning data brings words the base model never saw and, sometimes, new
relation labels.  :func:`grow` adds them without disturbing what the model
knows: existing rows of every table are kept exactly, and the new rows start
so that *no* prediction changes until training moves them --

* a new word (character) embedding starts as a copy of the UNK row, so the
  model first reads the new word exactly as it read it before, as unknown;
* a new relation l adds LEFT-ARC(l) and RIGHT-ARC(l) output rows initialised
  to the mean of the old LEFT-ARC (RIGHT-ARC) rows with the bias lowered by
  ``margin``: their score is below the best old arc of the same direction, so
  greedy decoding still picks the old transitions;
* a new UPOS tag gets a tagger output row built the same way.

Transitions are numbered 0 SHIFT, 1..L LEFT-ARC(l), L+1..2L RIGHT-ARC(l)
(:class:`parser.transition.TransitionSet`); new labels are appended after the
old ones, so LEFT-ARC numbers stay and RIGHT-ARC numbers shift by the number
of new labels: the output layer's rows are remapped accordingly.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import torch
import torch.nn as nn

from .model import Model
from .transition import ROOT_LABEL, TransitionSet
from .vocab import SPECIALS, UNK_ID, normalize

MARGIN = 1.0


@dataclass
class Growth:
    """What :func:`grow` added."""

    words: list[str] = field(default_factory=list)
    chars: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    # sizes of the vocabularies before growth (rows below these are the old ones)
    old_sizes: dict = field(default_factory=dict)
    word_counts: dict = field(default_factory=dict)  # occurrences of each new word in the data

    def to_json(self) -> dict:
        return {"words": len(self.words), "chars": len(self.chars), "tags": self.tags, "labels": self.labels,
                "example_words": self.words[:20]}

    def __bool__(self) -> bool:
        return bool(self.words or self.chars or self.tags or self.labels)


# -- the tables of each architecture -------------------------------------------------------

def _encoders(model: Model):
    return [model.the_tagger().encoder]


def word_tables(model: Model) -> list[nn.Embedding]:
    out = [e.words for e in _encoders(model)]
    if hasattr(model.parser, "features"):
        out.append(model.parser.features.words)
    return out


def char_tables(model: Model) -> list[nn.Embedding]:
    return [e.chars.emb for e in _encoders(model)]


def tag_tables(model: Model) -> list[nn.Embedding]:
    return [model.parser.features.tags] if hasattr(model.parser, "features") else []


def label_tables(model: Model) -> list[nn.Embedding]:
    p = model.parser
    return [p.features.labels] if hasattr(p, "features") else [p.labels]


# -- tensor surgery ------------------------------------------------------------------------

def _append_rows(emb: nn.Embedding, rows: torch.Tensor) -> None:
    """Appends ``rows`` to an embedding table in place (old rows, padding_idx and flags kept)."""
    if not len(rows):
        return
    with torch.no_grad():
        w = torch.cat([emb.weight.detach(), rows.to(emb.weight.dtype)], dim=0)
    emb.weight = nn.Parameter(w, requires_grad=emb.weight.requires_grad)
    emb.num_embeddings = w.shape[0]


def _remap_linear(lin: nn.Linear, sources: Sequence[int | torch.Tensor]) -> None:
    """Rebuilds the output rows of ``lin``: row i becomes old row ``sources[i]`` (an int) or the
    given (weight, bias) pair."""
    W, b = lin.weight.detach(), lin.bias.detach()
    rows_w, rows_b = [], []
    for s in sources:
        if isinstance(s, int):
            rows_w.append(W[s])
            rows_b.append(b[s])
        else:
            rows_w.append(s[0])
            rows_b.append(s[1])
    lin.weight = nn.Parameter(torch.stack(rows_w).clone(), requires_grad=lin.weight.requires_grad)
    lin.bias = nn.Parameter(torch.stack(rows_b).clone(), requires_grad=lin.bias.requires_grad)
    lin.out_features = len(sources)


def _mean_row(lin: nn.Linear, rows: list[int], margin: float):
    W, b = lin.weight.detach(), lin.bias.detach()
    idx = torch.tensor(rows)
    return W[idx].mean(0), b[idx].mean(0) - margin


# -- growth --------------------------------------------------------------------------------

def new_items(forms: Iterable[Sequence[str]], tags: Iterable[Sequence[str]], labels: Iterable[Sequence[str]],
              model: Model, min_count: int = 1) -> Growth:
    """The words (normalised, seen ``min_count`` times), characters, UPOS tags and relations the model lacks."""
    forms = [list(f) for f in forms]
    wc = Counter(normalize(f) for s in forms for f in s)
    words = sorted((w for w, k in wc.items() if k >= min_count and w not in model.words), key=lambda w: (-wc[w], w))
    cc = Counter(c for s in forms for f in s for c in f)
    chars = sorted((c for c in cc if c not in model.chars), key=lambda c: (-cc[c], c))
    tc = Counter(t for s in tags for t in s if t not in ("_", ""))
    new_tags = sorted(t for t in tc if t not in model.tags and t not in SPECIALS)
    lc = {l for s in labels for l in s if l not in ("_", "")}
    new_labels = sorted(l for l in lc if l not in model.labels)
    return Growth(words, chars, new_tags, new_labels, word_counts={w: wc[w] for w in words})


def grow(model: Model, forms, tags, labels, min_count: int = 1, margin: float = MARGIN) -> Growth:
    """Adds the items of :func:`new_items` to ``model`` in place; returns what was added."""
    g = new_items(forms, tags, labels, model, min_count)
    g.old_sizes = {"words": len(model.words), "chars": len(model.chars), "tags": len(model.tags),
                   "labels": len(model.labels)}
    # words: vocabulary, counts (for word dropout) and rows initialised as UNK
    for w in g.words:
        model.words.add(w)
        model.words.counts[w] = g.word_counts[w]
    for emb in word_tables(model):
        _append_rows(emb, emb.weight.detach()[UNK_ID].expand(len(g.words), -1))
    for c in g.chars:
        model.chars.add(c)
    for emb in char_tables(model):
        _append_rows(emb, emb.weight.detach()[UNK_ID].expand(len(g.chars), -1))
    if g.tags:
        old = len(model.tags)
        for t in g.tags:
            model.tags.add(t)
        for emb in tag_tables(model):
            _append_rows(emb, emb.weight.detach()[UNK_ID].expand(len(g.tags), -1))
        out = model.the_tagger().out
        real = list(range(len(SPECIALS), old))
        mean = _mean_row(out, real, margin)
        _remap_linear(out, list(range(old)) + [mean] * len(g.tags))
    if g.labels:
        _grow_labels(model, g.labels, margin)
    return g


def _grow_labels(model: Model, new: list[str], margin: float) -> None:
    old_labels = list(model.labels)
    L, K = len(old_labels), len(new)
    root = old_labels.index(ROOT_LABEL)
    non_root = [l for l in range(L) if l != root]
    out = model.parser.out
    left = _mean_row(out, [1 + l for l in non_root], margin)
    right = _mean_row(out, [1 + L + l for l in non_root], margin)
    # new numbering: 0 SHIFT | LEFT old (1..L), LEFT new | RIGHT old, RIGHT new
    sources = [0] + [1 + l for l in range(L)] + [left] * K + [1 + L + l for l in range(L)] + [right] * K
    sources += list(range(1 + 2 * L, len(model.transitions)))  # REDUCE / SWAP (arc-eager, swap) stay last
    _remap_linear(out, sources)
    for emb in label_tables(model):  # row 0 is the NULL label, row l+1 label l
        _append_rows(emb, emb.weight.detach()[1:].mean(0, keepdim=True).expand(K, -1))
    model.transitions = model.transitions.with_labels(old_labels + new)


def transition_map(old: TransitionSet, new: TransitionSet) -> list[int]:
    """``new`` number of every ``old`` transition (for comparing scores across growth)."""
    return [new.index[t] for t in old.transitions]
