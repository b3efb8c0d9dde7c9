"""The treebank's file handling: open, new from text, save, save as, export, close, recent files,
drag and drop.  Reading and writing run in the background (the window never waits on the disk):
a file that is not CoNLL-U is refused at its first bad line with ``file:line: problem`` and the
document on screen stays; saving writes a snapshot of the document while editing goes on."""
from __future__ import annotations

import hashlib
import os

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QDialog, QFileDialog

from deplab.app.model.document import GOLD, Document, EditError
from deplab.app.model.status_codec import UNMARKED_POLICIES
from deplab.app.model.validation import ERROR, check_sentence

from .annotation_widgets import NewFromTextDialog
from .settings import RecentFiles
from .workers import collector_paused, run_task

CONLLU_FILTER = "CoNLL-U (*.conllu *.conll *.conllx);;All files (*)"
CONLLU_SUFFIXES = (".conllu", ".conll", ".conllx")
#: settings: how the complete trees of a file without DepLab status comments are read, per file
UNMARKED_KEY = "treebank/unmarked/"
#: settings: the reading of a file opened for the first time (issue 18: gold by default)
UNMARKED_DEFAULT_KEY = "treebank/unmarked_default"


class FileController(QObject):
    def __init__(self, ctl, settings):
        super().__init__(ctl)
        self.ctl = ctl
        self.settings = settings
        self.recent = RecentFiles(settings)
        self.save_task = None
        window = ctl.window
        ctl.annotator.unmarked_notice.chosen.connect(self.choose_reading)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    # -- dialogs -----------------------------------------------------------------------------
    def open_dialog_path(self) -> str | None:
        doc = self.ctl.doc
        start = os.path.dirname(doc.path) if doc and doc.path else ""
        path, _ = QFileDialog.getOpenFileName(self.ctl.window, "Open CoNLL-U treebank", start, CONLLU_FILTER)
        return path or None

    def save_dialog_path(self) -> str | None:
        doc = self.ctl.doc
        start = doc.path if doc and doc.path else "untitled.conllu"
        path, _ = QFileDialog.getSaveFileName(self.ctl.window, "Save treebank as", start, CONLLU_FILTER)
        if path and not os.path.splitext(path)[1]:
            path += ".conllu"
        return path or None

    # -- opening -------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Asks about unsaved changes; False if the user cancelled."""
        c = self.ctl
        if c.doc is None or not c.doc.dirty:
            return True
        choice = c.ask("Unsaved changes", f"Save the changes to {c.doc.name}?", ("Save", "Don't Save", "Cancel"))
        if choice == "Save":
            return self.save()
        if choice == "Don't Save":
            c.autosaver.remove()
            return True
        return False

    def open_dialog(self) -> None:
        path = self.ctl.get_open_path()
        if path:
            self.open_path(path)

    def open_path(self, path: str, wait: bool = False) -> None:
        """Opens a CoNLL-U file in the background (``wait=True`` returns when it is shown or refused)."""
        c = self.ctl
        if not c.idle():
            c.status("Busy: wait for the current task or cancel it")
            return
        if not self.maybe_save():
            return
        path = os.path.abspath(path)
        remembered = self.remembered_reading(path)
        policy = remembered or self.default_reading()

        def work(ctx):
            with collector_paused(freeze=True):
                doc = Document.open(path, progress=lambda f: ctx.progress(int(f * 100), 100, "reading"),
                                    cancelled=ctx.cancelled)
                doc.set_unmarked(policy)
                return doc, (len(doc.unmarked_indices()) if remembered is None else 0)

        def refused(msg):
            c.show_error("Cannot open the file", msg)
            c.openFinished.emit(None)
        c.run(work, f"Opening {os.path.basename(path)}", lambda out: self._opened(*out), refused, wait)

    def _opened(self, doc: Document, ask_reading: int = 0) -> None:
        """Shows the opened document; ``ask_reading`` complete trees without status comments, in a file
        opened for the first time, make the reading notice appear."""
        c = self.ctl
        c.set_document(doc, paint_first=True)
        self.recent.add(doc.path)
        c.status(f"Opened {doc.name}: {len(doc)} sentences")
        notice = c.annotator.unmarked_notice
        if ask_reading:  # asked once per file; the answer is remembered
            self.remember_reading(doc.path, doc.unmarked)
            notice.ask(doc.name, ask_reading, doc.unmarked)
        else:
            notice.hide()
        c.openFinished.emit(doc)

    # -- how a file without DepLab status comments is read (issue 18) -------------------------------
    @staticmethod
    def _reading_key(path: str) -> str:
        return UNMARKED_KEY + hashlib.sha1(os.path.abspath(path).encode("utf-8")).hexdigest()[:16]

    def remembered_reading(self, path: str) -> str | None:
        value = self.settings.value(self._reading_key(path))
        return value if value in UNMARKED_POLICIES else None

    def remember_reading(self, path: str, policy: str) -> None:
        self.settings.setValue(self._reading_key(path), policy)

    def default_reading(self) -> str:
        value = self.settings.value(UNMARKED_DEFAULT_KEY, GOLD)
        return value if value in UNMARKED_POLICIES else GOLD

    def set_default_reading(self, policy: str) -> None:
        self.settings.setValue(UNMARKED_DEFAULT_KEY, policy)

    def choose_reading(self, policy: str) -> None:
        """The answer to the notice: re-reads the current file's unmarked trees and remembers it."""
        doc = self.ctl.doc
        if doc is None:
            return
        changed = doc.set_unmarked(policy)
        if doc.path:
            self.remember_reading(doc.path, policy)
        self.ctl.update_actions()
        self.ctl.status(f"{len(changed)} sentence{'s' if len(changed) != 1 else ''} now read as {policy}")

    def new_from_text_dialog(self) -> None:
        dlg = NewFromTextDialog(self.ctl.window)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self.new_from_text(dlg.edit.toPlainText(), parse=dlg.parse.isChecked())

    def new_from_text(self, text: str, parse: bool = False, wait: bool = False) -> bool:
        c = self.ctl
        if not self.maybe_save():
            return False
        try:
            doc = Document.from_text(text, c.tokenizer)
        except EditError as e:
            c.refuse(str(e))
            return False
        c.set_document(doc)
        if parse:
            c.parse_unannotated(wait=wait)
        return True

    def close_document(self) -> bool:
        if not self.maybe_save():
            return False
        self.ctl.set_document(None)
        return True

    # -- saving ----------------------------------------------------------------------------------
    def save(self, wait: bool = True) -> bool:
        doc = self.ctl.doc
        if doc is None:
            return False
        if not doc.path:
            return self.save_as(wait)
        return self.save_to(doc.path, wait)

    def save_as(self, wait: bool = True) -> bool:
        if self.ctl.doc is None:
            return False
        path = self.ctl.get_save_path()
        if not path:
            return False
        return self.save_to(path, wait)

    def _confirm(self, path: str) -> bool:
        """Flagged errors in the changed sentences, a file changed on disk: the user decides.
        The sentences are checked in the background (the event loop runs meanwhile)."""
        c, doc = self.ctl, self.ctl.doc
        modified = doc.modified_indices()
        found = {}
        run_task(lambda ctx: flagged_errors(doc, modified), on_done=lambda r: found.update(errors=r),
                 name="check").wait(300)
        errors = found.get("errors", [])
        if errors:
            lines = [f"sentence {i + 1}, word {xs[0].word}: {xs[0].message}" for i, xs in errors[:8]]
            more = f"\n… and {len(errors) - 8} more sentences" if len(errors) > 8 else ""
            n = sum(len(xs) for _, xs in errors)
            choice = c.ask("Flagged errors", f"{n} error(s) in {len(errors)} changed sentence(s):\n"
                           + "\n".join(lines) + more + "\n\nSave anyway?", ("Save Anyway", "Cancel"))
            if choice != "Save Anyway":
                c.go_to(errors[0][0])
                return False
        same = doc.path and os.path.abspath(path) == doc.path
        if same and doc.changed_on_disk():
            choice = c.ask("File changed on disk", f"{doc.name} was changed by another program since it was "
                           "opened. Overwrite it with your version?", ("Overwrite", "Cancel"))
            if choice != "Overwrite":
                return False
        return True

    def save_to(self, path: str, wait: bool = True) -> bool:
        """Saves in the background: the bytes are put together (untouched sentences are slices of the
        file read), written and renamed in a worker while editing goes on; a sentence edited meanwhile
        stays unsaved.  ``wait`` returns the outcome (the event loop runs meanwhile); else True once
        the write started."""
        c, doc = self.ctl, self.ctl.doc
        if self.save_task is not None and self.save_task.running:
            c.status("Still saving: wait a moment")
            return False
        if not self._confirm(path):
            return False
        outcome = {}
        touched: set[int] = set()
        doc.changed.connect(touched.update)
        stack_index = c.stack.index() if c.stack is not None else None

        def work(ctx):
            with collector_paused():
                job = doc.prepare_save(path)
            Document.write(job)
            return job

        def done(job):
            doc.changed.disconnect(touched.update)
            outcome["ok"] = True
            doc.finish_save(job, touched)
            if c.doc is not doc:
                return
            if c.stack is not None and c.stack.index() == stack_index:
                c.stack.setClean()
            if not doc.dirty:
                c.autosaver.remove()
            self.recent.add(doc.path)
            c.status(f"Saved {doc.name}")
            c.update_actions()

        def failed(msg):
            doc.changed.disconnect(touched.update)
            outcome["ok"] = False
            target = os.path.abspath(path)
            c.show_error("Cannot save", msg if target in msg else f"{target}: {msg}")
        self.save_task = run_task(work, on_done=done, on_error=failed, name="save")
        c.status(f"Saving {os.path.basename(path)}…")
        if not wait:
            return True
        self.save_task.wait(300)
        return outcome.get("ok", False)

    def export_clean(self, path: str | None = None) -> bool:
        c = self.ctl
        if c.doc is None:
            return False
        path = path or c.get_save_path()
        if not path:
            return False
        if c.doc.path and os.path.abspath(path) == c.doc.path:
            c.show_error("Export", "Choose another file: the treebank itself keeps its DepLab comments")
            return False
        try:
            n = c.doc.export_clean(path)
        except OSError as e:
            c.show_error("Cannot export", f"{path}: {e}")
            return False
        c.status(f"Exported {os.path.basename(path)} ({n} sentence(s) without DepLab comments)")
        return True

    # -- recent files ----------------------------------------------------------------------------
    def fill_recent(self, menu) -> None:
        menu.clear()
        items = self.recent.paths()
        for p in items:
            a = menu.addAction(os.path.basename(p))
            a.setToolTip(p)
            a.setStatusTip(p)
            a.setEnabled(os.path.exists(p))
            a.triggered.connect(lambda _=False, p=p: self.open_path(p))
        if not items:
            a = menu.addAction("(no recent files)")
            a.setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear List", self.recent.clear)

    # -- window events: drag and drop, close ------------------------------------------------------
    def eventFilter(self, obj, ev) -> bool:
        c = self.ctl
        if obj is c.window:
            t = ev.type()
            if t in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
                if dropped_path(ev.mimeData()):
                    ev.acceptProposedAction()
                    return True
            elif t == QEvent.Type.Drop:
                path = dropped_path(ev.mimeData())
                if path:
                    ev.acceptProposedAction()
                    QTimer.singleShot(0, lambda: self.open_path(path))
                    return True
            elif t == QEvent.Type.Close:
                if c.task is not None and c.task.running:
                    c.task.detach()
                if self.save_task is not None and self.save_task.running:
                    self.save_task.wait(60)
                if not self.maybe_save():
                    ev.ignore()
                    return True
                c.autosaver.remove()
        return super().eventFilter(obj, ev)


def dropped_path(mime) -> str | None:
    """The first local CoNLL-U file of a drop, if any."""
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            p = url.toLocalFile()
            if p.lower().endswith(CONLLU_SUFFIXES) and os.path.isfile(p):
                return p
    return None


def flagged_errors(doc: Document, indices: list[int]) -> list[tuple[int, list]]:
    """(sentence, its ERROR issues) for the given sentences that have any (any thread: only reads)."""
    out = []
    with collector_paused():
        return _flagged(doc, indices, out)


def _flagged(doc: Document, indices: list[int], out: list) -> list:
    for i in indices:
        xs = [x for x in check_sentence(doc[i]) if x.severity == ERROR]
        if xs:
            out.append((i, xs))
    return out
