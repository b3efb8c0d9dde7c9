"""The treebanker's loop on small data: DepLab against UDPipe 1, trained on the same few gold sentences.

    python benchmarks/bootstrap.py                          # nl, fr, zh at 100 / 300 / all sentences
    python benchmarks/bootstrap.py --langs nl --sizes 100   # one cell
    python benchmarks/bootstrap.py --transfer               # also fine-tune the bundled English model
    python benchmarks/bootstrap.py --quick                  # the fixture treebank, seconds (smoke test)
    python benchmarks/bootstrap.py --report new.json --udpipe-from benchmarks/results/bootstrap.json  # margins

Data: each language's small gold treebank in ``../shared/data/ud`` (Dutch Alpino, French GSD,
Chinese GSDSimp: each treebank's dev file, standing for "what a linguist has annotated so far").
Split: the last 10% of the file (in file order) is the evaluation part, never used for any choice;
the first 90% is the pool. For a size N, the first N pool sentences are the linguist's gold: a
seeded 10% of them (``random.Random(1)``, at least 5) is held out for model selection, the rest is
trained on. DepLab and UDPipe 1 get exactly the same training and selection files.

DepLab runs its command line with its defaults (``deplab train --train T --dev S``: the default
recipe is what is measured, including the default start -- for small data the auto start, which trains
from scratch and fine-tunes the bundled model and keeps the better selection LAS; the rows give the start
kept and both selection LAS; ``--deplab-args`` adds options, e.g. ``--start scratch``), UDPipe 1 runs in-process
(``ufal.udpipe``, the ``peers`` extra) with its Parsito parser's swap system, so both can build
non-projective trees. Both predict UPOS from gold tokens. Scores: ``deplab evaluate`` (CoNLL 2018
conventions). ``nonproj`` is the share of the gold non-projective arcs of the evaluation sentences
whose head and relation are predicted exactly; ``np-out`` counts the non-projective arcs produced.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deplab.parser.conllu import Sentence, read_conllu, write_conllu  # noqa: E402
from deplab.parser.tree import DependencyTree  # noqa: E402

UD = ROOT.parent / "shared" / "data" / "ud"
FILES = {
    "nl": UD / "nl_alpino" / "nl_alpino-ud-dev.conllu",
    "fr": UD / "fr_gsd" / "fr_gsd-ud-dev.conllu",
    "zh": UD / "zh_gsdsimp" / "zh_gsdsimp-ud-dev.conllu",
}
UDPIPE_TAGGER = "iterations=10"
UDPIPE_PARSER = ("iterations=20;learning_rate=0.01;learning_rate_final=0.001;l2=0.5;transition_system=swap;"
                 "transition_oracle=static_lazy;structured_interval=10;hidden_layer=200;batch_size=10")


def split(sentences: list[Sentence], size: int | None, seed: int = 1):
    """(train, selection, evaluation) as described in the module docstring."""
    cut = len(sentences) - max(1, len(sentences) // 10)
    pool, evaluation = sentences[:cut], sentences[cut:]
    gold = pool if size is None else pool[:size]
    n_sel = max(5, len(gold) // 10)
    chosen = set(random.Random(seed).sample(range(len(gold)), n_sel))
    train = [s for i, s in enumerate(gold) if i not in chosen]
    selection = [s for i, s in enumerate(gold) if i in chosen]
    return train, selection, evaluation


def deplab(*args: str, threads: int) -> str:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-m", "deplab", *args], cwd=ROOT, env=env, text=True,
                         capture_output=True)
    if out.returncode != 0:
        raise SystemExit(f"deplab {' '.join(args)} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return out.stdout


def scores(gold: Path, system: Path, threads: int) -> dict:
    totals = json.loads(deplab("evaluate", str(gold), str(system), "--json", threads=threads))
    return {k: totals[k] for k in ("UPOS", "UAS", "LAS")}


def nonprojective(gold: list[Sentence], system: list[Sentence]) -> tuple[int, int, int]:
    """(gold non-projective arcs, of them predicted with head and relation, non-projective arcs predicted)."""
    total = right = produced = 0
    for g, s in zip(gold, system):
        gt, st = DependencyTree.from_sentence(g), DependencyTree.from_sentence(s)
        gw, sw = g.words, s.words
        for head, dep in gt.non_projective_arcs():
            total += 1
            sys_word, gold_word = sw[dep - 1], gw[dep - 1]
            if sys_word.head_index == head and sys_word.deprel.split(":")[0] == gold_word.deprel.split(":")[0]:
                right += 1
        if st.is_valid():
            produced += len(st.non_projective_arcs())
    return total, right, produced


def run_deplab(work: Path, train: Path, sel: Path, ev: Path, extra: list[str], threads: int,
               transfer: bool = False) -> dict:
    model = work / ("transfer" if transfer else "deplab")
    t0 = time.perf_counter()
    if transfer:
        deplab("finetune", "--train", str(train), "--dev", str(sel), "--out", str(model), "--overwrite",
               "--threads", str(threads), *extra, threads=threads)
    else:
        deplab("train", "--train", str(train), "--dev", str(sel), "--out", str(model),
               "--lang", train.name.split("-")[0],  # the split files are named LANG-train.conllu
               "--threads", str(threads), *extra, threads=threads)
    seconds = time.perf_counter() - t0
    out = work / (model.name + ".conllu")
    deplab("parse", "--model", str(model), str(ev), "-o", str(out), threads=threads)
    config = json.loads((model / "config.json").read_text())
    # a fine-tuned model keeps its base model's training record; its own selection scores are "finetune"'s
    best = config["finetune"]["after"] if transfer else config.get("training", {}).get("best", {})
    start = config.get("start", {})  # deplab train's auto start: both selection scores and the choice
    return {"seconds": seconds, "out": out, "select_las": best.get("LAS"), "start": start.get("chosen", "scratch"),
            "select_by_start": {k: v.get("LAS") for k, v in start.get("selection", {}).items()},
            "run_seconds": start.get("run_seconds")}


def run_udpipe(work: Path, train: Path, sel: Path, ev: Path) -> dict:
    from ufal.udpipe import InputFormat, Model, Pipeline, ProcessingError, Sentence, Sentences, Trainer

    def load(path: Path) -> Sentences:
        fmt, out, error = InputFormat.newConlluInputFormat(), Sentences(), ProcessingError()
        fmt.setText(path.read_text(encoding="utf-8"))
        s = Sentence()
        while fmt.nextSentence(s, error):
            out.push_back(s)
            s = Sentence()
        if error.occurred():
            raise SystemExit(f"{path}: UDPipe cannot read it: {error.message}")
        return out

    t0 = time.perf_counter()
    error = ProcessingError()
    model_bytes = Trainer.train("morphodita_parsito", load(train), load(sel), "none", UDPIPE_TAGGER,
                                UDPIPE_PARSER, error)
    if error.occurred():
        raise SystemExit(f"UDPipe training failed: {error.message}")
    seconds = time.perf_counter() - t0
    path = work / "udpipe.model"
    path.write_bytes(model_bytes if isinstance(model_bytes, bytes) else model_bytes.encode("utf-8", "surrogateescape"))
    model = Model.load(str(path))
    pipeline = Pipeline(model, "conllu", Pipeline.DEFAULT, Pipeline.DEFAULT, "conllu")
    text = pipeline.process(ev.read_text(encoding="utf-8"), error)
    if error.occurred():
        raise SystemExit(f"UDPipe parsing failed: {error.message}")
    out = work / "udpipe.conllu"
    out.write_text(text, encoding="utf-8")
    return {"seconds": seconds, "out": out}


def cell(lang: str, path: Path, size: int | None, args, work_root: Path) -> list[dict]:
    sentences = read_conllu(path)
    train, selection, evaluation = split(sentences, size)
    work = work_root / f"{lang}-{size or 'all'}"
    work.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, part in (("train", train), ("select", selection), ("eval", evaluation)):
        files[name] = work / f"{lang}-{name}.conllu"
        write_conllu(part, files[name])
    systems = []
    if not args.no_deplab:
        systems.append(("DepLab", lambda: run_deplab(work, files["train"], files["select"], files["eval"],
                                                     args.deplab_args.split(), args.threads)))
    if args.transfer:
        systems.append(("DepLab from en_ewt", lambda: run_deplab(work, files["train"], files["select"],
                                                                 files["eval"], args.finetune_args.split(),
                                                                 args.threads, transfer=True)))
    if not args.no_udpipe:
        systems.append(("UDPipe 1", lambda: run_udpipe(work, files["train"], files["select"], files["eval"])))
    rows = []
    for name, fn in systems:
        r = fn()
        s = scores(files["eval"], r["out"], args.threads)
        total, right, produced = nonprojective(evaluation, read_conllu(r["out"]))
        row = {"lang": lang, "size": size or "all", "train": len(train), "select": len(selection),
               "eval": len(evaluation), "system": name, **s, "seconds": round(r["seconds"], 1),
               "nonproj_gold": total, "nonproj_right": right, "nonproj_produced": produced,
               "select_LAS": r.get("select_las")}
        if "start" in r and not name.startswith("UDPipe"):
            row.update(start=r["start"], select_LAS_scratch=r["select_by_start"].get("scratch"),
                       select_LAS_finetuned=r["select_by_start"].get("finetuned"),
                       select_LAS_ensemble=r["select_by_start"].get("ensemble"), run_seconds=r.get("run_seconds"))
        rows.append(row)
        np_text = f"{100 * right / total:5.1f}% of {total}" if total else "—"
        sel = f"{r['select_las']:.2f}" if r.get("select_las") is not None else "—"
        if row.get("start") and len(r["select_by_start"]) > 1:
            sel += " (" + ", ".join(f"{k} {v:.2f}" for k, v in r["select_by_start"].items()) + f"; kept {row['start']})"
        print(f"| {lang} | {row['size']} ({len(train)}+{len(selection)}) | {name} | {s['UPOS']:.2f} | "
              f"{s['UAS']:.2f} | {s['LAS']:.2f} | {np_text} | {produced} | {r['seconds']:.0f} s | {sel} |", flush=True)
    return rows


def report(rows: list[dict], udpipe_rows: list[dict]) -> None:
    """The margins of saved DepLab rows over UDPipe 1's rows of the same cells (e.g. an earlier run's, the split
    and UDPipe's training being deterministic): LAS, the criterion "DepLab >= UDPipe 1 + 2", the start kept."""
    udpipe = {(r["lang"], str(r["size"]), r["train"], r["select"], r["eval"]): r for r in udpipe_rows
              if r["system"] == "UDPipe 1"}
    print("| lang | size | DepLab LAS | UDPipe 1 LAS | margin | >= +2 | start kept | selection LAS scratch / fine-tuned "
          "/ ensemble |")
    print("|---|---|---:|---:|---:|---|---|---|")
    for r in rows:
        if r["system"] != "DepLab":
            continue
        u = udpipe.get((r["lang"], str(r["size"]), r["train"], r["select"], r["eval"]))
        sel = " / ".join(f"{r[k]:.2f}" if r.get(k) is not None else "—"
                         for k in ("select_LAS_scratch", "select_LAS_finetuned", "select_LAS_ensemble"))
        if u is None:
            print(f"| {r['lang']} | {r['size']} | {r['LAS']:.2f} | — | — | — | {r.get('start', '—')} | {sel} |")
            continue
        margin = r["LAS"] - u["LAS"]
        print(f"| {r['lang']} | {r['size']} | {r['LAS']:.2f} | {u['LAS']:.2f} | {margin:+.2f} | "
              f"{'yes' if margin >= 2 else 'no'} | {r.get('start', '—')} | {sel} |")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--langs", default="nl,fr,zh", help="languages to run (default: %(default)s)")
    ap.add_argument("--sizes", default="100,300,all", help="gold sentences per run (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default: %(default)s)")
    ap.add_argument("--deplab-args", default="", help="extra options for deplab train (default: none)")
    ap.add_argument("--finetune-args", default="", help="extra options for deplab finetune (default: none)")
    ap.add_argument("--transfer", action="store_true", help="also fine-tune the bundled English model")
    ap.add_argument("--no-udpipe", action="store_true", help="skip UDPipe 1")
    ap.add_argument("--no-deplab", action="store_true", help="skip DepLab trained from scratch")
    ap.add_argument("--work", help="folder for the splits, models and outputs (default: a temporary folder)")
    ap.add_argument("--out", help="write the rows as JSON to this file")
    ap.add_argument("--quick", action="store_true", help="the fixture treebank, tiny sizes (smoke test)")
    ap.add_argument("--report", nargs="+", metavar="ROWS",
                    help="train nothing: print the margins of these saved rows' DepLab runs over UDPipe 1 "
                         "(--udpipe-from, default the rows themselves)")
    ap.add_argument("--udpipe-from", metavar="ROWS", help="with --report: UDPipe 1's rows from this file")
    args = ap.parse_args(argv)
    if args.report:
        rows = [r for f in args.report for r in json.loads(Path(f).read_text())]
        report(rows, json.loads(Path(args.udpipe_from).read_text()) if args.udpipe_from else rows)
        return 0
    if args.quick:
        files = {"xx": ROOT / "tests" / "fixtures" / "tiny.conllu"}
        sizes = [None]
        args.deplab_args = args.deplab_args or "--epochs 2 --tagger-epochs 1 --size lstm_hidden=16 --size word_dim=16"
    else:
        files = {lang: FILES[lang] for lang in args.langs.split(",")}
        sizes = [None if s == "all" else int(s) for s in args.sizes.split(",")]
    for lang, path in files.items():
        if not path.exists():
            raise SystemExit(f"{path}: not found (the benchmark reads ../shared/data/ud)")
    work_root = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="deplab-bootstrap-"))
    print(f"work folder: {work_root}")
    print("| lang | gold sentences (train+select) | system | UPOS | UAS | LAS | non-proj. arcs right | "
          "non-proj. produced | training | selection LAS |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for lang, path in files.items():
        for size in sizes:
            rows += cell(lang, path, size, args, work_root)
            if args.out:  # after every cell, so a run stopped early keeps what it measured
                Path(args.out).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
