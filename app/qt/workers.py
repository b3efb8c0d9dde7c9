"""The one way the app runs long work off the GUI thread: a :class:`Task` on Qt's global thread pool.

``run_task(fn, on_done=..., on_error=..., on_progress=..., on_cancelled=...)`` runs ``fn(ctx)``
in a worker thread.  The work reports progress with the engine's protocol,
``ctx.progress(done, total, message)`` (:class:`deplab.parser.progress.Progress`), and stops when
``ctx.cancelled()`` is true, either by returning or by raising
:class:`deplab.parser.progress.Cancelled` (``ctx.check()`` does that).  The callbacks are always
called on the GUI thread.  A task keeps no reference to its result once delivered, and nobody
parents it to a long-lived widget: a finished task is freed (re-opening a file must not keep the
previous document alive).
"""
from __future__ import annotations

import gc
import threading
import time
import traceback
import warnings
from contextlib import contextmanager
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from deplab.parser.callbacks import TrainingCallbacks
from deplab.parser.progress import Cancelled, check


_gc_lock = threading.Lock()
_gc_pauses = 0


@contextmanager
def collector_paused(freeze: bool = False):
    """No cyclic garbage collection while a worker builds or reads a large structure (a 12,000-sentence
    treebank is millions of objects): each full collection would traverse them all holding the GIL,
    and the window would stall for up to a second.  Reference counting still frees memory.

    ``freeze``: afterwards, move every object alive into the collector's permanent generation
    (``gc.freeze``) so that no later collection traverses the document just read; its sentences hold
    no reference cycles and are freed by reference counting when the document is closed."""
    global _gc_pauses
    with _gc_lock:
        _gc_pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if freeze:
                gc.freeze()
            if _gc_pauses == 0:
                gc.enable()


class TaskContext:
    """What the work sees of its task: progress reporting and the cancel flag."""

    def __init__(self, task: "Task"):
        self._task = task

    def progress(self, done: int, total: int, message: str = "") -> None:
        _emit(self._task._relay.progress, int(done), int(total), message)

    def cancelled(self) -> bool:
        return self._task._cancel.is_set()

    def check(self) -> None:
        """Raises :class:`Cancelled` once the user asked to stop."""
        check(self.cancelled)


class TaskCallbacks(TrainingCallbacks):
    """A training run's callbacks inside a task (:class:`deplab.parser.callbacks.TrainingCallbacks`): its
    progress and cancel are the task's; each epoch's scores go to ``epoch_end(run, epoch, scores)`` when
    given (e.g. a signal's ``emit``: the GUI thread draws them); log lines are dropped."""

    def __init__(self, ctx: TaskContext, epoch_end: Callable[[str, int, dict], None] | None = None):
        self.ctx, self._epoch_end = ctx, epoch_end

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.ctx.progress(done, total, message)

    def cancelled(self) -> bool:
        return self.ctx.cancelled()

    def epoch_end(self, run: str, epoch: int, scores: dict) -> None:
        if self._epoch_end is not None:
            self._epoch_end(run, epoch, scores)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal()
    progress = Signal(int, int, str)


class Task(QObject):
    """One background job; emits ``finished(result)``, ``failed(message)``, ``progressed(done, total,
    message)`` or ``cancelledSignal()``, always on the GUI thread."""

    finished = Signal(object)
    failed = Signal(str)
    progressed = Signal(int, int, str)
    cancelledSignal = Signal()

    _alive: set["Task"] = set()  # running tasks (a task must outlive its worker); discarded when done

    def __init__(self, fn: Callable[[TaskContext], Any], name: str = ""):
        super().__init__()
        self.fn, self.name = fn, name
        self._cancel = threading.Event()
        self._relay = _Relay()
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._relay.cancelled.connect(self._on_cancelled)
        self._relay.progress.connect(self._on_progress)
        self.running = False
        self.error_details = ""

    def cancel(self) -> None:
        self._cancel.set()

    def detach(self) -> None:
        """Cancels the task and disconnects every listener (e.g. the window that started it is closing)."""
        self._cancel.set()
        for signal in (self.finished, self.failed, self.progressed, self.cancelledSignal):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # PySide warns when nothing was connected
                try:
                    signal.disconnect()
                except (RuntimeError, TypeError):
                    pass

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def start(self) -> "Task":
        Task._alive.add(self)
        self.running = True
        QThreadPool.globalInstance().start(_Runnable(self))
        return self

    def wait(self, timeout_s: float = 60.0) -> "Task":
        """Runs the event loop until the task is done (scripts and tests; the window keeps repainting)."""
        deadline = time.monotonic() + timeout_s
        app = QCoreApplication.instance()
        while self.running and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.002)
        app.processEvents()
        return self

    def _end(self) -> None:
        self.running = False
        self.fn = None  # the closure may hold large inputs (a document's sentences)
        Task._alive.discard(self)

    @Slot(object)
    def _on_done(self, result: object) -> None:
        self._end()
        if self._cancel.is_set():
            self.cancelledSignal.emit()
        else:
            self.finished.emit(result)

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        self._end()
        self.error_details = details
        if self._cancel.is_set():
            self.cancelledSignal.emit()
        else:
            self.failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._end()
        self.cancelledSignal.emit()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        if not self._cancel.is_set():
            self.progressed.emit(done, total, message)


class _Runnable(QRunnable):
    def __init__(self, task: Task):
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        task, self.task = self.task, None
        try:
            result = task.fn(TaskContext(task))
        except Cancelled:
            _emit(task._relay.cancelled)
        except Exception as e:  # reported to the user as a message, never as a crash
            _emit(task._relay.failed, str(e) or type(e).__name__, traceback.format_exc())
        else:
            _emit(task._relay.done, result)
            del result


def _emit(signal, *args) -> None:
    try:
        signal.emit(*args)
    except RuntimeError:  # the application quit while the task ran: nobody is left to tell
        pass


def run_task(fn: Callable[[TaskContext], Any], on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[str], None] | None = None,
             on_progress: Callable[[int, int, str], None] | None = None, name: str = "",
             on_cancelled: Callable[[], None] | None = None) -> Task:
    task = Task(fn, name)
    if on_done:
        task.finished.connect(on_done)
    if on_error:
        task.failed.connect(on_error)
    if on_progress:
        task.progressed.connect(on_progress)
    if on_cancelled:
        task.cancelledSignal.connect(on_cancelled)
    return task.start()


def show_progress(bar, done: int, total: int) -> None:
    """Puts ``done`` of ``total`` on a QProgressBar; an unknown total (0) shows the busy indicator."""
    if total > 0:
        bar.setRange(0, total)
        bar.setValue(done)
    else:
        bar.setRange(0, 0)
