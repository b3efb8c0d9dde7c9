"""``deplab finetune``: the command line over :func:`deplab.parser.finetune.finetune_to_folder`."""
from __future__ import annotations

import sys
from pathlib import Path

import torch

from .callbacks import LogTo
from .conllu import read_conllu
from .errors import UserError
from .examples import training_treebank
from .finetune import FinetuneConfig, finetune_to_folder, format_table, split_heldout
from .forgetting import parse_guard
from .model import Model
from .parameter_parts import PARTS, parse_freeze
from .provenance import file_record

def add_arguments(p):
    p.add_argument("--base", help="model folder to start from (default: the bundled model)")
    p.add_argument("--train", required=True, help="gold CoNLL-U data to fine-tune on")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--dev", help="held-out CoNLL-U for early stopping and the before/after scores")
    g.add_argument("--heldout", type=float, default=None, metavar="PCT",
                   help="without --dev: hold out this seeded random percentage of --train (default 10)")
    p.add_argument("--out", required=True, help="folder for the fine-tuned model (a new folder)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it already holds a model")
    p.add_argument("--freeze", default="", metavar="PARTS",
                   help=f"comma-separated parts to keep fixed: {', '.join(PARTS)}")
    d = FinetuneConfig()
    p.add_argument("--epochs", type=int, default=d.epochs, help="fine-tuning epochs")
    p.add_argument("--lr", type=float, default=d.lr, help="learning rate (Adam)")
    p.add_argument("--batch-size", type=int, default=d.batch_size, help="sentences per batch")
    p.add_argument("--patience", type=int, default=d.patience,
                   help="stop after this many epochs without a better held-out LAS (0: never)")
    p.add_argument("--keep-last", action="store_true", help="keep the last epoch instead of the best held-out LAS")
    p.add_argument("--layer-decay", type=float, default=d.layer_decay,
                   help="discriminative fine-tuning: divide the lr by this per part below the output")
    p.add_argument("--min-count", type=int, default=d.min_count, help="occurrences a new word needs for an embedding")
    p.add_argument("--warmup", type=float, default=d.warmup,
                   help="slanted triangular learning rate: warm up over this fraction of the steps, then decay "
                        "linearly to 0 (0: constant)")
    p.add_argument("--rehearsal-data", metavar="F",
                   help="the base model's training data (CoNLL-U), if you have it: N sentences of it are mixed "
                        "into every epoch against forgetting (rehearsal) instead of --guard")
    p.add_argument("--rehearsal", type=int, default=d.rehearsal, metavar="N",
                   help=f"sentences of --rehearsal-data per epoch (default {d.rehearsal})")
    p.add_argument("--guard", default=d.guard, metavar="G",
                   help="without --rehearsal-data, the guard against forgetting: lwf (distillation from the base "
                        "model, Li & Hoiem 2016), l2sp (L2 towards the base weights, Li et al. 2018), lwf+l2sp or "
                        f"none (default {d.guard})")
    p.add_argument("--lwf-weight", type=float, default=d.lwf_weight, help=f"LwF's weight (default {d.lwf_weight:g})")
    p.add_argument("--l2sp-alpha", type=float, default=d.l2sp_alpha, help=f"L2-SP's alpha (default {d.l2sp_alpha:g})")
    p.add_argument("--system", choices=("auto", "keep"), default=d.system,
                   help="auto: an arc-standard model grows into swap (arc-standard + SWAP, the learned rows kept) "
                        "when the data has non-projective trees; keep: the base model's system (default auto)")
    p.add_argument("--average", type=float, default=d.average, metavar="DECAY",
                   help="Polyak averaging: score and keep a moving average of the weights (e.g. 0.99; 0: off, the default)")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed")
    p.add_argument("--baseline", action="store_true", help="also train from scratch on the same data, for comparison")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")


def _check_out(out: Path, base: Model, overwrite: bool) -> None:
    if base.path is not None and out.resolve() == Path(base.path).resolve():
        raise UserError(f"--out {out} is the base model's folder; the base model must stay available")
    if out.exists():
        if not out.is_dir():
            raise UserError(f"--out {out} exists and is not a folder")
        if any(out.iterdir()):
            if not (out / "config.json").is_file():
                raise UserError(f"--out {out} is a non-empty folder that is not a DepLab model")
            if not overwrite:
                raise UserError(f"--out {out} already holds a model (use --overwrite to replace it)")


def run(args) -> int:
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = FinetuneConfig(epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, freeze=parse_freeze(args.freeze),
                         patience=args.patience, select_best=not args.keep_last, layer_decay=args.layer_decay,
                         min_count=args.min_count, seed=args.seed, warmup=args.warmup, rehearsal=args.rehearsal,
                         rehearsal_data=args.rehearsal_data, guard=parse_guard(args.guard),
                         lwf_weight=args.lwf_weight, l2sp_alpha=args.l2sp_alpha, system=args.system, average=args.average)
    for name in ("epochs", "batch_size"):
        if getattr(args, name) < 1:
            raise UserError(f"--{name.replace('_', '-')} must be at least 1")
    if args.lr <= 0:
        raise UserError("--lr must be positive")
    if not 0 <= args.warmup < 1:
        raise UserError("--warmup must be a fraction in [0, 1)")
    if args.rehearsal < 0:
        raise UserError("--rehearsal must be 0 or more sentences")
    base = Model.load(args.base)
    out = Path(args.out)
    _check_out(out, base, args.overwrite)
    sentences = read_conllu(args.train)
    data = file_record(args.train, sentences)
    if args.dev:
        train, heldout = sentences, read_conllu(args.dev)
        data["heldout"] = file_record(args.dev, heldout)
    else:
        pct = 10.0 if args.heldout is None else args.heldout
        if not 0 <= pct < 100:
            raise UserError("--heldout must be a percentage in [0, 100)")
        train, heldout = split_heldout(sentences, pct, args.seed)
        data["heldout"] = {"source": "split", "percent": pct, "seed": args.seed}
    training_treebank(train, args.train)
    from .log import get_logger
    logger = get_logger(__name__)
    logger.info(f"fine-tuning {Path(base.path).name if base.path else 'the model'} on {len(train)} sentences of "
                f"{args.train}; {len(heldout)} held-out sentences")
    result = finetune_to_folder(base, train, heldout, cfg, out, baseline=args.baseline, data=data,
                                callbacks=LogTo(logger.info))
    if heldout:
        print(format_table(result))
    logger.info(f"fine-tuned model written to {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    from .cli import main
    sys.exit(main(["finetune", *sys.argv[1:]]))
