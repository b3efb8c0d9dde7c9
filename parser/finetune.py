"""Fine-tuning: adapt a trained parser to a little in-domain gold data.

Transfer by continued training, as in Howard & Ruder (2018, "Universal
language model fine-tuning for text classification"): start from the trained
model, grow its vocabulary for the new data (:mod:`parser.growth`), train the
chosen parts -- ``embeddings`` (word, character and label embeddings),
``hidden`` (BiLSTM and hidden layers), ``output`` (transition and tag
softmax) -- with optional discriminative learning rates (each part below the
output gets the rate divided by ``layer_decay`` once more), optionally a
slanted triangular learning rate, and a guard against forgetting what the base
model knew: *rehearsal* of some of its own training data mixed into every
epoch (Robins 1995) when the user has that file, and otherwise, needing no
data, distillation from the base model on the new sentences (LwF) and/or L2
towards the base weights (L2-SP, :mod:`parser.forgetting`); stop early when
held-out LAS stops improving.  The options are :mod:`parser.finetune_config`'s, the parts
:mod:`parser.parameter_parts`', the trainer with its schedule and rehearsal :mod:`parser.finetuner`'s.
The baseline is the same architecture trained from scratch on the same data
(no rehearsal) with the same number of epochs.

Everything happens on a copy: the base model is never modified, so a
cancelled run leaves it as it was (:class:`parser.progress.Cancelled`).
``deplab finetune`` and the app's Lab ▸ Fine-tuning tab both call
:func:`run_experiment`, and hear the runs through one
:class:`parser.callbacks.TrainingCallbacks`; :mod:`parser.active_learning` holds the
annotate-retrain loop they share.
"""
from __future__ import annotations

import copy
import datetime as _dt
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import torch
import torch.nn.functional as F

from .callbacks import Forward, TrainingCallbacks
from .conllu import Sentence
from .examples import Treebank, oracle_examples, training_treebank
from .finetune_config import FinetuneConfig
from .finetuner import FineTuner, rehearsal_treebank
from .forgetting import L2SP, LwF, guarded_objective, parse_guard
from .growth import Growth, grow
from .system_growth import grow_system, needs_swap
from .model import Model
from .parameter_parts import freeze, named_parameters, part_of, unfreeze
from .progress import check
from .provenance import file_record, model_record, sha256  # noqa: F401 (re-exported)
from .selection import dev_scores
from .train import Trainer, set_seed
from .train_config import TrainConfig, new_model


@dataclass
class RunResult:
    """One training run: the model (in memory), its per-epoch history, held-out scores."""

    kind: str                 # "finetuned" or "scratch"
    model: Model
    history: list[dict]
    best: dict
    final: dict               # held-out scores of the returned model ({} without held-out data)
    seconds: float
    growth: Growth | None = None

    def to_json(self) -> dict:
        d = {"history": self.history, "best": self.best, "final": self.final, "seconds": round(self.seconds, 1)}
        if self.growth is not None:
            d["growth"] = self.growth.to_json()
        return d


@dataclass
class FinetuneResult:
    base_scores: dict
    finetuned: RunResult
    scratch: RunResult | None = None
    record: dict = field(default_factory=dict)

    def table(self) -> list[tuple[str, dict]]:
        rows = [("base model", self.base_scores), ("fine-tuned", self.finetuned.final)]
        if self.scratch is not None:
            rows.append(("from scratch", self.scratch.final))
        return rows


# -- data ------------------------------------------------------------------------------------

def split_heldout(sentences: Sequence[Sentence], percent: float, seed: int = 1) -> tuple[list, list]:
    """A seeded random ``percent``% of the sentences as held-out data, the rest for training (order kept)."""
    n = len(sentences)
    k = int(round(n * percent / 100.0))
    if percent > 0 and n >= 2:
        k = min(max(k, 1), n - 1)
    else:
        k = 0
    held = set(random.Random(seed).sample(range(n), k))
    return [s for i, s in enumerate(sentences) if i not in held], [s for i, s in enumerate(sentences) if i in held]


