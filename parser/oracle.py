"""Static oracles: a gold tree -> the transition sequence of a system that builds it.

Each system's oracle (:meth:`parser.configuration.TransitionSystem.oracle`) picks the next transition from
the configuration and the gold tree: for arc-standard the one Chen & Manning (2014, sec. 3.1) train on, for
arc-eager Nivre's (2008), for arc-hybrid Kuhlmann, Gómez-Rodríguez & Satta's (2011) and for swap the lazy
oracle of Nivre, Kuhlmann & Hall (2009), which derives every tree.  Projective systems cannot derive a
non-projective tree: training lifts its arcs first (:func:`parser.tree.projectivize`).

``deplab oracle --system NAME FILE`` prints the sequences, one block per sentence.
"""
from __future__ import annotations

import sys
from typing import Iterator, Sequence

from .systems import SYSTEMS, get_system
from .transition import Step, Trace, Transition, TransitionSet
from .tree import DependencyTree


class NotDerivable(ValueError):
    """The system cannot build this tree (the message says why)."""


def oracle_transitions(heads: Sequence[int], labels: Sequence[str], system=None) -> list[Transition]:
    """The gold transitions for a tree (``heads[i]`` is the head of word i+1) in ``system`` (default
    arc-standard); raises :class:`NotDerivable` when the system cannot build it."""
    system = get_system(system)
    problems = DependencyTree(list(heads)).problems()
    if problems:
        raise NotDerivable("not a tree: " + "; ".join(problems))
    why = system.not_derivable(heads)
    if why:
        raise NotDerivable(why)
    gold = system.gold(heads, labels)
    c = system.initial(len(heads))
    out = []
    limit = 4 * len(heads) * len(heads) + 10  # swap needs at most O(n^2) transitions
    while not c.is_terminal():
        t = system.oracle(c, gold)
        if t is None or not system.allows(c, t) or len(out) > limit:
            raise NotDerivable(f"the {system.name} oracle is stuck after {len(out)} transitions")
        c.apply(t)
        out.append(t)
    if c.heads[1:] != list(heads) or c.labels[1:] != list(labels):
        raise NotDerivable(f"the {system.name} oracle built another tree")
    return out


def oracle_trace(forms: Sequence[str], tags: Sequence[str], heads: Sequence[int],
                 labels: Sequence[str], transitions: TransitionSet) -> Trace:
    """The oracle's run as a :class:`Trace` (no scores; ``gold`` set) in the system of ``transitions``."""
    system = transitions.system
    gold_seq = oracle_transitions(heads, labels, system)
    unknown = sorted({t.label for t in gold_seq if t not in transitions.index})
    if unknown:  # labels the model does not know still get a number
        transitions = transitions.with_labels(transitions.labels + unknown)
    c = system.initial(len(forms))
    steps = []
    for i, t in enumerate(gold_seq):
        steps.append(Step(i, c.copy(), transitions.legal_mask(c), None, transitions.index[t]))
        c.apply(t)
    return Trace(list(forms), list(tags), transitions, steps, c, source="oracle",
                 gold=system.gold(heads, labels))


def replay(transitions: Sequence[Transition], n: int, system=None) -> tuple[list[int | None], list[str | None]]:
    """Applies a transition sequence to a sentence of n words; the heads and labels it builds.
    Raises ValueError at the first illegal transition."""
    system = get_system(system)
    c = system.initial(n)
    for i, t in enumerate(transitions):
        if not system.allows(c, t):
            raise ValueError(f"transition {i + 1} ({t}) is not legal here")
        c.apply(t)
    return c.heads[1:], c.labels[1:]


# -- command line ------------------------------------------------------------------

def add_arguments(p):
    p.add_argument("--system", default="arc-standard", choices=list(SYSTEMS), help="the transition system")
    p.add_argument("file", help="a CoNLL-U file with gold trees")
    p.add_argument("-o", "--output", help="write here instead of standard output")


def blocks(sentences, system) -> Iterator[str]:
    """One text block per sentence: ``# sent_id``, one transition per line (or ``# not derivable: …``)."""
    system = get_system(system)
    for s in sentences:
        lines = [f"# sent_id = {s.sent_id}"] if getattr(s, "sent_id", None) else []
        words = s.words
        try:
            heads = [w.head_index for w in words]
            if any(h is None for h in heads):
                raise NotDerivable("a word has no head")
            lines += [str(t) for t in oracle_transitions(heads, [w.deprel for w in words], system)]
        except NotDerivable as e:
            lines.append(f"# not derivable: {e}")
        yield "\n".join(lines) + "\n\n"


def run(args) -> int:
    from .conllu import read_conllu
    from .fileio import atomic_write_text
    text = "".join(blocks(read_conllu(args.file), args.system))
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
