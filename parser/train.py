"""Training: the static oracle's transitions as supervised examples (the Trainer's loop).

Chen & Manning (2014, sec. 3.3): every configuration on the oracle path of a
training tree is one example (features -> gold transition), trained with
cross-entropy (:mod:`parser.examples`).  Every transition system of
:mod:`parser.systems` can be trained.  With a dynamic oracle (arc-eager,
arc-hybrid) training can explore (Kiperwasser & Goldberg 2016, after
Goldberg & Nivre 2012): the model follows its own prediction with some
probability and learns the optimal moves from the configurations it reaches.
The tagger is trained with cross-entropy on UPOS; for ``kg2016`` tagging and
parsing share the BiLSTM and are trained together.  The epoch with the best
dev LAS is kept (:mod:`parser.selection`); without dev data a seeded part of
the training file is held out for this.  What to train is
:mod:`parser.train_config`'s; the caller hears of the run through one
:class:`parser.callbacks.TrainingCallbacks`.  ``deplab train``
(:mod:`parser.train_command`) is the command-line front end.
"""
from __future__ import annotations

import random
import time
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .averaging import WeightAverage
from .callbacks import Forward, TrainingCallbacks
from .conllu import Sentence, read_conllu
from .decode import parse_batch
from .dynamic_oracle import cost_array
from .errors import UserError
from .examples import Treebank, oracle_examples
from . import features as FT
from .model import Model
from .progress import Cancelled, check  # noqa: F401 (Cancelled: what check raises)
from .provenance import file_record, folder_record
from .selection import Selection, dev_scores, hold_out
from .systems import get_system
from .train_config import (AUTO_UPDATES, TrainConfig, auto_average, auto_epochs, choose_system, new_model,
                           nonprojective_weight)
from .vocab import UNK_ID, normalize


def word_dropout(ids: list[int], counts: list[int], alpha: float, rng: random.Random) -> list[int]:
    """Replaces word w by UNK with probability alpha / (alpha + count(w)) (Kiperwasser & Goldberg 2016)."""
    return [UNK_ID if rng.random() < alpha / (alpha + c) else i for i, c in zip(ids, counts)]


def set_seed(seed: int) -> random.Random:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return random.Random(seed)


def _batches(n: int, size: int, rng: random.Random, extra: Sequence[int] = (),
             lengths: Sequence[int] | None = None) -> list[list[int]]:
    """One epoch's mini-batches of ``n`` sentence indices, shuffled; ``extra`` indices join the draw (a sentence
    listed there k times is drawn k+1 times as often).  The epoch keeps its size: ``n`` sentences, or, given
    the sentences' ``lengths``, as many words as the ``n`` sentences hold (oversampled sentences may be
    longer than the others, and an epoch's cost is its words)."""
    order = list(range(n)) + list(extra)
    rng.shuffle(order)
    if lengths is None or not extra:
        order = order[:n]
    else:
        budget, words, keep = sum(lengths[:n]), 0, 0
        while keep < len(order) and words < budget:
            words += lengths[order[keep]]
            keep += 1
        order = order[:keep]
    return [order[i:i + size] for i in range(0, len(order), size)]


