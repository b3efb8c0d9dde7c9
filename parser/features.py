"""The Chen & Manning (2014) feature template: 18 words, 18 POS tags, 12 labels.

Positions (sec. 3.1 of the paper): the top three words on the stack and
buffer (s1..s3, b1..b3); the first and second leftmost / rightmost children
of s1 and s2 (lc1, lc2, rc1, rc2); and the leftmost of the leftmost and the
rightmost of the rightmost child of s1 and s2.  Words and tags are read at all
18 positions, arc labels at the 12 child positions.  A position that does not
exist is NULL (-1 here); word 0 is ROOT.

The template reads only the stack, the buffer and the arcs, so it is defined
for every transition system (:mod:`parser.systems`); with SWAP a word's left
children are still the ones left of it in the sentence.  Kiperwasser &
Goldberg's (2016) four BiLSTM slots are the first four positions (s1, s2, s3,
b1).  Label features are computed by :func:`label_features` only, for one
configuration and for a batch alike.
"""
from __future__ import annotations

import numpy as np

from .configuration import Configuration

POSITIONS = [
    "s1", "s2", "s3", "b1", "b2", "b3",
    "lc1(s1)", "rc1(s1)", "lc2(s1)", "rc2(s1)",
    "lc1(s2)", "rc1(s2)", "lc2(s2)", "rc2(s2)",
    "lc1(lc1(s1))", "rc1(rc1(s1))", "lc1(lc1(s2))", "rc1(rc1(s2))",
]
LABEL_POSITIONS = POSITIONS[6:]
LABEL_SLOTS = slice(6, 18)  # the child positions, whose arc labels are features
FEATURE_NAMES = ([p + ".w" for p in POSITIONS] + [p + ".t" for p in POSITIONS]
                 + [p + ".l" for p in LABEL_POSITIONS])


def positions(c: Configuration) -> list[int]:
    """The 18 word positions of the template for a configuration (-1 = NULL)."""
    def at(seq, i):
        return seq[i] if -len(seq) <= i < len(seq) else -1

    def lc(h, k):
        return at(c.left_children(h), k - 1) if h >= 0 else -1

    def rc(h, k):
        return at(c.right_children(h), k - 1) if h >= 0 else -1

    s1, s2, s3 = at(c.stack, -1), at(c.stack, -2), at(c.stack, -3)
    b1, b2, b3 = at(c.buffer, 0), at(c.buffer, 1), at(c.buffer, 2)
    return [s1, s2, s3, b1, b2, b3,
            lc(s1, 1), rc(s1, 1), lc(s1, 2), rc(s1, 2),
            lc(s2, 1), rc(s2, 1), lc(s2, 2), rc(s2, 2),
            lc(lc(s1, 1), 1), rc(rc(s1, 1), 1), lc(lc(s2, 1), 1), rc(rc(s2, 1), 1)]


def label_features(labels: np.ndarray, rows: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """[len(rows), 12] label ids at the 12 child positions (-1 = NULL), from ``labels[row, word]`` (label id
    of each word's arc, -1 while it has none) and ``pos`` [len(rows), 18] from :func:`positions`."""
    child = pos[:, LABEL_SLOTS]
    return np.where(child >= 0, labels[rows[:, None], child], -1)


def label_ids(c: Configuration, index: dict[str, int]) -> np.ndarray:
    """[1, n+2] the label id of every word's arc in ``c`` (-1: none or unknown; the last column is NULL),
    the ``labels`` argument of :func:`label_features` for one configuration."""
    out = np.full((1, c.n + 2), -1, dtype=np.int64)
    for d, lab in enumerate(c.labels):
        if lab is not None:
            out[0, d] = index.get(lab, -1)
    return out


def describe(c: Configuration, forms: list[str], tags: list[str]) -> dict[str, tuple[str, int]]:
    """Every feature by name -> (the word, tag or label it picks, its word index)."""
    pos = positions(c)
    out = {}
    for name, p in zip(POSITIONS, pos):
        out[name + ".w"] = (_word(p, forms), p)
    for name, p in zip(POSITIONS, pos):
        out[name + ".t"] = (_word(p, tags), p)
    for name, p in zip(LABEL_POSITIONS, pos[LABEL_SLOTS]):
        out[name + ".l"] = (c.labels[p] if p > 0 and c.labels[p] else "<NULL>", p)
    return out


def _word(p: int, seq: list[str]) -> str:
    return "<NULL>" if p < 0 else "<ROOT>" if p == 0 else seq[p - 1]