def _sentences(tb: Treebank) -> list[Sentence]:
    return [_as_sentence(tb, i) for i in range(len(tb))]


def _as_sentence(tb: Treebank, i: int) -> Sentence:
    s = Sentence.from_words(tb.forms[i])
    for w, t, h, l in zip(s.words, tb.tags[i], tb.heads[i], tb.labels[i]):
        w.upos, w.head, w.deprel = t, str(h), l
    return s


# -- training ----------------------------------------------------------------------------------

class _Run(Forward):
    """The caller's callbacks for one run of :func:`_train`: the batches of every epoch counted as one
    progress over the whole run, named by the run's kind."""

    def __init__(self, inner: TrainingCallbacks, epochs: int, kind: str):
        super().__init__(inner)
        self.epochs, self.kind, self.epoch, self.last = epochs, kind, 0, 0

    def progress(self, done: int, total: int, message: str = "") -> None:
        if done < self.last:
            self.epoch += 1
        self.last = done
        self.inner.progress(self.epoch * total + done, self.epochs * total, self.kind)


def _train(kind: str, model: Model, tb: Treebank, heldout: Sequence[Sentence], cfg: FinetuneConfig, lr: float,
           callbacks: TrainingCallbacks, growth: Growth | None = None,
           rehearsal: Treebank | None = None, base: Model | None = None) -> RunResult:
    tcfg = TrainConfig(arch=model.arch, epochs=cfg.epochs, batch_size=cfg.batch_size, lr=lr, seed=cfg.seed,
                       word_dropout=cfg.word_dropout, average=cfg.average)
    parts = {id(p): part_of(n) for n, p in named_parameters(model)}
    frozen = cfg.freeze if kind == "finetuned" else ()
    hooks = freeze(model, frozen, growth)
    t0 = time.time()
    n_main = len(tb)
    if rehearsal is not None and len(rehearsal):
        tb = tb + rehearsal
    finetuning = kind == "finetuned"
    trainer = FineTuner(model, tb, tcfg, _Run(callbacks, cfg.epochs, kind), run=kind,
                        layer_decay=cfg.layer_decay if finetuning else 1.0, parts=parts, n_main=n_main,
                        rehearse=cfg.rehearsal if len(tb) > n_main else 0,
                        warmup=cfg.warmup if finetuning else 0.0)
    guard = parse_guard(cfg.guard) if finetuning and base is not None and len(tb) == n_main else "none"
    objective = guarded_objective(
        LwF(base, model, tb.forms, cfg.lwf_weight, cfg.lwf_temperature) if "lwf" in guard else None,
        L2SP(model, base, cfg.l2sp_alpha) if "l2sp" in guard else None)
    if finetuning:
        callbacks.log(f"forgetting guard: {'rehearsal' if len(tb) > n_main else guard}")
    try:
        if model.tagger is not None:  # cm2014/weiss2015: the separate tagger first (best UPOS kept)
            trainer.train_tagger(list(heldout) or _sentences(tb)[:n_main], cfg.epochs)
        dev = heldout if cfg.eval_every_epoch else []
        best = trainer.train_parser(dev, cfg.epochs,
                                    patience=cfg.patience if dev else 0,
                                    keep_best=cfg.select_best and bool(dev), objective=objective)
    finally:
        unfreeze(model, hooks)
    history = model.config.get("training", {}).get("history", [])
    if not heldout:
        final = {}
    elif not cfg.eval_every_epoch:  # the last epoch's model, scored once
        s = dev_scores(model.eval(), heldout)
        final = best = {k: s[k] for k in ("UPOS", "UAS", "LAS")}
    elif cfg.select_best:
        final = {k: best[k] for k in ("UPOS", "UAS", "LAS")}
    else:
        final = {k: history[-1][k] for k in ("UPOS", "UAS", "LAS")}
    return RunResult(kind, model.eval(), history, best if heldout else {}, final, time.time() - t0, growth)


