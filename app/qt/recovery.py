"""Autosave and crash recovery for treebank documents.

While a document has unsaved edits, :class:`Autosaver` writes its recovery
file every few seconds (only when something changed since the last write),
atomically, into ``recovery/`` of the user's data folder
(:func:`deplab.parser.paths.recovery_dir`; ``$DEPLAB_DATA_DIR/recovery`` when set).
The window never waits for it: each changed sentence is serialised once, when
it changes, and the file is written by a background task.  The file records which
CoNLL-U file it belongs to and the id of the process that wrote it; saving,
or closing without saving, deletes it.  At the next start,
:func:`find_orphans` lists recovery files whose process is gone (a crash,
``kill -9``) and :func:`offer_recovery` asks the user to restore them.
"""
from __future__ import annotations

import hashlib
import os
import time
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from deplab.app.model import recovery_file
from deplab.app.model.document import Document, RecoveryError, RecoveryInfo
from deplab.parser import paths

from .workers import run_task

AUTOSAVE_MS = 3000
SUFFIX = ".deplab-recovery.json"


def recovery_dir() -> str:
    """Where recovery files go: ``recovery/`` in the user's data folder (created on first use)."""
    return str(paths.recovery_dir())


def recovery_path(doc: Document, session: str | None = None) -> str:
    """One recovery file per document and process: named after the file's path."""
    key = doc.path or f"untitled-{session or id(doc)}"
    digest = hashlib.sha1(f"{key}|{os.getpid()}".encode()).hexdigest()[:16]
    stem = os.path.splitext(doc.name)[0][:40] if doc.path else "untitled"
    return os.path.join(recovery_dir(), f"{stem}-{digest}{SUFFIX}")


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    # a zombie (killed child not yet reaped) counts as dead
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def find_orphans() -> list[RecoveryInfo]:
    """Recovery files left by processes that are no longer running, newest first."""
    out = []
    d = recovery_dir()
    for name in os.listdir(d):
        if not name.endswith(SUFFIX):
            continue
        path = os.path.join(d, name)
        try:
            info = Document.read_recovery_info(path)
        except RecoveryError:
            continue
        if not _alive(info.pid):
            out.append(info)
    return sorted(out, key=lambda i: -i.saved_at)


def discard(info: RecoveryInfo | str) -> None:
    path = info.path if isinstance(info, RecoveryInfo) else info
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def restore(info: RecoveryInfo) -> tuple[Document, str]:
    """The recovered document and a note on how it was restored; removes nothing."""
    try:
        return Document.from_recovery(info.path), f"restored the unsaved edits of {info.name}"
    except RecoveryError as e:
        if info.source is None:
            raise
        doc = Document.from_recovery(info.path, detached=True)
        return doc, f"{e}. The {len(doc)} edited sentence(s) were restored as a new document."


def offer_recovery(parent: QWidget | None, open_document: Callable[[Document, str], None],
                   ask: Callable[[RecoveryInfo], str] | None = None) -> list[Document]:
    """Asks about every orphaned recovery file: restore, discard, or keep for later.

    ``ask(info)`` may replace the dialog (returns "restore", "discard" or "later").
    """
    restored = []
    for info in find_orphans():
        choice = (ask or (lambda i: _ask_dialog(parent, i)))(info)
        if choice == "restore":
            try:
                doc, note = restore(info)
            except RecoveryError as e:
                QMessageBox.warning(parent, "Recovery failed", str(e))
                continue
            open_document(doc, note)
            restored.append(doc)
            discard(info)  # the restored document is dirty and will autosave again
        elif choice == "discard":
            discard(info)
    return restored


def _ask_dialog(parent: QWidget | None, info: RecoveryInfo) -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.saved_at))
    where = info.source or "a new, never saved document"
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved edits?")
    box.setText(f"DepLab did not close normally. Unsaved edits to <b>{info.name}</b> "
                f"({info.n_changed} sentence(s), autosaved {when}) can be restored.")
    box.setInformativeText(f"File: {where}")
    restore_b = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    discard_b = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore_b)
    box.exec()
    clicked = box.clickedButton()
    return "restore" if clicked is restore_b else "discard" if clicked is discard_b else "later"


