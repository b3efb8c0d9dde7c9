"""Training: the static oracle's transitions as supervised examples.

Chen & Manning (2014, sec. 3.3): every configuration on the oracle path of a
training tree is one example (features -> gold transition), trained with
cross-entropy.  Every transition system of :mod:`parser.systems` can be trained;
for the projective ones non-projective trees are projectivised first
(:func:`parser.tree.projectivize`) and the number of lifted arcs is reported,
swap (Nivre 2009) learns them as they are.  With a dynamic oracle (arc-eager,
arc-hybrid) training can explore (Kiperwasser & Goldberg 2016, after
Goldberg & Nivre 2012): the model follows its own prediction with some
probability and learns the optimal moves from the configurations it reaches.
The tagger is trained with cross-entropy on UPOS; for ``kg2016`` tagging and
parsing share the BiLSTM and are trained together.  The epoch with the best
dev LAS is kept; without dev data a seeded part of the training file is held
out for this.  ``deplab train`` is the command-line front end.
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .batch import BatchConfigurations
from .conllu import Sentence, read_conllu
from .decode import parse_batch
from .errors import UserError
from .model import ROOT_CHAR, Model
from . import features as FT
from .dynamic_oracle import cost_array
from .oracle import oracle_transitions
from .progress import Cancelled, check  # noqa: F401 (Cancelled: what check raises)
from .provenance import file_record
from .systems import get_system
from .tree import DependencyTree, projectivize
from .vocab import UNK_ID, Vocabulary, normalize

DEFAULT_SIZES = {
    "cm2014": {"emb": 50, "hidden": 200},
    "weiss2015": {"emb": 50, "hidden": 512},
    "kg2016": {"word_dim": 100, "lstm_hidden": 128, "layers": 2, "mlp_hidden": 256},
}


@dataclass
class Treebank:
    """Training sentences as plain lists, with their oracle examples."""

    forms: list[list[str]]
    tags: list[list[str]]
    heads: list[list[int]]
    labels: list[list[str]]
    lifted: int = 0          # arcs lifted to projectivise
    nonprojective: int = 0   # trees that needed it
    skipped: int = 0         # sentences without a complete tree

    @classmethod
    def from_sentences(cls, sentences: Sequence[Sentence], projective: bool = True) -> "Treebank":
        tb = cls([], [], [], [])
        for s in sentences:
            words = s.words
            heads = [w.head_index for w in words]
            if not words or any(h is None for h in heads) or not DependencyTree(heads).is_valid():
                tb.skipped += 1
                continue
            if projective:
                heads, lifts = projectivize(heads)
                if lifts:
                    tb.nonprojective += 1
                    tb.lifted += lifts
            tb.forms.append([w.form for w in words])
            tb.tags.append([w.upos for w in words])
            tb.heads.append(heads)
            tb.labels.append([w.deprel for w in words])
        return tb

    def __len__(self) -> int:
        return len(self.forms)

    def subset(self, idx: Sequence[int]) -> "Treebank":
        return Treebank([self.forms[i] for i in idx], [self.tags[i] for i in idx], [self.heads[i] for i in idx],
                        [self.labels[i] for i in idx])

    def __add__(self, other: "Treebank") -> "Treebank":
        return Treebank(self.forms + other.forms, self.tags + other.tags, self.heads + other.heads,
                        self.labels + other.labels)


@dataclass
class Examples:
    """Oracle configurations: ``sent[i]`` is the sentence of example i."""

    sent: np.ndarray     # [M]
    pos: np.ndarray      # [M, 18]
    labs: np.ndarray     # [M, 12]
    actions: np.ndarray  # [M]
    offsets: np.ndarray  # [S+1] examples of sentence s are offsets[s]:offsets[s+1]


def oracle_examples(tb: Treebank, model: Model) -> Examples:
    """Replays the static oracle of the model's system for all sentences at once and records the features at
    each step (the trees must be derivable: projectivised for the projective systems)."""
    index, system = model.transitions.index, model.transitions.system
    seqs = [[index[t] for t in oracle_transitions(h, l, system)] for h, l in zip(tb.heads, tb.labels)]
    S = len(seqs)
    T = max(len(s) for s in seqs)
    A = np.full((S, T), -1, dtype=np.int64)
    for i, s in enumerate(seqs):
        A[i, :len(s)] = s
    state = BatchConfigurations([len(f) for f in tb.forms], model.transitions)
    sent, pos, labs, acts = [], [], [], []
    for t in range(T):
        rows = np.nonzero(A[:, t] >= 0)[0]
        p = state.positions(rows)
        sent.append(rows), pos.append(p), labs.append(state.label_features(rows, p)), acts.append(A[rows, t])
        state.apply(rows, A[rows, t])
    sent, pos, labs, acts = (np.concatenate(x) for x in (sent, pos, labs, acts))
    order = np.argsort(sent, kind="stable")
    counts = np.bincount(sent, minlength=S)
    return Examples(sent[order], pos[order], labs[order], acts[order], np.concatenate([[0], np.cumsum(counts)]))


def build_vocabularies(tb: Treebank, min_count: int = 2):
    words = Vocabulary.build((normalize(f) for s in tb.forms for f in s), min_count=min_count)
    chars = Vocabulary.build((c for s in tb.forms for f in s for c in f), min_count=1)
    chars.add(ROOT_CHAR)
    tags = Vocabulary.build(t for s in tb.tags for t in s)
    labels = sorted({l for s in tb.labels for l in s})
    return words, chars, tags, labels


def word_dropout(ids: list[int], counts: list[int], alpha: float, rng: random.Random) -> list[int]:
    """Replaces word w by UNK with probability alpha / (alpha + count(w)) (Kiperwasser & Goldberg 2016)."""
    return [UNK_ID if rng.random() < alpha / (alpha + c) else i for i, c in zip(ids, counts)]


@dataclass
class TrainConfig:
    arch: str = "kg2016"
    epochs: int | None = None       # None: chosen from the data's size (auto_epochs)
    tagger_epochs: int = 10
    batch_size: int = 32
    lr: float = 2e-3
    seed: int = 1
    word_dropout: float = 0.25
    min_count: int = 2
    sizes: dict = field(default_factory=dict)
    tagger_sizes: dict = field(default_factory=dict)
    threads: int = 0
    tagger_from: str | None = None  # reuse the tagger of this model folder (same training data)
    lr_decay: float = 1.0           # the learning rate is multiplied by this after every epoch
    init: str | None = None         # continue training this model folder (same treebank) instead of a new model
    average: float = 0.0            # > 0: Polyak averaging, an exponential moving average of the weights with this
                                    # decay per step, is what dev scores and the saved model use
    language: str = "en"            # ISO 639 code of the treebank, recorded in the model (the tokenizer's language)
    system: str | None = None       # transition system; None: swap if the data has non-projective trees, else
                                    # arc-standard (see choose_system)
    explore: float = 0.0            # > 0 (arc-eager, arc-hybrid): follow the model's own prediction with this
                                    # probability and learn the dynamic oracle's optimal moves
    explore_after: int = 1          # exploration starts after this many epochs of static-oracle training
    heldout: float = 0.1            # without dev data: the part of the training sentences held out for selection


def set_seed(seed: int) -> random.Random:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return random.Random(seed)


def _batches(n: int, size: int, rng: random.Random) -> list[list[int]]:
    order = list(range(n))
    rng.shuffle(order)
    return [order[i:i + size] for i in range(0, n, size)]


def dev_scores(model: Model, dev: Sequence[Sentence], keep_tags: bool = False) -> dict:
    """UPOS/UAS/LAS of the model on dev sentences (gold tokenization), via parser.evaluate."""
    from .evaluate import evaluate
    from .pipeline import annotate
    forms = [[w.form for w in s.words] for s in dev]
    tags = [[w.upos for w in s.words] for s in dev] if keep_tags else None
    parsed = parse_batch(model, forms, tags)
    system = [annotate(s, p) for s, p in zip(dev, parsed)]
    return evaluate(dev, system).to_json()


class Trainer:
    """Trains a fresh model (or continues a given one) on a treebank; used by the CLI, the app and fine-tuning."""

    def __init__(self, model: Model, train: Treebank, cfg: TrainConfig,
                 log: Callable[[str], None] = print, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] = lambda: False):
        self.model, self.train, self.cfg = model, train, cfg
        self.log, self.progress, self.cancelled = log, progress, cancelled
        self.rng = set_seed(cfg.seed)
        self.word_ids = [model.words.ids(normalize(f) for f in s) for s in train.forms]
        counts = model.words.counts
        self.word_counts = [[counts.get(normalize(f), 0) for f in s] for s in train.forms]
        self._golds = None  # the dynamic oracle's view of the training trees, made when exploration starts

    def _encode(self, idx: list[int], tags: list[list[str]] | None, dropout: bool):
        ids = [self.word_ids[i] for i in idx]
        if dropout and self.cfg.word_dropout > 0:
            ids = [word_dropout(w, self.word_counts[i], self.cfg.word_dropout, self.rng) for w, i in zip(ids, idx)]
        return self.model.encode([self.train.forms[i] for i in idx], [tags[i] for i in idx] if tags else None, ids)

    def epoch_batches(self, epoch: int) -> list[list[int]]:
        """The parser's mini-batches for one epoch (treebank indices); fine-tuning's rehearsal overrides it."""
        return _batches(len(self.train), self.cfg.batch_size, self.rng)

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
                check(self.cancelled)
                b = self._encode(idx, self.train.tags, dropout=True)
                loss = self._tag_loss(tagger(b), b)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(tagger.parameters(), 5.0)
                opt.step()
                total += loss.item()
                if self.progress:
                    self.progress(k + 1, len(batches))
            tagger.eval()
            upos = dev_scores(self.model, dev)["UPOS"] if dev else 0.0
            self.log(f"tagger epoch {epoch}: loss {total / len(batches):.4f}  dev UPOS {upos:.2f}")
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

    def train_parser(self, dev: Sequence[Sentence], epochs: int, on_epoch: Callable[[int, dict], None] | None = None,
                     parameters=None, patience: int = 0, keep_best: bool = True,
                     after_step: Callable[[], None] | None = None, objective: Callable | None = None,
                     on_best: Callable[[dict], None] | None = None,
                     before_eval: Callable[[], None] | None = None,
                     can_keep: Callable[[], bool] | None = None) -> dict:
        """Trains the parser (and, for kg2016, the shared tagger); restores the epoch with the best dev LAS.

        ``patience`` > 0 stops early after that many epochs without a better dev LAS;
        ``keep_best=False`` keeps the last epoch's weights instead of the best one's.
        ``after_step()`` runs after every optimizer step (e.g. to re-apply a pruning mask) and
        ``objective(logits, gold, idx, local, pos, labs)`` replaces the cross-entropy of the
        transitions (e.g. distillation); both are used by :mod:`parser.compression`.
        ``on_best(scores)`` runs when an epoch improves dev LAS (e.g. to checkpoint the model).
        ``before_eval()`` runs on the weights about to be scored (e.g. to mask the averaged weights), and
        an epoch can only be kept as the best one while ``can_keep()`` is true (e.g. once pruning has
        reached its final sparsity).
        """
        model, cfg = self.model, self.cfg
        ex = oracle_examples(self.train, model)
        joint = model.tagger is None
        if joint:
            train_tags = self.train.tags
        else:  # the parser sees predicted tags, as at test time
            train_tags = [p.tags for p in parse_batch(model, self.train.forms)]
        params = list(parameters if parameters is not None else model.parser.parameters())
        opt = self._optimizer([p for p in params if p.requires_grad])
        schedule = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=cfg.lr_decay)
        best = {"LAS": -1.0}
        best_state = None
        history = []
        averaged = WeightAverage(model.parser, cfg.average) if cfg.average > 0 else None
        for epoch in range(1, epochs + 1):
            model.parser.train()
            t0, total, n_ex = time.time(), 0.0, 0
            batches = self.epoch_batches(epoch)
            exploring = cfg.explore > 0 and epoch > cfg.explore_after and objective is None
            if exploring and epoch == cfg.explore_after + 1:
                self.log(f"exploring from epoch {epoch}: the model's own prediction is followed with probability "
                         f"{cfg.explore:g}, the dynamic oracle's optimal moves are learned")
            for k, idx in enumerate(batches):
                check(self.cancelled)
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
                if after_step is not None:
                    after_step()
                if averaged is not None:
                    averaged.update()
                total += loss.item() * n
                n_ex += n
                if self.progress:
                    self.progress(k + 1, len(batches))
            schedule.step()
            model.eval()
            live = averaged.swap_in() if averaged is not None else None  # score (and keep) the averaged weights
            if before_eval is not None:
                before_eval()
            scores = dev_scores(model, dev) if dev else {"LAS": 0.0, "UAS": 0.0, "UPOS": 0.0}
            scores = {"epoch": epoch, "loss": total / max(n_ex, 1), "seconds": time.time() - t0,
                      **{k: scores[k] for k in ("UPOS", "UAS", "LAS")}}
            history.append(scores)
            self.log(f"epoch {epoch}: loss {scores['loss']:.4f}  dev UPOS {scores['UPOS']:.2f} "
                     f"UAS {scores['UAS']:.2f} LAS {scores['LAS']:.2f}  ({scores['seconds']:.0f}s)")
            if on_epoch:
                on_epoch(epoch, scores)
            if scores["LAS"] > best["LAS"] and (can_keep is None or can_keep()):
                best = scores
                best_state = {k: v.clone() for k, v in model.parser.state_dict().items()} if keep_best else None
                if on_best:
                    on_best(best)
            elif patience and dev and epoch - best["epoch"] >= patience:
                self.log(f"early stop: no better dev LAS for {patience} epochs")
                break
            if live is not None:
                model.parser.load_state_dict(live)  # training goes on from the raw weights
        if best_state is not None:
            model.parser.load_state_dict(best_state)
        elif averaged is not None:
            averaged.swap_in()
        model.eval()
        model.config.setdefault("training", {})["history"] = history
        return best


class WeightAverage:
    """An exponential moving average of a network's weights (Polyak & Juditsky 1992): the average of the last
    ~1/(1-decay) steps usually generalises better than the last step's weights."""

    def __init__(self, net: torch.nn.Module, decay: float):
        self.net, self.decay = net, decay
        live = {k: v for k, v in net.state_dict().items() if v.is_floating_point()}
        self.avg = {k: v.detach().clone() for k, v in live.items()}
        # state_dict tensors share storage with the parameters (load_state_dict copies into them in place)
        self._pairs = [(self.avg[k], v) for k, v in live.items()]

    @torch.no_grad()
    def update(self) -> None:
        for avg, v in self._pairs:
            avg.lerp_(v, 1.0 - self.decay)

    def swap_in(self) -> dict:
        """Loads the averaged weights into the network; returns a copy of the raw ones."""
        live = {k: v.detach().clone() for k, v in self.net.state_dict().items()}
        self.net.load_state_dict({**live, **self.avg})
        return live


