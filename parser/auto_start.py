"""Auto start: train from scratch AND fine-tune the bundled model, keep the one better on the selection data.

On a small treebank neither start is always the better one: fine-tuning the bundled English model won
on Dutch (``benchmarks/bootstrap.py``: selection LAS 58.91 against 51.16 from scratch at 100 sentences),
training from scratch on French and Chinese (62.35 against 58.30, 42.08 against 37.45); in every cell
measured the start with the better *selection* LAS was the better one on the evaluation part too.  So
both are trained, on the same training sentences, and scored on the same held-out selection sentences
(model selection, never the evaluation data); the better selection LAS is kept (a tie keeps scratch,
the model with the data's own vocabulary).  Both selection scores and the choice are recorded in the
model's ``config.json`` (``"start"``).

The scratch run is :func:`parser.train.train_model`'s; the fine-tuning run is
:func:`parser.finetune.run_experiment`'s with :func:`parser.transfer.recipe` (cross-lingual when the
languages differ), the system grown into swap when the data needs it (:mod:`parser.system_growth`).
With two or more cores the runs go in two processes with one torch thread each (faster than one after
the other with two threads: a small parser gains little from a second thread); progress, log lines
and Cancel cross the process boundary through a queue and an event.  Nothing is written to ``out``
unless both runs finish (a cancelled run leaves it as it was).
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import queue as _queue
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .bundled import DEFAULT_MODEL_DIR
from .callbacks import TrainingCallbacks
from .conllu import Sentence, write_conllu
from .errors import UserError
from .fileio import atomic_folder
from .progress import Cancelled
from .train_config import TrainConfig

AUTO = "auto"
SCRATCH = "scratch"
AUTO_MAX_SENTENCES = 2000   # more training sentences than this: scratch alone (EWT-sized data is not trained twice)
KINDS = ("scratch", "finetuned")


def bundled_base() -> Path | None:
    """The bundled model the auto start fine-tunes, or None when it is not installed."""
    return DEFAULT_MODEL_DIR if (DEFAULT_MODEL_DIR / "config.json").is_file() else None


def default_start(n_train: int, base: Path | None = None) -> str:
    """``"auto"`` for at most :data:`AUTO_MAX_SENTENCES` training sentences when a bundled model is installed,
    else ``"scratch"``."""
    base = base if base is not None else bundled_base()
    return AUTO if n_train <= AUTO_MAX_SENTENCES and base is not None else SCRATCH


def parallel_default() -> bool:
    """Two processes when there are two cores for them."""
    return (os.cpu_count() or 1) >= 2


# -- the two runs (each may run in its own process) ----------------------------------------------------------

@dataclass
class Job:
    """One run: ``kind`` is "scratch" or "finetuned"; the data are files both runs share."""

    kind: str
    train: str
    dev: str
    folder: str
    cfg: TrainConfig
    base: str | None = None
    threads: int = 0


class _Relay(TrainingCallbacks):
    """A run's callbacks as messages: ``send((what, kind, ...))``; ``progress`` as the fraction of the run done
    (the trainer's per-epoch batch counts are turned into one fraction over ``phases`` epochs)."""

    def __init__(self, kind: str, send: Callable[[tuple], None], cancelled: Callable[[], bool], phases: int = 1):
        self.kind, self.send, self.is_cancelled, self.phases = kind, send, cancelled, max(1, phases)
        self.phase, self.last, self.sent = 0, 0, -1.0

    def log(self, message: str) -> None:
        self.send(("log", self.kind, message))

    def cancelled(self) -> bool:
        return self.is_cancelled()

    def progress(self, done: int, total: int, message: str = "") -> None:
        if total <= 0:
            return
        if done < self.last:
            self.phase = min(self.phase + 1, self.phases - 1)
        self.last = done
        fraction = min(1.0, (self.phase + done / total) / self.phases)
        if fraction - self.sent >= 0.002 or fraction >= 1.0:
            self.sent = fraction
            self.send(("progress", self.kind, fraction))


def _scratch(job: Job, send, cancelled) -> dict:
    from .conllu import read_conllu
    from .examples import training_treebank
    from .train import train_model
    from .train_config import auto_epochs
    cfg = job.cfg
    n = len(training_treebank(read_conllu(job.train)))
    phases = (cfg.epochs or auto_epochs(n, cfg.batch_size)) + (cfg.tagger_epochs if cfg.arch != "kg2016" else 0)
    _, best = train_model(job.train, job.dev, job.folder, cfg, _Relay(job.kind, send, cancelled, phases))
    return best


def _finetuned(job: Job, send, cancelled) -> dict:
    from .conllu import read_conllu
    from .finetune import run_experiment
    from .model import Model
    from .provenance import folder_record
    from .transfer import recipe
    cfg = job.cfg
    base = Model.load(job.base)
    train, dev = read_conllu(job.train), read_conllu(job.dev)
    options = {"seed": cfg.seed}
    if cfg.epochs is not None:
        options["epochs"] = cfg.epochs
    fcfg, name = recipe(base, cfg.language, len(train), **options)
    relay = _Relay(job.kind, send, cancelled)
    relay.log(f"fine-tuning {Path(job.base).name} ({base.config.get('language', 'en')}) with the {name} recipe: "
              f"{fcfg.epochs} epochs, guard {fcfg.guard}, "
              + (f"early stop after {fcfg.patience} epochs" if fcfg.patience else "no early stopping")
              + ", the best selection epoch kept")
    result = run_experiment(base, train, dev, fcfg, baseline=False, callbacks=relay)
    model, best = result.finetuned.model, result.finetuned.best
    model.config["language"] = cfg.language
    model.config["training"] = {"start": folder_record(job.base), "recipe": name, "epochs": fcfg.epochs,
                                "seed": cfg.seed, "system": model.transitions.system.name,
                                "history": result.finetuned.history, "best": best}
    model.save(job.folder)
    return best


RUNS = {"scratch": _scratch, "finetuned": _finetuned}


def _timed(job: Job, send, cancelled) -> None:
    """Runs ``job``; sends its wall and CPU seconds (("time", kind, {...})), then ("done", kind, best)."""
    wall, cpu = time.perf_counter(), time.process_time()
    best = RUNS[job.kind](job, send, cancelled)
    send(("time", job.kind, {"wall": round(time.perf_counter() - wall, 1), "cpu": round(time.process_time() - cpu, 1)}))
    send(("done", job.kind, best))


def _child(job: Job, q, cancel) -> None:
    """A run in its own process: its messages on ``q``, then ("done", kind, best) or ("error", kind, text)."""
    import torch
    torch.set_num_threads(job.threads or 1)
    send = q.put
    try:
        _timed(job, send, cancel.is_set)
    except Cancelled:
        send(("cancelled", job.kind, None))
    except BaseException as e:  # noqa: BLE001 (reported to the parent, which raises it)
        send(("error", job.kind, f"{type(e).__name__}: {e}" if not isinstance(e, UserError) else str(e)))


# -- the parent: both runs, the choice ---------------------------------------------------------------------------

class _Combined:
    """The parent's view of both runs: log lines prefixed with the run's name, progress as the mean fraction."""

    def __init__(self, callbacks: TrainingCallbacks, names: dict[str, str]):
        self.callbacks, self.names = callbacks, names
        self.fraction = {k: 0.0 for k in names}
        self.results: dict[str, dict] = {}
        self.times: dict[str, dict] = {}
        self.errors: dict[str, str] = {}
        self.cancelled = False

    def handle(self, message: tuple) -> None:
        what, kind, value = message
        if what == "log":
            self.callbacks.log(f"[{self.names[kind]}] {value}")
        elif what == "progress":
            self.fraction[kind] = value
            total = sum(self.fraction.values()) / len(self.fraction)
            text = ", ".join(f"{self.names[k]} {100 * f:.0f}%" for k, f in self.fraction.items())
            self.callbacks.progress(int(1000 * total), 1000, text)
        elif what == "time":
            self.times[kind] = value
        elif what == "done":
            self.results[kind] = value
        elif what == "cancelled":
            self.cancelled = True
        elif what == "error":
            self.errors[kind] = value


def _run_parallel(jobs: list[Job], combined: _Combined, callbacks: TrainingCallbacks) -> None:
    ctx = mp.get_context("spawn")  # no fork of a process with threads (Qt, torch)
    q, cancel = ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_child, args=(j, q, cancel), daemon=True) for j in jobs]
    for p in procs:
        p.start()
    finished = set()
    try:
        while len(finished) < len(jobs):
            if callbacks.cancelled():
                cancel.set()
            try:
                message = q.get(timeout=0.2)
            except _queue.Empty:
                for j, p in zip(jobs, procs):
                    if not p.is_alive() and j.kind not in finished and p.exitcode not in (0, None):
                        combined.errors[j.kind] = f"the {j.kind} run stopped (exit code {p.exitcode})"
                        finished.add(j.kind)
                continue
            combined.handle(message)
            if message[0] in ("done", "cancelled", "error"):
                finished.add(message[1])
                if message[0] != "done":
                    cancel.set()  # the other run is no use now
    finally:
        cancel.set()
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()


