"""The ``deplab`` subcommands: train, parse, evaluate, compress, finetune.

Each subcommand lives in the module that implements it, which provides
``add_arguments(parser)`` and ``run(args) -> int``; this file only wires them
and turns expected errors (bad input, missing files) into a one-line message
and an exit code (:data:`EXIT_CODES`) instead of a traceback.  Only the module
of the command being run is imported, so ``deplab --help``, ``deplab --version``
and the commands that need no model never load torch.
"""
from __future__ import annotations

import argparse
import importlib
import io
import os
import re
import sys

from .conllu import ConlluError
from .errors import ModelError, UsageError, UserError
from .progress import Cancelled
from . import log

SUBCOMMANDS = {
    "train": ("deplab.parser.train_command", "train a tagger and a parser on a CoNLL-U treebank"),
    "parse": ("deplab.parser.parse", "parse CoNLL-U or plain text with a model"),
    "evaluate": ("deplab.parser.evaluate", "score a system CoNLL-U file against gold (CoNLL 2018 conventions)"),
    "compress": ("deplab.parser.compression.cli", "compress a model: pruning, weight sharing, Huffman, int8, distillation"),
    "finetune": ("deplab.parser.finetune_command", "fine-tune a model on gold CoNLL-U data"),
    "curve": ("deplab.parser.curve_command", "learning curve of a treebank: held-out LAS against gold sentences"),
    "grep": ("deplab.parser.grew.grep_command", "search CoNLL-U files with a Grew tree pattern"),
    "rewrite": ("deplab.parser.grew.rewrite_command", "rewrite CoNLL-U files with Grew rules (pattern + commands)"),
    "validate": ("deplab.parser.validate.command", "check a CoNLL-U file against the UD guidelines (validate.py levels 1-3)"),
    "agree": ("deplab.parser.agreement", "inter-annotator agreement (UAS/LAS, Cohen's/Fleiss' kappa) between CoNLL-U files"),
    "oracle": ("deplab.parser.oracle", "print the static oracle's transition sequence of every gold tree (--system)"),
}

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_ERROR: "error: bad input (the message names file:line), a missing file or an unreadable model",
    EXIT_USAGE: "usage error: unknown or missing options or arguments",
    EXIT_INTERRUPTED: "interrupted (Ctrl+C) or cancelled",
}
_SHORT = {EXIT_OK: "success", EXIT_ERROR: "error", EXIT_USAGE: "usage error", EXIT_INTERRUPTED: "interrupted"}

EPILOG = ("Run deplab without arguments to open the desktop app; deplab COMMAND --help describes a command.\n\n"
          "exit codes:\n" + "".join(f"  {code:<4} {text}\n" for code, text in EXIT_CODES.items()) +
          "\nenvironment:\n"
          "  DEPLAB_DATA_DIR    folder for trained models, Lab results, autosave and recovery\n"
          "                     (default: the platform's user data folder)\n"
          "  DEPLAB_QUIT_AFTER  the app quits after this many seconds (for smoke tests)\n")


_SAYS_DEFAULT = re.compile(r"\bdefault[: ]")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help that shows every option's default, as ``(default: …)``, unless its help text already says it
    or there is nothing to show (a flag, or no default)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        d = action.default
        if (_SAYS_DEFAULT.search(text) or d is None or d is argparse.SUPPRESS or isinstance(d, bool)
                or d in ([], "") or action.nargs == 0 or not action.option_strings):
            return text
        return f"{text} (default: %(default)s)" if text else "(default: %(default)s)"


def _verbosity_options(p: argparse.ArgumentParser, default) -> None:
    """``-q/--quiet`` and ``-v/--verbose``, except the option strings a command already defines itself."""
    g = p.add_mutually_exclusive_group()
    taken = p._option_string_actions
    for flags, const, text in ((("-q", "--quiet"), log.QUIET, "print only warnings and errors"),
                               (("-v", "--verbose"), log.VERBOSE, "print debugging detail too")):
        free = [f for f in flags if f not in taken]
        if free:
            g.add_argument(*free, dest="verbosity", action="store_const", const=const, default=default, help=text)


def _version() -> str:
    from deplab import __version__
    return __version__


def _command_in(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the first argument that is not an option)."""
    for a in argv:
        if not a.startswith("-"):
            return a if a in SUBCOMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser.  Only the module of the subcommand ``only`` is imported (torch is slow to load);
    the others are listed with their one-line help."""
    ap = argparse.ArgumentParser(prog="deplab", formatter_class=HelpFormatter, epilog=EPILOG,
                                 description="DepLab: a desktop lab for dependency syntax, and its engine's "
                                             "commands.")
    ap.add_argument("--version", action="version", version=f"deplab {_version()}",
                    help="print the version and exit")
    _verbosity_options(ap, log.NORMAL)
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, formatter_class=HelpFormatter,
                           epilog="exit codes: " + ", ".join(f"{c} {t}" for c, t in _SHORT.items()) + " (see deplab --help)")
        if name != only:
            continue
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if not module.startswith(e.name or "?"):
                raise
            p.set_defaults(_missing=module)
            continue
        mod.add_arguments(p)
        _verbosity_options(p, argparse.SUPPRESS)  # after the command too: deplab parse -q …
        p.set_defaults(_run=mod.run, _parser=p)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Runs one command and returns its exit code (see :data:`EXIT_CODES`)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    ap = build_parser(_command_in(argv))
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:  # --help, --version (0) or a usage error (2, message already printed)
        return e.code if isinstance(e.code, int) else (EXIT_OK if e.code is None else EXIT_USAGE)
    if args.command is None:
        ap.print_help()
        return EXIT_OK
    if getattr(args, "_missing", None):
        print(f"deplab {args.command}: not available in this build", file=sys.stderr)
        return EXIT_USAGE
    log.configure(getattr(args, "verbosity", log.NORMAL))
    try:
        return args._run(args) or EXIT_OK
    except UsageError as e:
        args._parser.print_usage(sys.stderr)
        print(f"deplab {args.command}: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (ConlluError, UserError, ModelError) as e:
        print(f"deplab {args.command}: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as e:
        what = f"{e.filename}: {e.strerror}" if e.filename else str(e)
        print(f"deplab {args.command}: error: {what}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # deplab parse … | head: the reader has gone, nothing to report
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        except (OSError, ValueError, io.UnsupportedOperation):
            pass
        return EXIT_ERROR
    except (KeyboardInterrupt, Cancelled):
        print(f"deplab {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
