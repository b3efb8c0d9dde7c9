"""Non-projective parsing on Dutch: swap (Nivre 2009) against arc-standard (issue 17).

    python benchmarks/nonprojective.py --threads 1            # both systems, default recipe
    python benchmarks/nonprojective.py --systems swap --epochs 20
    python benchmarks/nonprojective.py --folds 10 --threads 1   # every sentence held out once
    python benchmarks/nonprojective.py --folds 10 --max-folds 4 --systems swap --threads 1   # the first 4 of them
    python benchmarks/nonprojective.py --folds 10 --first-fold 5 --max-folds 4 --systems swap --start scratch \
        --nonprojective-weight 6 --threads 1   # folds 5-8, where the weight was chosen (1-4 are reported)

Data: ``../shared/data/ud/nl_alpino/nl_alpino-ud-dev.conllu`` (718 sentences, 9.5% of them non-projective).
The sentences are shuffled with ``random.Random(--seed)``; the first 90% are the training file, the other 10%
the test sentences.  With ``--folds K`` the shuffled sentences are cut into K parts and each part is the
test set once (K=10: ten seeded 90/10 splits); the figures are summed over the folds.  Each system is trained with ``deplab train``'s code and no dev file, so training holds
out a seeded 10% of the training file for model selection (the test sentences are never seen).  Scores are
parser.evaluate's (CoNLL 2018 conventions, gold tokenization, predicted UPOS).  Non-projective arcs are the
gold arcs (head, dependent) of test sentences that :meth:`parser.tree.DependencyTree.non_projective_arcs`
finds; "exact" means the parser predicted that head for the word (and, for "labelled", the relation too).

The system ``deplab train`` chooses for the data (swap: Alpino has non-projective trees) is trained with the
default start (:mod:`parser.auto_start`: for this little data, the better selection LAS of training from
scratch and fine-tuning the bundled model, grown into swap); ``--start scratch`` trains it from scratch as
before.  The other systems are trained from scratch (a fine-tuned model keeps its own system).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ALPINO = next((p for p in (r / "shared/data/ud/nl_alpino/nl_alpino-ud-dev.conllu" for r in ROOT.parents)
               if p.exists()), ROOT.parent / "shared/data/ud/nl_alpino/nl_alpino-ud-dev.conllu")


def nonprojective_counts(gold, predicted) -> dict:
    from deplab.parser.tree import DependencyTree
    total = exact = labelled = produced = produced_correct = 0
    for g, p in zip(gold, predicted):
        gw, pw = g.words, p.words
        for h, d in DependencyTree([w.head_index for w in gw]).non_projective_arcs():
            total += 1
            if pw[d - 1].head_index == h:
                exact += 1
                labelled += pw[d - 1].deprel.split(":")[0] == gw[d - 1].deprel.split(":")[0]
        for h, d in DependencyTree([w.head_index for w in pw]).non_projective_arcs():
            produced += 1
            produced_correct += gw[d - 1].head_index == h
    return {"gold_nonprojective_arcs": total, "exact": exact, "exact_labelled": labelled,
            "exact_%": 100.0 * exact / max(total, 1), "exact_labelled_%": 100.0 * labelled / max(total, 1),
            "predicted_nonprojective_arcs": produced, "predicted_nonprojective_correct": produced_correct}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ALPINO))
    ap.add_argument("--systems", nargs="+", default=["swap", "arc-standard"])
    ap.add_argument("--epochs", type=int, default=None,
                    help="default: the recipe's own count for the data's size (auto_epochs)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--folds", type=int, default=1, help="1: one seeded 90/10 split; K: K-fold (see above)")
    ap.add_argument("--max-folds", type=int, default=0, metavar="N", help="run only the first N folds")
    ap.add_argument("--first-fold", type=int, default=1, metavar="F",
                    help="start at fold F (with --max-folds N: folds F to F+N-1), e.g. to choose a recipe on folds "
                         "that are not reported")
    ap.add_argument("--nonprojective-weight", type=int, default=None, metavar="K",
                    help="deplab train --nonprojective-weight (default: its default)")
    ap.add_argument("--start", default=None, help="the start of the default system's row (default: deplab train's "
                                                   "default start; scratch: from scratch)")
    ap.add_argument("--verbose", action="store_true", help="print the training logs")
    ap.add_argument("--out", help="write the results here as JSON")
    args = ap.parse_args(argv)

    import torch
    torch.set_num_threads(args.threads)
    from deplab.parser.conllu import read_conllu, write_conllu
    from deplab.parser.decode import parse_batch
    from deplab.parser.evaluate import evaluate
    from deplab.parser.pipeline import annotate
    from deplab.parser.callbacks import LogTo
    from deplab.parser.auto_start import train_with_start
    from deplab.parser.language import language_from_filename
    from deplab.parser.train import TrainConfig
    from deplab.parser.train_config import choose_system

    sentences = read_conllu(args.data)
    order = list(range(len(sentences)))
    random.Random(args.seed).shuffle(order)
    folds = max(1, args.folds)
    size = round(len(order) / max(folds, 10)) if folds == 1 else None
    if folds == 1:
        parts = [order[len(order) - size:]]  # the last 10% of the shuffled sentences
    else:
        parts = [order[f * len(order) // folds:(f + 1) * len(order) // folds] for f in range(folds)]
        parts = parts[args.first_fold - 1:][:args.max_folds or folds]
    results = {}
    sums = {}
    with tempfile.TemporaryDirectory() as tmp:
        for f, part in enumerate(parts):
            held = set(part)
            train = [sentences[i] for i in range(len(sentences)) if i not in held]
            test = [sentences[i] for i in sorted(held)]
            print(f"{args.data}, fold {f + args.first_fold}/{folds}: {len(train)} training sentences, {len(test)} test "
                  f"sentences (seed {args.seed})", flush=True)
            train_path = Path(tmp) / "train.conllu"
            write_conllu(train, train_path)
            default_system = choose_system(train)
            for system in args.systems:
                t0 = time.time()
                default = system == default_system and args.start != "scratch"  # deplab train's defaults
                cfg = TrainConfig(epochs=args.epochs, seed=args.seed, system=None if default else system,
                                  threads=args.threads, language=language_from_filename(args.data) or "nl",
                                  nonprojective_weight=args.nonprojective_weight)
                said = LogTo(lambda m: print(f"  [{system}] {m}", flush=True)) if args.verbose else None
                model, best = train_with_start(train_path, None, Path(tmp) / system, cfg,
                                               args.start if default else "scratch", said)
                parsed = parse_batch(model, [[w.form for w in s.words] for s in test])
                predicted = [annotate(s, p) for s, p in zip(test, parsed)]
                scores = evaluate(test, predicted).to_json()
                start = model.config.get("start", {})
                r = {"UPOS": scores["UPOS"], "UAS": scores["UAS"], "LAS": scores["LAS"],
                     "selected_epoch": best.get("epoch"), "minutes": (time.time() - t0) / 60,
                     "start": start.get("chosen", "scratch"), "system_built": model.transitions.system.name,
                     "selection_LAS": {k: v["LAS"] for k, v in start.get("selection", {}).items()},
                     **nonprojective_counts(test, predicted)}
                results.setdefault(system, []).append(r)
                print(f"  [{system}] fold {f + args.first_fold}: {json.dumps(r)}", flush=True)
    for system, rs in results.items():
        total = {k: sum(r[k] for r in rs) for k in ("gold_nonprojective_arcs", "exact", "exact_labelled",
                                                     "predicted_nonprojective_arcs",
                                                     "predicted_nonprojective_correct", "minutes")}
        total.update({k: sum(r[k] for r in rs) / len(rs) for k in ("UPOS", "UAS", "LAS")})
        total["exact_%"] = 100.0 * total["exact"] / max(total["gold_nonprojective_arcs"], 1)
        total["exact_labelled_%"] = 100.0 * total["exact_labelled"] / max(total["gold_nonprojective_arcs"], 1)
        sums[system] = total
    results = sums
    print()
    print(f"Summed over {len(parts)} fold(s) of {folds} (from fold {args.first_fold}); UPOS/UAS/LAS: the mean over "
          "the folds")
    print("| system | UPOS | UAS | LAS | gold non-projective arcs | predicted exactly | with the relation "
          "| non-projective arcs predicted (correct) | training min |")
    print("|---|---|---|---|---|---|---|---|---|")
    for system, r in results.items():
        print(f"| {system} | {r['UPOS']:.2f} | {r['UAS']:.2f} | {r['LAS']:.2f} | {r['gold_nonprojective_arcs']} "
              f"| {r['exact']} ({r['exact_%']:.1f}%) | {r['exact_labelled']} ({r['exact_labelled_%']:.1f}%) "
              f"| {r['predicted_nonprojective_arcs']} ({r['predicted_nonprojective_correct']}) "
              f"| {r['minutes']:.1f} |")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
