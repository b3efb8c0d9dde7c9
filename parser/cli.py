"""The ``deplab`` subcommands: train, parse, evaluate, compress, finetune.

Each subcommand lives in the module that implements it, which provides
``add_arguments(parser)`` and ``run(args) -> int``; this file only wires them
and turns expected errors (bad input, missing files) into a one-line message
and a non-zero exit code instead of a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from .conllu import ConlluError
from .errors import ModelError, UserError

SUBCOMMANDS = {
    "train": ("deplab.parser.train", "train a tagger and a parser on a CoNLL-U treebank"),
    "parse": ("deplab.parser.parse", "parse CoNLL-U or plain text with a model"),
    "evaluate": ("deplab.parser.evaluate", "score a system CoNLL-U file against gold (CoNLL 2018 conventions)"),
    "compress": ("deplab.parser.compression.cli", "compress a model: pruning, weight sharing, Huffman, int8, distillation"),
    "finetune": ("deplab.parser.finetune", "fine-tune a model on gold CoNLL-U data"),
    "oracle": ("deplab.parser.oracle", "print the static oracle's transition sequence of every gold tree (--system)"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that subcommand's module is imported (torch is slow to load)."""
    ap = argparse.ArgumentParser(prog="deplab", description="DepLab: dependency syntax lab. "
                                 "Run without arguments to open the desktop app.")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if only is not None and name != only:
            continue
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if not module.startswith(e.name or "?"):
                raise
            p.set_defaults(_missing=module)
            continue
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    ap = build_parser(argv[0] if argv and argv[0] in SUBCOMMANDS else None)
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help()
        return 0
    if getattr(args, "_missing", None):
        print(f"deplab {args.command}: not available in this build", file=sys.stderr)
        return 2
    try:
        return args._run(args) or 0
    except (ConlluError, UserError, ModelError, FileNotFoundError, IsADirectoryError, PermissionError) as e:
        print(f"deplab {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"deplab {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
