"""``deplab train``: the command line over :func:`deplab.parser.train.train_model`."""
from __future__ import annotations

from .callbacks import TrainingCallbacks
from .errors import UsageError
from .systems import SYSTEMS
from .auto_start import AUTO_MAX_SENTENCES, train_with_start
from .train_config import DEFAULT_SIZES, NONPROJECTIVE_WEIGHT, TrainConfig


class Console(TrainingCallbacks):
    """The command line's side of training: log lines to the logger, batches on the progress bar."""

    def __init__(self, logger, bar):
        self.logger, self.bar = logger, bar

    def log(self, message: str) -> None:
        self.bar.clear()
        self.logger.info(message)

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.bar(done, total)


def add_arguments(p):
    d = TrainConfig()  # the defaults live once, in TrainConfig
    p.add_argument("--train", required=True, metavar="FILE", help="training treebank (CoNLL-U)")
    p.add_argument("--dev", metavar="FILE", help="development treebank for model selection (CoNLL-U); without it a seeded part "
                                                 "of the training file is held out (--heldout)")
    p.add_argument("--out", required=True, metavar="DIR", help="model folder to write")
    p.add_argument("--lang", metavar="CODE",
                   help="ISO 639 code of the treebank's language, recorded in the model and used to tokenize typed "
                        "text (default: from a UD file name such as nl_alpino-ud-train.conllu, else asked)")
    p.add_argument("--arch", default=d.arch, choices=sorted(DEFAULT_SIZES), help="network architecture")
    p.add_argument("--system", choices=list(SYSTEMS),
                   help="transition system (default: swap when the training data has non-projective trees, "
                        "else arc-standard)")
    p.add_argument("--explore", type=float, default=d.explore, metavar="P",
                   help="arc-eager/arc-hybrid: follow the model's own prediction with probability P and learn "
                        "the dynamic oracle's optimal moves (e.g. 0.9)")
    p.add_argument("--explore-after", type=int, default=d.explore_after, metavar="N",
                   help="epochs of static-oracle training before exploration starts")
    p.add_argument("--heldout", type=float, default=d.heldout, metavar="FRACTION",
                   help="without --dev: the part of the training sentences held out for model selection")
    p.add_argument("--nonprojective-weight", type=int, default=d.nonprojective_weight, metavar="K",
                   help="swap: draw the non-projective training trees K times as often as the others "
                        f"(default: {NONPROJECTIVE_WEIGHT}; 1: as often)")
    p.add_argument("--epochs", type=int, default=d.epochs,
                   help="parser training epochs (default: from the data's size, about 1,500 optimizer steps, "
                        "15 to 300 epochs)")
    p.add_argument("--tagger-epochs", type=int, default=d.tagger_epochs, help="UPOS tagger epochs (cm2014/weiss2015)")
    p.add_argument("--batch-size", type=int, default=d.batch_size, help="sentences per batch")
    p.add_argument("--lr", type=float, default=d.lr, help="learning rate (Adam)")
    p.add_argument("--lr-decay", type=float, default=d.lr_decay, help="multiply the learning rate by this after every epoch")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed (training is reproducible for a seed on one machine)")
    p.add_argument("--average", type=float, default=d.average, metavar="DECAY",
                   help="Polyak averaging: evaluate and keep a moving average of the weights (e.g. 0.999; 0: off; "
                        "default: 0.99 for at most 2,000 training sentences, else off)")
    p.add_argument("--threads", type=int, default=d.threads, help="torch threads (0: torch's default)")
    p.add_argument("--start", metavar="{auto,scratch,DIR}",
                   help="auto: train from scratch AND fine-tune the bundled model, keep the better selection LAS; "
                        "scratch: a new model; DIR: fine-tune that model folder (default: auto for at most "
                        f"{AUTO_MAX_SENTENCES:,} training sentences when the bundled model is installed, else scratch)")
    p.add_argument("--init", metavar="DIR", help="continue training this model (trained on the same treebank)")
    p.add_argument("--tagger-from", metavar="DIR",
                   help="reuse the tagger of a model trained on the same treebank (cm2014/weiss2015)")
    p.add_argument("--size", action="append", default=[], metavar="KEY=N",
                   help="override an architecture size, e.g. --size hidden=400")


def size_overrides(options: list[str]) -> dict[str, int]:
    """``--size KEY=N`` options as a dict."""
    sizes = {}
    for kv in options:
        k, _, v = kv.partition("=")
        if not v.strip().isdigit():
            raise UsageError(f"--size {kv}: expected KEY=N with a whole number N")
        sizes[k] = int(v)
    return sizes


def run(args) -> int:
    from .language import resolve_training_language
    from .log import get_logger, progress as progress_reporter
    sizes = size_overrides(args.size)
    language = resolve_training_language(args.lang, args.train, args.init)
    cfg = TrainConfig(arch=args.arch, epochs=args.epochs, tagger_epochs=args.tagger_epochs,
                      batch_size=args.batch_size, lr=args.lr, seed=args.seed, sizes=sizes, threads=args.threads,
                      tagger_from=args.tagger_from, lr_decay=args.lr_decay, init=args.init,
                      average=args.average, language=language, system=args.system, explore=args.explore,
                      explore_after=args.explore_after, heldout=args.heldout,
                      nonprojective_weight=args.nonprojective_weight)
    logger = get_logger(__name__)
    with progress_reporter("training", "batches") as bar:
        logger.info(f"language: {language}")
        train_with_start(args.train, args.dev, args.out, cfg, args.start, Console(logger, bar))
    return 0
