"""Inter-annotator agreement on dependency trees, and where two annotations differ.

For two annotators' files of the same sentences (same tokenization), over all words:

* ``uas`` / ``las``: the share of words given the same head / the same head and relation
  (the attachment scores of one file against the other; symmetric);
* ``label_agreement``: the share of words given the same relation (head ignored);
* ``kappa``: Cohen's kappa on the relations (Cohen 1960, "A coefficient of agreement for
  nominal scales"): (p_o - p_e) / (1 - p_e), p_o the label agreement and p_e the chance
  agreement from each annotator's own label distribution;
* per relation: how often each annotator used it, how often both did on the same word,
  and the specific agreement 2·both / (a + b) (Fleiss 1975, "Measuring agreement between
  two judges on the presence or absence of a trait"), with the label confusion table.

For three or more files every pair is reported, plus Fleiss' kappa on the relations
(Fleiss 1971, "Measuring nominal scale agreement among many raters").
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Sequence

from .conllu import Sentence, read_conllu
from .errors import UserError


class TokenizationMismatch(UserError):
    """The files do not hold the same sentences and words."""


def _label(deprel: str, universal: bool) -> str:
    return deprel.split(":")[0] if universal else deprel


def check_alignment(files: Sequence[tuple[str, Sequence[Sentence]]]) -> None:
    """Raises TokenizationMismatch naming the first file, line and word where tokenization differs."""
    (path0, first), rest = files[0], files[1:]
    for path, sents in rest:
        if len(sents) != len(first):
            raise TokenizationMismatch(f"{path}: {len(sents)} sentences, but {path0} has {len(first)}; "
                                       f"the files must annotate the same sentences")
        for k, (a, b) in enumerate(zip(first, sents)):
            wa, wb = a.words, b.words
            where = b.sent_id or f"#{k + 1}"
            if len(wa) != len(wb):
                raise TokenizationMismatch(f"{path}:{b.line}: sentence {where} has {len(wb)} words, "
                                           f"but {path0}:{a.line} has {len(wa)}: the tokenization must match")
            for x, y in zip(wa, wb):
                if x.form != y.form:
                    raise TokenizationMismatch(f"{path}:{b.line}: sentence {where} word {y.id} is {y.form!r}, "
                                               f"but {x.form!r} in {path0}: the tokenization must match")


@dataclass
class RelationAgreement:
    a: int = 0
    b: int = 0
    both: int = 0

    @property
    def specific(self) -> float:
        return 2 * self.both / (self.a + self.b) if self.a + self.b else 1.0


@dataclass
class PairAgreement:
    a: str
    b: str
    words: int = 0
    same_head: int = 0
    same_label: int = 0
    same_both: int = 0
    kappa: float = 0.0
    expected: float = 0.0
    relations: dict[str, RelationAgreement] = field(default_factory=dict)
    confusion: Counter = field(default_factory=Counter)   # (label in a, label in b) -> words

    @property
    def uas(self) -> float:
        return self.same_head / self.words if self.words else 0.0

    @property
    def las(self) -> float:
        return self.same_both / self.words if self.words else 0.0

    @property
    def label_agreement(self) -> float:
        return self.same_label / self.words if self.words else 0.0

    def as_dict(self) -> dict:
        return {
            "a": self.a, "b": self.b, "words": self.words,
            "uas": self.uas, "las": self.las, "label_agreement": self.label_agreement,
            "kappa": self.kappa, "expected_agreement": self.expected,
            "per_relation": {r: {"a": v.a, "b": v.b, "both": v.both, "specific_agreement": v.specific}
                             for r, v in sorted(self.relations.items())},
            "confusion": [{"a": la, "b": lb, "words": n} for (la, lb), n in sorted(self.confusion.items())],
        }


def cohen_kappa(labels_a: Sequence[str], labels_b: Sequence[str]) -> tuple[float, float, float]:
    """(kappa, observed agreement, chance agreement) for two annotators' labels of the same items."""
    n = len(labels_a)
    if n == 0:
        return 0.0, 0.0, 0.0
    po = sum(1 for x, y in zip(labels_a, labels_b) if x == y) / n
    ca, cb = Counter(labels_a), Counter(labels_b)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    kappa = 1.0 if pe == 1 else (po - pe) / (1 - pe)
    return kappa, po, pe


def fleiss_kappa(ratings: Sequence[Sequence[str]]) -> float:
    """Fleiss' kappa; ``ratings[i]`` holds every annotator's label of item i (same number per item)."""
    if not ratings:
        return 0.0
    n = len(ratings[0])
    N = len(ratings)
    totals: Counter = Counter()
    p_items = 0.0
    for item in ratings:
        c = Counter(item)
        totals.update(c)
        p_items += (sum(v * v for v in c.values()) - n) / (n * (n - 1))
    p_bar = p_items / N
    pe = sum((v / (N * n)) ** 2 for v in totals.values())
    return 1.0 if pe == 1 else (p_bar - pe) / (1 - pe)


