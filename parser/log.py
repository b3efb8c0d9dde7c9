"""Diagnostics of the commands: the standard :mod:`logging` module, and progress that suits where it goes.

Every engine module logs to ``logging.getLogger("deplab.…")`` (:func:`get_logger`) instead of printing;
``deplab --quiet`` shows only warnings and errors, ``--verbose`` adds debugging detail (:func:`configure`).
Messages go to standard error, so standard output holds only a command's result (parsed CoNLL-U,
scores).  Progress (:func:`progress`) is a tqdm bar on a terminal and plain, rate-limited log lines
elsewhere (a log file, CI), so logs are not filled with carriage returns.  Nothing here imports torch.
"""
from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

ROOT = "deplab"
QUIET, NORMAL, VERBOSE = -1, 0, 1


def get_logger(name: str = "") -> logging.Logger:
    """The logger for a module: ``get_logger(__name__)`` gives ``deplab.parser.train`` and so on."""
    if not name:
        return logging.getLogger(ROOT)
    return logging.getLogger(name if name == ROOT or name.startswith(ROOT + ".") else f"{ROOT}.{name}")


class _Format(logging.Formatter):
    """``message`` for information, ``warning: message`` / ``error: message`` above it."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {text}"
        return text


def configure(verbosity: int = NORMAL, stream: TextIO | None = None) -> logging.Logger:
    """Sends the ``deplab`` loggers to ``stream`` (standard error by default) at the level ``verbosity``
    asks for: :data:`QUIET` (warnings), :data:`NORMAL` (information) or :data:`VERBOSE` (debugging).
    Calling it again replaces the handler (the tests run many commands in one process)."""
    logger = logging.getLogger(ROOT)
    for h in list(logger.handlers):
        if getattr(h, "_deplab", False):
            logger.removeHandler(h)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler._deplab = True
    handler.setFormatter(_Format("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel({QUIET: logging.WARNING, VERBOSE: logging.DEBUG}.get(verbosity, logging.INFO))
    logger.propagate = False
    return logger


def _interactive(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressReporter:
    """A :class:`deplab.parser.progress.Progress` for a command: call it with ``(done, total, message)``.

    On a terminal it draws a tqdm bar on standard error (cleared when a log line is written); otherwise
    it logs ``what: done/total (pct%)`` at most every ``every`` seconds and at the end of each total.
    With ``--quiet`` it reports nothing.  Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, what: str, unit: str = "it", logger: logging.Logger | None = None,
                 stream: TextIO | None = None, every: float = 30.0, interactive: bool | None = None):
        self.what, self.unit, self.every = what, unit, every
        self.logger = logger or get_logger()
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = _interactive(self.stream) if interactive is None else interactive
        self.enabled = self.logger.isEnabledFor(logging.INFO)
        self._bar = None
        self._last = 0.0
        self._total = None

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if not self.enabled:
            return
        if self.interactive:
            self._draw(done, total, message)
            return
        now = time.monotonic()
        if total != self._total:
            self._total, self._last = total, now
        if done >= total or now - self._last >= self.every:
            self._last = now
            pct = f" ({100.0 * done / total:.0f}%)" if total else ""
            self.logger.info("%s: %d/%d %s%s%s", self.what, done, total, self.unit, pct,
                             f" — {message}" if message else "")

    def _draw(self, done: int, total: int, message: str) -> None:
        from tqdm import tqdm
        if self._bar is None or self._bar.total != total or done < self._bar.n:
            self.close()
            self._bar = tqdm(total=total, desc=self.what, unit=self.unit, file=self.stream, leave=False)
        if message:
            self._bar.set_postfix_str(message, refresh=False)
        self._bar.update(done - self._bar.n)

    def clear(self) -> None:
        """Clears the bar before a log line is written (a no-op without a bar)."""
        if self._bar is not None:
            self._bar.clear()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "ProgressReporter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress(what: str, unit: str = "it", **kw) -> ProgressReporter:
    """A :class:`ProgressReporter` for ``what`` (e.g. ``progress("parsing", "sentence")``)."""
    return ProgressReporter(what, unit, **kw)