def finetune(base: Model, train: Sequence[Sentence], heldout: Sequence[Sentence], cfg: FinetuneConfig,
             callbacks: TrainingCallbacks | None = None) -> RunResult:
    """A fine-tuned copy of ``base`` (grown vocabulary, chosen parts trained); ``base`` is untouched.

    ``callbacks.epoch_end("finetuned", epoch, scores)`` is called after every epoch, ``progress`` counts
    the whole run; ``cancelled()`` returning True stops the run with :class:`parser.progress.Cancelled`.
    """
    callbacks = callbacks if callbacks is not None else TrainingCallbacks()
    log = callbacks.log
    set_seed(cfg.seed)
    model = copy.deepcopy(base)
    model.path = None
    if model.partners:  # an ensemble (parser.ensemble): its first parser is fine-tuned
        log(f"the base model is an ensemble of {1 + len(model.partners)} parsers: its first parser is fine-tuned")
        model.partners = []
    base_training = copy.deepcopy(base.config.get("training", {}))
    if cfg.system == "auto" and needs_swap(model, train):
        added = grow_system(model, "swap")
        log(f"transition system swap: the data has non-projective trees, which {base.transitions.system.name} "
            f"cannot build ({', '.join(added)} added to the output layer, the learned rows kept)")
    elif cfg.system not in ("auto", "keep"):
        grow_system(model, cfg.system)
    tb = training_treebank(train, projective=model.transitions.system.projective)
    growth = grow(model, tb.forms, tb.tags, tb.labels, min_count=cfg.min_count)
    log(f"vocabulary growth: {len(growth.words)} new words, {len(growth.chars)} new characters"
        + (f", new tags {', '.join(growth.tags)}" if growth.tags else "")
        + (f", new relations {', '.join(growth.labels)}" if growth.labels else ""))
    rehearsal = rehearsal_treebank(base, cfg, log)
    result = _train("finetuned", model, tb, heldout, cfg, cfg.lr, callbacks, growth,
                    rehearsal, base)
    model.config["training"] = base_training
    return result


def train_scratch(like: Model, train: Sequence[Sentence], heldout: Sequence[Sentence], cfg: FinetuneConfig,
                  callbacks: TrainingCallbacks | None = None) -> RunResult:
    """The baseline: ``like``'s architecture and sizes, new vocabularies, trained on ``train`` only
    (``callbacks`` as :func:`finetune`'s, the run named ``"scratch"``)."""
    tb = training_treebank(train)
    set_seed(cfg.seed)
    tcfg = TrainConfig(arch=like.arch, min_count=cfg.scratch_min_count, sizes=dict(like.config.get("sizes", {})),
                       tagger_sizes=dict(like.config.get("tagger_sizes", {})))
    model = new_model(tb, tcfg)
    model.config["language"] = like.config.get("language", "en")
    return _train("scratch", model, tb, heldout, cfg, cfg.scratch_lr,
                  callbacks if callbacks is not None else TrainingCallbacks())


@torch.no_grad()
def oracle_loss(model: Model, sentences: Sequence[Sentence], batch_size: int = 64) -> float:
    """Mean cross-entropy of the gold (oracle) transitions (+ of the gold tags for kg2016's joint
    tagging head), dropout off: the training objective, measured.

    Sentences with a relation the model does not know are left out (it has no transition for it).
    """
    known = set(model.labels)
    tb = training_treebank([s for s in sentences if all(w.deprel in known for w in s.words)])
    ex = oracle_examples(tb, model)
    model.eval()
    total, n, tag_total, n_words = 0.0, 0, 0.0, 0
    for start in range(0, len(tb), batch_size):
        idx = list(range(start, min(start + batch_size, len(tb))))
        b = model.encode([tb.forms[i] for i in idx], [tb.tags[i] for i in idx])
        ctx = model.parser.context(b)
        sel = [j for i in idx for j in range(ex.offsets[i], ex.offsets[i + 1])]
        local = [k for k, i in enumerate(idx) for _ in range(ex.offsets[i + 1] - ex.offsets[i])]
        logits = model.parser.scores(ctx, torch.tensor(local), torch.from_numpy(ex.pos[sel]),
                                     torch.from_numpy(ex.labs[sel]))
        total += F.cross_entropy(logits, torch.from_numpy(ex.actions[sel]), reduction="sum").item()
        n += len(sel)
        if model.tagger is None:  # kg2016 trains its tagging head jointly: its loss is part of the objective
            tag_total += Trainer._tag_loss(model.parser.tag_logits(ctx), b).item() * int(b.lengths.sum())
            n_words += int(b.lengths.sum())
    return total / max(n, 1) + (tag_total / n_words if n_words else 0.0)


