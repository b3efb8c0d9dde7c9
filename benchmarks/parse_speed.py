"""Accuracy and speed of DepLab's parser against the reference parsers, on the same file in the same run.

    python benchmarks/parse_speed.py [--dev FILE] [--model DIR ...] [--no-peers]
    python benchmarks/parse_speed.py --rounds 5 --model resources/models/en_ewt --model resources/models/en_ewt_h128 --record


For each system: UPOS, UAS, LAS (``parser.evaluate``: CoNLL 2018 conventions,
gold tokenization) and sentences per second of parsing time (model loading
excluded).  DepLab is timed three ways: the batched path (all sentences, tagging
included; like the reference parsers, the median of three passes over the file
after a first one, whose speed is shown too), ``Pipeline.parse`` on one sentence at a time (with the median time
for a 20-word sentence), and the app's path for a typed 20-word sentence
(tokenize, tag, parse and record the trace in one pass).  The
reference parsers in ../shared/peers (UDPipe 1, spaCy 3.8 CNN) run when their
packages are installed (``pip install -e ".[peers]"``).

``--rounds N`` then times the batched path of every model and spaCy's pipeline alternately, N rounds of one
pass each, so that a change in the machine's load between the two falls on both: it prints each round's
sentences/s and the median of the per-round ratios.  ``--record`` writes those medians into
``resources/models/measurements.json`` (for the bundled models among ``--model``), which File ▸ Bundled models
shows beside each model's dev scores.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deplab.parser.conllu import parse_conllu_text, read_conllu, to_conllu_text  # noqa: E402
from deplab.parser.evaluate import evaluate  # noqa: E402
from deplab.parser.pipeline import Pipeline  # noqa: E402

SHARED = ROOT.parent / "shared"
PEERS = SHARED / "peers"
FIRST = "median of 3 passes after a first one ({:.0f} sentences/s)"


def timed(run, repeats=3):
    """Runs ``run()`` 1 + ``repeats`` times: its output, the median time of the last ``repeats`` runs and the
    time of the first (libraries still creating kernels for new tensor shapes, warming caches)."""
    times = []
    for _ in range(1 + repeats):
        t = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times[1:]), times[0]


def deplab_one_by_one(pipe, dev):
    out, times20 = [], []
    t = time.perf_counter()
    for s in dev:
        t1 = time.perf_counter()
        out.extend(pipe.parse([s]))
        if len(s.words) == 20:
            times20.append(time.perf_counter() - t1)
    return out, time.perf_counter() - t, times20


def deplab_typed(pipe, texts):
    """Tokenize + tag + parse typed text, one sentence at a time, as the app's input line does
    (``Pipeline.parse_traced``: the parse and the stepper's trace in one pass)."""
    times = []
    for text in texts:
        t = time.perf_counter()
        for s in pipe.sentences_from_text(text):
            pipe.parse_traced(s)
        times.append(time.perf_counter() - t)
    return times


def spacy_peer(dev):
    import spacy
    from spacy.tokens import Doc
    nlp = spacy.load(PEERS / "spacy-ewt-cnn")
    fresh = iter([[Doc(nlp.vocab, words=[w.form for w in s.words]) for s in dev] for _ in range(4)])  # per pass
    parsed, secs, first = timed(lambda: list(nlp.pipe(next(fresh), batch_size=256)))
    out = []
    for s, doc in zip(dev, parsed):
        c = s.copy()
        for w, tok in zip(c.words, doc):
            w.head = "0" if tok.head.i == tok.i else str(tok.head.i + 1)
            w.deprel = "root" if tok.dep_ == "ROOT" else tok.dep_
            w.upos = "_"  # its tagger predicts XPOS only
        out.append(c)
    return out, secs, first


def side_by_side(pipes, dev, rounds: int) -> dict:
    """Batched DepLab (each model) and spaCy's pipeline, one pass each per round, alternating: per model the
    median sentences/s and the median of the per-round ratios to spaCy."""
    import spacy
    from spacy.tokens import Doc
    nlp = spacy.load(PEERS / "spacy-ewt-cnn")
    forms = [[w.form for w in s.words] for s in dev]
    list(nlp.pipe([Doc(nlp.vocab, words=f) for f in forms[:200]], batch_size=256))  # warm-up
    speeds = {name: [] for name in pipes}
    spacy_speeds = []
    print(f"\nside by side, {rounds} rounds (one pass each per round; sentences/s):")
    for r in range(rounds):
        line = []
        for name, pipe in pipes.items():
            t = time.perf_counter()
            pipe.parse(dev)
            speeds[name].append(len(dev) / (time.perf_counter() - t))
            line.append(f"{name} {speeds[name][-1]:.0f}")
        docs = [Doc(nlp.vocab, words=f) for f in forms]
        t = time.perf_counter()
        list(nlp.pipe(docs, batch_size=256))
        spacy_speeds.append(len(dev) / (time.perf_counter() - t))
        print(f"  round {r + 1}: " + ", ".join(line) + f", spaCy {spacy_speeds[-1]:.0f}", flush=True)
    out = {}
    for name, v in speeds.items():
        ratio = statistics.median(a / b for a, b in zip(v, spacy_speeds))
        out[name] = {"sentences_per_s": round(statistics.median(v)), "spacy_sentences_per_s":
                     round(statistics.median(spacy_speeds)), "ratio_to_spacy": round(ratio, 2), "rounds": rounds}
        print(f"  {name}: median {out[name]['sentences_per_s']} sentences/s, spaCy "
              f"{out[name]['spacy_sentences_per_s']}; median ratio {ratio:.2f}x")
    return out


def record(measured: dict, scores: dict, dev_path: str, threads: int) -> Path:
    """Writes the bundled models' measurements into ``resources/models/measurements.json``."""
    from deplab.parser.bundled import MODELS_ROOT
    from deplab.parser.fileio import atomic_write_text
    from deplab.parser.provenance import file_record
    path = MODELS_ROOT / "measurements.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for name, m in measured.items():
        data[name] = {**m, **scores[name], "data": file_record(dev_path), "torch_threads": threads,
                      "cpu_cores": os.cpu_count(), "load_average": round(os.getloadavg()[0], 1),
                      "date": time.strftime("%Y-%m-%d"),
                      "command": "python benchmarks/parse_speed.py " + " ".join(sys.argv[1:])}
    atomic_write_text(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def udpipe_peer(dev):
    from ufal.udpipe import Model, Pipeline as UPipeline, ProcessingError
    model = Model.load(str(PEERS / "udpipe-ewt.model"))
    blank = []
    for s in dev:
        c = s.copy()
        for w in c.tokens:
            w.lemma = w.upos = w.xpos = w.feats = w.deprel = w.deps = "_"
            if w.is_word:
                w.head = "_"
        blank.append(c)
    text = to_conllu_text(blank)
    pipe = UPipeline(model, "conllu", UPipeline.DEFAULT, UPipeline.DEFAULT, "conllu")
    err = ProcessingError()
    result, secs, first = timed(lambda: pipe.process(text, err))
    if err.occurred():
        raise RuntimeError(err.message)
    return parse_conllu_text(result, "<udpipe>"), secs, first


def row(name, dev, system, secs, note=""):
    s = evaluate(dev, system).to_json()
    upos = f"{s['UPOS']:6.2f}" if any(w.upos != "_" for x in system[:20] for w in x.words) else "     —"
    print(f"| {name:<34} | {upos} | {s['UAS']:6.2f} | {s['LAS']:6.2f} | {len(dev) / secs:8.0f} | {note}")


def compare_workers(args, dev):
    """Sentences/s of ``parse_batch`` with ``workers`` = the thread count and with one worker, in one process."""
    from deplab.parser.decode import parse_batch
    from deplab.parser.model import Model
    model = Model.load(args.model[0] if args.model else None)
    forms = [[w.form for w in s.words] for s in dev]
    parse_batch(model, forms[:300])  # warm-up
    rates = {"side by side": [], "one at a time": []}
    for _ in range(args.compare_workers):
        for name, workers in (("one at a time", 1), ("side by side", args.threads)):
            t = time.perf_counter()
            parse_batch(model, forms, workers=workers)
            rates[name].append(len(dev) / (time.perf_counter() - t))
    for name, r in rates.items():
        print(f"batches {name}: {min(r):.0f}-{max(r):.0f} sentences/s ({', '.join(f'{x:.0f}' for x in r)})")


def compare_kernels(args, dev):
    """Time of the kg2016 word projections (``slots``) over the whole file, by torch's linear (MKL) and by
    ``parser.onednn.linear``, N times each, alternating, on one thread."""
    import torch.nn.functional as F
    from deplab.parser import onednn
    from deplab.parser.model import Model
    torch.set_num_threads(1)
    forms = sorted(([w.form for w in s.words] for s in dev), key=len)
    for model_dir in args.model or [None]:
        model = Model.load(model_dir)
        layer = model.parser.slots
        with torch.no_grad():
            states = [model.parser.tagger.encoder(model.encode(forms[i:i + 128])) for i in range(0, len(forms), 128)]
            times = {"torch (MKL)": [], "oneDNN": []}
            for _ in range(args.kernels):
                for name, fn in (("torch (MKL)", lambda x: F.linear(x, layer.weight)),
                                 ("oneDNN", lambda x: onednn.linear(layer, x))):
                    t = time.perf_counter()
                    for x in states:
                        fn(x)
                    times[name].append(time.perf_counter() - t)
        shape = f"[{sum(x.shape[0] * x.shape[1] for x in states)}, {layer.in_features}] x [{layer.in_features}, " \
                f"{layer.out_features}]"
        print(f"{Path(model.path).name}: word projections {shape}, " + ", ".join(
            f"{name} median {1000 * statistics.median(v):.0f} ms" for name, v in times.items())
              + f" (oneDNN {'available' if onednn.available() else 'NOT available: both are torch'})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", default=str(SHARED / "data/ud/en_ewt/en_ewt-ud-dev.conllu"))
    ap.add_argument("--model", action="append", help="model folder(s); default: the bundled model")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=0, metavar="N",
                    help="then time each model's batched path and spaCy alternately, N rounds (default: not)")
    ap.add_argument("--record", action="store_true",
                    help="with --rounds: write the bundled models' figures into resources/models/measurements.json")
    ap.add_argument("--compare-workers", type=int, metavar="N",
                    help="only time the batched path N times each, alternating: batches side by side (one worker "
                         "per thread, one torch thread each) against one batch at a time on all threads")
    ap.add_argument("--kernels", type=int, metavar="N",
                    help="only time kg2016's word projections N times each, by torch's linear and by oneDNN "
                         "(parser.onednn), on one thread")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dev = read_conllu(args.dev)
    if args.compare_workers:
        return compare_workers(args, dev)
    if args.kernels:
        return compare_kernels(args, dev)
    n_words = sum(len(s.words) for s in dev)
    print(f"{args.dev}: {len(dev)} sentences, {n_words} words; torch threads {torch.get_num_threads()}\n")
    print("| system | UPOS | UAS | LAS | sentences/s | |")
    print("|---|---|---|---|---|---|")
    pipes, scores = {}, {}
    for model_dir in args.model or [None]:
        pipe = Pipeline.load(model_dir)
        name = f"DepLab {pipe.model.arch}" + (f" ({Path(model_dir).name})" if model_dir else " (bundled)")
        pipes[Path(pipe.model.path).name if pipe.model.path else name] = pipe
        pipe.parse(dev[:50])  # warm-up
        out, secs, first = timed(lambda: pipe.parse(dev))
        scores[list(pipes)[-1]] = {k: round(v, 2) for k, v in evaluate(dev, out).to_json().items()
                                   if k in ("UPOS", "UAS", "LAS")}
        row(name + ", batched", dev, out, secs, f"tagging included; {FIRST.format(len(dev) / first)}")
        out1, secs1, t20 = deplab_one_by_one(pipe, dev)
        note = f"median {1000 * statistics.median(t20):.1f} ms for a 20-word sentence ({len(t20)} such)" if t20 else ""
        row(name + ", one sentence at a time", dev, out1, secs1, note)
        typed = [s.text for s in dev if len(s.words) == 20]
        if typed:
            times = deplab_typed(pipe, typed)
            print(f"|   typed 20-word sentence, the app's path (tokenize+tag+parse+trace) | | | | | "
                  f"median {1000 * statistics.median(times):.1f} ms |")
    if args.no_peers:
        return
    for name, fn in [("UDPipe 1 (peers/udpipe-ewt.model)", udpipe_peer), ("spaCy 3.8 CNN (peers/spacy-ewt-cnn)", spacy_peer)]:
        try:
            out, secs, first = fn(dev)
        except ImportError as e:
            print(f"| {name} | not run: {e.name} is not installed (pip install -e '.[peers]') |")
            continue
        row(name, dev, out, secs, f"gold tokens; {FIRST.format(len(dev) / first)}")
    if args.rounds:
        measured = side_by_side(pipes, dev, args.rounds)
        if args.record:
            from deplab.parser.bundled import MODELS_ROOT
            bundled = {n: m for n, m in measured.items()
                       if pipes[n].model.path and Path(pipes[n].model.path).resolve().parent == MODELS_ROOT.resolve()}
            print(f"\nrecorded in {record(bundled, scores, args.dev, args.threads)}: {', '.join(bundled) or 'none'}")


if __name__ == "__main__":
    main()
