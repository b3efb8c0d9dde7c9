"""``deplab validate``: the command line over :func:`deplab.parser.validate.validate_file`."""
from __future__ import annotations

import argparse
import os
import sys

from ..errors import UserError
from .problem import ERROR, Problem
from .validator import validate_file


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="CoNLL-U files")
    p.add_argument("--level", type=int, default=3, choices=(1, 2, 3),
                   help="1 format, 2 contents (ids, tree, features, text), 3 universal syntax (default)")
    p.add_argument("--lang", metavar="CODE",
                   help="the language (e.g. en); recorded only: language-specific checks (levels 4-5) need UD's "
                        "language data, which DepLab does not bundle")
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    p.add_argument("--max", type=int, default=0, metavar="N", help="print at most N problems (0: all)")


def run(args) -> int:
    import json
    problems: list[Problem] = []
    for path in args.files:
        if not os.path.isfile(path):
            raise UserError(f"{path}: no such file")
        problems.extend(validate_file(path, args.level))
    errors = sum(1 for p in problems if p.severity == ERROR)
    warnings = len(problems) - errors
    shown = problems if not args.max else problems[:args.max]
    if args.json:
        json.dump({"level": args.level, "errors": errors, "warnings": warnings,
                   "problems": [p.as_dict() for p in shown]}, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for p in shown:
            print(p)
        if len(shown) < len(problems):
            print(f"... and {len(problems) - len(shown)} more")
        verdict = "*** PASSED ***" if errors == 0 else "*** FAILED ***"
        print(f"{verdict} level {args.level}: {errors} error{'s' if errors != 1 else ''}, "
              f"{warnings} warning{'s' if warnings != 1 else ''}")
    return 1 if errors else 0
