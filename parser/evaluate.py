"""Scoring a parser against gold CoNLL-U: UPOS, UAS, LAS and CLAS.

The conventions are those of the CoNLL 2018 shared task evaluation
(Zeman et al. 2018, "CoNLL 2018 Shared Task: Multilingual Parsing from Raw
Text to Universal Dependencies"; script ``conll18_ud_eval.py``):

* every syntactic word counts, punctuation included (``exclude_punct=True``
  drops the words whose *gold* universal relation is ``punct`` from every
  metric); multiword-token ranges and empty nodes are not scored;
* LAS compares only the universal part of DEPREL (``nsubj:pass`` = ``nsubj``);
* CLAS (Nivre & Fang 2017, "Universal Dependency Evaluation") is LAS
  restricted to content relations: precision over system words with a
  content relation, recall over gold words with one, reported as F1.

Unlike the official script, which aligns different tokenizations, this
module requires gold and system to have the same sentences and word forms
and raises :class:`TokenizationMismatch` otherwise, so with identical words
precision = recall = F1 = accuracy for UPOS, UAS and LAS.  System trees that
are not well formed (cycles, several roots, missing heads) are scored as they
are and reported in :attr:`Evaluation.warnings`.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Sequence

from .conllu import Sentence, read_conllu
from .errors import UserError
from .tree import DependencyTree

# Content relations of conll18_ud_eval.py (CLAS); the functional ones are
# aux, cop, mark, det, clf, case, cc, and punct is neither.
CONTENT_RELATIONS = frozenset({
    "nsubj", "obj", "iobj", "csubj", "ccomp", "xcomp", "obl", "vocative", "expl",
    "dislocated", "advcl", "advmod", "discourse", "nmod", "appos", "nummod", "acl",
    "amod", "conj", "fixed", "flat", "compound", "list", "parataxis", "orphan",
    "goeswith", "reparandum", "root", "dep"})

# Buckets of the absolute arc length |head - dependent|; arcs from ROOT apart.
DISTANCE_BUCKETS = ("root", "1", "2", "3", "4", "5", "6", "7-10", "11-15", "16+")


class TokenizationMismatch(ValueError):
    """Gold and system do not have the same sentences and word forms."""

    def __init__(self, sentence: int, sent_id: str | None, token_id: str,
                 gold_form: str | None, system_form: str | None, note: str = "",
                 files: tuple[str, str] | None = None):
        self.sentence, self.sent_id, self.token_id = sentence, sent_id, token_id
        self.gold_form, self.system_form, self.note, self.files = gold_form, system_form, note, files
        where = f"sentence {sentence}" + (f" (sent_id {sent_id})" if sent_id else "")
        gold = repr(gold_form) if gold_form is not None else "<none>"
        system = repr(system_form) if system_form is not None else "<none>"
        msg = (f"tokenization mismatch at {where}, word {token_id}: "
               f"gold form {gold}, system form {system}")
        if note:
            msg += f" ({note})"
        if files:
            msg = f"{files[1]} vs gold {files[0]}: {msg}"
        super().__init__(msg + "; gold and system must have identical sentences and words")


def _percent(num: int, den: int) -> float:
    return 100.0 * num / den if den else 0.0


@dataclass
class PRF:
    """Counts for one metric: ``correct`` among ``gold`` and ``system`` items."""

    correct: int = 0
    gold: int = 0
    system: int = 0

    @property
    def precision(self) -> float:
        return _percent(self.correct, self.system)

    @property
    def recall(self) -> float:
        return _percent(self.correct, self.gold)

    @property
    def f1(self) -> float:
        return _percent(2 * self.correct, self.gold + self.system)

    @property
    def percent(self) -> float:
        """The score reported for the metric (F1, which is accuracy when gold = system)."""
        return self.f1

    def to_json(self) -> dict:
        return {"correct": self.correct, "gold": self.gold, "system": self.system,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class DistanceBucket(PRF):
    """Arcs whose absolute length falls in one bucket; ``correct`` = right head,
    ``labeled_correct`` = right head and universal relation.  Gold arcs are
    bucketed by their gold length, system arcs by their system length."""

    labeled_correct: int = 0

    @property
    def labeled_recall(self) -> float:
        return _percent(self.labeled_correct, self.gold)

    def to_json(self) -> dict:
        d = super().to_json()
        d["labeled_correct"] = self.labeled_correct
        d["labeled_recall"] = self.labeled_recall
        return d


@dataclass
class SentenceScore:
    """Scores of one sentence (``index`` is 1-based; ``uas``/``las`` are None
    when no word of the sentence is scored)."""

    index: int
    sent_id: str | None
    words: int
    upos_correct: int
    uas_correct: int
    las_correct: int

    @property
    def uas(self) -> float | None:
        return _percent(self.uas_correct, self.words) if self.words else None

    @property
    def las(self) -> float | None:
        return _percent(self.las_correct, self.words) if self.words else None

    def to_json(self) -> dict:
        return {"index": self.index, "sent_id": self.sent_id, "words": self.words,
                "UAS": self.uas, "LAS": self.las, "upos_correct": self.upos_correct,
                "uas_correct": self.uas_correct, "las_correct": self.las_correct}


@dataclass
class Evaluation:
    """The result of :func:`evaluate`."""

    exclude_punct: bool = False
    sentences: int = 0
    words: int = 0
    upos: PRF = field(default_factory=PRF)
    uas: PRF = field(default_factory=PRF)
    las: PRF = field(default_factory=PRF)
    clas: PRF = field(default_factory=PRF)
    relations: dict[str, PRF] = field(default_factory=dict)
    distances: dict[str, DistanceBucket] = field(
        default_factory=lambda: {b: DistanceBucket() for b in DISTANCE_BUCKETS})
    per_sentence: list[SentenceScore] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gold_path: str | None = None
    system_path: str | None = None

    @property
    def metrics(self) -> dict[str, PRF]:
        return {"UPOS": self.upos, "UAS": self.uas, "LAS": self.las, "CLAS": self.clas}

    def to_json(self) -> dict:
        out: dict = {name: m.percent for name, m in self.metrics.items()}
        out.update({
            "counts": {name: m.to_json() for name, m in self.metrics.items()},
            "sentences": self.sentences,
            "words": self.words,
            "exclude_punct": self.exclude_punct,
            "relations": {r: p.to_json() for r, p in sorted(self.relations.items())},
            "distance_kind": "absolute |head - dependent|; root arcs apart",
            "distances": {b: d.to_json() for b, d in self.distances.items()},
            "per_sentence": [s.to_json() for s in self.per_sentence],
            "warnings": list(self.warnings),
        })
        if self.gold_path is not None:
            out["gold"] = self.gold_path
            out["system"] = self.system_path
        return out

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    def format_table(self, max_warnings: int = 20) -> str:
        """A readable text report: main metrics, per relation, per arc distance, warnings."""
        lines = []
        if self.gold_path:
            lines.append(f"gold:   {self.gold_path}")
            lines.append(f"system: {self.system_path}")
        punct = "punctuation excluded" if self.exclude_punct else "punctuation included"
        lines.append(f"{self.sentences} sentences, {self.words} scored words ({punct})")
        lines.append("")
        lines.append(f"{'Metric':<8} {'Correct':>8} {'Gold':>8} {'System':>8} {'Prec':>7} {'Recall':>7} {'F1':>7}")
        lines.append("-" * 59)
        for name, m in self.metrics.items():
            lines.append(f"{name:<8} {m.correct:>8} {m.gold:>8} {m.system:>8} "
                         f"{m.precision:>7.2f} {m.recall:>7.2f} {m.f1:>7.2f}")
        lines.append("")
        lines.append("Per relation (universal part; correct = head and relation right)")
        lines.append(f"{'Relation':<12} {'Gold':>7} {'System':>7} {'Correct':>8} {'Prec':>7} {'Recall':>7} {'F1':>7}")
        lines.append("-" * 61)
        for rel, p in sorted(self.relations.items(), key=lambda kv: (-kv[1].gold, kv[0])):
            lines.append(f"{rel:<12} {p.gold:>7} {p.system:>7} {p.correct:>8} "
                         f"{p.precision:>7.2f} {p.recall:>7.2f} {p.f1:>7.2f}")
        lines.append("")
        lines.append("Per arc distance |head - dependent| (correct = head right)")
        lines.append(f"{'Distance':<9} {'Gold':>7} {'System':>7} {'Correct':>8} {'Prec':>7} {'Recall':>7} {'F1':>7} {'LAS rec':>8}")
        lines.append("-" * 67)
        for b, d in self.distances.items():
            lines.append(f"{b:<9} {d.gold:>7} {d.system:>7} {d.correct:>8} {d.precision:>7.2f} "
                         f"{d.recall:>7.2f} {d.f1:>7.2f} {d.labeled_recall:>8.2f}")
        if self.warnings:
            lines.append("")
            lines.append(f"Warnings ({len(self.warnings)}):")
            lines.extend(f"  {w}" for w in self.warnings[:max_warnings])
            if len(self.warnings) > max_warnings:
                lines.append(f"  ... and {len(self.warnings) - max_warnings} more")
        return "\n".join(lines) + "\n"


def universal_relation(deprel: str) -> str:
    """The universal part of a DEPREL: ``nsubj:pass`` -> ``nsubj``."""
    return deprel.split(":", 1)[0]


def _bucket(head: int | None, dependent: int) -> str | None:
    if head is None:
        return None
    if head == 0:
        return "root"
    d = abs(head - dependent)
    if d <= 6:
        return str(d)
    if d <= 10:
        return "7-10"
    if d <= 15:
        return "11-15"
    return "16+"


def _check_tokenization(k: int, gold: Sentence, system: Sentence) -> None:
    gw, sw = gold.words, system.words
    sid = gold.sent_id or system.sent_id
    for i in range(max(len(gw), len(sw))):
        g = gw[i].form if i < len(gw) else None
        s = sw[i].form if i < len(sw) else None
        if g != s:
            note = f"gold has {len(gw)} words, system {len(sw)}" if len(gw) != len(sw) else ""
            raise TokenizationMismatch(k, sid, str(i + 1), g, s, note)


def evaluate(gold: Sentence | Sequence[Sentence], system: Sentence | Sequence[Sentence],
             exclude_punct: bool = False) -> Evaluation:
    """Scores ``system`` against ``gold`` (one sentence or parallel lists).

    Raises TokenizationMismatch when the sentence counts or word forms differ.
    """
    if isinstance(gold, Sentence):
        gold = [gold]
    if isinstance(system, Sentence):
        system = [system]
    gold, system = list(gold), list(system)
    for k, (gs, ss) in enumerate(zip(gold, system), 1):
        _check_tokenization(k, gs, ss)
    if len(gold) != len(system):
        k = min(len(gold), len(system)) + 1
        longer = gold if len(gold) > len(system) else system
        first = longer[k - 1].words
        form = first[0].form if first else None
        note = f"gold has {len(gold)} sentences, system {len(system)}"
        if len(gold) > len(system):
            raise TokenizationMismatch(k, longer[k - 1].sent_id, "1", form, None, note)
        raise TokenizationMismatch(k, longer[k - 1].sent_id, "1", None, form, note)

    ev = Evaluation(exclude_punct=exclude_punct, sentences=len(gold))
    for k, (gs, ss) in enumerate(zip(gold, system), 1):
        where = f"sentence {k}" + (f" (sent_id {gs.sent_id})" if gs.sent_id else "")
        gw, sw = gs.words, ss.words
        g_heads = [w.head_index for w in gw]
        s_heads = [w.head_index for w in sw]
        for which, heads in (("gold", g_heads), ("system", s_heads)):
            problems = DependencyTree(heads).problems()
            if problems:
                ev.warnings.append(f"{where}: {which} tree is not valid: {'; '.join(problems)}; scored anyway")
        n = upos_ok = uas_ok = las_ok = 0
        for i, (g, s) in enumerate(zip(gw, sw)):
            g_rel, s_rel = universal_relation(g.deprel), universal_relation(s.deprel)
            if exclude_punct and g_rel == "punct":
                continue
            n += 1
            gh, sh = g_heads[i], s_heads[i]
            head_ok = gh is not None and sh == gh
            label_ok = head_ok and g_rel == s_rel
            upos_ok += g.upos == s.upos
            uas_ok += head_ok
            las_ok += label_ok
            if g_rel in CONTENT_RELATIONS:
                ev.clas.gold += 1
                ev.clas.correct += label_ok
            if s_rel in CONTENT_RELATIONS:
                ev.clas.system += 1
            ev.relations.setdefault(g_rel, PRF()).gold += 1
            ev.relations.setdefault(s_rel, PRF()).system += 1
            if label_ok:
                ev.relations[g_rel].correct += 1
            gb, sb = _bucket(gh, i + 1), _bucket(sh, i + 1)
            if gb:
                ev.distances[gb].gold += 1
                if head_ok:
                    ev.distances[gb].correct += 1
                    ev.distances[gb].labeled_correct += label_ok
            if sb:
                ev.distances[sb].system += 1
        ev.words += n
        for m, ok in ((ev.upos, upos_ok), (ev.uas, uas_ok), (ev.las, las_ok)):
            m.correct += ok
            m.gold += n
            m.system += n
        ev.per_sentence.append(SentenceScore(k, gs.sent_id or ss.sent_id, n, upos_ok, uas_ok, las_ok))
    return ev


def evaluate_files(gold_path: str | os.PathLike, system_path: str | os.PathLike,
                   exclude_punct: bool = False) -> Evaluation:
    """Reads two CoNLL-U files and scores them (ConlluError for malformed input)."""
    gold_path, system_path = os.fspath(gold_path), os.fspath(system_path)
    gold = read_conllu(gold_path)
    system = read_conllu(system_path)
    try:
        ev = evaluate(gold, system, exclude_punct=exclude_punct)
    except TokenizationMismatch as e:
        raise TokenizationMismatch(e.sentence, e.sent_id, e.token_id, e.gold_form, e.system_form,
                                   e.note, files=(gold_path, system_path)) from None
    ev.gold_path, ev.system_path = gold_path, system_path
    return ev


# -- deplab evaluate ---------------------------------------------------------------

def add_arguments(p) -> None:
    p.add_argument("gold", metavar="GOLD", help="gold-standard CoNLL-U file")
    p.add_argument("system", metavar="SYSTEM", help="system CoNLL-U file with the same sentences and words")
    p.add_argument("--json", action="store_true", help="print the scores and tables as JSON")
    p.add_argument("--exclude-punct", action="store_true",
                   help="do not score words whose gold relation is punct")


def run(args) -> int:
    try:
        ev = evaluate_files(args.gold, args.system, exclude_punct=args.exclude_punct)
    except TokenizationMismatch as e:
        raise UserError(str(e)) from None
    print(ev.to_json_text() if args.json else ev.format_table(), end="" if not args.json else "\n")
    return 0
