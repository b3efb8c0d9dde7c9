"""``deplab compress``: run one compression experiment and print (and optionally save) its measured results.

Examples::

    deplab compress original --dev en_ewt-ud-dev.conllu
    deplab compress prune --sparsity 0.8 --retrain 2 --train en_ewt-ud-train.conllu --dev ... --out pruned
    deplab compress deep --sparsity 0.8 --layer-sparsity "output layer=0" --layer-sparsity "label embeddings=0" \
        --bits 4 --retrain 3 --finetune 1 --teacher-alpha 0.5 --train ... --dev ... --out small
    deplab compress deep --uniform --bits 1.9 --min-count 3 --rare-bits 5=0.8 --vector-bits 5 --qat ...
    deplab compress distill --student lstm_hidden=64 --student word_dim=32 --epochs 8 --train ... --dev ...
    deplab compress deep ... --dev en_ewt-ud-dev.conllu --split-dev   # choose on one half, score on the other
"""
from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from ..progress import Cancelled
from .spec import DEV_PURPOSE, METHODS, TRAIN_PURPOSE, CompressionSpec


def add_arguments(p):
    p.add_argument("method", choices=["layers", *METHODS], help="; ".join(f"{k}: {v}" for k, v in
                                                                            {"layers": "list the model's layers",
                                                                             **METHODS}.items()))
    p.add_argument("--model", help="model folder (default: the bundled English EWT model)")
    p.add_argument("--dev", help=DEV_PURPOSE)
    p.add_argument("--train", help=TRAIN_PURPOSE + " Needed by l1, distill, and prune/share/deep with retraining "
                   "or fine-tuning epochs.")
    p.add_argument("--select", help="a treebank with gold trees that chooses the epoch kept by retraining, "
                   "fine-tuning and distillation (default: --dev itself, which makes --dev's scores optimistic)")
    p.add_argument("--split-dev", type=int, nargs="?", const=1, default=None, metavar="SEED",
                   help="cut --dev in two halves (its sentences shuffled with SEED, default 1): one chooses the "
                        "epochs, every model (the original too) is scored on the other")
    p.add_argument("--out", help="write the compressed model to this folder (usable with deplab parse --model)")
    p.add_argument("--csv", help="append the result rows to this CSV file")
    p.add_argument("--work", help="folder for intermediate result models (default: a temporary folder)")
    g = p.add_argument_group("pruning")
    g.add_argument("--sparsity", type=float, default=0.8, help="fraction of weights to remove (0-0.99)")
    g.add_argument("--scope", choices=["global", "std", "layer"], default="std",
                   help="global: one threshold on |w| for the whole model; std: one threshold on |w|/std(layer) "
                        "(Han et al. 2015); layer: the same sparsity in every layer")
    g.add_argument("--layer-sparsity", action="append", default=[], metavar="LAYER=S",
                   help="a layer's own sparsity, e.g. 'output layer=0' (see 'deplab compress layers'; on the bundled "
                        "model the output layer and the label embeddings are very sensitive to pruning)")
    g.add_argument("--retrain", type=int, default=0, help="epochs of retraining with the mask fixed")
    g.add_argument("--one-shot", action="store_true",
                   help="prune everything before retraining (default with --retrain: raise the sparsity gradually "
                        "during the first epoch, Zhu & Gupta 2017)")
    g.add_argument("--ramp", type=float, default=None, metavar="EPOCHS",
                   help="with --retrain: epochs over which the sparsity rises to its target (default: the first)")
    g.add_argument("--min-count", type=int, default=1,
                   help="deep/distill: drop the embedding rows of words seen fewer times in training (they are read "
                        "as unknown words, described by their characters)")
    g.add_argument("--sparsities", default="0.5,0.7,0.8,0.9,0.95", help="sensitivity: comma-separated sparsities")
    g.add_argument("--layers", help="sensitivity: comma-separated layer names (default: all)")
    g.add_argument("--dev-limit", type=int, default=0, help="sensitivity: use only the first N dev sentences")
    g = p.add_argument_group("weight sharing")
    g.add_argument("--bits", type=float, default=5,
                   help="bits per weight index (1-8): 2^bits shared values per layer; with --uniform, bits per "
                        "weight on disk (may be fractional, e.g. 1.8)")
    g.add_argument("--uniform", action="store_true",
                   help="uniform quantization at a rate (--bits) instead of k-means (Choi et al. 2017)")
    g.add_argument("--layer-bits", action="append", default=[], metavar="LAYER=B", help="a layer's own bits")
    g.add_argument("--rare-bits", action="append", default=[], metavar="COUNT=B",
                   help="share/deep with --uniform: the word-embedding rows of words seen fewer than COUNT times "
                        "get B bits per weight (0-8), e.g. 5=1 (repeat for more tiers)")
    g.add_argument("--vector-bits", type=float, default=None, metavar="B",
                   help="share/deep: also quantize the biases uniformly at B bits per value (e.g. 5)")
    g.add_argument("--finetune", type=int, default=1, help="epochs of centroid fine-tuning")
    g.add_argument("--finetune-lr", type=float, default=0.25, metavar="FACTOR",
                   help="learning rate of the fine-tuning after k-means, as a factor of --lr")
    g.add_argument("--qat", action="store_true",
                   help="share/deep: quantization-aware fine-tuning, every weight may change cluster "
                        "(straight-through estimator) instead of the centroids alone")
    g = p.add_argument_group("L1 and distillation")
    g.add_argument("--l1", type=float, default=1.0, help="L1 strength: soft threshold lr*strength per step")
    g.add_argument("--epochs", type=int, default=1, help="epochs of L1 retraining / student training")
    g.add_argument("--student", action="append", default=[], metavar="KEY=N",
                   help="student size, e.g. lstm_hidden=64 word_dim=32 layers=1 mlp_hidden=128")
    g.add_argument("--temperature", type=float, default=2.0, help="distillation: softmax temperature of the teacher's soft targets")
    g.add_argument("--alpha", type=float, default=0.5, help="weight of the soft targets (1-alpha: gold)")
    g.add_argument("--init-from-teacher", action="store_true",
                   help="distill: start the student from the teacher's weights where they fit")
    g.add_argument("--lr-decay", type=float, default=None,
                   help="learning-rate factor per epoch (default: distillation 0.85, retraining 0.5)")
    g.add_argument("--average", type=float, default=0.0, metavar="DECAY",
                   help="keep a moving average of the weights while training (e.g. 0.999; not during "
                        "quantization-aware fine-tuning)")
    g.add_argument("--no-compare", action="store_true", help="distill: skip the student trained on gold alone")
    g.add_argument("--teacher-alpha", type=float, default=0.0,
                   help="prune/share/deep/l1: when retraining, weight of the original model's soft targets "
                        "(temperature --temperature); 0 = gold transitions only")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default 1e-3, distillation 2e-3)")
    p.add_argument("--seed", type=int, default=1, help="random seed")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")


