"""A new parser from the user's own treebank (issue 17), and the user's model folders (Qt-free).

:func:`train_new_parser` is the work the app runs in the background: by default the engine's auto start
(:func:`deplab.parser.auto_start.train_auto`: from scratch AND fine-tuning the bundled model, the better
selection LAS kept), or from scratch with :func:`deplab.parser.train.train_model` (without dev data the
engine holds out a seeded part of the training sentences for model selection, ``TrainConfig.heldout``), or
fine-tuning an existing model with :func:`deplab.parser.finetune.finetune`; all on the same kind of seeded
split (:func:`deplab.parser.selection.hold_out`).  The model folder is written through
:func:`deplab.parser.fileio.atomic_folder`, so a cancelled or failed run leaves nothing behind.
:func:`user_models` lists the folders in :func:`deplab.parser.paths.models_dir` with their language,
training data, size and held-out scores (File ▸ Models).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from deplab.parser.callbacks import TrainingCallbacks
from deplab.parser.conllu import Sentence
from deplab.parser.provenance import file_record

from .status_codec import GOLD
from .validation import is_annotated

SCRATCH = "scratch"
AUTO = "auto"   # deplab.parser.auto_start.AUTO: the better of scratch and the bundled model, on the held-out part


@dataclass
class NewParserSpec:
    """What to train: ``start`` is ``"auto"`` (the better of scratch and fine-tuning ``base``, default the
    bundled model), ``"scratch"`` or the folder of a model to fine-tune.  ``epochs`` and the sizes are None
    for the engine's defaults (tests make them small); ``parallel`` None: the engine's choice."""

    name: str
    language: str
    source: str = "the document"          # recorded in the model as its training data (a file name)
    source_is_document: bool = True       # the open document's gold sentences (else a file the user chose)
    start: str = SCRATCH
    heldout: float = 0.1
    seed: int = 1
    arch: str = "kg2016"
    epochs: int | None = None
    tagger_epochs: int | None = None
    batch_size: int | None = None
    lr: float | None = None
    sizes: dict = field(default_factory=dict)
    tagger_sizes: dict = field(default_factory=dict)
    base: str | None = None               # the auto start's model to fine-tune (None: the bundled one)
    parallel: bool | None = None


def guess_language(doc, pipeline=None) -> str:
    """The treebank's language as far as it can be told: the UD file name's prefix of the document, else the
    current model's language, else ""."""
    from deplab.parser.language import language_from_filename
    if doc is not None and getattr(doc, "path", None):
        code = language_from_filename(doc.path)
        if code:
            return code
    return getattr(pipeline, "language", "") if pipeline is not None else ""


def gold_sentences(doc) -> list[Sentence]:
    """Copies of the document's gold sentences with a complete tree (the training data)."""
    return [doc[i].copy() for i, st in enumerate(doc.statuses()) if st == GOLD and is_annotated(doc[i])]


def safe_name(name: str) -> str:
    """A folder name from what the user typed."""
    out = re.sub(r"[^\w.-]+", "_", name.strip()).strip("._")
    return out or "parser"


def model_folder(name: str, root: Path | None = None) -> Path:
    from deplab.parser.paths import models_dir
    return (root or models_dir()) / safe_name(name)


class _OverallProgress(TrainingCallbacks):
    """The engine's training callbacks for a new parser: log lines to ``log``, ``cancelled`` asked, and the
    per-epoch batch progress turned into one fraction of the whole run, with an ETA."""

    def __init__(self, phases: int, report: Callable[[int, int, str], None], cancelled: Callable[[], bool],
                 log: Callable[[str], None]):
        self.phases, self.report, self.is_cancelled, self.write = max(1, phases), report, cancelled, log
        self.phase, self.last, self.t0 = 0, 0, time.monotonic()

    def log(self, message: str) -> None:
        self.write(message)

    def cancelled(self) -> bool:
        return self.is_cancelled()

    def progress(self, done: int, total: int, message: str = "") -> None:
        if done < self.last:
            self.phase = min(self.phase + 1, self.phases - 1)
        self.last = done
        fraction = (self.phase + done / max(total, 1)) / self.phases
        elapsed = time.monotonic() - self.t0
        eta = elapsed * (1 - fraction) / fraction if fraction > 0.01 else None
        text = f"epoch {self.phase + 1} of {self.phases}" + (f", about {eta:.0f} s left" if eta is not None else "")
        self.report(int(1000 * fraction), 1000, text)


