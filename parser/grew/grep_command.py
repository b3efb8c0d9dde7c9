"""``deplab grep PATTERN FILE...``: search treebanks with a Grew request.

Prints one line per match (file when there are several, sent_id, then each
pattern node as ``N=3:form``), or with ``--count`` the number of matches, or
with ``--conllu`` the matching sentences as CoNLL-U.  ``PATTERN`` may be
``@file.req``.  Imports neither torch nor networkx, so it starts fast.
"""
from __future__ import annotations

import argparse
import sys

from ..errors import UserError
from .match import Matcher
from .request import RequestError, parse_request


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("pattern", metavar="PATTERN",
                   help='a Grew request, e.g. \'pattern { N [upos=VERB]; N -[nsubj]-> M }\', or @file.req')
    p.add_argument("files", nargs="+", metavar="FILE", help="CoNLL-U files")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--count", action="store_true", help="print only the number of matches")
    g.add_argument("--conllu", action="store_true", help="print the matching sentences as CoNLL-U")


def load_request_text(arg: str) -> tuple[str, str]:
    """``@file.req`` reads the request from a file; returns (text, source name for messages)."""
    if arg.startswith("@"):
        path = arg[1:]
        with open(path, encoding="utf-8") as f:
            return f.read(), path
    return arg, "pattern"


def compile_request(arg: str) -> Matcher:
    """A matcher for a request given on the command line (or ``@file``); errors become UserError."""
    try:
        text, source = load_request_text(arg)
    except OSError as e:
        raise UserError(f"cannot read the request file {arg[1:]}: {e.strerror}") from None
    try:
        return Matcher(parse_request(text, source))
    except RequestError as e:
        raise UserError(str(e)) from None


def run(args) -> int:
    matcher = compile_request(args.pattern)
    from ..conllu import iter_sentences
    out = sys.stdout
    total = 0
    several = len(args.files) > 1
    for path in args.files:
        for i, s in enumerate(iter_sentences(path)):
            found = matcher.matches(s, i)
            if not found:
                continue
            total += len(found)
            if args.count:
                continue
            if args.conllu:
                out.write(s.to_text())
                continue
            words = s.words
            where = (s.sent_id or f"#{i + 1}")
            if several:
                where = f"{path}:{where}"
            for m in found:
                nodes = " ".join(f"{n}={w}:{words[w - 1].form if w else 'ROOT'}" for n, w in m.nodes.items())
                out.write(f"{where}\t{nodes}\n")
    if args.count:
        out.write(f"{total}\n")
    return 0