def pairs(items, cast, what) -> dict:
    """["NAME=VALUE", ...] -> {NAME: cast(VALUE)}; a malformed item is a UserError naming ``what``."""
    out = {}
    for kv in items:
        k, sep, v = kv.rpartition("=")
        if not sep or not k.strip():
            raise UserError(f"{what} must look like NAME=VALUE, not {kv!r}")
        try:
            out[k.strip()] = cast(v)
        except ValueError:
            raise UserError(f"{what}: {v!r} is not a number") from None
    return out


OPTIONS = {"sparsity": "--sparsity", "bits": "--bits", "uniform": "--uniform", "alpha": "--alpha",
           "teacher_alpha": "--teacher-alpha", "temperature": "--temperature", "min_count": "--min-count",
           "average": "--average", "ramp": "--ramp", "finetune_lr": "--finetune-lr", "lr_decay": "--lr-decay",
           "rare_rates": "--rare-bits", "vector_rate": "--vector-bits",
           "sizes": "--student lstm_hidden=64 --student word_dim=32", "dev": "--dev",
           "train": "the training treebank with --train", "retrain": "--retrain 0 --finetune 0"}


def spec_from_args(args) -> CompressionSpec:
    """The experiment the command line describes (validated by :meth:`CompressionSpec.validate`)."""
    rare = {}
    for count, b in pairs(args.rare_bits, float, "--rare-bits").items():
        if not count.isdigit():
            raise UserError(f"--rare-bits {count}={b:g}: COUNT must be a whole number >= 2")
        rare[int(count)] = b
    per_layer = pairs(args.layer_sparsity, float, "--layer-sparsity")
    layer_bits = pairs(args.layer_bits, float if args.uniform else int, "--layer-bits")
    bits = args.bits if args.uniform else (int(args.bits) if args.bits == int(args.bits) else args.bits)
    if layer_bits:
        bits = {"*": bits, **layer_bits}
    sizes = pairs(args.student, int, "--student") if args.method == "distill" else {}
    return CompressionSpec(
        method=args.method, lr=args.lr, sparsity=args.sparsity, scope=args.scope, per_layer=per_layer,
        retrain=args.retrain, gradual=not args.one_shot, ramp=args.ramp, min_count=args.min_count,
        sparsities=tuple(float(x) for x in args.sparsities.split(",") if x.strip()),
        layers=[x.strip() for x in args.layers.split(",")] if args.layers else None, dev_limit=args.dev_limit,
        bits=bits, uniform=args.uniform, rare_rates=rare or None, vector_rate=args.vector_bits,
        finetune=args.finetune, finetune_lr=args.finetune_lr, qat=args.qat, strength=args.l1, epochs=args.epochs,
        sizes=sizes, temperature=args.temperature, alpha=args.alpha, compare=not args.no_compare,
        init_from_teacher=args.init_from_teacher, lr_decay=args.lr_decay, average=args.average,
        teacher_alpha=args.teacher_alpha)