class _AutoProgress(_OverallProgress):
    """The auto start's callbacks: the engine reports both runs as one fraction (of 1000); an ETA is added."""

    def progress(self, done: int, total: int, message: str = "") -> None:
        fraction = done / max(total, 1)
        elapsed = time.monotonic() - self.t0
        eta = elapsed * (1 - fraction) / fraction if fraction > 0.01 else None
        self.report(int(1000 * fraction), 1000, message + (f", about {eta:.0f} s left" if eta is not None else ""))


def _train_config(spec: NewParserSpec):
    from deplab.parser.train_config import TrainConfig
    cfg = TrainConfig(arch=spec.arch, seed=spec.seed, heldout=spec.heldout, language=spec.language)
    for key in ("epochs", "tagger_epochs", "batch_size", "lr"):
        if getattr(spec, key) is not None:
            setattr(cfg, key, getattr(spec, key))
    if spec.sizes:
        cfg.sizes = dict(spec.sizes)
    if spec.tagger_sizes:
        cfg.tagger_sizes = dict(spec.tagger_sizes)
    return cfg


def _data_record(sentences: Sequence[Sentence], spec: NewParserSpec) -> dict:
    return {"source": "document" if spec.source_is_document else "file", "name": spec.source,
            "sentences": len(sentences), "words": sum(len(x.words) for x in sentences)}


def train_new_parser(sentences: Sequence[Sentence], spec: NewParserSpec, out: str | os.PathLike,
                     log: Callable[[str], None] = print,
                     progress: Callable[[int, int, str], None] = lambda d, t, m: None,
                     cancelled: Callable[[], bool] = lambda: False) -> dict:
    """Trains the parser ``spec`` describes on ``sentences`` and writes its folder ``out``; returns its
    record (:func:`model_record`).  Raises ``parser.progress.Cancelled`` when ``cancelled()`` (nothing is
    written) and ``UserError`` when there is too little data."""
    from deplab.parser.errors import UserError
    from deplab.parser.fileio import atomic_folder
    from deplab.parser.progress import check
    sentences = [s for s in sentences if is_annotated(s)]
    if len(sentences) < 2:
        raise UserError(f"a parser needs at least 2 sentences with a complete tree; {len(sentences)} given "
                        "(mark corrected sentences gold)")
    from deplab.parser.train_config import few_sentences_warning
    warning = few_sentences_warning(len(sentences))
    if warning:
        log(f"warning: {warning}")
    out = Path(out)

    with atomic_folder(out) as tmp:
        if spec.start == AUTO:
            from deplab.parser.auto_start import train_auto
            from deplab.parser.selection import hold_out
            cfg = _train_config(spec)
            train, held = hold_out(sentences, cfg.heldout, cfg.seed)
            log(f"{len(held)} of the {len(sentences)} sentences ({spec.heldout:.0%}, seed {spec.seed}) are held out "
                "for model selection and not trained on")
            record = {"train": _data_record(sentences, spec), "dev": None, "heldout_sentences": len(held),
                      "heldout_fraction": spec.heldout}
            model, best = train_auto(train, held, tmp / "auto", cfg, spec.base,
                                     _AutoProgress(1, progress, cancelled, log), spec.parallel, record)
        elif spec.start == SCRATCH:
            from deplab.parser.conllu import write_conllu
            from deplab.parser.train import train_model
            cfg = _train_config(spec)
            if cfg.epochs is None:  # the engine's default for this many training sentences (auto_epochs)
                from deplab.parser.selection import hold_out
                from deplab.parser.train_config import auto_epochs
                n_train = len(hold_out(sentences, cfg.heldout, cfg.seed)[0])
                phases = auto_epochs(n_train, cfg.batch_size)
            else:
                phases = cfg.epochs
            if cfg.arch != "kg2016":  # kg2016 tags with the parser's own BiLSTM (multi-task)
                phases += cfg.tagger_epochs
            with tempfile.TemporaryDirectory() as work:
                data = Path(work) / "train.conllu"
                write_conllu(sentences, data)
                model, best = train_model(data, None, tmp, cfg, _OverallProgress(phases, progress, cancelled, log))
                record = file_record(data, sentences)
            record.update(source="document" if spec.source_is_document else "file", name=spec.source)
            model.config["training"]["train"] = record
            model.config["training"]["heldout_fraction"] = spec.heldout
        else:
            from deplab.parser.finetune import FinetuneConfig, finetune
            from deplab.parser.model import Model
            from deplab.parser.selection import hold_out
            base = Model.load(spec.start)
            train, held = hold_out(sentences, spec.heldout, spec.seed)
            fcfg = FinetuneConfig(seed=spec.seed)
            if spec.epochs is not None:
                fcfg.epochs = spec.epochs
            if spec.batch_size is not None:
                fcfg.batch_size = spec.batch_size
            log(f"fine-tuning {base.path or spec.start} on {len(train)} sentences; {len(held)} held out "
                f"({spec.heldout:.0%}, seed {spec.seed}) for selection")
            result = finetune(base, train, held, fcfg, _OverallProgress(fcfg.epochs, progress, cancelled, log))
            model = result.model
            model.config["language"] = spec.language
            best = dict(result.final or result.best)
            from deplab.parser.provenance import folder_record
            record = _data_record(sentences, spec)
            model.config["training"] = {"train": record, "start": folder_record(spec.start),
                                        "heldout_sentences": len(held), "heldout_fraction": spec.heldout,
                                        "seed": spec.seed, "epochs": fcfg.epochs, "best": best}
        check(cancelled)
        model.save(tmp)
    return model_record(out)


