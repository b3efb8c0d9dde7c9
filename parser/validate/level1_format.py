"""Level 1 of the UD validator: the format.

Ten tab-separated columns, no empty or white-space-padded fields, word IDs 1, 2, ..., multiword-token
ranges and empty nodes in place, comments before the tokens, the file ending with an empty line,
UTF-8 in Unicode NFC (https://github.com/UniversalDependencies/tools, ``validate.py``).
"""
from __future__ import annotations

import unicodedata

from .lines import (Block, COLUMN_NAMES, DEPREL, DEPS, EMPTY_ID, FORM, HEAD, LEMMA, MISC, RANGE_ID, Token,
                    WORD_ID, WS, WS_NOT_TAB)
from .problem import Problem


class FormatChecks:
    """Level 1: the file read line by line into sentence blocks (:meth:`run`), each line's columns and
    each sentence's IDs checked.  A block with a level-1 problem is ``broken``: the tree checks of the
    later levels would be meaningless on it.  A part of :class:`parser.validate.validator.Validator`,
    which supplies ``report``, ``level`` and ``finish``."""

    def run(self, data: bytes) -> list[Problem]:
        if data.startswith(b"\xef\xbb\xbf"):
            self.report(1, None, None, 1, "unicode-bom", "the file starts with a byte-order mark")
            data = data[3:]
        lines = data.split(b"\n")
        ends_with_newline = data.endswith(b"\n")
        if ends_with_newline:
            lines = lines[:-1]
        block: Block | None = None
        n_blocks = 0
        last_blank = True
        for lineno, raw in enumerate(lines, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                self.report(lineno, block, None, 1, "invalid-unicode", f"invalid UTF-8 (byte {e.start + 1} of the line)")
                if block:
                    block.broken = True
                line = raw.decode("utf-8", "replace")
            if line.endswith("\r"):
                self.report(lineno, block, None, 1, "non-unix-newline", "the line ends with CR LF; CoNLL-U uses LF")
                line = line[:-1]
            if not line:
                if block is not None:
                    self.finish(block)
                    block = None
                last_blank = True
                continue
            last_blank = False
            if line.isspace():
                self.report(lineno, block, None, 1, "pseudo-empty-line",
                            "the line holds only white space; an empty line separates sentences")
                if block is not None:  # read as the end of the sentence, as it was surely meant
                    self.finish(block)
                    block = None
                last_blank = True
                continue
            if block is None:
                block = Block(n_blocks, lineno)
                n_blocks += 1
            if unicodedata.normalize("NFC", line) != line:
                self.report(lineno, block, None, 1, "unicode-normalization", "the line is not in Unicode NFC")
            if line.startswith("#"):
                if block.tokens:
                    self.report(lineno, block, None, 1, "misplaced-comment",
                                "a comment after the sentence's tokens; comments go before them")
                else:
                    block.comments.append((lineno, line))
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                self.report(lineno, block, cols[0] if len(cols) > 1 else None, 1, "number-of-columns",
                            f"expected 10 tab-separated columns, found {len(cols)}")
                block.broken = True
                if len(cols) > 1:  # keep its ID so that the next IDs are not reported as well
                    block.tokens.append(Token(lineno, (cols + ["_"] * 10)[:10]))
                continue
            self.check_columns(lineno, block, cols, line)
            block.tokens.append(Token(lineno, cols))
        if block is not None:
            self.finish(block)
        if data and not (ends_with_newline and last_blank):
            self.report(len(lines), None, None, 1, "missing-empty-line",
                        "the file must end with an empty line after the last sentence")
        if n_blocks == 0:
            self.report(1, None, None, 1, "empty-file", "no sentences found")
        return self.problems

    def check_columns(self, lineno: int, block: Block, cols: list[str], line: str = "") -> None:
        tid = cols[0]
        # the common case: no white space but the tabs, no empty column
        clean = line and not WS_NOT_TAB.search(line) and "\t\t" not in line and line[0] != "\t" != line[-1]
        for k, c in enumerate(() if clean else cols):
            name = COLUMN_NAMES[k]
            if c == "":
                self.report(lineno, block, tid, 1, "empty-column", f"column {name} is empty (use '_')")
                block.broken = True
                continue
            if c[0].isspace():
                self.report(lineno, block, tid, 1, "leading-whitespace", f"column {name} starts with white space")
            if c[-1].isspace():
                self.report(lineno, block, tid, 1, "trailing-whitespace", f"column {name} ends with white space")
            if k not in (FORM, LEMMA, MISC) and WS.search(c.strip()):
                self.report(lineno, block, tid, 1, "invalid-whitespace", f"column {name} contains white space")
        if not (WORD_ID.match(tid) or RANGE_ID.match(tid) or EMPTY_ID.match(tid)):
            self.report(lineno, block, tid, 1, "invalid-word-id",
                        f"invalid ID {tid!r}: expected an integer, a range like 1-2 or a decimal like 8.1")
            block.broken = True

    def check_ids(self, block: Block) -> None:
        expected = 1
        range_end = 0
        last_empty = (0, 0)
        words = [t for t in block.tokens if WORD_ID.match(t.id)]
        n = len(words)
        for t in block.tokens:
            tid = t.id
            if WORD_ID.match(tid):
                if int(tid) != expected:
                    self.report(t.line, block, tid, 1, "word-id-sequence",
                                f"word ID {tid} out of sequence: expected {expected}")
                    block.broken = True
                    expected = int(tid)
                expected += 1
            elif (m := RANGE_ID.match(tid)):
                a, b = int(m.group(1)), int(m.group(2))
                if a != expected:
                    self.report(t.line, block, tid, 1, "misplaced-word-interval",
                                f"multiword token {tid} must come right before word {a}")
                    block.broken = True
                elif b <= a:
                    self.report(t.line, block, tid, 1, "reversed-word-interval",
                                f"multiword token {tid} must span at least two words")
                    block.broken = True
                elif b > n:
                    self.report(t.line, block, tid, 1, "invalid-word-interval",
                                f"multiword token {tid} goes past the last word {n}")
                    block.broken = True
                elif a <= range_end:
                    self.report(t.line, block, tid, 1, "overlapping-word-intervals",
                                f"multiword token {tid} overlaps the previous one")
                    block.broken = True
                range_end = max(range_end, b)
                for k in range(LEMMA, MISC):
                    if t.cols[k] != "_":
                        self.report(t.line, block, tid, 2, "mwt-nonempty-field",
                                    f"a multiword token has only FORM and MISC; {COLUMN_NAMES[k]} must be '_'")
            elif (m := EMPTY_ID.match(tid)):
                a, b = int(m.group(1)), int(m.group(2))
                if a != expected - 1 or (a, b) <= last_empty or (a == last_empty[0] and b != last_empty[1] + 1) \
                        or (a != last_empty[0] and b != 1):
                    self.report(t.line, block, tid, 1, "misplaced-empty-node",
                                f"empty node {tid} out of place: after word {expected - 1} the next empty node is "
                                f"{expected - 1}.{last_empty[1] + 1 if last_empty[0] == expected - 1 else 1}")
                    block.broken = True
                last_empty = (a, b)
                for k, what in ((HEAD, "HEAD"), (DEPREL, "DEPREL")):
                    if t.cols[k] != "_":
                        self.report(t.line, block, tid, 2, "mwt-nonempty-field",
                                    f"an empty node has its relations in DEPS; {what} must be '_'")
                if t.cols[DEPS] == "_":
                    self.report(t.line, block, tid, 2, "empty-node-deps", "an empty node needs DEPS")