class Trainer:
    """Trains a fresh model (or continues a given one) on a treebank; used by the CLI, the app and fine-tuning.

    ``callbacks`` hears the run (log lines, batch progress, epoch scores) and may cancel it or constrain
    it (:class:`parser.callbacks.TrainingCallbacks`); ``run`` is the name its ``epoch_end`` and
    ``new_best`` are given."""

    def __init__(self, model: Model, train: Treebank, cfg: TrainConfig,
                 callbacks: TrainingCallbacks | None = None, run: str = "train"):
        self.model, self.train, self.cfg, self.run = model, train, cfg, run
        self.callbacks = callbacks if callbacks is not None else TrainingCallbacks()
        self.rng = set_seed(cfg.seed)
        self.word_ids = [model.words.ids(normalize(f) for f in s) for s in train.forms]
        counts = model.words.counts
        self.word_counts = [[counts.get(normalize(f), 0) for f in s] for s in train.forms]
        self._golds = None  # the dynamic oracle's view of the training trees, made when exploration starts
        weight = nonprojective_weight(cfg, model.transitions.system.projective)
        self.oversampled = [i for i in (train.nonprojective_indices() if weight > 1 else [])
                            for _ in range(weight - 1)]  # drawn more often by epoch_batches
        self.lengths = [len(f) for f in train.forms]  # an oversampled epoch keeps its number of words

    def _encode(self, idx: list[int], tags: list[list[str]] | None, dropout: bool):
        ids = [self.word_ids[i] for i in idx]
        if dropout and self.cfg.word_dropout > 0:
            ids = [word_dropout(w, self.word_counts[i], self.cfg.word_dropout, self.rng) for w, i in zip(ids, idx)]
        return self.model.encode([self.train.forms[i] for i in idx], [tags[i] for i in idx] if tags else None, ids)

    def epoch_batches(self, epoch: int) -> list[list[int]]:
        """The parser's mini-batches for one epoch (treebank indices); fine-tuning's rehearsal overrides it."""
        return _batches(len(self.train), self.cfg.batch_size, self.rng, self.oversampled, self.lengths)

    def _optimizer(self, params):
        return torch.optim.Adam(params, lr=self.cfg.lr, betas=(0.9, 0.9))

    def train_tagger(self, dev: Sequence[Sentence], epochs: int) -> float:
        """Trains the separate tagger of cm2014/weiss2015 models; keeps the best dev UPOS."""
        tagger = self.model.tagger
        opt = self._optimizer(tagger.parameters())
        best, best_state = -1.0, None
        for epoch in range(1, epochs + 1):
            tagger.train()
            total = 0.0
            batches = _batches(len(self.train), self.cfg.batch_size, self.rng)
            for k, idx in enumerate(batches):
                check(self.callbacks.cancelled)
                b = self._encode(idx, self.train.tags, dropout=True)
                loss = self._tag_loss(tagger(b), b)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(tagger.parameters(), 5.0)
                opt.step()
                total += loss.item()
                self.callbacks.progress(k + 1, len(batches), f"tagger epoch {epoch}/{epochs}")
            tagger.eval()
            upos = dev_scores(self.model, dev)["UPOS"] if dev else 0.0
            self.callbacks.log(f"tagger epoch {epoch}: loss {total / len(batches):.4f}  dev UPOS {upos:.2f}")
            if upos > best:
                best, best_state = upos, {k: v.clone() for k, v in tagger.state_dict().items()}
        tagger.load_state_dict(best_state)
        return best

    def _explore_loss(self, idx: list[int], ctx) -> tuple[torch.Tensor, int]:
        """Runs the batch's sentences with the model, following its own prediction with probability
        ``cfg.explore`` and an optimal move otherwise; the loss is the cross-entropy towards the best-scored
        zero-cost transition in every configuration reached (Goldberg & Nivre 2012; Kiperwasser &
        Goldberg 2016)."""
        model, ts = self.model, self.model.transitions
        system = ts.system
        if not system.dynamic:
            raise UserError(f"--explore needs a dynamic oracle: {system.name} has none (arc-eager and arc-hybrid do)")
        if self._golds is None:
            self._golds = [system.gold(h, l) for h, l in zip(self.train.heads, self.train.labels)]
        label_index = {l: i for i, l in enumerate(ts.labels)}
        configs = [system.initial(len(self.train.forms[i])) for i in idx]
        zero = np.zeros(1, dtype=np.int64)
        losses, count = [], 0
        active = [r for r, c in enumerate(configs) if not c.is_terminal()]
        while active:
            pos = np.array([FT.positions(configs[r]) for r in active], dtype=np.int64)
            labs = np.concatenate([FT.label_features(FT.label_ids(configs[r], label_index), zero, pos[k:k + 1])
                                   for k, r in enumerate(active)])
            logits = model.parser.scores(ctx, torch.tensor(active), torch.from_numpy(pos), torch.from_numpy(labs))
            values = logits.detach().numpy()
            cost = np.stack([cost_array(configs[r], self._golds[idx[r]], ts) for r in active])
            optimal = np.where(cost == 0, values, -np.inf)
            target = optimal.argmax(1)
            losses.append(F.cross_entropy(logits, torch.from_numpy(target), reduction="sum"))
            count += len(active)
            predicted = np.where(cost >= 0, values, -np.inf).argmax(1)
            for k, r in enumerate(active):
                follow = predicted[k] if self.rng.random() < self.cfg.explore else target[k]
                configs[r].apply(ts[int(follow)])
            active = [r for r in active if not configs[r].is_terminal()]
        return torch.stack(losses).sum() / max(count, 1), count

    @staticmethod
    def _tag_loss(logits, b):
        mask = torch.zeros_like(b.words, dtype=torch.bool)
        for i, n in enumerate(b.lengths.tolist()):
            mask[i, 1:n + 1] = True
        return F.cross_entropy(logits[mask], b.tags[mask])

    def after_step(self) -> None:
        """Runs after every optimizer step of the parser: the callbacks' ``after_step`` (fine-tuning's
        learning-rate schedule extends it)."""
        self.callbacks.after_step()

    def train_parser(self, dev: Sequence[Sentence], epochs: int, parameters=None, patience: int = 0,
                     keep_best: bool = True, objective=None) -> dict:
        """Trains the parser (and, for kg2016, the shared tagger); restores the epoch with the best dev LAS.

        ``parameters`` (default: all the parser's) are trained; ``patience`` > 0 stops early after that
        many epochs without a better dev LAS; ``keep_best=False`` keeps the last epoch's weights instead
        of the best one's (:class:`parser.selection.Selection`).  ``objective(logits, gold, idx, local,
        pos, labs)`` replaces the cross-entropy of the transitions (distillation in
        :mod:`parser.compression`, the forgetting guards of :mod:`parser.forgetting`).
        """
        model, cfg = self.model, self.cfg
        ex = oracle_examples(self.train, model)
        if self.oversampled:
            k = len(self.oversampled) // len(set(self.oversampled)) + 1
            self.callbacks.log(f"the {len(set(self.oversampled))} non-projective training trees are drawn {k} times "
                               "as often as the others (they teach SWAP); an epoch keeps its number of words")
        joint = model.tagger is None
        if joint:
            train_tags = self.train.tags
        else:  # the parser sees predicted tags, as at test time
            train_tags = [p.tags for p in parse_batch(model, self.train.forms)]
        params = list(parameters if parameters is not None else model.parser.parameters())
        opt = self._optimizer([p for p in params if p.requires_grad])
        schedule = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=cfg.lr_decay)
        selection = Selection(patience if dev else 0, keep_best)
        cb = self.callbacks
        history = []
        averaged = WeightAverage(model.parser, cfg.average) if cfg.average else None
        for epoch in range(1, epochs + 1):
            model.parser.train()
            t0, total, n_ex = time.time(), 0.0, 0
            batches = self.epoch_batches(epoch)
            exploring = cfg.explore > 0 and epoch > cfg.explore_after and objective is None
            if exploring and epoch == cfg.explore_after + 1:
                self.callbacks.log(f"exploring from epoch {epoch}: the model's own prediction is followed with probability "
                         f"{cfg.explore:g}, the dynamic oracle's optimal moves are learned")
            for k, idx in enumerate(batches):
                check(cb.cancelled)
                b = self._encode(idx, train_tags, dropout=True)
                ctx = model.parser.context(b)
                if exploring:
                    loss, n = self._explore_loss(idx, ctx)
                else:
                    sel = np.concatenate([np.arange(ex.offsets[i], ex.offsets[i + 1]) for i in idx])
                    local = np.repeat(np.arange(len(idx)), [ex.offsets[i + 1] - ex.offsets[i] for i in idx])
                    logits = model.parser.scores(ctx, torch.from_numpy(local), torch.from_numpy(ex.pos[sel]),
                                                 torch.from_numpy(ex.labs[sel]))
                    gold = torch.from_numpy(ex.actions[sel])
                    if objective is not None:
                        loss = objective(logits, gold, idx, local, ex.pos[sel], ex.labs[sel])
                    else:
                        loss = F.cross_entropy(logits, gold)
                    n = len(sel)
                if joint:
                    loss = loss + self._tag_loss(model.parser.tag_logits(ctx), b)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 5.0)
                opt.step()
                self.after_step()
                if averaged is not None:
                    averaged.update()
                total += loss.item() * n
                n_ex += n
                cb.progress(k + 1, len(batches), f"epoch {epoch}/{epochs}")
            schedule.step()
            model.eval()
            live = averaged.swap_in() if averaged is not None else None  # score (and keep) the averaged weights
            cb.before_eval()
            scores = dev_scores(model, dev) if dev else {"LAS": 0.0, "UAS": 0.0, "UPOS": 0.0}
            scores = {"epoch": epoch, "loss": total / max(n_ex, 1), "seconds": time.time() - t0,
                      **{k: scores[k] for k in ("UPOS", "UAS", "LAS")}}
            history.append(scores)
            self.callbacks.log(f"epoch {epoch}: loss {scores['loss']:.4f}  dev UPOS {scores['UPOS']:.2f} "
                     f"UAS {scores['UAS']:.2f} LAS {scores['LAS']:.2f}  ({scores['seconds']:.0f}s)")
            cb.epoch_end(self.run, epoch, scores)
            if selection.consider(scores, model.parser, allowed=cb.can_keep()):
                cb.new_best(self.run, scores)
            elif selection.should_stop(epoch):
                self.callbacks.log(f"early stop: no better dev LAS for {patience} epochs")
                break
            if live is not None:
                model.parser.load_state_dict(live)  # training goes on from the raw weights
        if not selection.restore(model.parser) and averaged is not None:
            averaged.swap_in()
        model.eval()
        model.config.setdefault("training", {})["history"] = history
        return selection.best


