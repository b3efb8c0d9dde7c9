"""A problem the validator found: where it is, which of the official validator's tests, what is wrong."""
from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass
class Problem:
    """One problem: where (file, line, sentence, word), which check, and what is wrong."""

    path: str
    line: int
    sentence: int | None      # 0-based index of the sentence in the file (None: outside any sentence)
    sent_id: str | None
    word: str | None          # the token's ID column
    level: int
    check: str                # the official validator's test id, e.g. "multiple-roots"
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        what = []
        if self.sent_id or self.sentence is not None:
            what.append(f"sentence {self.sent_id or '#' + str(self.sentence + 1)}")
        if self.word:
            what.append(f"word {self.word}")
        loc = (" " + ", ".join(what) + ":") if what else ""
        return f"{where}{loc} {self.severity} L{self.level} {self.check}: {self.message}"

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("path", "line", "sentence", "sent_id", "word", "level", "check",
                                              "message", "severity")}
