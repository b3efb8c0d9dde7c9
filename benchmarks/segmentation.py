"""Word segmentation of typed text in a language written without spaces (parser/tokenize.py).

Forward maximum matching against a model's vocabulary, as the pipeline does for zh/ja/th, against one
word per character (spaCy's Chinese default), on the held-out sentences of a gold file: the vocabulary
is built from the first part of the file as ``deplab train`` builds it (words seen ``--min-count`` times),
each held-out sentence's ``# text`` is segmented and its words are compared with the gold words
(precision, recall and F1 of word spans).

    python benchmarks/segmentation.py ../shared/data/ud/zh_gsdsimp/zh_gsdsimp-ud-dev.conllu
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's deplab

from deplab.parser.conllu import read_conllu  # noqa: E402
from deplab.parser.tokenize import segment  # noqa: E402
from deplab.parser.vocab import Vocabulary, normalize  # noqa: E402


def spans(words: list[str]) -> set[tuple[int, int]]:
    out, i = set(), 0
    for w in words:
        out.add((i, i + len(w)))
        i += len(w)
    return out


def score(sentences, lexicon) -> tuple[float, float, float]:
    tp = n_gold = n_sys = 0
    for s in sentences:
        gold = spans([w.form for w in s.words])
        system = spans([f for forms, _ in segment(s.text, lexicon) for f in forms])
        tp, n_gold, n_sys = tp + len(gold & system), n_gold + len(gold), n_sys + len(system)
    p, r = tp / n_sys, tp / n_gold
    return 100 * p, 100 * r, 200 * p * r / (p + r)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", help="gold CoNLL-U file of a language written without spaces")
    ap.add_argument("--train-part", type=float, default=0.9, help="share of the file the vocabulary comes from")
    ap.add_argument("--min-count", type=int, default=2, help="occurrences a word needs to be in the vocabulary")
    args = ap.parse_args()
    sentences = read_conllu(args.gold)
    cut = int(len(sentences) * args.train_part)
    train, held = sentences[:cut], sentences[cut:]
    vocab = Vocabulary.build((normalize(w.form) for s in train for w in s.words), min_count=args.min_count)
    print(f"{len(train)} sentences for the vocabulary ({len(vocab.itos) - 3} words seen {args.min_count}+ times), "
          f"{len(held)} held out")
    print(f"{'segmentation':<34} {'P':>6} {'R':>6} {'F1':>6}")
    for name, lexicon in (("one word per character", None), ("maximum matching, model vocabulary", vocab.stoi)):
        p, r, f = score(held, lexicon)
        print(f"{name:<34} {p:6.2f} {r:6.2f} {f:6.2f}")


if __name__ == "__main__":
    main()
