"""Growing a trained model's transition system: arc-standard becomes arc-standard with SWAP.

A model trained with arc-standard (Nivre 2004) builds projective trees only.  Swap (Nivre 2009) is
arc-standard plus one transition, SWAP, so a fine-tuned model can learn to build non-projective trees
without losing what it knows: the transitions keep their numbers (SHIFT, LEFT-ARC(l), RIGHT-ARC(l),
:class:`parser.transition.TransitionSet`), the scorer's output layer keeps its learned rows, and the
new SWAP row is appended, initialised like a new relation's rows in :mod:`parser.growth` (the mean of
the old rows, the bias lowered by ``margin``) so that greedy decoding first chooses as before.

:func:`needs_swap` is the rule for when to do it: the gold data has non-projective trees and the
model's system cannot build them.
"""
from __future__ import annotations

from typing import Sequence

from .conllu import Sentence
from .growth import MARGIN, _mean_row, _remap_linear
from .model import Model
from .systems import get_system
from .tree import DependencyTree

#: the systems a model can be grown into, from the system it was trained with (the new one must number the
#: old one's transitions the same and only add transitions after them)
GROWABLE = {"arc-standard": "swap"}


def has_nonprojective(sentences: Sequence[Sentence]) -> bool:
    """Whether some sentence has a complete, valid, non-projective tree."""
    for s in sentences:
        heads = [w.head_index for w in s.words]
        if heads and None not in heads:
            tree = DependencyTree(heads)
            if tree.is_valid() and not tree.is_projective():
                return True
    return False


def needs_swap(model: Model, sentences: Sequence[Sentence]) -> bool:
    """True when ``sentences`` have non-projective trees that ``model``'s (projective) system cannot build
    and the system can grow into swap (:data:`GROWABLE`)."""
    system = model.transitions.system
    return system.projective and GROWABLE.get(system.name) == "swap" and has_nonprojective(sentences)


def grow_system(model: Model, name: str, margin: float = MARGIN) -> list[str]:
    """Switches ``model`` (in place) to the system ``name``; returns the names of the transitions added.

    Only the growths of :data:`GROWABLE` are possible (a ValueError otherwise): the old transitions keep
    their numbers and output rows, each new one gets the mean old row with the bias lowered by ``margin``.
    """
    old = model.transitions
    if old.system.name == name:
        return []
    if GROWABLE.get(old.system.name) != name:
        raise ValueError(f"a {old.system.name} model cannot be switched to {name} "
                         f"(possible: {', '.join(f'{a} -> {b}' for a, b in GROWABLE.items())})")
    new = old.__class__(old.labels, get_system(name))
    if new.transitions[:len(old)] != old.transitions:
        raise ValueError(f"{name} numbers {old.system.name}'s transitions differently")
    out = model.parser.out
    row = _mean_row(out, list(range(len(old))), margin)
    _remap_linear(out, list(range(len(old))) + [row] * (len(new) - len(old)))
    model.transitions = new
    model.config["system"] = new.system.name
    return [str(t) for t in new.transitions[len(old):]]
