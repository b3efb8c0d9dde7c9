"""The teaching actions of the main window: lecture-ready exports, the Practice mode, the layouts and
the help pages. :func:`install_teaching` adds them to a :class:`~.main_window.MainWindow` (one call
there); every action is registered in ``window.actions_by_name`` so Help ▸ Keyboard Shortcuts lists it.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

from . import export
from .workers import Task, collector_paused, run_task


def _save_path(window, title: str, name: str, filt: str, ext: str) -> str | None:
    start = str(Path(window.settings.value("export/dir", str(Path.home()))) / name)
    path, _ = QFileDialog.getSaveFileName(window, title, start, filt)
    if not path:
        return None
    if ext and not path.lower().endswith("." + ext):
        path += "." + ext
    window.settings.setValue("export/dir", str(Path(path).parent))
    return path


def _fail(window, e: Exception) -> None:
    QMessageBox.warning(window, "Export failed", str(e))


def export_sequence(window, path: str, fmt: str) -> None:
    """The current trace (model or oracle) as a textbook table in ``path``."""
    ws = window.workspace
    if ws.trace is None:
        raise ValueError("no transition sequence: parse a sentence first")
    who = "the parser" if ws.mode == "model" else f"the {ws.system_name} oracle"
    caption = f"The transitions of {who} for “{' '.join(ws.forms)}”."
    export.export_sequence(ws.trace, path, fmt, caption)


def _sequence_dialog(window, fmt: str) -> None:
    if window.workspace.trace is None:
        return
    filt = {"tex": "LaTeX (*.tex)", "md": "Markdown (*.md)", "csv": "CSV (*.csv)"}[fmt]
    path = _save_path(window, "Export the transition sequence", f"transitions.{fmt}", filt, fmt)
    if path:
        try:
            export_sequence(window, path, fmt)
        except (OSError, ValueError) as e:
            return _fail(window, e)
        window.statusBar().showMessage(f"Exported {path}", 5000)


def _decorations(window) -> bool:
    return window.actions_by_name["export_decorations"].isChecked()


def export_run(window, fmt: str, target: str, decorations: bool | None = None) -> Task | None:
    """Exports the whole run on screen in the background: ``fmt`` "png" or "svg" (numbered frames in the
    folder ``target``) or "gif" (the file ``target``), with a progress dialog and Cancel; a cancelled or
    failed export leaves no file (:func:`.export.write_frames`, :func:`.export.write_gif`).  The steps are
    read from the workspace here, so stepping or parsing meanwhile does not change what is exported.
    Returns the task (None when another export is still running)."""
    running = getattr(window, "export_task", None)
    if running is not None and running.running:
        window.statusBar().showMessage("An export is still running: wait for it or cancel it", 5000)
        return None
    frames = export.run_frames(window.workspace, _decorations(window) if decorations is None else decorations)
    what = "an animated GIF" if fmt == "gif" else f"{fmt.upper()} frames"
    dialog = QProgressDialog(f"Exporting the run as {what} ({len(frames)} steps)…", "Cancel", 0, len(frames), window)
    dialog.setWindowTitle("Export")
    dialog.setWindowModality(Qt.WindowModality.NonModal)  # the window stays usable (a modal one would nest
    # the event loop in each setValue); a second export is refused while this one runs
    dialog.setMinimumDuration(300)  # short exports finish before it shows
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    dialog.setValue(0)

    def work(ctx):
        with collector_paused():  # a full collection in this thread would hold the GIL (stall the window)
            if fmt == "gif":
                return export.write_gif(frames, target, progress=ctx.progress, cancelled=ctx.cancelled)
            return len(export.write_frames(frames, target, fmt, progress=ctx.progress, cancelled=ctx.cancelled))

    def progressed(done, total, message):
        dialog.setMaximum(total)
        dialog.setValue(done)
        dialog.setLabelText(f"Exporting the run as {what}: {message} ({done} of {total})…")

    def end():
        window.destroyed.disconnect(task.detach)
        dialog.canceled.disconnect(task.cancel)
        dialog.close()
        dialog.deleteLater()
        window.export_task = window.export_dialog = None

    def done(n):
        end()
        if fmt == "gif":
            window.statusBar().showMessage(f"Exported {target} ({n} frames)", 5000)
        else:
            window.settings.setValue("export/dir", str(target))
            window.statusBar().showMessage(f"Wrote {n} frames to {target}", 5000)

    def failed(message):
        end()
        QMessageBox.warning(window, "Export failed", message)

    def cancelled():
        end()
        window.statusBar().showMessage("Export cancelled: nothing was written", 5000)
    task = run_task(work, on_done=done, on_error=failed, on_progress=progressed, on_cancelled=cancelled,
                    name="export the run")
    dialog.canceled.connect(task.cancel)
    window.destroyed.connect(task.detach)  # the window closed meanwhile: nobody is told
    window.export_task, window.export_dialog = task, dialog
    return task


def _frames_dialog(window, fmt: str) -> None:
    if window.workspace.trace is None:
        return
    start = str(Path(window.settings.value("export/dir", str(Path.home()))))
    folder = QFileDialog.getExistingDirectory(window, f"Folder for the {fmt.upper()} frames", start)
    if folder:
        export_run(window, fmt, folder)


def _gif_dialog(window) -> None:
    if window.workspace.trace is None:
        return
    if not export.gif_available():
        QMessageBox.information(window, "Animated GIF", "Writing GIFs needs Pillow (pip install pillow).")
        return
    path = _save_path(window, "Export the run as an animated GIF", "run.gif", "GIF image (*.gif)", "gif")
    if path:
        export_run(window, "gif", path)


def show_treebank_sentence(window, i: int) -> None:
    """The treebank sentence ``i`` in the stepper (its tree is the oracle's gold tree); the model's
    trace of it is computed in a background task (:meth:`.sentence_controller.SentenceController.show_sentence`)."""
    doc = getattr(window.annotation, "doc", None)
    if doc is not None and 0 <= i < len(doc):
        window.show_sentence(doc[i].copy(), gold=True)


def _follow_selection(window, i: int) -> None:
    """Shows the selected sentence in the stepper once the event loop is back (quick arrow-key scrolling shows
    only the last); while the stepper is hidden (Annotate) only once it is shown again, so opening a treebank
    or moving between sentences there costs the window nothing for a view nobody sees."""
    first = getattr(window, "_teach_pending_sentence", None) is None
    window._teach_pending_sentence = i

    def show():
        k, window._teach_pending_sentence = window._teach_pending_sentence, None
        if k is not None:
            show_treebank_sentence(window, k)
    central = window.centralWidget()
    if central is not None and central.isHidden():
        if getattr(window, "_teach_when_shown", None) is None:
            window._teach_when_shown = _WhenShown(central, show)
        return
    if first:
        QTimer.singleShot(0, show)


class _WhenShown(QObject):
    """Runs ``action`` once, after ``widget`` is next shown."""

    def __init__(self, widget, action):
        super().__init__(widget)
        self.action = action
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Show:
            obj.removeEventFilter(self)
            window = obj.window()
            window._teach_when_shown = None
            QTimer.singleShot(0, self.action)
            self.deleteLater()
        return False


class _SaveOnClose(QObject):
    """Saves the current layout's arrangement when the window closes."""

    def __init__(self, window, layouts):
        super().__init__(window)
        self.layouts = layouts

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Close:
            self.layouts.save()
        return False


def install_teaching(window) -> None:
    """Adds the teaching menus and actions to ``window``."""
    A = window._action
    m = window.menus["export"]
    m.addSeparator()
    A("export_decorations", "Tree With the Stepper's &Decorations", None, None, "export", checkable=True,
      tip="Export the tree as the stepper shows it (stack tint, s1/b1 badges, newest arc); off: the plain tree")
    m.addSeparator()
    seq = m.addMenu("Transition &Sequence")
    window.menus["export_sequence"] = seq
    A("export_seq_tex", "As &LaTeX (booktabs)…", lambda: _sequence_dialog(window, "tex"), None, "export_sequence")
    A("export_seq_md", "As &Markdown…", lambda: _sequence_dialog(window, "md"), None, "export_sequence")
    A("export_seq_csv", "As &CSV…", lambda: _sequence_dialog(window, "csv"), None, "export_sequence")
    run = m.addMenu("Whole &Run")
    window.menus["export_run"] = run
    A("export_frames_png", "As Numbered &PNG Frames…", lambda: _frames_dialog(window, "png"), None, "export_run")
    A("export_frames_svg", "As Numbered &SVG Frames…", lambda: _frames_dialog(window, "svg"), None, "export_run")
    A("export_gif", "As Animated &GIF…", lambda: _gif_dialog(window), None, "export_run")

    # why this transition: the features view explains the loaded model's decisions
    features = window.view.features
    window.pipelineChanged.connect(lambda p: features.set_model(p.model if p is not None else None))
    if window.pipeline is not None:
        features.set_model(window.pipeline.model)

    # Practice: the student chooses the next transition (app/qt/quiz_view.py)
    from .quiz_view import PracticeView
    window.practice = PracticeView(window)
    dock = window.add_dock(window.practice, "Practice", Qt.DockWidgetArea.RightDockWidgetArea, name="dock_practice")
    dock.hide()  # until opened; the layout's saved arrangement (app/qt/layouts.py) reopens it

    def practise():
        dock.show()
        dock.raise_()
        window.practice.practise_current()
    A("practice", "&Practice: Choose the Next Transition", practise, "Ctrl+P", "parse",
      tip="Practise the sentence on screen: you choose each transition, the oracle judges it")

    # layouts: Teach, Annotate, Lab (app/qt/layouts.py)
    from .layouts import install_layouts
    layouts = install_layouts(window)
    window.installEventFilter(_SaveOnClose(window, layouts))

    # help pages
    from .shortcuts_help import ShortcutsDialog, StepperHelpDialog
    help_menu = window.menus["help"]
    first = help_menu.actions()[0] if help_menu.actions() else None
    a1 = A("help_stepper", "How the &Stepper Works", lambda: StepperHelpDialog(window).exec(), None, None,
           tip="A first page for students: configurations, transitions, the panels, the keys")
    a2 = A("help_shortcuts", "&Keyboard Shortcuts", lambda: ShortcutsDialog(window).exec(), "F1", None,
           tip="Every keyboard shortcut of the window")
    help_menu.insertActions(first, [a1, a2])
    help_menu.insertSeparator(first)

    # selecting a sentence in the Sentences list shows it in the stepper
    annotation = getattr(window, "annotation", None)
    if annotation is not None and hasattr(annotation, "currentChanged"):
        annotation.currentChanged.connect(lambda i: _follow_selection(window, i))

    def update(*_):
        has = window.workspace.trace is not None
        for name in ("export_seq_tex", "export_seq_md", "export_seq_csv", "export_frames_png",
                     "export_frames_svg", "export_gif", "practice"):
            window.actions_by_name[name].setEnabled(has)
    for sig in window.workspace.trace_signals:
        sig.connect(update)
    update()