def run_experiment(base: Model, train: Sequence[Sentence], heldout: Sequence[Sentence], cfg: FinetuneConfig,
                   baseline: bool = True, data: dict | None = None,
                   callbacks: TrainingCallbacks | None = None) -> FinetuneResult:
    """Base scores on the held-out data (``callbacks.epoch_end("base", 0, scores)``), the fine-tuned model
    and (optionally) the from-scratch baseline."""
    callbacks = callbacks if callbacks is not None else TrainingCallbacks()
    log = callbacks.log
    training_treebank(train)
    t0 = time.time()
    base_scores = {}
    if heldout:
        callbacks.progress(0, 0, "scoring the base model")
        s = dev_scores(base, heldout)
        base_scores = {k: s[k] for k in ("UPOS", "UAS", "LAS")}
        log(f"base model on the held-out data: UAS {base_scores['UAS']:.2f}  LAS {base_scores['LAS']:.2f}")
        callbacks.epoch_end("base", 0, base_scores)
    ft = finetune(base, train, heldout, cfg, callbacks)
    scratch = None
    if baseline:
        log("from-scratch baseline")
        scratch = train_scratch(base, train, heldout, cfg, callbacks)
    record = {
        "base": model_record(base),
        "base_arch": base.arch,
        "base_finetune": base.config.get("finetune"),
        "data": data or {"source": "sentences", "sentences": len(train),
                         "words": sum(len(s.words) for s in train)},
        "heldout": {"sentences": len(heldout), "words": sum(len(s.words) for s in heldout)},
        "options": cfg.to_json(),
        "system": ft.model.transitions.system.name,
        "before": base_scores,
        "after": ft.final,
        "finetuned": ft.to_json(),
        "scratch": scratch.to_json() if scratch else None,
        "created": _dt.datetime.now().isoformat(timespec="seconds"),
        "seconds": round(time.time() - t0, 1),
    }
    record["guard"] = "rehearsal" if cfg.rehearsal_data and cfg.rehearsal > 0 else parse_guard(cfg.guard)
    ft.model.config["finetune"] = record
    return FinetuneResult(base_scores, ft, scratch, record)


def finetune_to_folder(base: Model, train: Sequence[Sentence], heldout: Sequence[Sentence], cfg: FinetuneConfig,
                       out: str | Path, baseline: bool = False, data: dict | None = None,
                       callbacks: TrainingCallbacks | None = None) -> FinetuneResult:
    """:func:`parser.finetune.run_experiment`, then the fine-tuned model written (atomically) to ``out``;
    a cancelled run (:class:`parser.progress.Cancelled`) writes nothing."""
    callbacks = callbacks if callbacks is not None else TrainingCallbacks()
    result = run_experiment(base, train, heldout, cfg, baseline=baseline, data=data, callbacks=callbacks)
    check(callbacks.cancelled)
    result.finetuned.model.save(out)
    return result


def format_table(result: FinetuneResult) -> str:
    lines = [f"{'held-out':<14}{'UPOS':>8}{'UAS':>8}{'LAS':>8}{'ΔLAS':>8}"]
    base_las = result.base_scores.get("LAS")
    for name, s in result.table():
        if not s:
            continue
        d = f"{s['LAS'] - base_las:+8.2f}" if base_las is not None and name != "base model" else f"{'':>8}"
        lines.append(f"{name:<14}{s['UPOS']:8.2f}{s['UAS']:8.2f}{s['LAS']:8.2f}{d}")
    return "\n".join(lines)