def run(args) -> int:
    import torch
    from ..model import DEFAULT_MODEL_DIR, Model
    from .experiments import Lab
    from .results import Result, format_table, results_csv
    from .layers import model_layers

    if args.threads:
        torch.set_num_threads(args.threads)
    model_dir = Path(args.model) if args.model else DEFAULT_MODEL_DIR
    if args.method == "layers":
        model = Model.load(model_dir)
        for l in model_layers(model):
            print(f"{l.name:<28} {l.kind:<10} {l.numel:>10,} weights  {l.nonzeros():>10,} non-zero")
        return 0
    spec = spec_from_args(args)
    names = [l.name for l in model_layers(Model.load(model_dir))]
    if isinstance(spec.bits, dict):  # "*": the rate of every layer not named
        default = spec.bits.pop("*")
        spec.validate(names, OPTIONS)
        spec.bits = {n: spec.bits.get(n, default) for n in names}
    spec.validate(names, OPTIONS)
    spec.check_data(args.dev, args.train, OPTIONS)
    from ..log import get_logger
    logger = get_logger(__name__)
    if args.select and args.split_dev is not None:
        raise UserError("give either --select or --split-dev, not both")
    try:
        lab = Lab(model_dir, args.dev, args.train, args.work, seed=args.seed, log=logger.info, select=args.select,
                  split=args.split_dev)
    except ValueError as e:
        raise UserError(str(e)) from None
    if lab.select is not lab.dev:
        logger.info(f"epochs chosen on {len(lab.select)} sentences, every model scored on {len(lab.dev)} others")
    results: list[Result] = [lab.original()]
    try:
        if args.method != "original":
            results += spec.run(lab, out=args.out)
    except Cancelled:
        logger.warning("interrupted")
        return 130
    except ValueError as e:
        raise UserError(str(e)) from None
    finally:
        if not args.work:
            import shutil
            shutil.rmtree(lab.work_dir, ignore_errors=True)
    print(format_table(results))
    if args.out and args.method not in ("sensitivity", "original"):
        logger.info(f"compressed model written to {args.out}")
    if args.csv:
        text = results_csv(results)
        csv_path = Path(args.csv)
        if csv_path.exists() and csv_path.stat().st_size:
            text = text.split("\n", 1)[1]
        with open(csv_path, "a", encoding="utf-8") as f:
            f.write(text)
    return 0