class Autosaver(QObject):
    """Writes the document's recovery file every ``interval_ms`` while it has unsaved edits.

    Incremental: a sentence is serialised once after it changes (``Document.changed`` drops it from
    the cache), not at every tick; serialising and writing run in a background task.
    """

    written = Signal(str)

    def __init__(self, parent: QObject | None = None, interval_ms: int | None = None):
        super().__init__(parent)
        env = os.environ.get("DEPLAB_AUTOSAVE_MS")
        self.interval_ms = interval_ms or (int(env) if env and env.isdigit() else AUTOSAVE_MS)
        self.doc: Document | None = None
        self.path: str | None = None
        self._written_revision: int | None = None
        self._texts: dict[int, str] = {}  # sentence index -> its CoNLL-U text since it last changed
        self._touched: set[int] = set()  # sentences changed since the running write started
        self._task = None
        self.error: str | None = None
        self.last_tick_ms: float | None = None  # time the GUI thread spent in the last tick
        self.timer = QTimer(self)
        self.timer.setInterval(self.interval_ms)
        self.timer.timeout.connect(self.tick)

    def setDocument(self, doc: Document | None) -> None:
        if self.doc is not None:
            self.doc.dirty_changed.disconnect(self._dirty_changed)
            self.doc.path_changed.disconnect(self._path_changed)
            self.doc.changed.disconnect(self._changed)
        self.remove()
        self.doc = doc
        self._written_revision = None
        self._texts = {}
        self.path = recovery_path(doc) if doc is not None else None
        if doc is not None:
            doc.dirty_changed.connect(self._dirty_changed)
            doc.path_changed.connect(self._path_changed)
            doc.changed.connect(self._changed)
            self._dirty_changed(doc.dirty)
        else:
            self.timer.stop()

    def _changed(self, indices) -> None:
        for i in indices:
            self._texts.pop(i, None)  # serialised again at the next tick, once
        self._touched.update(indices)

    def _dirty_changed(self, dirty: bool) -> None:
        if dirty:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()
            self.remove()

    def _path_changed(self, path: str) -> None:
        self.remove()
        self.path = recovery_path(self.doc)

    def tick(self, wait: bool = False) -> None:
        doc = self.doc
        if doc is None or not doc.dirty or self.path is None:
            return
        if self._written_revision == doc.revision or (self._task is not None and self._task.running):
            return
        t0 = time.perf_counter()
        changed = doc.recovery_changed()
        missing = [i for i in changed if i not in self._texts]
        cached = dict(self._texts)
        revision, path = doc.revision, self.path
        self._touched = set()
        self.last_tick_ms = (time.perf_counter() - t0) * 1000

        def work(ctx):  # serialises the sentences changed since the last write, writes the file
            texts = {i: doc[i].to_text() for i in missing}
            cached.update(texts)
            recovery_file.write(path, doc.recovery_record(cached, changed))
            return texts

        def done(texts):
            if self.doc is doc:
                self._texts.update((i, t) for i, t in texts.items() if i not in self._touched)
            if self.doc is doc and self.path == path:
                self.error = None
                self._written_revision = revision
                self.written.emit(path)
            else:  # saved or closed while it was written: the copy is stale
                discard(path)

        def failed(message: str):  # a full disk must not crash the editor; shown in the status bar
            self.error = message
        self._task = run_task(work, on_done=done, on_error=failed, name="autosave")
        if wait:
            self._task.wait()

    def remove(self) -> None:
        if self._task is not None and self._task.running:
            self._task.wait(30)  # a write in flight must not re-create the file after it is removed
        if self.path:
            discard(self.path)
        self._written_revision = None
