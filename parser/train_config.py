"""What to train: the options of a training run, the defaults chosen from the data, a new model.

Sizes per architecture: ``cm2014`` (Chen & Manning 2014), ``weiss2015`` (Weiss et al. 2015),
``kg2016`` (Kiperwasser & Goldberg 2016, a BiLSTM shared by tagging and parsing).  The defaults that
depend on the data: the transition system (:func:`choose_system`), the number of epochs
(:func:`auto_epochs`) and the averaging of the weights (:func:`auto_average`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from .conllu import Sentence
from .examples import Treebank
from .model import ROOT_CHAR, Model
from .systems import get_system
from .tree import DependencyTree
from .vocab import Vocabulary, normalize

DEFAULT_SIZES = {
    "cm2014": {"emb": 50, "hidden": 200},
    "weiss2015": {"emb": 50, "hidden": 512},
    "kg2016": {"word_dim": 100, "lstm_hidden": 128, "layers": 2, "mlp_hidden": 256, "char_filters": 128},
}


@dataclass
class TrainConfig:
    arch: str = "kg2016"
    epochs: int | None = None       # None: chosen from the data's size (auto_epochs)
    tagger_epochs: int = 10
    batch_size: int = 32
    lr: float = 2e-3
    seed: int = 1
    word_dropout: float = 0.25
    min_count: int = 1
    sizes: dict = field(default_factory=dict)
    tagger_sizes: dict = field(default_factory=dict)
    threads: int = 0
    tagger_from: str | None = None  # reuse the tagger of this model folder (same training data)
    lr_decay: float = 1.0           # the learning rate is multiplied by this after every epoch
    init: str | None = None         # continue training this model folder (same treebank) instead of a new model
    average: float | None = None    # > 0: Polyak averaging, an exponential moving average of the weights with this
                                    # decay per step, is what dev scores and the saved model use; 0: off;
                                    # None: chosen from the data's size (auto_average)
    language: str = "en"            # ISO 639 code of the treebank, recorded in the model (the tokenizer's language)
    system: str | None = None       # transition system; None: swap if the data has non-projective trees, else
                                    # arc-standard (see choose_system)
    explore: float = 0.0            # > 0 (arc-eager, arc-hybrid): follow the model's own prediction with this
                                    # probability and learn the dynamic oracle's optimal moves
    explore_after: int = 1          # exploration starts after this many epochs of static-oracle training
    heldout: float = 0.1            # without dev data: the part of the training sentences held out for selection
    nonprojective_weight: int | None = None  # swap: non-projective trees are drawn this many times as often in
                                    # an epoch (1: as often as the others); None: NONPROJECTIVE_WEIGHT


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


AUTO_UPDATES = 1500   # optimizer steps the automatic epoch count aims at
AUTO_EPOCHS = (15, 300)


def batches_per_epoch(n_sentences: int, batch_size: int) -> int:
    return max(1, math.ceil(n_sentences / max(1, batch_size)))


def auto_epochs(n_sentences: int, batch_size: int) -> int:
    """The default number of epochs: about ``AUTO_UPDATES`` optimizer steps, at least 15 and at most 300.

    A fixed epoch count suits one data size only: 15 epochs of EWT's 12,544 sentences are 5,900 steps,
    but 15 epochs of 600 Dutch sentences are 280 steps, and their selection LAS was still climbing
    (``benchmarks/bootstrap.py``: 58.8 after 15 epochs, 70.8 after 60; at 90 sentences 46.5 after 60
    epochs, 53.5 after 200). The epoch with the best selection LAS is kept, as always.
    """
    batches = batches_per_epoch(n_sentences, batch_size)
    low, high = AUTO_EPOCHS
    return max(low, min(high, math.ceil(AUTO_UPDATES / batches)))


AUTO_AVERAGE = 0.99           # the default decay on small data: the average of about the last 100 of ~1,500 steps
AVERAGE_MAX_SENTENCES = 2000  # more training sentences than this: no averaging by default
AVERAGE_MIN_STEPS = 500       # fewer optimizer steps than this: no averaging by default (the average starts at
                              # the untrained weights, whose share after t steps is AUTO_AVERAGE ** t: 0.7% at 500)


NONPROJECTIVE_WEIGHT = 6  # the default of TrainConfig.nonprojective_weight (see nonprojective_weight)


def nonprojective_weight(cfg: TrainConfig, projective_system: bool) -> int:
    """How many times as often a non-projective training tree is drawn as a projective one.

    A projective system never sees a non-projective tree (they are projectivised), so 1.  For swap, the
    trees that teach SWAP are few (Alpino dev: 9.5% of the sentences, 106 SWAPs in 23,294 transitions), and a
    parser that rarely sees the move rarely makes it; drawing those trees more often (oversampling the rare
    class) is what ``NONPROJECTIVE_WEIGHT`` does by default.  An epoch keeps its number of words, so it
    costs what it did (non-projective trees are longer: keeping the number of sentences made the 583 Dutch
    sentences of ``benchmarks/bootstrap.py`` train ~11% longer).  Chosen on folds 5-8 of
    ``benchmarks/nonprojective.py --folds 10`` (from scratch, epochs of a fixed number of sentences; folds
    1-4 are the ones reported): gold non-projective arcs predicted exactly, of 38, 7 / 9 / 12 /
    12 for weights 1 / 3 / 6 / 10, at LAS 69.79 / 69.17 / 69.06 / 68.70."""
    if projective_system:
        return 1
    return max(1, int(cfg.nonprojective_weight if cfg.nonprojective_weight is not None else NONPROJECTIVE_WEIGHT))


FEW_SENTENCES = 50  # fewer gold sentences than this: training warns (the recipes were chosen on 90-1,300)


def few_sentences_warning(n_sentences: int) -> str | None:
    """A warning when ``n_sentences`` gold sentences are too few for a useful parser (None when enough).

    The default recipes were chosen on 90 to 1,300 training sentences (``benchmarks/bootstrap.py``); below
    ``FEW_SENTENCES`` a parser is a rough first pre-annotation at best."""
    if n_sentences >= FEW_SENTENCES:
        return None
    return (f"only {n_sentences} gold sentence{'s' if n_sentences != 1 else ''}: a parser trained on fewer than "
            f"{FEW_SENTENCES} is a rough start (with 100 sentences of Dutch, French or Chinese, DepLab's parsers "
            "score 40-63 LAS); correct more sentences and retrain")


def auto_average(n_sentences: int, epochs: int, batch_size: int) -> float:
    """The default Polyak averaging decay (Polyak & Juditsky 1992): ``AUTO_AVERAGE`` for at most
    ``AVERAGE_MAX_SENTENCES`` training sentences and a run of at least ``AVERAGE_MIN_STEPS`` optimizer
    steps, else 0 (off).

    On small data the weights of one step move a lot from one batch to the next, and the epoch kept is
    chosen on a few dozen selection sentences; the average of the last ~100 steps is a steadier model.
    Chosen on pool sentences that neither train nor evaluate (``benchmarks/bootstrap.py``'s pool, README):
    from scratch, Dutch LAS 41.98 -> 42.93 at 100 sentences and 52.29 -> 54.80 at 300, French 70.52 -> 71.28
    and Chinese 45.03 -> 46.94 at 300.  A decay of 0.999 (the EWT recipe's) averages over most of a
    1,500-step run and lost at 90 Dutch sentences.
    """
    steps = epochs * batches_per_epoch(n_sentences, batch_size)
    return AUTO_AVERAGE if n_sentences <= AVERAGE_MAX_SENTENCES and steps >= AVERAGE_MIN_STEPS else 0.0


def build_vocabularies(tb: Treebank, min_count: int = 2):
    words = Vocabulary.build((normalize(f) for s in tb.forms for f in s), min_count=min_count)
    chars = Vocabulary.build((c for s in tb.forms for f in s for c in f), min_count=1)
    chars.add(ROOT_CHAR)
    tags = Vocabulary.build(t for s in tb.tags for t in s)
    labels = sorted({l for s in tb.labels for l in s})
    return words, chars, tags, labels


def new_model(tb: Treebank, cfg: TrainConfig) -> Model:
    """A new, untrained model of ``cfg``'s architecture, sizes and system, with the treebank's vocabularies."""
    words, chars, tags, labels = build_vocabularies(tb, cfg.min_count)
    sizes = {**DEFAULT_SIZES[cfg.arch], **cfg.sizes}
    config = {"arch": cfg.arch, "sizes": sizes, "language": cfg.language, "system": get_system(cfg.system).name}
    if cfg.arch != "kg2016":
        config["tagger_sizes"] = {"word_dim": 100, "hidden": 128, "layers": 2, **cfg.tagger_sizes}
    return Model.create(config, words, chars, tags, labels)
