"""A minimal observer: plain-Python change signals for the Qt-free models.

Views (under ``app/qt``) connect callbacks; models call ``emit``.  This keeps
documents and workspaces testable without Qt, as napari's components are.
"""
from __future__ import annotations

from typing import Any, Callable


class Signal:
    """``sig.connect(fn)``; ``sig.emit(*args)`` calls every connected fn in order."""

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if fn not in self._slots:
            self._slots.append(fn)
        return fn

    def disconnect(self, fn: Callable[..., Any]) -> None:
        if fn in self._slots:
            self._slots.remove(fn)

    def emit(self, *args: Any) -> None:
        for fn in list(self._slots):
            fn(*args)


def connect_all(signals: "tuple[Signal, ...] | list[Signal]", fn: Callable[[], Any]) -> None:
    """Calls ``fn()`` (their arguments dropped) after any of ``signals``, e.g. a workspace's
    ``trace_signals``."""
    def slot(*_: Any) -> Any:
        return fn()
    for sig in signals:
        sig.connect(slot)
