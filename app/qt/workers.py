"""Long work off the GUI thread: loading models, parsing many sentences.

``run_task(fn, on_done=..., on_error=..., on_progress=...)`` runs
``fn(ctx)`` on Qt's global thread pool; ``ctx.progress(done, total, text)``
reports progress and ``ctx.cancelled()`` tells the function to stop early.
The callbacks are always called on the GUI thread (the Task object lives
there and receives the worker's signals through queued connections).
"""
from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class TaskContext:
    def __init__(self, task: "Task"):
        self._task = task

    def progress(self, done: int, total: int, text: str = "") -> None:
        _emit(self._task._relay.progress, int(done), int(total), text)

    def cancelled(self) -> bool:
        return self._task._cancel.is_set()


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(str, str)
    progress = Signal(int, int, str)


class Task(QObject):
    """One background job; emits ``finished(result)``, ``failed(message)``, ``progressed(done, total, text)``."""

    finished = Signal(object)
    failed = Signal(str)
    progressed = Signal(int, int, str)
    cancelledSignal = Signal()

    _alive: set["Task"] = set()

    def __init__(self, fn: Callable[[TaskContext], Any], name: str = ""):
        super().__init__()
        self.fn, self.name = fn, name
        self._cancel = threading.Event()
        self._relay = _Relay()
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._relay.progress.connect(self._on_progress)
        self.running = False
        self.error_details = ""

    def cancel(self) -> None:
        self._cancel.set()

    def detach(self) -> None:
        """Cancels the task and disconnects every listener (e.g. the window that started it is closing)."""
        self._cancel.set()
        for signal in (self.finished, self.failed, self.progressed, self.cancelledSignal):
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):  # nothing was connected
                pass

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def start(self) -> "Task":
        Task._alive.add(self)
        self.running = True
        QThreadPool.globalInstance().start(_Runnable(self))
        return self

    @Slot(object)
    def _on_done(self, result: object) -> None:
        self.running = False
        Task._alive.discard(self)
        if self._cancel.is_set():
            self.cancelledSignal.emit()
        else:
            self.finished.emit(result)

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        self.running = False
        self.error_details = details
        Task._alive.discard(self)
        if self._cancel.is_set():
            self.cancelledSignal.emit()
        else:
            self.failed.emit(message)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, text: str) -> None:
        if not self._cancel.is_set():
            self.progressed.emit(done, total, text)


class _Runnable(QRunnable):
    def __init__(self, task: Task):
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        task = self.task
        try:
            result = task.fn(TaskContext(task))
        except Exception as e:  # reported to the user as a message, never as a crash
            _emit(task._relay.failed, str(e) or type(e).__name__, traceback.format_exc())
        else:
            _emit(task._relay.done, result)


def _emit(signal, *args) -> None:
    try:
        signal.emit(*args)
    except RuntimeError:  # the application quit while the task ran: nobody is left to tell
        pass


def run_task(fn: Callable[[TaskContext], Any], on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[str], None] | None = None,
             on_progress: Callable[[int, int, str], None] | None = None, name: str = "") -> Task:
    task = Task(fn, name)
    if on_done:
        task.finished.connect(on_done)
    if on_error:
        task.failed.connect(on_error)
    if on_progress:
        task.progressed.connect(on_progress)
    return task.start()


def show_progress(bar, done: int, total: int) -> None:
    """Puts ``done`` of ``total`` on a QProgressBar; an unknown total (0) shows the busy indicator."""
    if total > 0:
        bar.setRange(0, total)
        bar.setValue(done)
    else:
        bar.setRange(0, 0)
