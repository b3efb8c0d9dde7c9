"""One way to report progress and to cancel long work, for the engine, the commands and the app.

Long work (training, fine-tuning, compression, parsing a treebank, searching it) takes a
:class:`Progress` — a callable ``progress(done, total, message)`` — and a ``cancelled`` callable
returning True once the user asked to stop.  The work calls :func:`check` between units of work,
which raises :class:`Cancelled`; nothing raises ``KeyboardInterrupt`` or ``RuntimeError("cancelled")``.
The commands turn :class:`Cancelled` (and Ctrl+C) into exit code 130; the app's background tasks
turn it into a "cancelled" state that changes nothing.
"""
from __future__ import annotations

from typing import Callable, Protocol


class Cancelled(Exception):
    """The user cancelled the work; whatever it was building is discarded."""


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


def no_progress(done: int, total: int, message: str = "") -> None:
    """A :class:`Progress` that reports nothing."""


def never() -> bool:
    """A ``cancelled`` callable for work that nobody can cancel."""
    return False


def check(cancelled: Callable[[], bool] | None) -> None:
    """Raises :class:`Cancelled` if ``cancelled()`` says so (``None`` never cancels)."""
    if cancelled is not None and cancelled():
        raise Cancelled()
