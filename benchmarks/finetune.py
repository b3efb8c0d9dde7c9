"""The fine-tuning lab's GUM experiment and learning curve (issue 7).

    python benchmarks/finetune.py --threads 1     # base = the bundled EWT model; about 40-60 min, one core
    python benchmarks/finetune.py --skip-curve    # only the 500-sentence experiment
    python benchmarks/finetune.py --quick         # tiny fixture model and data, seconds (a smoke test)
    python benchmarks/finetune.py --recipes       # how the recipe was chosen (validation sentences)
    python benchmarks/finetune.py --domain-gap    # base LAS by sentence length, EWT dev vs GUM dev

Data: ``../shared/data/ud/en_gum/en_gum-ud-dev.conllu`` (1,575 sentences of
fiction, academic prose, interviews, vlogs, ... -- genres unlike EWT's web
text).  Split (``--split seeded``, the default): the sentences are shuffled
with ``random.Random(1)``;

* the 500-sentence experiment fine-tunes on the first 500 shuffled sentences
  and scores on the other 1,075;
* the learning curve trains on the first n of the first 1,000 shuffled
  sentences (n = 50, 100, 250, 500, 1000) and scores every n on the same
  held-out 575 (the last 575 shuffled sentences).

``--split first`` instead takes the first 500 sentences in file order
(whole documents: a harder, document-level split) for the 500 experiment.

No model selection on the evaluation sentences: every run trains a fixed
number of epochs and the model after the last epoch is scored (the per-epoch
held-out scores are recorded for the curves only).  Fine-tuning: FinetuneConfig's
defaults -- all parts trained, Adam lr 1e-3, batch 32, 30 epochs, 500 EWT train
sentences mixed into every epoch (rehearsal), new words/relations added by
vocabulary growth; chosen among the ``--recipes`` on 500 validation sentences
(shuffled 500-999: inside the curve's pool, disjoint from its test sentences,
but part of the 500-sentence experiment's 1,075).  From scratch: the same
architecture and sizes, new vocabularies, lr 2e-3 (the usual training recipe),
the same epochs and batch size, the n GUM sentences only.  Scores
are parser.evaluate's (CoNLL 2018 conventions, gold tokenization, predicted
UPOS).  Results go to ``--out`` as JSON and are printed as Markdown.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GUM = ROOT.parent / "shared" / "data" / "ud" / "en_gum" / "en_gum-ud-dev.conllu"
FIXTURES = ROOT / "tests" / "fixtures"


def splits(sentences, how: str, n_train: int, pool: int):
    order = list(range(len(sentences)))
    random.Random(1).shuffle(order)
    shuffled = [sentences[i] for i in order]
    if how == "first":
        main = (sentences[:n_train], sentences[n_train:])
    else:
        main = (shuffled[:n_train], shuffled[n_train:])
    curve = (shuffled[:pool], shuffled[pool:])
    return main, curve, shuffled


# the fine-tuning recipes compared by --recipes (on validation sentences, never on the test sentences);
# every option not given is FinetuneConfig's default except these (the old default recipe: lr 3e-4, batch 32)
RECIPE_BASE = {"epochs": 15, "lr": 3e-4, "batch_size": 32, "warmup": 0.0, "rehearsal": 0, "freeze": ()}
RECIPES = {"a lr 3e-4 (the old default)": {},
           "b lr 1e-3": {"lr": 1e-3},
           "c lr 2e-3": {"lr": 2e-3},
           "d lr 1e-3, batch 8": {"lr": 1e-3, "batch_size": 8},
           "e lr 1e-3, embeddings frozen": {"lr": 1e-3, "freeze": ("embeddings",)},
           "f lr 1e-3, warm-up 10% + linear decay": {"lr": 1e-3, "warmup": 0.1},
           "g lr 1e-3, rehearsal 500 EWT/epoch": {"lr": 1e-3, "rehearsal": 500},
           "h lr 1e-3, rehearsal 500 EWT/epoch, 30 epochs (the default)": {"lr": 1e-3, "rehearsal": 500,
                                                                          "epochs": 30}}


def compare_recipes(base, shuffled, log, sizes=(50, 500)) -> str:
    """Held-out LAS of each recipe on shuffled[500:1000]: inside the learning-curve pool, disjoint from
    the curve's test sentences (the main experiment's evaluation sentences do include them)."""
    from deplab.parser.finetune import FinetuneConfig, finetune
    from deplab.parser.learning_curve import _scores
    val = shuffled[500:1000]
    b = _scores(base, val)["LAS"]
    lines = [f"Validation LAS on {len(val)} GUM sentences (base {b:.2f}); 15 epochs unless stated, last epoch scored",
             "", "| recipe | " + " | ".join(f"{n} sentences" for n in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for name, kw in RECIPES.items():
        cells = []
        for n in sizes:
            cfg = FinetuneConfig(**{"patience": 0, "select_best": False, "eval_every_epoch": False,
                                    **RECIPE_BASE, **kw})
            las = finetune(base, shuffled[:n], val, cfg, log=lambda m: None).final["LAS"]
            cells.append(f"{las:.2f} ({las - b:+.2f})")
            log(f"{name}, {n} sentences: {las:.2f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


BUCKETS = ((1, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 10**6))


def domain_gap(base, gum, ewt_dev) -> str:
    """LAS by sentence length on EWT dev (the base model's own domain) and GUM dev, and EWT dev's
    per-length LAS reweighted to GUM's length distribution: the score the base model would get on
    GUM if GUM were in-domain text of GUM's lengths.  GUM minus that is the part of the drop that
    domain adaptation can win back; the rest comes from GUM's longer sentences."""
    from deplab.parser.decode import parse_batch
    from deplab.parser.evaluate import evaluate
    from deplab.parser.pipeline import annotate

    def by_length(sents):
        parsed = parse_batch(base, [[w.form for w in s.words] for s in sents])
        out = []
        for lo, hi in BUCKETS:
            idx = [i for i, s in enumerate(sents) if lo <= len(s.words) <= hi]
            gold = [sents[i] for i in idx]
            e = evaluate(gold, [annotate(sents[i], parsed[i]) for i in idx]).to_json()
            out.append((sum(len(g.words) for g in gold), e["LAS"]))
        whole = evaluate(sents, [annotate(s, p) for s, p in zip(sents, parsed)]).to_json()["LAS"]
        return out, whole
    e, e_all = by_length(ewt_dev)
    g, g_all = by_length(gum)
    ge = sum(n for n, _ in g)
    ee = sum(n for n, _ in e)
    expected = sum(ng / ge * le for (ng, _), (_, le) in zip(g, e))
    lines = ["Base model LAS by sentence length (words), EWT dev vs GUM dev", "",
             "| length | EWT words | EWT LAS | GUM words | GUM LAS |", "|---|---:|---:|---:|---:|"]
    for (lo, hi), (ne, le), (ng, lg) in zip(BUCKETS, e, g):
        name = f"{lo}–{hi}" if hi < 10**6 else f"{lo}+"
        lines.append(f"| {name} | {100 * ne / ee:.1f}% | {le:.2f} | {100 * ng / ge:.1f}% | {lg:.2f} |")
    lines.append(f"| all | {ee:,} | {e_all:.2f} | {ge:,} | {g_all:.2f} |")
    lines += ["", f"EWT dev's per-length LAS at GUM's length mix: {expected:.2f}. Of the {e_all - g_all:.2f} points "
              f"GUM dev is below EWT dev, {e_all - expected:.2f} come from GUM's longer sentences and "
              f"{expected - g_all:.2f} from the domain at equal length."]
    return "\n".join(lines)


def row(name, s, base):
    d = f"{s['LAS'] - base['LAS']:+.2f}" if name != "base model" else ""
    return f"| {name} | {s['UPOS']:.2f} | {s['UAS']:.2f} | {s['LAS']:.2f} | {d} |"


def main(argv=None) -> int:
    from deplab.parser.finetune import FinetuneConfig
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", help="base model folder (default: the bundled model)")
    ap.add_argument("--data", default=str(GUM))
    ap.add_argument("--split", choices=("seeded", "first"), default="seeded")
    ap.add_argument("--train-size", type=int, default=500)
    ap.add_argument("--pool", type=int, default=1000, help="learning-curve pool (the rest is its held-out set)")
    ap.add_argument("--sizes", default="50,100,250,500,1000")
    d = FinetuneConfig()
    ap.add_argument("--epochs", type=int, default=d.epochs)
    ap.add_argument("--lr", type=float, default=d.lr)
    ap.add_argument("--batch-size", type=int, default=d.batch_size)
    ap.add_argument("--warmup", type=float, default=d.warmup, help="slanted triangular lr: warm-up fraction (0: constant)")
    ap.add_argument("--rehearsal", type=int, default=d.rehearsal,
                    help="base-domain (EWT train) sentences mixed into every fine-tuning epoch (0: none)")
    ap.add_argument("--freeze", default="")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; 1 by default: on a shared 2-core machine two OpenMP threads spend most "
                         "of their time spinning at barriers (measured with py-spy: 10x slower runs)")
    ap.add_argument("--final-only", action="store_true", help="score the held-out data once per run, not per epoch")
    ap.add_argument("--skip-curve", action="store_true")
    ap.add_argument("--skip-main", action="store_true")
    ap.add_argument("--no-scratch", action="store_true", help="skip the from-scratch baseline")
    ap.add_argument("--layer-decay", type=float, default=1.0)
    ap.add_argument("--save-model", help="also write the 500-sentence fine-tuned model here")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "finetune_gum.json"))
    ap.add_argument("--quick", action="store_true", help="tiny fixture model and data (smoke test)")
    ap.add_argument("--recipes", action="store_true",
                    help="only compare the fine-tuning recipes on validation sentences (how the recipe was chosen)")
    ap.add_argument("--recipe-sizes", default="50,500", help="training sizes for --recipes")
    ap.add_argument("--domain-gap", action="store_true",
                    help="only print the base model's LAS by sentence length on EWT dev and GUM dev (seconds)")
    args = ap.parse_args(argv)

    import torch
    from deplab.parser.conllu import read_conllu
    from deplab.parser.finetune import parse_freeze, run_experiment
    from deplab.parser.learning_curve import learning_curve, parse_sizes
    from deplab.parser.model import Model

    torch.set_num_threads(args.threads)
    if args.quick:
        import tempfile
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest import train_tiny
        base_dir = Path(tempfile.mkdtemp()) / "tiny"
        train_tiny(base_dir)
        args.base, args.data = str(base_dir), str(FIXTURES / "tiny.conllu")
        args.train_size, args.pool, args.sizes, args.epochs = 20, 30, "10,20,30", 2
        args.out = str(Path(tempfile.mkdtemp()) / "finetune_quick.json")
    base = Model.load(args.base)
    sentences = read_conllu(args.data)
    (train, test), (pool, held), shuffled = splits(sentences, args.split, args.train_size, args.pool)
    sizes = parse_sizes(args.sizes)
    # with the seeded split the curve's n = train_size run *is* the main experiment (same training
    # sentences): it is also scored on all the other sentences instead of being trained twice
    main_in_curve = (args.split == "seeded" and args.train_size in sizes and not args.skip_curve
                     and args.train_size <= args.pool)
    if args.domain_gap:
        ewt_dev = read_conllu(ROOT.parent / "shared" / "data" / "ud" / "en_ewt" / "en_ewt-ud-dev.conllu")
        print(domain_gap(base, sentences, ewt_dev))
        return 0
    if args.recipes:
        table = compare_recipes(base, shuffled, lambda m: print(m, flush=True), parse_sizes(args.recipe_sizes))
        print(table)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).with_name("finetune_recipes.md").write_text(table + "\n")
        return 0
    cfg = FinetuneConfig(epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, freeze=parse_freeze(args.freeze),
                         patience=0, select_best=False, layer_decay=args.layer_decay, warmup=args.warmup,
                         rehearsal=args.rehearsal, eval_every_epoch=not args.final_only)
    out = {"base": str(base.path), "base_training": {k: v for k, v in base.config.get("training", {}).items()
                                                      if k != "history"},
           "data": args.data, "split": args.split, "options": cfg.to_json(), "threads": args.threads}
    log = lambda m: print(m, flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)

    recipe = (f"(fine-tuning: lr {cfg.lr:g}, batch {cfg.batch_size}, warm-up {cfg.warmup:g}, rehearsal "
              f"{cfg.rehearsal} base-domain sentences per epoch; from scratch: lr {cfg.scratch_lr:g}, no rehearsal; "
              f"base {base.path.name if base.path else '?'})")

    def main_table(n, base_s, ft_s, sc_s, n_test):
        lines = [f"GUM dev, {n} training sentences ({args.split} split), scored on the other "
                 f"{n_test}; {args.epochs} epochs, last epoch scored",
                 recipe, "", "| model | UPOS | UAS | LAS | ΔLAS vs base |", "|---|---:|---:|---:|---:|",
                 row("base model", base_s, base_s), row(f"fine-tuned on {n} GUM", ft_s, base_s)]
        if sc_s:
            lines.append(row(f"from scratch on {n} GUM", sc_s, base_s))
        return "\n".join(lines)

    if not args.skip_main and not main_in_curve:
        log(f"== {len(train)} training sentences ({args.split} split), {len(test)} evaluation sentences")
        t0 = time.time()
        r = run_experiment(base, train, test, cfg, baseline=not args.no_scratch, log=log,
                           data={"source": "file", "path": args.data, "split": args.split, "sentences": len(train)})
        out["main"] = {"train": len(train), "test": len(test), "base": r.base_scores,
                       "finetuned": r.finetuned.to_json(), "scratch": r.scratch.to_json() if r.scratch else None,
                       "seconds": round(time.time() - t0, 1)}
        if args.save_model:
            r.finetuned.model.save(args.save_model)
        Path(args.out).write_text(json.dumps(out, indent=1))
        out["main_markdown"] = main_table(len(train), r.base_scores, r.finetuned.final,
                                          r.scratch.final if r.scratch else None, len(test))
        log(out["main_markdown"])

    if not args.skip_curve:
        log(f"== learning curve: pool {len(pool)}, held-out {len(held)}, sizes {sizes}")
        t0 = time.time()
        points = []

        def save(p):
            points.append(p)
            out["curve"] = points
            other = p["extra"].get("other")
            if other:
                out["main"] = {"train": p["sentences"], "test": other["sentences"], **other,
                               "history_on": f"the {len(held)} learning-curve held-out sentences"}
                out["main_markdown"] = main_table(p["sentences"], other["base"], other["finetuned"],
                                                  other.get("scratch"), other["sentences"])
                log(out["main_markdown"])
            Path(args.out).write_text(json.dumps(out, indent=1))
        extra = (lambda n: {"other": shuffled[n:]} if n == args.train_size else {}) if main_in_curve else None
        learning_curve(base, pool, held, sizes, cfg, scratch=not args.no_scratch, log=log, on_point=save,
                       extra_eval=extra)
        lines = [f"Held-out LAS on {len(held)} GUM dev sentences ({args.epochs} epochs, last epoch scored)", recipe, "",
                 "| training sentences | words | fine-tuned LAS | from-scratch LAS | base LAS |",
                 "|---:|---:|---:|---:|---:|"]
        for p in points:
            sc = f"{p['scratch']['LAS']:.2f}" if p.get("scratch") else "–"
            lines.append(f"| {p['sentences']} | {p['words']:,} | {p['finetuned']['LAS']:.2f} | {sc} | "
                         f"{p['base']['LAS']:.2f} |")
        out["curve_markdown"] = "\n".join(lines)
        out["curve_seconds"] = round(time.time() - t0, 1)
        log(out["curve_markdown"])
    Path(args.out).write_text(json.dumps(out, indent=1))
    log(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
