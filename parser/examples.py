"""Training data: a treebank as plain lists, and the static oracle's examples from it.

Chen & Manning (2014, sec. 3.3): every configuration on the oracle path of a training tree is one
example (features -> gold transition).  For the projective systems non-projective trees are
projectivised first (:func:`parser.tree.projectivize`; the lifted arcs are counted), swap (Nivre
2009) learns them as they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .batch import BatchConfigurations
from .conllu import Sentence
from .model import Model
from .oracle import oracle_transitions
from .errors import UserError
from .tree import DependencyTree, projectivize


def has_complete_tree(sentence: Sentence) -> bool:
    """Every word has a head and the heads form one tree rooted at 0: the sentence can be trained on."""
    heads = [w.head_index for w in sentence.words]
    return bool(heads) and all(h is not None for h in heads) and DependencyTree(heads).is_valid()


@dataclass
class Treebank:
    """Training sentences as plain lists, with their oracle examples."""

    forms: list[list[str]]
    tags: list[list[str]]
    heads: list[list[int]]
    labels: list[list[str]]
    lifted: int = 0          # arcs lifted to projectivise
    nonprojective: int = 0   # non-projective trees (projectivised when ``projective``)
    skipped: int = 0         # sentences without a complete tree

    @classmethod
    def from_sentences(cls, sentences: Sequence[Sentence], projective: bool = True) -> "Treebank":
        tb = cls([], [], [], [])
        for s in sentences:
            words = s.words
            if not has_complete_tree(s):
                tb.skipped += 1
                continue
            heads = [w.head_index for w in words]
            if not DependencyTree(heads).is_projective():
                tb.nonprojective += 1
                if projective:
                    heads, lifts = projectivize(heads)
                    tb.lifted += lifts
            tb.forms.append([w.form for w in words])
            tb.tags.append([w.upos for w in words])
            tb.heads.append(heads)
            tb.labels.append([w.deprel for w in words])
        return tb

    def nonprojective_indices(self) -> list[int]:
        """The indices of the trees that are non-projective as stored (none once projectivised)."""
        return [i for i, h in enumerate(self.heads) if not DependencyTree(h).is_projective()]

    def __len__(self) -> int:
        return len(self.forms)

    def subset(self, idx: Sequence[int]) -> "Treebank":
        return Treebank([self.forms[i] for i in idx], [self.tags[i] for i in idx], [self.heads[i] for i in idx],
                        [self.labels[i] for i in idx])

    def __add__(self, other: "Treebank") -> "Treebank":
        return Treebank(self.forms + other.forms, self.tags + other.tags, self.heads + other.heads,
                        self.labels + other.labels)


def training_treebank(sentences: Sequence[Sentence], what: str = "the training data", **kw) -> Treebank:
    """The sentences with a complete tree, as a Treebank (``kw``: :meth:`Treebank.from_sentences`'s options);
    a UserError naming ``what`` if there is none."""
    tb = Treebank.from_sentences(sentences, **kw)
    if not len(tb):
        raise UserError(f"{what}: no sentence with a complete dependency tree "
                        f"({tb.skipped} sentence(s) without one)")
    return tb


@dataclass
class Examples:
    """Oracle configurations: ``sent[i]`` is the sentence of example i."""

    sent: np.ndarray     # [M]
    pos: np.ndarray      # [M, 18]
    labs: np.ndarray     # [M, 12]
    actions: np.ndarray  # [M]
    offsets: np.ndarray  # [S+1] examples of sentence s are offsets[s]:offsets[s+1]


def oracle_examples(tb: Treebank, model: Model) -> Examples:
    """Replays the static oracle of the model's system for all sentences at once and records the features at
    each step (the trees must be derivable: projectivised for the projective systems)."""
    index, system = model.transitions.index, model.transitions.system
    seqs = [[index[t] for t in oracle_transitions(h, l, system)] for h, l in zip(tb.heads, tb.labels)]
    S = len(seqs)
    T = max(len(s) for s in seqs)
    A = np.full((S, T), -1, dtype=np.int64)
    for i, s in enumerate(seqs):
        A[i, :len(s)] = s
    state = BatchConfigurations([len(f) for f in tb.forms], model.transitions)
    sent, pos, labs, acts = [], [], [], []
    for t in range(T):
        rows = np.nonzero(A[:, t] >= 0)[0]
        p = state.positions(rows)
        sent.append(rows), pos.append(p), labs.append(state.label_features(rows, p)), acts.append(A[rows, t])
        state.apply(rows, A[rows, t])
    sent, pos, labs, acts = (np.concatenate(x) for x in (sent, pos, labs, acts))
    order = np.argsort(sent, kind="stable")
    counts = np.bincount(sent, minlength=S)
    return Examples(sent[order], pos[order], labs[order], acts[order], np.concatenate([[0], np.cumsum(counts)]))
