"""The validator: the three levels' checks on every sentence of a file, and the problems they find."""
from __future__ import annotations

import os

from .level1_format import FormatChecks
from .level2_contents import ContentChecks
from .level3_syntax import SyntaxChecks
from .lines import Block
from .problem import ERROR, Problem


class Validator(FormatChecks, ContentChecks, SyntaxChecks):
    """Validates one file up to ``level``: :meth:`run` reads it (level 1), and every sentence block read
    is checked by :meth:`finish` at the levels asked for; problems are collected, not raised."""

    def __init__(self, path: str = "<input>", level: int = 3):
        self.path, self.level = path, level
        self.problems: list[Problem] = []
        self.sent_ids: dict[str, int] = {}
        self.seen_feats = False                 # the file has morphological features (so far)
        self.first_graph: int | None = None     # line of the first sentence with an enhanced graph
        self.first_without: int | None = None   # ... and of the first without one

    def report(self, line: int, block: Block | None, word: str | None, level: int, check: str, message: str,
               severity: str = ERROR) -> None:
        if level > self.level:
            return
        self.problems.append(Problem(self.path, line, block.index if block else None,
                                     block.sent_id if block else None, word, level, check, message, severity))

    def finish(self, block: Block) -> None:
        if not block.tokens:
            if not block.broken:
                self.report(block.start, block, None, 1, "missing-sentence", "comments without any token line")
            return
        self.check_ids(block)
        if self.level >= 2:
            self.check_metadata(block)
            self.check_token_contents(block)
            if not block.broken:
                self.check_tree(block)
                self.check_deps(block)
                self.check_text(block)
        if self.level >= 3 and not block.broken:
            self.check_syntax(block)


def validate_bytes(data: bytes, path: str = "<input>", level: int = 3) -> list[Problem]:
    """Every problem in a CoNLL-U file's bytes, in file order."""
    problems = Validator(path, level).run(data)
    problems.sort(key=lambda p: p.line)
    return problems


def validate_file(path: str | os.PathLike, level: int = 3) -> list[Problem]:
    with open(path, "rb") as f:
        return validate_bytes(f.read(), os.fspath(path), level)

