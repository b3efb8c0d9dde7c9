"""The fine-tuning lab's benchmark: a real domain shift, EWT web text -> ATIS air-travel queries (issue 20).

    python benchmarks/finetune.py --threads 1          # learning curve + forgetting guards, ATIS (about 1 h, one core)
    python benchmarks/finetune.py --tune               # how the recipe was chosen (a held-out slice of ATIS train)
    python benchmarks/finetune.py --data gum           # the older GUM experiment (same curve, GUM dev split)
    python benchmarks/finetune.py --quick              # tiny fixture model and data, seconds (a smoke test)

Data (ATIS, the default): UD English-ATIS train (4,274 sentences) shuffled with
``random.Random(1)``.  The learning curve fine-tunes on the first n shuffled
sentences (n = 25, 50, 100, 250, 500, 1000); the *last 500* shuffled sentences
are the tuning slice ``--tune`` chooses the recipe on, never trained on by the
curve.  Every model is scored on ATIS dev (572 sentences), which nothing
chooses on.  Forgetting is the fine-tuned model's LAS on UD English-EWT dev
(the base model's own domain); ``--tune`` measured forgetting on EWT dev's
first 1,000 sentences only, so the second half (sentences 1,001-2,001) is
reported too as the part no choice saw.

The base model is the bundled ``resources/models/en_ewt``.  Fine-tuning uses
FinetuneConfig's defaults (the recipe ``--tune`` chose), from scratch the same
architecture, new vocabularies, lr 2e-3, the same epochs, on the n ATIS
sentences only.  No model selection on ATIS dev: every run trains a fixed
number of epochs and the last epoch is scored.  The forgetting guards
(:mod:`parser.forgetting`) are compared at ``--guard-sizes``: none, LwF,
L2-SP, both, and rehearsal of 500 EWT train sentences per epoch (the one
guard that needs the base model's training data).  Scores are
``parser.evaluate``'s (CoNLL 2018 conventions, gold tokens, predicted UPOS).
Data and base model are recorded by file name and sha256.  Results go to
``--out`` (JSON) and are printed as Markdown.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# the UD data beside the checkout (../shared; a git worktree one level deeper: ../../shared); DEPLAB_UD overrides
UD = Path(os.environ.get("DEPLAB_UD") or next(
    (p / "shared" / "data" / "ud" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared" / "data" / "ud").is_dir()),
    ROOT.parent / "shared" / "data" / "ud"))
DATA = {
    "atis": (UD / "en_atis" / "en_atis-ud-train.conllu", UD / "en_atis" / "en_atis-ud-dev.conllu"),
    "gum": (UD / "en_gum" / "en_gum-ud-dev.conllu", None),  # GUM: one file, split into pool and held-out
}
EWT_TRAIN = UD / "en_ewt" / "en_ewt-ud-train.conllu"
EWT_DEV = UD / "en_ewt" / "en_ewt-ud-dev.conllu"
FIXTURES = ROOT / "tests" / "fixtures"
TUNE_SLICE = 500
GUARD_ROWS = ("none", "lwf", "l2sp", "lwf+l2sp", "rehearsal")

# the recipes --tune compares (held-out ATIS train slice; EWT dev[:1000] for forgetting); FinetuneConfig's
# defaults except what each row changes
RECIPES = {
    "no guard, lr 1e-3, 30 ep": {"guard": "none"},
    "no guard, lr 3e-4, 30 ep": {"guard": "none", "lr": 3e-4},
    "no guard, lr 2e-3, 30 ep": {"guard": "none", "lr": 2e-3},
    "no guard, lr 1e-3, 15 ep": {"guard": "none", "epochs": 15},
    "no guard, lr 1e-3, 60 ep": {"guard": "none", "epochs": 60},
    "no guard, batch 8": {"guard": "none", "batch_size": 8},
    "no guard, embeddings frozen": {"guard": "none", "freeze": ("embeddings",)},
    "LwF w 1": {"guard": "lwf", "lwf_weight": 1.0},
    "LwF w 0.3": {"guard": "lwf", "lwf_weight": 0.3},
    "LwF w 3": {"guard": "lwf", "lwf_weight": 3.0},
    "L2-SP a 1e-3": {"guard": "l2sp", "l2sp_alpha": 1e-3},
    "L2-SP a 1e-2": {"guard": "l2sp", "l2sp_alpha": 1e-2},
    "L2-SP a 1e-1": {"guard": "l2sp", "l2sp_alpha": 1e-1},
    "LwF w 1, batch 8": {"guard": "lwf", "lwf_weight": 1.0, "batch_size": 8},
    "LwF w 1 + L2-SP a 1e-2": {"guard": "lwf+l2sp", "lwf_weight": 1.0, "l2sp_alpha": 1e-2},
}


def shuffled(sentences, seed: int = 1):
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    return [sentences[i] for i in order]


def las(model, sentences) -> dict:
    from deplab.parser.learning_curve import _scores
    return _scores(model, sentences)


def cfg_with(**kw):
    from deplab.parser.finetune import FinetuneConfig
    return FinetuneConfig(**{"patience": 0, "select_best": False, "eval_every_epoch": False, **kw})


def tune(base, pool, val, forget, sizes, log) -> tuple[str, list]:
    from deplab.parser.finetune import finetune
    b, bf = las(base, val)["LAS"], las(base, forget)["LAS"]
    lines = [f"Recipe choice: LAS on {len(val)} held-out ATIS *train* sentences (base {b:.2f}) and on the first "
             f"{len(forget)} EWT dev sentences (forgetting; base {bf:.2f}); last epoch scored", "",
             "| recipe | " + " | ".join(f"{n}: ATIS | {n}: EWT" for n in sizes) + " |",
             "|---|" + "---:|---:|" * len(sizes)]
    rows = []
    for name, kw in RECIPES.items():
        cells = []
        for n in sizes:
            t0 = time.time()
            m = finetune(base, pool[:n], val, cfg_with(**kw)).model
            a, e = las(m, val)["LAS"], las(m, forget)["LAS"]
            cells.append(f"{a:.2f} | {e:.2f}")
            rows.append({"recipe": name, "options": kw, "sentences": n, "ATIS_val_LAS": a, "EWT_dev1000_LAS": e})
            log(f"{name}, {n} sentences: ATIS val {a:.2f}, EWT {e:.2f} ({time.time() - t0:.0f}s)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines), rows


def curve_table(out: dict) -> str:
    points, o = out["curve"], out["options"]
    name = out.get("name", "ATIS")
    base_test = points[0]["base"]["LAS"]
    base_ewt = points[0]["extra"]["EWT dev"]["base"]["LAS"]
    lines = [f"LAS on {name} dev ({out['test']['sentences']} sentences) after fine-tuning on n {name} train sentences; "
             f"{o['epochs']} epochs, last epoch scored; fine-tuning: lr {o['lr']:g}, guard {o['guard']}; from scratch: "
             f"lr {o['scratch_lr']:g}; EWT dev LAS (forgetting) of the fine-tuned model, base {base_ewt:.2f}", "",
             "| n | words | base | fine-tuned | from scratch | Δ vs base | Δ vs scratch | EWT dev (fine-tuned) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for p in points:
        f, sc = p["finetuned"]["LAS"], (p.get("scratch") or {}).get("LAS")
        lines.append(f"| {p['sentences']} | {p['words']:,} | {base_test:.2f} | {f:.2f} | "
                     + (f"{sc:.2f}" if sc is not None else "–") + f" | {f - base_test:+.2f} | "
                     + (f"{f - sc:+.2f}" if sc is not None else "–")
                     + f" | {p['extra']['EWT dev']['finetuned']['LAS']:.2f} |")
    return "\n".join(lines)


def guards_table(out: dict) -> str:
    name = out.get("name", "ATIS")
    p0 = out["curve"][0]
    base_test, base_ewt = p0["base"]["LAS"], p0["extra"]["EWT dev"]["base"]["LAS"]
    base_half = p0["extra"]["EWT dev 2nd half"]["base"]["LAS"]
    lines = [f"Forgetting guards: {name} dev LAS and EWT dev LAS (whole; 2nd half, unseen by --tune) after "
             f"fine-tuning on n sentences; base: {base_test:.2f}, EWT dev {base_ewt:.2f}, 2nd half {base_half:.2f}", "",
             f"| n | guard | {name} dev LAS | EWT dev LAS | forgetting | EWT 2nd half | forgetting |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for r in out["guards"]:
        e, h = r["EWT dev"]["LAS"], r["EWT dev 2nd half"]["LAS"]
        lines.append(f"| {r['sentences']} | {r['guard']} | {r['test']['LAS']:.2f} | {e:.2f} | {e - base_ewt:+.2f} | "
                     f"{h:.2f} | {h - base_half:+.2f} |")
    return "\n".join(lines)


def targets(out: dict) -> list[str]:
    by = {p["sentences"]: p for p in out["curve"]}
    base_test = out["curve"][0]["base"]["LAS"]
    checks = []
    for n, need_base, need_scratch in ((25, 10, 10), (50, None, 10), (100, 20, 10)):
        if n in by and by[n].get("scratch"):
            f, sc = by[n]["finetuned"]["LAS"], by[n]["scratch"]["LAS"]
            if need_base is not None:
                checks.append(f"n={n}: fine-tuned {f:.2f} vs base+{need_base} = {base_test + need_base:.2f}: "
                              + ("met" if f >= base_test + need_base else "NOT met"))
            checks.append(f"n={n}: fine-tuned {f:.2f} vs scratch+{need_scratch} = {sc + need_scratch:.2f}: "
                          + ("met" if f >= sc + need_scratch else "NOT met"))
    return checks


def report(out: dict) -> str:
    """The results file as Markdown: the learning curve, the guards, the targets (also written beside it as .md)."""
    parts = [curve_table(out)]
    if out.get("guards"):
        parts.append(guards_table(out))
    parts.append("\n".join(["Targets (issue 20):", ""] + [f"* {t}" for t in targets(out)]))
    rows = len(out.get("guards", []))
    parts.append(f"Command: `python benchmarks/finetune.py --threads 1` ({out.get('threads', 1)} torch thread); "
                 f"{len(out['curve'])} curve points, {rows} guard rows in this file"
                 + ("." if "seconds" in out else "; the run was stopped before it finished (the rows above are complete)."))
    return "\n\n".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", help="base model folder (default: the bundled model)")
    ap.add_argument("--data", choices=sorted(DATA), default="atis")
    ap.add_argument("--sizes", default="25,50,100,250,500,1000")
    ap.add_argument("--guard-sizes", default="25,100,1000", help="sizes at which the forgetting guards are compared")
    ap.add_argument("--guards", default=",".join(GUARD_ROWS))
    ap.add_argument("--tune", action="store_true", help="only compare the recipes on the held-out ATIS train slice")
    ap.add_argument("--tune-sizes", default="25,100")
    ap.add_argument("--no-scratch", action="store_true")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; 1 by default (a shared 2-core machine: two threads spin at barriers)")
    ap.add_argument("--out", help="JSON results (default benchmarks/results/finetune_<data>.json)")
    ap.add_argument("--quick", action="store_true", help="tiny fixture model and data (smoke test)")
    ap.add_argument("--report", action="store_true",
                    help="only print the tables of the results file (--out), e.g. of a run still going")
    args = ap.parse_args(argv)
    if args.report:
        path = Path(args.out or ROOT / "benchmarks" / "results" / f"finetune_{args.data}.json")
        text = report(json.loads(path.read_text()))
        print(text)
        path.with_suffix(".md").write_text(text + "\n")
        return 0

    import torch
    from deplab.parser.callbacks import LogTo
    from deplab.parser.conllu import read_conllu
    from deplab.parser.finetune import file_record, finetune, model_record
    from deplab.parser.learning_curve import learning_curve, parse_sizes
    from deplab.parser.model import Model

    torch.set_num_threads(args.threads)
    log = lambda m: print(m, flush=True)
    train_file, dev_file = DATA[args.data]
    ewt_dev_file, ewt_train_file = EWT_DEV, EWT_TRAIN
    if args.quick:
        import tempfile
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest import train_tiny
        base_dir = Path(tempfile.mkdtemp()) / "tiny"
        train_tiny(base_dir)
        args.base = str(base_dir)
        train_file, dev_file = FIXTURES / "kitchen.conllu", FIXTURES / "tiny_dev.conllu"
        ewt_dev_file = ewt_train_file = FIXTURES / "tiny.conllu"
        args.sizes, args.guard_sizes, args.tune_sizes = "5,10", "5", "5"
        args.out = args.out or str(Path(tempfile.mkdtemp()) / "finetune_quick.json")
    out_path = Path(args.out or ROOT / "benchmarks" / "results" / f"finetune_{args.data}.json")
    base = Model.load(args.base)
    sentences = read_conllu(train_file)
    ewt_dev = read_conllu(ewt_dev_file)
    half = min(1000, len(ewt_dev) // 2)
    mixed = shuffled(sentences)
    if dev_file is not None:
        test = read_conllu(dev_file)
        pool, val = mixed[:-TUNE_SLICE] if len(mixed) > 2 * TUNE_SLICE else mixed, mixed[-TUNE_SLICE:]
    else:  # GUM: the first 1000 shuffled sentences are the pool, the rest is scored
        pool, test = mixed[:1000], mixed[1000:]
        val = mixed[500:1000]
    if args.quick:
        pool, val = mixed, mixed[-10:]
    record = {"name": args.data.upper(), "base": model_record(base), "data": file_record(train_file, sentences),
              "test": file_record(dev_file, test) if dev_file else {"split": "shuffled[1000:]", "sentences": len(test)},
              "forgetting": file_record(ewt_dev_file, ewt_dev), "threads": args.threads,
              "options": cfg_with().to_json()}
    if args.tune:
        table, rows = tune(base, pool, val, ewt_dev[:half], parse_sizes(args.tune_sizes), log)
        log(table)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.with_name(f"finetune_{args.data}_tuning.json").write_text(
            json.dumps({**record, "tuning_slice": len(val), "rows": rows, "markdown": table}, indent=1))
        return 0

    cfg = cfg_with()
    sizes = parse_sizes(args.sizes)
    log(f"== {args.data}: pool {len(pool)}, test {len(test)}, sizes {sizes}; recipe {cfg.to_json()}")
    out = {**record, "curve": [], "guards": []}

    def save():
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(out, indent=1))

    def on_point(p):
        out["curve"].append({k: v for k, v in p.items() if not k.endswith("_history")})
        save()
    t0 = time.time()
    forget_sets = {"EWT dev": ewt_dev, "EWT dev 2nd half": ewt_dev[half:]}
    points = learning_curve(base, pool, test, sizes, cfg, scratch=not args.no_scratch, callbacks=LogTo(log), on_point=on_point,
                            extra_eval=lambda n: forget_sets)
    out["curve_seconds"] = round(time.time() - t0, 1)
    out["curve_markdown"] = curve_table(out)
    log(out["curve_markdown"])
    save()

    # the forgetting guards, side by side
    guard_sizes = [n for n in parse_sizes(args.guard_sizes) if n <= len(pool)]
    names = [g.strip() for g in args.guards.split(",") if g.strip()]
    for n in guard_sizes:
        for g in names:
            if g == "rehearsal":
                if not Path(ewt_train_file).is_file():
                    continue
                c = cfg_with(rehearsal_data=str(ewt_train_file))
            else:
                c = cfg_with(guard=g)
            t1 = time.time()
            m = finetune(base, pool[:n], test, c).model
            row = {"sentences": n, "guard": g, "test": las(m, test), "EWT dev": las(m, ewt_dev),
                   "EWT dev 2nd half": las(m, ewt_dev[half:]), "seconds": round(time.time() - t1, 1)}
            out["guards"].append(row)
            log(f"guard {g}, {n} sentences: {args.data} dev LAS {row['test']['LAS']:.2f}, "
                f"EWT dev LAS {row['EWT dev']['LAS']:.2f} ({row['seconds']:.0f}s)")
            save()
    out["base_ewt_2nd_half"] = las(base, ewt_dev[half:])
    out["guards_markdown"] = guards_table(out)
    log(out["guards_markdown"])
    if args.data == "atis" and not args.no_scratch:
        out["targets"] = targets(out)
        log("\n".join(["Targets (issue 20):"] + out["targets"]))
    out["seconds"] = round(time.time() - t0, 1)
    save()
    out_path.with_suffix(".md").write_text(report(out) + "\n")
    log(f"results written to {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
