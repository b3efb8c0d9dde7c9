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
the other with two threads: a small parser gains little from a second thread; :mod:`parser.start_runs`).  Nothing is written to ``out``
unless both runs finish (a cancelled run leaves it as it was).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Sequence

from .bundled import DEFAULT_MODEL_DIR
from .callbacks import TrainingCallbacks
from .conllu import Sentence, write_conllu
from .errors import UserError
from .fileio import atomic_folder
from .progress import Cancelled
from .start_runs import KINDS, Combined, Job, run_parallel, run_sequential
from .train_config import TrainConfig, few_sentences_warning

AUTO = "auto"
SCRATCH = "scratch"
AUTO_MAX_SENTENCES = 2000   # more training sentences than this: scratch alone (EWT-sized data is not trained twice)


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


ENSEMBLE = "ensemble"
_PREFERENCE = {SCRATCH: 2, "finetuned": 1, ENSEMBLE: 0}  # on a tie: the simpler model


def _ranked(results: dict[str, dict]) -> list[str]:
    """The candidates, best first: by selection LAS; on a tie scratch, then the fine-tuned start, then the
    ensemble of both."""
    return sorted(results, key=lambda k: (results[k]["LAS"], _PREFERENCE.get(k, -1)), reverse=True)


def choose(results: dict[str, dict]) -> str:
    """The candidate kept: the first of :func:`_ranked`."""
    return _ranked(results)[0]


def ensemble_of(work: Path, members: Sequence[str]):
    """The model ``work / members[0]`` with the others as its ensemble partners (:mod:`parser.ensemble`)."""
    from .model import Model
    first = Model.load(work / members[0])
    first.partners = [Model.load(work / k) for k in members[1:]]
    return first


def with_ensemble(work: Path, results: dict[str, dict], dev: Sequence[Sentence]) -> dict[str, dict]:
    """``results`` of the trained starts plus the ensemble of both (:mod:`parser.ensemble`; the better start on
    selection first) scored on ``dev`` -- unless fewer than two starts were trained or their transition
    systems differ (one decoder steps one configuration)."""
    from .selection import dev_scores
    if len(results) < 2:
        return dict(results)
    order = _ranked(results)
    model = ensemble_of(work, order)
    if any(p.transitions.system.name != model.transitions.system.name for p in model.partners):
        return dict(results)
    scores = dev_scores(model, dev)
    return {**results, ENSEMBLE: {**{k: scores[k] for k in ("UPOS", "UAS", "LAS")}, "members": order}}


def run_starts(train: Sequence[Sentence], dev: Sequence[Sentence], work: Path, cfg: TrainConfig, base: Path,
               callbacks: TrainingCallbacks, parallel: bool, kinds: Sequence[str]) -> Combined:
    """Trains each start of ``kinds`` ("scratch", "finetuned" from ``base``) on ``train``, selected on ``dev``,
    into ``work / kind`` (in two processes when ``parallel``); returns their :class:`Combined` record.
    Raises :class:`Cancelled`, or ``UserError`` naming the run that failed."""
    write_conllu(train, work / "train.conllu")
    write_conllu(dev, work / "select.conllu")
    threads = 1 if parallel else cfg.threads
    jobs = [Job(k, str(work / "train.conllu"), str(work / "select.conllu"), str(work / k),
                TrainConfig(**{**cfg.__dict__, "threads": threads}), str(base), threads) for k in kinds]
    names = {k: "scratch" if k == "scratch" else base.name for k in kinds}
    combined = Combined(callbacks, names)
    (run_parallel if parallel else run_sequential)(jobs, combined, callbacks)
    if combined.cancelled or callbacks.cancelled():
        raise Cancelled()
    if combined.errors:
        raise UserError("; ".join(f"{names[k]}: {e}" for k, e in combined.errors.items()))
    return combined


def train_auto(train: Sequence[Sentence], dev: Sequence[Sentence], out: str | os.PathLike, cfg: TrainConfig,
               base: str | os.PathLike | None = None, callbacks: TrainingCallbacks | None = None,
               parallel: bool | None = None, record: dict | None = None, kinds: Sequence[str] = KINDS):
    """Trains from scratch and fine-tunes ``base`` (default: the bundled model) on ``train``, selects each on
    ``dev``, writes the better to ``out``; returns ``(model, best)`` as :func:`parser.train.train_model` does.

    ``record`` (the data's provenance: ``train``, ``dev``, ``heldout_sentences``) is written into the model's
    training record; ``config["start"]`` holds the selection scores and the choice.  ``kinds=("finetuned",)``
    fine-tunes ``base`` only (``deplab train --start DIR``)."""
    from .model import ENSEMBLE as ENSEMBLE_KEY, Model, partner_folders
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
    if len(kinds) > 1:
        callbacks.log(f"auto start: training from scratch and fine-tuning {base.name}, keeping the better "
                      f"selection LAS on the {len(dev)} held-out sentences ("
                      + ("two processes, one thread each)" if parallel else "one after the other)"))
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="deplab-auto-") as work:
        work = Path(work)
        combined = run_starts(train, dev, work, cfg, base, callbacks, parallel, kinds)
        results = with_ensemble(work, combined.results, dev)
        chosen = choose(results)
        members = results[ENSEMBLE]["members"] if chosen == ENSEMBLE else [chosen]
        scores = {k: {m: results[k].get(m) for m in ("epoch", "UPOS", "UAS", "LAS")} for k in results}
        folder = work / members[0]
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        config["start"] = {"mode": AUTO if len(kinds) > 1 else chosen, "chosen": chosen, "base": base.name,
                           "selection": scores, "members": members,
                           "selection_sentences": len(dev), "parallel": parallel,
                           "seconds": round(time.time() - t0, 1), "run_seconds": combined.times,
                           "rule": "the best selection LAS of training from scratch, fine-tuning the base model "
                                   "and the ensemble of both (a tie keeps scratch, then the fine-tuned model)"}
        if len(members) > 1:
            config[ENSEMBLE_KEY] = {"partners": partner_folders(len(members) - 1)}
        training = config.setdefault("training", {})
        training.update(record or {})
        training["best"] = results[chosen]
        with atomic_folder(out) as tmp:
            for f in folder.iterdir():
                if f.is_file() and f.name != "config.json":
                    shutil.copy2(f, tmp / f.name)
            for member, name in zip(members[1:], partner_folders(len(members) - 1)):
                shutil.copytree(work / member, tmp / name)
            (tmp / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")
    if len(kinds) > 1:
        names = {SCRATCH: "scratch", "finetuned": f"the fine-tuned {base.name}",
                 ENSEMBLE: "the ensemble of both"}
        callbacks.log(f"auto start: selection LAS {scores[SCRATCH]['LAS']:.2f} from scratch, "
                      f"{scores['finetuned']['LAS']:.2f} fine-tuning {base.name}"
                      + (f", {scores[ENSEMBLE]['LAS']:.2f} for the ensemble of both" if ENSEMBLE in scores else "")
                      + f": kept {names[chosen]} ({time.time() - t0:.0f} s); model written to {out}")
    else:
        callbacks.log(f"selection LAS {scores[chosen]['LAS']:.2f} ({time.time() - t0:.0f} s); model written to {out}")
    return Model.load(out), results[chosen]


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
    warning = few_sentences_warning(len(sentences))
    if warning:
        callbacks.log(f"warning: {warning}")
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
