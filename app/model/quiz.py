"""The Practice session (Qt-free): a student predicts transitions, the engine judges them.

One session covers several sentences (an exercise file, treebank sentences, typed sentences) and keeps
the score and the list of mistakes. Every rule — which moves are legal, what a move does, whether it
is optimal — is the engine's (:mod:`deplab.parser.quiz`, the transition systems); this module keeps
the record. Signal: ``changed()`` after every start and answer.

For a typed sentence there is no gold tree: the oracle's tree is the parser's own (``tree_source`` is
``"parser"``, and the view says so).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Sequence

from deplab.parser.conllu import Sentence
from deplab.parser.oracle import NotDerivable, oracle_transitions
from deplab.parser.quiz import ILLEGAL, Judgement, judge, model_choice
from deplab.parser.systems import get_system
from deplab.parser.transition import Configuration, Transition, TransitionSet
from deplab.parser.tree import projectivize

from .events import Signal

GOLD, PARSER = "gold", "parser"  # where the oracle's tree comes from
TREE_COMMENT = "deplab_practice_tree"  # exercise files: "gold" or "parser" (the tree in HEAD/DEPREL)


@dataclass
class Record:
    """One answer of the session."""

    sentence: int      # index of the sentence in the session (1-based)
    sent_id: str
    system: str
    step: int          # transitions applied before the answer in that sentence
    stack: str
    buffer: str
    judgement: Judgement

    @property
    def ok(self) -> bool:
        return self.judgement.ok


class PracticeSession:
    def __init__(self) -> None:
        self.changed = Signal()
        self.records: list[Record] = []
        self.sentences = 0
        self.system = get_system("arc-hybrid")
        self.tree_source = GOLD
        self.forms: list[str] = []
        self.tags: list[str] = []
        self.sent_id = ""
        self.gold = None
        self.transitions: TransitionSet | None = None
        self.config: Configuration | None = None
        self.steps = 0
        self.model = None
        self.note = ""
        self.last: Judgement | None = None

    # -- starting -----------------------------------------------------------------------------
    def start(self, forms: Sequence[str], tags: Sequence[str], heads: Sequence[int], labels: Sequence[str],
              system: str = "arc-hybrid", tree_source: str = GOLD, model=None, sent_id: str = "") -> None:
        """Practises one sentence from the initial configuration. Raises ValueError (with the reason) when
        the tree is not one the system can build (a projective system gets the projectivized tree)."""
        sysm = get_system(system)
        heads = list(heads)
        note = []
        if sysm.projective:
            heads, lifts = projectivize(heads)
            if lifts:
                note.append(f"the tree is non-projective: {sysm.name} practises its projectivized form "
                            f"({lifts} arc{'s' if lifts > 1 else ''} lifted)")
        try:
            oracle_transitions(heads, labels, sysm)  # the system can derive the tree
        except NotDerivable as e:
            raise ValueError(f"cannot practise this sentence in {sysm.name}: {e}") from e
        if tree_source == PARSER:
            note.insert(0, "typed text, no gold tree: the oracle's tree is the parser's own tree")
        self.system, self.tree_source, self.model, self.sent_id = sysm, tree_source, model, sent_id
        self.forms, self.tags = list(forms), list(tags)
        self.gold = sysm.gold(heads, list(labels))
        labs = sorted(set(labels) | (set(model.labels) if model is not None else set()))
        self.transitions = TransitionSet(labs, sysm)
        self.config = sysm.initial(len(self.forms))
        self.steps = 0
        self.sentences += 1
        self.note = "; ".join(note)
        self.last = None
        self.changed.emit()

    def start_sentence(self, sentence: Sentence, system: str = "arc-hybrid", model=None,
                       tags: Sequence[str] | None = None) -> None:
        """A CoNLL-U sentence: its HEAD/DEPREL columns are the tree (``# deplab_practice_tree = parser``
        marks a parser's tree, e.g. in an exercise file made from typed text)."""
        words = sentence.words
        heads = [w.head_index for w in words]
        if any(h is None for h in heads):
            raise ValueError("cannot practise a sentence without a complete tree (a HEAD is _)")
        tags = list(tags) if tags is not None else [w.upos for w in words]
        source = PARSER if sentence.get_meta(TREE_COMMENT) == PARSER else GOLD
        self.start([w.form for w in words], tags, heads, [w.deprel for w in words], system, source, model,
                   sentence.sent_id or "")

    # -- state --------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.config is not None

    @property
    def finished(self) -> bool:
        return self.config is not None and self.config.is_terminal()

    def word(self, i: int) -> str:
        return "ROOT" if i == 0 else self.forms[i - 1]

    def stack_text(self) -> str:
        return "[" + " ".join(self.word(i) for i in self.config.stack) + "]" if self.config else ""

    def buffer_text(self) -> str:
        return "[" + " ".join(self.word(i) for i in self.config.buffer) + "]" if self.config else ""

    def kinds(self) -> tuple[str, ...]:
        """The transition kinds of the system (SHIFT, LEFT-ARC, RIGHT-ARC, and REDUCE or SWAP)."""
        return self.system.kinds

    def labels(self) -> list[str]:
        """The short list to pick a label from: the labels of this sentence's tree."""
        return sorted({lab for lab in self.gold.label[1:] if lab}) if self.gold is not None else []

    def legal(self, move: Transition) -> bool:
        return self.config is not None and self.system.allows(self.config, move)

    def model_choice(self) -> Transition | None:
        if self.model is None or self.config is None or self.finished:
            return None
        return model_choice(self.model, self.forms, self.tags, self.config)

    # -- answering ----------------------------------------------------------------------------
    def answer(self, move: Transition) -> Judgement:
        """Judges ``move``, records it, and applies it when it is legal (also a wrong one: the student
        continues from where the move leads, as a parser would)."""
        if self.config is None or self.finished:
            raise ValueError("no configuration to answer: start a sentence first")
        j = judge(self.config, self.gold, move, self.transitions)
        j.model = self.model_choice()
        self.records.append(Record(self.sentences, self.sent_id, self.system.name, self.steps, self.stack_text(), self.buffer_text(), j))
        if j.verdict != ILLEGAL:
            self.config.apply(move)
            self.steps += 1
        self.last = j
        self.changed.emit()
        return j

    # -- score --------------------------------------------------------------------------------
    @property
    def answered(self) -> int:
        return len(self.records)

    @property
    def correct(self) -> int:
        return sum(r.ok for r in self.records)

    @property
    def mistakes(self) -> list[Record]:
        return [r for r in self.records if not r.ok]

    def score_text(self) -> str:
        n = self.answered
        return f"{self.correct} of {n} optimal" + (f" ({100 * self.correct / n:.0f}%)" if n else "")

    def results_csv(self) -> str:
        """Every answer of the session, one row each."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["sentence", "sent_id", "system", "step", "stack", "buffer", "answer", "verdict",
                    "oracle", "optimal moves", "cost", "model"])
        for r in self.records:
            j = r.judgement
            w.writerow([r.sentence, r.sent_id, r.system, r.step, r.stack, r.buffer, str(j.move), j.verdict,
                        str(j.oracle) if j.oracle else "", " ".join(map(str, j.optimal)),
                        "" if j.cost is None else j.cost, str(j.model) if j.model else ""])
        return out.getvalue()


def exercise_sentence(forms: Sequence[str], tags: Sequence[str], heads: Sequence[int], labels: Sequence[str],
                      tree_source: str, sent_id: str, text: str | None = None) -> Sentence:
    """A sentence of an exercise file: the words, tags and the tree the oracle follows."""
    s = Sentence.from_words(forms, text=text, sent_id=sent_id)
    s.set_meta(TREE_COMMENT, tree_source)
    for tok, tag, h, lab in zip(s.words, tags, heads, labels):
        tok.upos, tok.head, tok.deprel = tag or "_", str(h), lab
    return s
