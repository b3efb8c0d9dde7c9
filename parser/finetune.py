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
held-out LAS stops improving.
The baseline is the same architecture trained from scratch on the same data
(no rehearsal) with the same number of epochs.

Everything happens on a copy: the base model is never modified, so a
cancelled run leaves it as it was (:class:`parser.progress.Cancelled`).
``deplab finetune`` and the app's Lab ▸ Fine-tuning tab both call
:func:`run_experiment`; :mod:`parser.active_learning` holds the annotate-retrain
loop they share.
"""
from __future__ import annotations

import copy
import datetime as _dt
import random
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import torch
import torch.nn.functional as F

from .conllu import Sentence, read_conllu
from .errors import UserError
from .forgetting import L2SP, LwF, guarded_objective, parse_guard
from .growth import Growth, char_tables, grow, label_tables, tag_tables, word_tables
from .model import Model
from .progress import Progress, check
from .provenance import file_record, model_record, sha256  # noqa: F401 (re-exported)
from .train import Trainer, TrainConfig, Treebank, dev_scores, new_model, oracle_examples, set_seed

PARTS = ("embeddings", "hidden", "output")
_DEPTH = {"output": 0, "hidden": 1, "embeddings": 2}
_EMBEDDING = re.compile(r"(^|\.)(words|chars|tags|labels)(\.|$)")
_OUTPUT = re.compile(r"(^|\.)out\.(weight|bias)$")

def part_of(name: str) -> str:
    """``embeddings``, ``hidden`` or ``output`` for a parameter name such as ``parser.tagger.encoder.lstm.weight_ih_l0``."""
    if _OUTPUT.search(name):
        return "output"
    if _EMBEDDING.search(name):
        return "embeddings"
    return "hidden"


def named_parameters(model: Model) -> list[tuple[str, torch.nn.Parameter]]:
    return [(f"{m}.{n}", p) for m, module in model.modules().items() for n, p in module.named_parameters()]


def parameter_parts(model: Model) -> dict[str, list[tuple[str, torch.nn.Parameter]]]:
    out = {p: [] for p in PARTS}
    for name, param in named_parameters(model):
        out[part_of(name)].append((name, param))
    return out


def parse_freeze(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"embeddings,hidden"`` -> ("embeddings", "hidden"); unknown parts are a UserError."""
    if not text:
        return ()
    items = [t.strip().lower() for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    bad = [t for t in items if t not in PARTS]
    if bad:
        raise UserError(f"--freeze: unknown part {bad[0]!r}; choose from {', '.join(PARTS)}")
    if set(items) >= set(PARTS):
        raise UserError("--freeze: every part is frozen, nothing would be trained")
    return tuple(p for p in PARTS if p in items)


@dataclass
class FinetuneConfig:
    """Options of a fine-tuning run.  The defaults (Adam lr 1e-3, batch 32, 30 epochs, every part trained, and
    L2-SP with alpha 1e-2 as the guard against forgetting) were chosen with ``benchmarks/finetune.py --tune`` on
    500 held-out ATIS *train* sentences (target domain) and EWT dev's first 1,000 sentences (forgetting),
    fine-tuning the bundled model on 25 and 100 ATIS sentences: L2-SP 1e-2 kept the target-domain LAS of
    unguarded fine-tuning (82.44 vs 82.19 at 25, 85.00 vs 85.69 at 100) and lost 3-4 EWT LAS points fewer
    (78.89 vs 76.15, 77.60 vs 73.85); LwF (weight 0.3) forgot a little less at 25 but more at 100.
    Rehearsal needs ``rehearsal_data``, a file the user chooses."""

    epochs: int = 30
    lr: float = 1e-3
    batch_size: int = 32
    freeze: tuple[str, ...] = ()
    patience: int = 5            # early stopping: epochs without a better held-out LAS (0: never stop early)
    select_best: bool = True     # keep the epoch with the best held-out LAS (else the last epoch)
    layer_decay: float = 1.0     # discriminative fine-tuning: lr / decay per part below the output
    min_count: int = 1           # new words need this many occurrences to get an embedding
    word_dropout: float = 0.25
    seed: int = 1
    eval_every_epoch: bool = True  # score the held-out data after every epoch (else once, at the end)
    scratch_lr: float = 2e-3     # the from-scratch baseline uses the usual training recipe
    scratch_min_count: int = 2
    warmup: float = 0.0          # slanted triangular lr: linear warm-up over this fraction of the steps,
                                 # then linear decay to 0 (Howard & Ruder 2018); 0: constant lr
    rehearsal: int = 500         # base-domain sentences mixed into every epoch when rehearsal_data is given
    rehearsal_data: str | None = None  # their CoNLL-U file, chosen by the user (None: no rehearsal)
    guard: str = "l2sp"          # without rehearsal data: "lwf", "l2sp", "lwf+l2sp" or "none" (parser.forgetting)
    lwf_weight: float = 0.3      # weight of the distillation term (Li & Hoiem 2016)
    lwf_temperature: float = 2.0
    l2sp_alpha: float = 1e-2     # L2-SP's alpha (Li, Grandvalet & Davoine 2018)

    def to_json(self) -> dict:
        d = asdict(self)
        d["freeze"] = list(self.freeze)
        return d


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

def treebank(sentences: Sequence[Sentence], what: str = "the training data") -> Treebank:
    tb = Treebank.from_sentences(sentences)
    if not len(tb):
        raise UserError(f"{what}: no sentence with a complete dependency tree "
                        f"({tb.skipped} sentence(s) without one)")
    return tb


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

class FineTuner(Trainer):
    """A Trainer with discriminative learning rates (each part its own), an optional slanted
    triangular learning-rate schedule and optional rehearsal of base-domain sentences.

    Rehearsal (Robins 1995; the "mixed" training of domain adaptation): the treebank holds the
    ``n_main`` in-domain sentences first, then ``rehearse`` base-domain sentences per epoch; epoch e
    trains on all in-domain sentences plus its own slice of base-domain ones, so the model keeps
    seeing the data it was trained on and forgets less of it.
    """

    def __init__(self, *a, layer_decay: float = 1.0, parts: dict[int, str] | None = None,
                 n_main: int | None = None, rehearse: int = 0, warmup: float = 0.0, **kw):
        super().__init__(*a, **kw)
        self.layer_decay, self.parts = layer_decay, parts or {}
        self.n_main = len(self.train) if n_main is None else n_main
        self.rehearse, self.warmup = rehearse, warmup
        self.scheduled, self.opt, self.step_no, self.total_steps = False, None, 0, 1

    def epoch_batches(self, epoch: int) -> list[list[int]]:
        if not self.rehearse:
            return super().epoch_batches(epoch)
        extra = len(self.train) - self.n_main
        start = ((epoch - 1) * self.rehearse) % max(extra, 1)
        mixed = list(range(self.n_main)) + [self.n_main + (start + j) % extra
                                            for j in range(min(self.rehearse, extra))]
        self.rng.shuffle(mixed)
        return [mixed[i:i + self.cfg.batch_size] for i in range(0, len(mixed), self.cfg.batch_size)]

    def lr_factor(self, step: int) -> float:
        """Slanted triangular schedule: 0 -> 1 over the warm-up steps, then linearly down to 0."""
        if self.warmup <= 0:
            return 1.0
        peak = max(1, round(self.warmup * self.total_steps))
        if step < peak:
            return (step + 1) / peak
        return max(0.0, (self.total_steps - step) / max(1, self.total_steps - peak))

    def _optimizer(self, params):
        params = [p for p in params if p.requires_grad]
        if self.layer_decay == 1.0:
            opt = super()._optimizer(params)
        else:
            groups: dict[str, list] = {}
            for p in params:
                groups.setdefault(self.parts.get(id(p), "hidden"), []).append(p)
            opt = torch.optim.Adam([{"params": ps, "lr": self.cfg.lr / self.layer_decay ** _DEPTH[part]}
                                    for part, ps in groups.items()], lr=self.cfg.lr, betas=(0.9, 0.9))
        if self.scheduled:  # the parser's optimiser: remember the peak rates, start at step 0's rate
            self.opt, self.step_no = opt, 0
            for g in opt.param_groups:
                g["peak_lr"] = g["lr"]
                g["lr"] = g["peak_lr"] * self.lr_factor(0)
        return opt

    def after_step(self) -> None:
        if self.opt is None or self.warmup <= 0:
            return
        self.step_no += 1
        for g in self.opt.param_groups:
            g["lr"] = g["peak_lr"] * self.lr_factor(self.step_no)

    def train_parser(self, dev, epochs, **kw):
        self.scheduled = True
        per_epoch = -(-(self.n_main + min(self.rehearse, len(self.train) - self.n_main)) // self.cfg.batch_size)
        self.total_steps = max(1, epochs * per_epoch)
        return super().train_parser(dev, epochs, after_step=self.after_step, **kw)


def _freeze(model: Model, freeze: Sequence[str], growth: Growth | None) -> list:
    """Sets requires_grad by part; a frozen embedding table still trains its *new* rows
    (old rows get zero gradients, so Adam never moves them).  Returns hook handles."""
    grown = {}
    if growth is not None and growth.old_sizes:
        o = growth.old_sizes
        for tables, old in ((word_tables(model), o["words"]), (char_tables(model), o["chars"]),
                            (tag_tables(model), o["tags"]), (label_tables(model), o["labels"] + 1)):
            for emb in tables:
                if emb.weight.shape[0] > old:
                    grown[id(emb.weight)] = old
    hooks = []
    for part, named in parameter_parts(model).items():
        for _, p in named:
            if part not in freeze:
                p.requires_grad_(True)
            elif id(p) in grown:
                p.requires_grad_(True)
                mask = torch.zeros(p.shape[0], 1)
                mask[grown[id(p)]:] = 1.0
                hooks.append(p.register_hook(lambda g, m=mask: g * m))
            else:
                p.requires_grad_(False)
    return hooks


def _unfreeze(model: Model, hooks: list) -> None:
    for h in hooks:
        h.remove()
    for _, p in named_parameters(model):
        p.requires_grad_(True)


def _batch_progress(progress: Progress | None, epochs: int, text: str):
    if progress is None:
        return None
    state = {"epoch": 0, "last": 0}

    def cb(k: int, n: int) -> None:
        if k < state["last"]:
            state["epoch"] += 1
        state["last"] = k
        progress(state["epoch"] * n + k, epochs * n, text)
    return cb


def _train(kind: str, model: Model, tb: Treebank, heldout: Sequence[Sentence], cfg: FinetuneConfig, lr: float,
           log, progress, cancelled, on_epoch, growth: Growth | None = None,
           rehearsal: Treebank | None = None, base: Model | None = None) -> RunResult:
    tcfg = TrainConfig(arch=model.arch, epochs=cfg.epochs, batch_size=cfg.batch_size, lr=lr, seed=cfg.seed,
                       word_dropout=cfg.word_dropout)
    parts = {id(p): part_of(n) for n, p in named_parameters(model)}
    freeze = cfg.freeze if kind == "finetuned" else ()
    hooks = _freeze(model, freeze, growth)
    t0 = time.time()
    n_main = len(tb)
    if rehearsal is not None and len(rehearsal):
        tb = tb + rehearsal
    finetuning = kind == "finetuned"
    trainer = FineTuner(model, tb, tcfg, log=log, progress=_batch_progress(progress, cfg.epochs, kind),
                        cancelled=cancelled, layer_decay=cfg.layer_decay if finetuning else 1.0,
                        parts=parts, n_main=n_main, rehearse=cfg.rehearsal if len(tb) > n_main else 0,
                        warmup=cfg.warmup if finetuning else 0.0)
    guard = parse_guard(cfg.guard) if finetuning and base is not None and len(tb) == n_main else "none"
    objective = guarded_objective(
        LwF(base, model, tb.forms, cfg.lwf_weight, cfg.lwf_temperature) if "lwf" in guard else None,
        L2SP(model, base, cfg.l2sp_alpha) if "l2sp" in guard else None)
    if finetuning:
        log(f"forgetting guard: {'rehearsal' if len(tb) > n_main else guard}")
    try:
        if model.tagger is not None:  # cm2014/weiss2015: the separate tagger first (best UPOS kept)
            trainer.train_tagger(list(heldout) or _sentences(tb)[:n_main], cfg.epochs)
        epoch_cb = (lambda e, s: on_epoch(kind, e, s)) if on_epoch else None
        dev = heldout if cfg.eval_every_epoch else []
        best = trainer.train_parser(dev, cfg.epochs, on_epoch=epoch_cb,
                                    patience=cfg.patience if dev else 0,
                                    keep_best=cfg.select_best and bool(dev), objective=objective)
    finally:
        _unfreeze(model, hooks)
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
             log: Callable[[str], None] = print, progress: Progress | None = None,
             cancelled: Callable[[], bool] = lambda: False, on_epoch=None) -> RunResult:
    """A fine-tuned copy of ``base`` (grown vocabulary, chosen parts trained); ``base`` is untouched.

    ``on_epoch(kind, epoch, scores)`` is called after every epoch; ``cancelled()`` returning True
    stops the run with :class:`parser.progress.Cancelled`.
    """
    tb = treebank(train)
    set_seed(cfg.seed)
    model = copy.deepcopy(base)
    model.path = None
    base_training = copy.deepcopy(base.config.get("training", {}))
    growth = grow(model, tb.forms, tb.tags, tb.labels, min_count=cfg.min_count)
    log(f"vocabulary growth: {len(growth.words)} new words, {len(growth.chars)} new characters"
        + (f", new tags {', '.join(growth.tags)}" if growth.tags else "")
        + (f", new relations {', '.join(growth.labels)}" if growth.labels else ""))
    rehearsal = rehearsal_treebank(base, cfg, log)
    result = _train("finetuned", model, tb, heldout, cfg, cfg.lr, log, progress, cancelled, on_epoch, growth,
                    rehearsal, base)
    model.config["training"] = base_training
    return result


def rehearsal_path(cfg: FinetuneConfig) -> Path:
    """The base-domain CoNLL-U file the user chose for rehearsal (a clear error if it is gone)."""
    p = Path(cfg.rehearsal_data)
    if not p.is_file():
        raise UserError(f"rehearsal: the base-domain data {p} was not found; choose the file again "
                        "or fine-tune without it (the forgetting guard needs no data)")
    return p


def rehearsal_treebank(base: Model, cfg: FinetuneConfig, log: Callable[[str], None] = print) -> Treebank | None:
    """``cfg.rehearsal`` x ``cfg.epochs`` base-domain sentences (a seeded sample, each epoch its own
    slice; sentences repeat only when the file is smaller), or None without rehearsal (no file chosen)."""
    if cfg.rehearsal <= 0 or not cfg.rehearsal_data:
        return None
    path = rehearsal_path(cfg)
    tb = treebank(read_conllu(path), str(path))
    known = set(base.labels)
    keep = [i for i in range(len(tb)) if all(l in known for l in tb.labels[i])]
    random.Random(cfg.seed).shuffle(keep)
    need = min(len(keep), cfg.rehearsal * cfg.epochs)
    pick = keep[:need]
    log(f"rehearsal: {min(cfg.rehearsal, len(keep))} of {len(keep)} sentences of {path.name} mixed into "
        "every epoch")
    return tb.subset(pick)


def train_scratch(like: Model, train: Sequence[Sentence], heldout: Sequence[Sentence], cfg: FinetuneConfig,
                  log: Callable[[str], None] = print, progress: Progress | None = None,
                  cancelled: Callable[[], bool] = lambda: False, on_epoch=None) -> RunResult:
    """The baseline: ``like``'s architecture and sizes, new vocabularies, trained on ``train`` only."""
    tb = treebank(train)
    set_seed(cfg.seed)
    tcfg = TrainConfig(arch=like.arch, min_count=cfg.scratch_min_count, sizes=dict(like.config.get("sizes", {})),
                       tagger_sizes=dict(like.config.get("tagger_sizes", {})))
    model = new_model(tb, tcfg)
    model.config["language"] = like.config.get("language", "en")
    return _train("scratch", model, tb, heldout, cfg, cfg.scratch_lr, log, progress, cancelled, on_epoch)


@torch.no_grad()
def oracle_loss(model: Model, sentences: Sequence[Sentence], batch_size: int = 64) -> float:
    """Mean cross-entropy of the gold (oracle) transitions (+ of the gold tags for kg2016's joint
    tagging head), dropout off: the training objective, measured.

    Sentences with a relation the model does not know are left out (it has no transition for it).
    """
    known = set(model.labels)
    tb = treebank([s for s in sentences if all(w.deprel in known for w in s.words)])
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
                   baseline: bool = True, data: dict | None = None, log: Callable[[str], None] = print,
                   progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False,
                   on_epoch=None) -> FinetuneResult:
    """Base scores on the held-out data, the fine-tuned model and (optionally) the from-scratch baseline."""
    treebank(train)
    t0 = time.time()
    base_scores = {}
    if heldout:
        if progress:
            progress(0, 0, "scoring the base model")
        s = dev_scores(base, heldout)
        base_scores = {k: s[k] for k in ("UPOS", "UAS", "LAS")}
        log(f"base model on the held-out data: UAS {base_scores['UAS']:.2f}  LAS {base_scores['LAS']:.2f}")
        if on_epoch:
            on_epoch("base", 0, base_scores)
    ft = finetune(base, train, heldout, cfg, log, progress, cancelled, on_epoch)
    scratch = None
    if baseline:
        log("from-scratch baseline")
        scratch = train_scratch(base, train, heldout, cfg, log, progress, cancelled, on_epoch)
    record = {
        "base": model_record(base),
        "base_arch": base.arch,
        "base_finetune": base.config.get("finetune"),
        "data": data or {"source": "sentences", "sentences": len(train),
                         "words": sum(len(s.words) for s in train)},
        "heldout": {"sentences": len(heldout), "words": sum(len(s.words) for s in heldout)},
        "options": cfg.to_json(),
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
                       log: Callable[[str], None] = print, progress: Progress | None = None,
                       cancelled: Callable[[], bool] = lambda: False, on_epoch=None) -> FinetuneResult:
    """:func:`parser.finetune.run_experiment`, then the fine-tuned model written (atomically) to ``out``;
    a cancelled run (:class:`parser.progress.Cancelled`) writes nothing."""
    result = run_experiment(base, train, heldout, cfg, baseline=baseline, data=data, log=log, progress=progress,
                            cancelled=cancelled, on_epoch=on_epoch)
    check(cancelled)
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