def model_record(folder: str | os.PathLike) -> dict:
    """``{"path", "name", "language", "data", "sentences", "size_mb", "heldout"}`` of a model folder, read
    from its ``config.json`` (no weights are loaded); ``heldout`` holds UPOS/UAS/LAS when recorded."""
    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    training = config.get("training", {})
    best = training.get("best", {}) or {}
    data = training.get("train")
    sentences = training.get("sentences")
    if isinstance(data, dict):  # parser.provenance.file_record: name, sha256, sentences, words
        sentences = data.get("sentences", sentences)
        data = data.get("name")
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())  # an ensemble's partners included
    return {"path": str(folder), "name": folder.name, "language": config.get("language", "en"),
            "arch": config.get("arch", "?"), "data": data, "sentences": sentences,
            "heldout_sentences": training.get("heldout_sentences"), "size_mb": size / 1e6,
            "heldout": {k: best[k] for k in ("UPOS", "UAS", "LAS") if k in best},
            "start": config.get("start")}


def describe(record: dict) -> str:
    """One line for File ▸ Models."""
    data = os.path.basename(record["data"]) if record.get("data") else "unknown data"
    n = f", {record['sentences']} sentences" if record.get("sentences") else ""
    scores = record.get("heldout") or {}
    held = (f", held-out UAS {scores['UAS']:.2f} LAS {scores['LAS']:.2f}" if "LAS" in scores else ", no held-out scores")
    return f"{record['name']} — {record['language']}, {data}{n}, {record['size_mb']:.1f} MB{held}{_start_text(record)}"


def _start_text(record: dict) -> str:
    """The auto start's choice, e.g. ``, fine-tuned from en_ewt (from scratch: LAS 51.16)``."""
    start = record.get("start") or {}
    selection = start.get("selection") or {}
    if start.get("mode") != AUTO or len(selection) < 2:
        return ""
    chosen = start.get("chosen")
    name = {"scratch": "from scratch", "finetuned": f"fine-tuned from {start.get('base')}",
            "ensemble": f"an ensemble of scratch and fine-tuned from {start.get('base')}"}
    others = [f"{name.get(k, k)}: LAS {v['LAS']:.2f}" for k, v in selection.items()
              if k != chosen and (v or {}).get("LAS") is not None]
    return f", {name.get(chosen, chosen)}" + (f" ({'; '.join(others)})" if others else "")


def user_models(root: Path | None = None) -> list[dict]:
    """The model folders in the user's models folder, newest first."""
    from deplab.parser.paths import models_dir
    root = root or models_dir()
    out = []
    if not root.is_dir():
        return out
    for d in sorted(root.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True):
        if d.name.startswith(".") or not (d / "config.json").is_file():
            continue
        try:
            out.append(model_record(d))
        except (OSError, ValueError):
            continue
    return out
