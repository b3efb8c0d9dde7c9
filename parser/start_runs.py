"""The runs of the auto start (:mod:`parser.auto_start`), each in its own process or one after the other.

A :class:`Job` is one run -- ``"scratch"`` (:func:`parser.train.train_model`) or ``"finetuned"``
(:func:`parser.finetune.run_experiment` with :func:`parser.transfer.recipe`) -- on data files both runs
share.  :func:`run_parallel` starts each in a spawned process with one torch thread (a small parser gains
little from a second thread, so two processes are faster than one after the other with two threads; when
one run is done, the other takes every core);
log lines, progress and the result come back as messages on a queue, Cancel goes out as an event.
:func:`run_sequential` runs them in this process.  Either way :class:`Combined` collects them: log
lines prefixed with the run's name, progress as one fraction over both runs, results, times, errors.
"""
from __future__ import annotations

import multiprocessing as mp
import queue as _queue
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .callbacks import TrainingCallbacks
from .errors import UserError
from .progress import Cancelled
from .train_config import TrainConfig

KINDS = ("scratch", "finetuned")

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
    if cfg.average is not None:  # asked for (deplab train --average): both runs average alike
        options["average"] = cfg.average
    fcfg, name = recipe(base, cfg.language, len(train), **options)
    relay = _Relay(job.kind, send, cancelled)
    relay.log(f"fine-tuning {Path(job.base).name} ({base.config.get('language', 'en')}) with the {name} recipe: "
              f"{fcfg.epochs} epochs, guard {fcfg.guard}, "
              + (f"early stop after {fcfg.patience} epochs" if fcfg.patience else "no early stopping")
              + ", the best selection epoch kept"
              + (f", Polyak averaging at {fcfg.average:g}" if fcfg.average else ""))
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


def _child(job: Job, q, cancel, alone) -> None:
    """A run in its own process: its messages on ``q``, then ("done", kind, best) or ("error", kind, text).
    Once ``alone`` is set (the other run is done), the run takes every core: ``cancelled`` is asked after
    every batch, so that is where it looks."""
    import os

    import torch
    torch.set_num_threads(job.threads or 1)
    send = q.put
    widened = False

    def cancelled() -> bool:
        nonlocal widened
        if not widened and alone.is_set():
            widened = True
            torch.set_num_threads(max(job.threads or 1, os.cpu_count() or 1))
        return cancel.is_set()
    try:
        _timed(job, send, cancelled)
    except Cancelled:
        send(("cancelled", job.kind, None))
    except BaseException as e:  # noqa: BLE001 (reported to the parent, which raises it)
        send(("error", job.kind, f"{type(e).__name__}: {e}" if not isinstance(e, UserError) else str(e)))


# -- the parent ---------------------------------------------------------------------------------------------------

class Combined:
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


def run_parallel(jobs: list[Job], combined: Combined, callbacks: TrainingCallbacks) -> None:
    ctx = mp.get_context("spawn")  # no fork of a process with threads (Qt, torch)
    q, cancel, alone = ctx.Queue(), ctx.Event(), ctx.Event()
    procs = [ctx.Process(target=_child, args=(j, q, cancel, alone), daemon=True) for j in jobs]
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
                alone.set()  # the runs still going may take the cores it used
                if message[0] != "done":
                    cancel.set()  # the other run is no use now
    finally:
        cancel.set()
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()


def run_sequential(jobs: list[Job], combined: Combined, callbacks: TrainingCallbacks) -> None:
    for j in jobs:
        try:
            _timed(j, combined.handle, callbacks.cancelled)
        except Cancelled:
            combined.cancelled = True
            return
