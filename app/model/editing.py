"""The annotation editor's selection and its keyboard head mode, without Qt.

The editor selects one word (the dependent to re-attach).  Re-attaching works two ways:

* click-then-head: a click on a word makes it *pending*; the next click names its head;
* keyboard head mode: Enter (or H) on the selected word starts a *head cursor* on its current
  head; ←/→ move it (Home or 0 = ROOT, End = the last word), Enter attaches, Esc cancels.

:meth:`EditingState.key` takes a key name (``"left"``, ``"enter"``, ``"r"``, …) and returns the
:class:`Command` the controller carries out (attach, open the relation menu, …), or None when
the key is not the editor's.  The controller does the edit through the document, which is the
one place that refuses cycles.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .events import Signal

# what a key asks for
SELECT, HEAD_MODE, ATTACH, RELATION, UPOS, GOLD, STEP, CANCEL, MOVE = (
    "select", "head-mode", "attach", "relation", "upos", "gold", "step", "cancel", "move")


@dataclass(frozen=True)
class Command:
    kind: str
    word: int | None = None  # the dependent (ATTACH, RELATION, UPOS, HEAD_MODE) or the word selected
    head: int | None = None  # ATTACH: the new head (0 = ROOT)
    step: int = 0            # STEP: +1 next sentence, -1 previous


class EditingState:
    """Which word is selected, which waits for a head click, where the keyboard head cursor is.

    ``changed()`` is emitted whenever one of them changes (the views redraw the marks).
    """

    def __init__(self):
        self.word: int | None = None         # the selected word
        self.pending: int | None = None      # click-then-head: the dependent waiting for its head
        self.head_cursor: int | None = None  # keyboard head mode: the candidate head
        self.changed = Signal()

    def reset(self) -> None:
        self.word = self.pending = self.head_cursor = None
        self.changed.emit()

    def select(self, word: int | None) -> None:
        """The word chosen in the token table (or after an edit)."""
        if word != self.word:
            self.word, self.pending, self.head_cursor = word, None, None
            self.changed.emit()

    def cancel(self) -> None:
        self.pending = self.head_cursor = None
        self.changed.emit()

    # -- the mouse ---------------------------------------------------------------------------
    def click(self, word: int) -> Command | None:
        """A click on ``word`` (0 = ROOT): selects a dependent, or names the pending one's head."""
        self.head_cursor = None
        if self.pending is None:
            if word > 0:
                self.pending = self.word = word
            self.changed.emit()
            return Command(SELECT, word) if word > 0 else None
        dep, self.pending = self.pending, None
        self.changed.emit()
        if word == dep:
            return Command(CANCEL, dep)
        self.word = dep
        return Command(ATTACH, dep, word)

    def drag(self, dependent: int, head: int) -> Command | None:
        """A drag from ``dependent`` onto ``head``."""
        self.pending = None
        self.word = dependent
        self.changed.emit()
        return Command(ATTACH, dependent, head) if dependent > 0 else None

    # -- the keyboard ---------------------------------------------------------------------------
    def key(self, key: str, n_words: int, head_of: Callable[[int], int | None]) -> Command | None:
        """The command for ``key`` in a sentence of ``n_words`` words; ``head_of(word)`` is the word's
        current head (None when unattached).  None: the key is not the editor's."""
        if self.head_cursor is not None:
            return self._head_mode_key(key, n_words)
        cmd = self._key(key, n_words, head_of)
        if cmd is not None:
            self.changed.emit()
        return cmd

    def _head_mode_key(self, key: str, n: int) -> Command | None:
        cur = self.head_cursor
        if key == "left":
            self.head_cursor = max(0, cur - 1)
        elif key == "right":
            self.head_cursor = min(n, cur + 1)
        elif key in ("home", "0"):
            self.head_cursor = 0
        elif key == "end":
            self.head_cursor = n
        elif key == "enter":
            dep, head, self.head_cursor = self.word, cur, None
            self.changed.emit()
            return Command(ATTACH, dep, head)
        elif key == "escape":
            self.head_cursor = None
            self.changed.emit()
            return Command(CANCEL, self.word)
        else:
            return None
        self.changed.emit()
        return Command(MOVE, self.word, self.head_cursor)

    def _key(self, key: str, n: int, head_of: Callable[[int], int | None]) -> Command | None:
        if key in ("left", "right"):
            step = -1 if key == "left" else 1
            w = (self.word or (0 if step > 0 else n + 1)) + step
            if 1 <= w <= n:
                self.word, self.pending = w, None
                return Command(SELECT, w)
            return Command(SELECT, self.word)
        if key in ("enter", "h"):
            if self.word:
                h = head_of(self.word)
                self.head_cursor = h if h is not None else max(0, self.word - 1)
                return Command(HEAD_MODE, self.word, self.head_cursor)
            return Command(SELECT, None)
        if key in ("r", "l"):
            return Command(RELATION, self.word)
        if key == "u":
            return Command(UPOS, self.word)
        if key == "g":
            return Command(GOLD)
        if key == "escape":
            self.pending = None
            return Command(CANCEL, self.word)
        if key in ("pagedown", "down"):
            return Command(STEP, step=1)
        if key in ("pageup", "up"):
            return Command(STEP, step=-1)
        return None

    def marks(self) -> tuple[dict[int, str], set[int], int | None]:
        """What the arc view shows: word marks (``dep``, ``head?``), highlighted words, the focus word."""
        marks: dict[int, str] = {}
        words: set[int] = set()
        focus = None
        if self.word:
            words.add(self.word)
            focus = self.word
        if self.pending:
            marks[self.pending] = "dep"
            focus = self.pending
        if self.head_cursor is not None and self.word:
            marks[self.word] = "dep"
            marks[self.head_cursor] = "head?"
            focus = self.head_cursor
            words.add(self.head_cursor)
        return marks, words, focus