def copy_tagger(source: Model, target: Model) -> None:
    """Copies the tagger of ``source`` into ``target``; both must have the same vocabularies and sizes."""
    for name in ("words", "chars", "tags"):
        if getattr(source, name).itos != getattr(target, name).itos:
            raise UserError(f"cannot reuse the tagger of {source.path}: its {name} vocabulary differs "
                            "(train both models on the same treebank)")
    try:
        target.tagger.load_state_dict(source.the_tagger().state_dict())
    except RuntimeError as e:
        raise UserError(f"cannot reuse the tagger of {source.path}: {e}") from None


class _Checkpoint(Forward):
    """The caller's callbacks, and the best model so far written to disk whenever there is a new one."""

    def __init__(self, inner: TrainingCallbacks | None, model: Model, record: dict, out):
        super().__init__(inner)
        self.model, self.record, self.out = model, record, out

    def new_best(self, run: str, scores: dict) -> None:
        self.model.config.setdefault("training", {}).update(self.record, best=scores)
        self.model.save(self.out)
        super().new_best(run, scores)


def train_model(train_path, dev_path, out, cfg: TrainConfig,
                callbacks: TrainingCallbacks | None = None) -> tuple[Model, dict]:
    """Reads the treebanks, trains tagger and parser, writes the best model to ``out`` (after every new best
    epoch, so the best model so far is always on disk)."""
    callbacks = callbacks if callbacks is not None else TrainingCallbacks()
    log = callbacks.log
    set_seed(cfg.seed)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    train_sents = read_conllu(train_path)
    heldout = 0
    if dev_path:
        dev = read_conllu(dev_path)
    else:
        train_sents, dev = hold_out(train_sents, cfg.heldout, cfg.seed)
        heldout = len(dev)
        if dev:
            log(f"no dev data: {len(dev)} of the {len(train_sents) + len(dev)} training sentences "
                f"({cfg.heldout:.0%}, seed {cfg.seed}) are held out for model selection and not trained on")
        else:
            log("warning: no dev data and too few sentences to hold any out: the last epoch is kept")
    init = Model.load(cfg.init) if cfg.init else None
    if init is not None:
        cfg.system = init.transitions.system.name
    elif cfg.system is None:
        cfg.system = choose_system(train_sents)
        log(f"transition system {cfg.system} (the default: "
            + ("the training data has non-projective trees)" if cfg.system == "swap" else "all training trees are "
               "projective)"))
    system = get_system(cfg.system)
    if cfg.explore > 0 and not system.dynamic:
        raise UserError(f"--explore needs a dynamic oracle: {system.name} has none (arc-eager and arc-hybrid do)")
    tb = Treebank.from_sentences(train_sents, projective=system.projective)
    if system.projective:
        log(f"{len(tb)} training sentences; {tb.nonprojective} non-projective trees projectivised "
            f"({tb.lifted} arcs lifted); {tb.skipped} skipped (no complete tree)")
    else:
        log(f"{len(tb)} training sentences; {tb.nonprojective} non-projective trees kept as they are "
            f"({system.name}); {tb.skipped} skipped (no complete tree)")
    if init is not None:  # e.g. a second run with a lower learning rate (annealing)
        model = init
        before = model.config.setdefault("training", {})
        before["earlier_runs"] = before.get("earlier_runs", []) + [{"from": folder_record(cfg.init),
                                                                    "history": before.pop("history", [])}]
    else:
        model = new_model(tb, cfg)
    log(f"architecture {cfg.arch}, system {system.name}: {model.n_parameters():,} parameters, "
        f"{len(model.transitions)} transitions, "
        f"{len(model.words)} words")
    if cfg.epochs is None:
        cfg.epochs = auto_epochs(len(tb), cfg.batch_size)
        log(f"{cfg.epochs} epochs (the default for {len(tb)} sentences: about {AUTO_UPDATES} optimizer steps)")
    if cfg.average is None:
        cfg.average = auto_average(len(tb), cfg.epochs, cfg.batch_size)
        log(f"Polyak averaging of the weights at decay {cfg.average} (the default for {len(tb)} sentences)"
            if cfg.average else f"no averaging of the weights (the default for {len(tb)} sentences)")
    record = {"train": file_record(train_path), "dev": file_record(dev_path) if dev_path else None,
              "seed": cfg.seed, "average": cfg.average,
              "epochs": cfg.epochs, "nonprojective_trees": tb.nonprojective, "lifted_arcs": tb.lifted,
              "system": system.name, "explore": cfg.explore,
              "nonprojective_weight": nonprojective_weight(cfg, system.projective)}
    if not dev_path:
        record["heldout_sentences"] = heldout
    trainer = Trainer(model, tb, cfg, _Checkpoint(callbacks, model, record, out))
    if model.tagger is not None and not cfg.init:  # a continued model keeps its tagger
        if cfg.tagger_from:
            copy_tagger(Model.load(cfg.tagger_from), model)
            log(f"tagger taken from {cfg.tagger_from}")
        else:
            trainer.train_tagger(dev, cfg.tagger_epochs)
    best = trainer.train_parser(dev, cfg.epochs)
    model.config["training"].update(record, best=best)
    model.save(out)
    log(f"best dev LAS {best['LAS']:.2f} (epoch {best['epoch']}); model written to {out}")
    return model, best