def choose_system(sentences: Sequence[Sentence]) -> str:
    """The default system for a treebank: swap (which builds non-projective trees) when some of its trees
    are non-projective, else arc-standard."""
    for s in sentences:
        heads = [w.head_index for w in s.words]
        if heads and None not in heads:
            tree = DependencyTree(heads)
            if tree.is_valid() and not tree.is_projective():
                return "swap"
    return "arc-standard"


def hold_out(sentences: Sequence[Sentence], fraction: float, seed: int) -> tuple[list[Sentence], list[Sentence]]:
    """A seeded split of ``sentences`` into (train, held out): ``fraction`` of them, at least one, held out
    (none when there are fewer than two sentences).  File order is kept on both sides."""
    n = len(sentences)
    if n < 2 or fraction <= 0:
        return list(sentences), []
    k = min(n - 1, max(1, round(fraction * n)))
    held = set(random.Random(seed).sample(range(n), k))
    return [s for i, s in enumerate(sentences) if i not in held], [s for i, s in enumerate(sentences) if i in held]


def new_model(tb: Treebank, cfg: TrainConfig) -> Model:
    words, chars, tags, labels = build_vocabularies(tb, cfg.min_count)
    sizes = {**DEFAULT_SIZES[cfg.arch], **cfg.sizes}
    config = {"arch": cfg.arch, "sizes": sizes, "language": cfg.language, "system": get_system(cfg.system).name}
    if cfg.arch != "kg2016":
        config["tagger_sizes"] = {"word_dim": 100, "hidden": 128, "layers": 2, **cfg.tagger_sizes}
    return Model.create(config, words, chars, tags, labels)


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