def pair_agreement(name_a: str, a: Sequence[Sentence], name_b: str, b: Sequence[Sentence],
                   universal: bool = False) -> PairAgreement:
    out = PairAgreement(name_a, name_b)
    la_all, lb_all = [], []
    for sa, sb in zip(a, b):
        for wa, wb in zip(sa.words, sb.words):
            la, lb = _label(wa.deprel, universal), _label(wb.deprel, universal)
            out.words += 1
            same_head = wa.head == wb.head
            out.same_head += same_head
            out.same_label += la == lb
            out.same_both += same_head and la == lb
            out.confusion[(la, lb)] += 1
            out.relations.setdefault(la, RelationAgreement()).a += 1
            out.relations.setdefault(lb, RelationAgreement()).b += 1
            if la == lb:
                out.relations[la].both += 1
            la_all.append(la)
            lb_all.append(lb)
    out.kappa, _, out.expected = cohen_kappa(la_all, lb_all)
    return out


@dataclass
class Agreement:
    files: list[str]
    sentences: int
    words: int
    pairs: list[PairAgreement]
    fleiss: float | None

    def as_dict(self) -> dict:
        d = {"files": self.files, "sentences": self.sentences, "words": self.words,
             "pairs": [p.as_dict() for p in self.pairs]}
        if len(self.pairs) == 1:
            p = self.pairs[0]
            d.update(uas=p.uas, las=p.las, label_agreement=p.label_agreement, kappa=p.kappa)
        if self.fleiss is not None:
            d["fleiss_kappa"] = self.fleiss
        return d


def agreement(files: Sequence[tuple[str, Sequence[Sentence]]], universal: bool = False) -> Agreement:
    """Agreement between every pair of annotations (and Fleiss' kappa for three or more)."""
    if len(files) < 2:
        raise UserError("agreement needs at least two files")
    check_alignment(files)
    pairs = [pair_agreement(na, a, nb, b, universal) for (na, a), (nb, b) in combinations(files, 2)]
    fleiss = None
    if len(files) > 2:
        ratings = []
        for k in range(len(files[0][1])):
            for j in range(len(files[0][1][k].words)):
                ratings.append([_label(f[1][k].words[j].deprel, universal) for f in files])
        fleiss = fleiss_kappa(ratings)
    return Agreement([f[0] for f in files], len(files[0][1]), sum(len(s.words) for s in files[0][1]), pairs, fleiss)


def disagreements(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[tuple[int, list[int]]]:
    """(sentence index, word ids whose head or relation differ) for every sentence where a and b differ."""
    out = []
    for k, (sa, sb) in enumerate(zip(a, b)):
        words = [int(x.id) for x, y in zip(sa.words, sb.words) if x.head != y.head or x.deprel != y.deprel]
        if words:
            out.append((k, words))
    return out


# -- the command -----------------------------------------------------------------------

def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="two or more annotations (CoNLL-U) of the same sentences")
    p.add_argument("--json", action="store_true", help="print every figure as JSON")
    p.add_argument("--universal", action="store_true", help="compare relations without their subtypes (nsubj:pass = nsubj)")
    p.add_argument("--confusions", type=int, default=10, metavar="N",
                   help="show the N most frequent label confusions per pair (default 10)")


def run(args) -> int:
    if len(args.files) < 2:
        raise UserError("give at least two CoNLL-U files")
    files = [(path, read_conllu(path)) for path in args.files]
    result = agreement(files, args.universal)
    if args.json:
        json.dump(result.as_dict(), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"{len(args.files)} annotations of {result.sentences} sentences, {result.words} words")
    for p in result.pairs:
        a, b = os.path.basename(p.a), os.path.basename(p.b)
        print(f"\n{a} vs {b}")
        print(f"  UAS {100 * p.uas:.2f}  LAS {100 * p.las:.2f}  label agreement {100 * p.label_agreement:.2f}  "
              f"Cohen's kappa {p.kappa:.4f} (chance agreement {p.expected:.4f})")
        print(f"  {'relation':<14}{'A':>7}{'B':>7}{'both':>7}{'agreement':>11}")
        for r, v in sorted(p.relations.items(), key=lambda kv: -(kv[1].a + kv[1].b)):
            print(f"  {r:<14}{v.a:>7}{v.b:>7}{v.both:>7}{100 * v.specific:>10.1f}%")
        conf = [(k, n) for k, n in p.confusion.most_common() if k[0] != k[1]][:args.confusions]
        if conf:
            print("  most frequent confusions (A -> B):")
            for (la, lb), n in conf:
                print(f"    {la} -> {lb}: {n}")
    if result.fleiss is not None:
        print(f"\nFleiss' kappa over all {len(args.files)} annotations: {result.fleiss:.4f}")
    return 0