def _run_sequential(jobs: list[Job], combined: _Combined, callbacks: TrainingCallbacks) -> None:
    for j in jobs:
        try:
            _timed(j, combined.handle, callbacks.cancelled)
        except Cancelled:
            combined.cancelled = True
            return


def choose(results: dict[str, dict]) -> str:
    """The run with the better selection LAS ("scratch" on a tie)."""
    return max(results, key=lambda k: (results[k]["LAS"], k == "scratch"))


def train_auto(train: Sequence[Sentence], dev: Sequence[Sentence], out: str | os.PathLike, cfg: TrainConfig,
               base: str | os.PathLike | None = None, callbacks: TrainingCallbacks | None = None,
               parallel: bool | None = None, record: dict | None = None, kinds: Sequence[str] = KINDS):
    """Trains from scratch and fine-tunes ``base`` (default: the bundled model) on ``train``, selects each on
    ``dev``, writes the better to ``out``; returns ``(model, best)`` as :func:`parser.train.train_model` does.

    ``record`` (the data's provenance: ``train``, ``dev``, ``heldout_sentences``) is written into the model's
    training record; ``config["start"]`` holds the selection scores and the choice.  ``kinds=("finetuned",)``
    fine-tunes ``base`` only (``deplab train --start DIR``)."""
    from .model import Model
    callbacks = callbacks if callbacks is not None else TrainingCallbacks()
    base = Path(base) if base is not None else bundled_base()
    if base is None:
        raise UserError("the auto start fine-tunes the bundled model, which is not installed (use --start scratch)")
    if not (base / "config.json").is_file():
        raise UserError(f"--start {base}: not a DepLab model folder (no config.json)")
    if not dev:
        raise UserError("choosing the start needs held-out sentences (a dev file or --heldout above 0)")
    kinds = [k for k in KINDS if k in kinds]
    parallel = (parallel_default() if parallel is None else parallel) and len(kinds) > 1
    names = {k: "scratch" if k == "scratch" else base.name for k in kinds}
    if len(kinds) > 1:
        callbacks.log(f"auto start: training from scratch and fine-tuning {base.name}, keeping the better "
                      f"selection LAS on the {len(dev)} held-out sentences ("
                      + ("two processes, one thread each)" if parallel else "one after the other)"))
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="deplab-auto-") as work:
        work = Path(work)
        write_conllu(train, work / "train.conllu")
        write_conllu(dev, work / "select.conllu")
        threads = 1 if parallel else cfg.threads
        jobs = [Job(k, str(work / "train.conllu"), str(work / "select.conllu"), str(work / k),
                    TrainConfig(**{**cfg.__dict__, "threads": threads}), str(base), threads) for k in kinds]
        combined = _Combined(callbacks, names)
        (_run_parallel if parallel else _run_sequential)(jobs, combined, callbacks)
        if combined.cancelled or callbacks.cancelled():
            raise Cancelled()
        if combined.errors:
            raise UserError("; ".join(f"{names[k]}: {e}" for k, e in combined.errors.items()))
        chosen = choose(combined.results)
        scores = {k: {m: combined.results[k].get(m) for m in ("epoch", "UPOS", "UAS", "LAS")} for k in kinds}
        folder = work / chosen
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        config["start"] = {"mode": AUTO if len(kinds) > 1 else chosen, "chosen": chosen, "base": base.name,
                           "selection": scores,
                           "selection_sentences": len(dev), "parallel": parallel,
                           "seconds": round(time.time() - t0, 1), "run_seconds": combined.times,
                           "rule": "the better selection LAS of training from scratch and fine-tuning the base "
                                   "model (a tie keeps scratch)"}
        training = config.setdefault("training", {})
        training.update(record or {})
        training["best"] = combined.results[chosen]
        with atomic_folder(out) as tmp:
            for f in folder.iterdir():
                if f.is_file() and f.name != "config.json":
                    shutil.copy2(f, tmp / f.name)
            (tmp / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")
    if len(kinds) > 1:
        s, f = scores["scratch"]["LAS"], scores["finetuned"]["LAS"]
        callbacks.log(f"auto start: selection LAS {s:.2f} from scratch, {f:.2f} fine-tuning {base.name}: kept "
                      + ("scratch" if chosen == "scratch" else f"the fine-tuned {base.name}")
                      + f" ({time.time() - t0:.0f} s); model written to {out}")
    else:
        callbacks.log(f"selection LAS {scores[chosen]['LAS']:.2f} ({time.time() - t0:.0f} s); model written to {out}")
    return Model.load(out), combined.results[chosen]


# -- deplab train --start ------------------------------------------------------------------------------------------

def resolve_start(start: str | None, n_train: int, cfg: TrainConfig) -> tuple[str, str]:
    """The start to use and why: ``start`` as given, else :func:`default_start` -- unless the options ask for
    something only a new model can be (``--init``, ``--system``, ``--tagger-from``): then scratch."""
    if start is not None:
        return start, "as asked"
    fixed = [o for o, v in (("--init", cfg.init), ("--system", cfg.system), ("--tagger-from", cfg.tagger_from)) if v]
    if fixed:
        return SCRATCH, f"the default with {', '.join(fixed)}"
    chosen = default_start(n_train)
    if chosen == AUTO:
        return AUTO, f"the default for at most {AUTO_MAX_SENTENCES:,} training sentences"
    if bundled_base() is None:
        return SCRATCH, "the default: no bundled model is installed"
    return SCRATCH, f"the default for more than {AUTO_MAX_SENTENCES:,} training sentences"


def train_with_start(train_path, dev_path, out, cfg: TrainConfig, start: str | None = None,
                     callbacks: TrainingCallbacks | None = None, parallel: bool | None = None):
    """``deplab train``: ``start`` is "scratch" (:func:`parser.train.train_model`), "auto" (:func:`train_auto`
    with the bundled model), a model folder to fine-tune, or None for :func:`resolve_start`'s default."""
    from .conllu import read_conllu
    from .provenance import file_record
    from .selection import hold_out
    from .train import train_model
    callbacks = callbacks if callbacks is not None else TrainingCallbacks()
    sentences = read_conllu(train_path)
    if dev_path:
        train, dev = sentences, read_conllu(dev_path)
    else:
        train, dev = hold_out(sentences, cfg.heldout, cfg.seed)
    start, why = resolve_start(start, len(train), cfg)
    callbacks.log(f"start: {start} ({why})")
    if start == SCRATCH:
        return train_model(train_path, dev_path, out, cfg, callbacks)
    if cfg.init or cfg.tagger_from:
        raise UserError("--init and --tagger-from train a model from scratch: use them with --start scratch")
    record = {"train": file_record(train_path, sentences),
              "dev": file_record(dev_path) if dev_path else None}
    if not dev_path:
        record["heldout_sentences"] = len(dev)
        if dev:
            callbacks.log(f"no dev data: {len(dev)} of the {len(sentences)} training sentences ({cfg.heldout:.0%}, "
                          f"seed {cfg.seed}) are held out for model selection and not trained on")
    if start == AUTO:
        return train_auto(train, dev, out, cfg, None, callbacks, parallel, record)
    return train_auto(train, dev, out, cfg, start, callbacks, parallel, record, kinds=("finetuned",))