AUTO_UPDATES = 1500   # optimizer steps the automatic epoch count aims at
AUTO_EPOCHS = (15, 300)


def auto_epochs(n_sentences: int, batch_size: int) -> int:
    """The default number of epochs: about ``AUTO_UPDATES`` optimizer steps, at least 15 and at most 300.

    A fixed epoch count suits one data size only: 15 epochs of EWT's 12,544 sentences are 5,900 steps,
    but 15 epochs of 600 Dutch sentences are 280 steps, and their selection LAS was still climbing
    (``benchmarks/bootstrap.py``: 58.8 after 15 epochs, 70.8 after 60; at 90 sentences 46.5 after 60
    epochs, 53.5 after 200). The epoch with the best selection LAS is kept, as always.
    """
    batches = max(1, math.ceil(n_sentences / max(1, batch_size)))
    low, high = AUTO_EPOCHS
    return max(low, min(high, math.ceil(AUTO_UPDATES / batches)))


def train_model(train_path, dev_path, out, cfg: TrainConfig, log=print, progress=None) -> tuple[Model, dict]:
    """Reads the treebanks, trains tagger and parser, writes the best model to ``out``."""
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
        log(f"{len(tb)} training sentences, non-projective trees kept as they are ({system.name}); "
            f"{tb.skipped} skipped (no complete tree)")
    if init is not None:  # e.g. a second run with a lower learning rate (annealing)
        model = init
        before = model.config.setdefault("training", {})
        before["earlier_runs"] = before.get("earlier_runs", []) + [{"from": str(cfg.init),
                                                                    "history": before.pop("history", [])}]
    else:
        model = new_model(tb, cfg)
    log(f"architecture {cfg.arch}, system {system.name}: {model.n_parameters():,} parameters, "
        f"{len(model.transitions)} transitions, "
        f"{len(model.words)} words")
    if cfg.epochs is None:
        cfg.epochs = auto_epochs(len(tb), cfg.batch_size)
        log(f"{cfg.epochs} epochs (the default for {len(tb)} sentences: about {AUTO_UPDATES} optimizer steps)")
    trainer = Trainer(model, tb, cfg, log=log, progress=progress)
    if model.tagger is not None and not cfg.init:  # a continued model keeps its tagger
        if cfg.tagger_from:
            copy_tagger(Model.load(cfg.tagger_from), model)
            log(f"tagger taken from {cfg.tagger_from}")
        else:
            trainer.train_tagger(dev, cfg.tagger_epochs)
    record = {"train": file_record(train_path), "dev": file_record(dev_path) if dev_path else None,
              "seed": cfg.seed,
              "epochs": cfg.epochs, "nonprojective_trees": tb.nonprojective, "lifted_arcs": tb.lifted,
              "system": system.name, "explore": cfg.explore}
    if not dev_path:
        record["heldout_sentences"] = heldout

    def checkpoint(best):  # the best model so far is always on disk
        model.config.setdefault("training", {}).update(record, best=best)
        model.save(out)

    best = trainer.train_parser(dev, cfg.epochs, on_best=checkpoint)
    model.config["training"].update(record, best=best)
    model.save(out)
    log(f"best dev LAS {best['LAS']:.2f} (epoch {best['epoch']}); model written to {out}")
    return model, best
