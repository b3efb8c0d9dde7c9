"""``deplab curve``: the learning curve of a treebank (:func:`deplab.parser.learning_curve.treebank_curve`),
as the app's Parse ▸ Learning Curve of This Treebank… computes it: held-out LAS against the number of gold
sentences, for each start the default ``deplab train`` chooses between."""
from __future__ import annotations

import json

from .errors import UserError

DEFAULT_SIZES = "50,100,200,500"


def add_arguments(p):
    p.add_argument("--train", required=True, metavar="FILE", help="the gold treebank (CoNLL-U); every sentence with "
                                                                 "a complete tree is used")
    p.add_argument("--sizes", default=DEFAULT_SIZES, metavar="N,N,…",
                   help=f"numbers of gold sentences (default {DEFAULT_SIZES}); all of the pool is always added")
    p.add_argument("--test", type=float, default=0.2, metavar="FRACTION",
                   help="the seeded part of the file held out to score every point (default 0.2), never trained on")
    p.add_argument("--lang", metavar="CODE", help="ISO 639 code of the treebank's language (default: from the UD file "
                                                  "name, as deplab train)")
    p.add_argument("--base", metavar="DIR", help="the model the fine-tuned start begins from (default: the bundled model)")
    p.add_argument("--scratch-only", action="store_true", help="only the from-scratch start")
    p.add_argument("--seed", type=int, default=1, help="seed of the splits (default 1)")
    p.add_argument("--epochs", type=int, default=None, help="epochs per run (default: each start's own recipe)")
    p.add_argument("--threads", type=int, default=0, help="torch threads when the starts run one after the other")
    p.add_argument("--sequential", action="store_true", help="run the two starts one after the other, not side by side")
    p.add_argument("--size", action="append", default=[], metavar="KEY=N", help="override an architecture size")
    p.add_argument("--json", metavar="FILE", help="also write the points as JSON")


def run(args) -> int:
    from .conllu import read_conllu
    from .examples import has_complete_tree
    from .language import resolve_training_language
    from .learning_curve import curve_sizes, treebank_curve
    from .log import get_logger, progress as progress_reporter
    from .selection import hold_out
    from .train_command import Console, size_overrides
    from .train_config import TrainConfig
    if not 0.0 < args.test < 1.0:
        raise UserError(f"--test {args.test}: give a fraction between 0 and 1")
    sentences = [s for s in read_conllu(args.train) if has_complete_tree(s)]
    pool, test = hold_out(sentences, args.test, args.seed)
    if len(pool) < 2:
        raise UserError(f"{args.train}: {len(sentences)} sentences with a complete tree are too few for a curve")
    sizes = curve_sizes(args.sizes, len(pool))
    language = resolve_training_language(args.lang, args.train)
    cfg = TrainConfig(seed=args.seed, language=language, epochs=args.epochs, threads=args.threads,
                      sizes=size_overrides(args.size))
    logger = get_logger(__name__)
    logger.info(f"{len(test)} of the {len(sentences)} sentences (seed {args.seed}) score every point; "
                f"sizes {', '.join(map(str, sizes))} of the other {len(pool)}")
    from .auto_start import KINDS, bundled_base
    if args.base is not None and args.scratch_only:
        raise UserError("--base and --scratch-only: choose one")
    base = args.base or bundled_base()
    kinds = ("scratch",) if args.scratch_only or base is None else KINDS
    if base is None and not args.scratch_only:
        logger.info("the bundled model is not installed: the curve is trained from scratch only")
    with progress_reporter("learning curve", "") as bar:
        points = treebank_curve(pool, test, sizes, cfg, base, Console(logger, bar),
                                parallel=False if args.sequential else None, kinds=kinds)
    kinds = [k for k in ("scratch", "finetuned", "ensemble") if any(k in p["runs"] for p in points)]
    print("| gold sentences | " + " | ".join(f"{k} LAS" for k in kinds) + " | kept by the default | its UPOS | UAS | LAS |")
    print("|---:|" + "---:|" * len(kinds) + "---|---:|---:|---:|")
    for p in points:
        d = p["default"]
        print(f"| {p['sentences']} | " + " | ".join(f"{p['runs'][k]['LAS']:.2f}" if k in p["runs"] else "—"
                                                     for k in kinds)
              + f" | {p['chosen']} | {d['UPOS']:.2f} | {d['UAS']:.2f} | {d['LAS']:.2f} |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"train": args.train, "test_sentences": len(test), "language": language, "points": points}, f,
                      indent=1)
    return 0
