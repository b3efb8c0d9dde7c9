"""``deplab rewrite RULES FILE -o OUT``: apply Grew rules to a treebank.

Prints every change (``--summary-only``: not them), every refused match with
its reason, and how many sentences and words changed.  Sentences no rule
touches are written byte for byte as read.  ``RULES`` is a file (or
``@file``) holding one rule or several ``rule NAME { ... }`` applied in order, or an inline rule.  ``--dry-run`` writes nothing.
"""
from __future__ import annotations

import argparse
import os
import sys

from ..errors import UserError
from .request import RequestError, parse_rules
from .rewrite import rewrite_file, read_with_source, rewrite_sentences


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rules", metavar="RULES",
                   help="a rule file (pattern { ... } commands { ... }), @file, or the rule itself")
    p.add_argument("file", metavar="FILE", help="the CoNLL-U file to rewrite")
    p.add_argument("-o", "--output", metavar="OUT", help="where to write the result (required unless --dry-run)")
    p.add_argument("--dry-run", action="store_true", help="list the changes, write nothing")
    p.add_argument("--summary-only", action="store_true", help="print only the refusals and the summary, not each change")


def load(arg: str):
    path = arg[1:] if arg.startswith("@") else arg
    if arg.startswith("@") or (os.path.exists(path) and "{" not in arg):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise UserError(f"cannot read the rule file {path}: {e.strerror}") from None
        source = path
    else:
        text, source = arg, "rule"
    try:
        return parse_rules(text, source)
    except RequestError as e:
        raise UserError(str(e)) from None


def run(args) -> int:
    rule = load(args.rules)
    if not args.dry_run and not args.output:
        raise UserError("give -o OUT (or --dry-run to only list the changes)")
    if args.output and os.path.abspath(args.output) == os.path.abspath(args.file):
        raise UserError("OUT must differ from FILE (the input is kept as it was)")
    if args.dry_run:
        _, sentences, _ = read_with_source(args.file)
        result = rewrite_sentences(rule, sentences)
    else:
        result = rewrite_file(rule, args.file, args.output)
    out = sys.stdout
    if not args.summary_only:
        for c in result.changes:
            out.write(f"{c}\n")
    for r in result.refusals:
        out.write(f"{r}\n")
    n_s, n_w = len(result.changed), result.words_changed
    out.write(f"{n_s} sentence{'s' if n_s != 1 else ''} and {n_w} word{'s' if n_w != 1 else ''} changed, "
              f"{len(result.refusals)} match{'es' if len(result.refusals) != 1 else ''} refused"
              f"{'' if args.dry_run else ' -> ' + args.output}\n")
    return 0
