"""DepLab's main window: the sentence workspace in the centre, menus, docks, status bar.

Extension points for other panels (annotation, lab):

* ``self.menus["file" | "edit" | "view" | "parse" | "help"]`` — the menus;
* ``self.add_dock(widget, title, area)`` — a dock whose toggle appears under
  View and whose place is remembered between runs;
* ``self.pipeline`` and the ``pipelineChanged(object)`` signal — the loaded
  engine pipeline (``parser.pipeline.Pipeline``) or None;
* ``self.show_sentence(sentence, gold=True)`` — study a (treebank) sentence in
  the workspace: model trace if a model is loaded, oracle trace from its tree.
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStringListModel, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QCompleter, QDockWidget, QFileDialog, QLabel, QMainWindow, QMenu,
                               QMessageBox, QProgressBar, QPushButton, QWidget)

from deplab.app.model.workspace import MODEL, ORACLE, Workspace
from deplab.parser.bundled import DEFAULT_MODEL_DIR, bundled_models
from deplab.parser.conllu import Sentence

from deplab import __version__

from . import export
from .sentence_controller import LONG_INPUT, SentenceController  # noqa: F401  (LONG_INPUT re-exported)
from .settings import app_settings
from .workers import Task, run_task, show_progress
from .workspace_view import SentenceWorkspaceView

MAX_RECENT = 20


def default_settings() -> QSettings:
    """The settings store of a window made without one (:func:`.settings.app_settings`)."""
    return app_settings()


class MainWindow(QMainWindow):
    pipelineChanged = Signal(object)

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings if settings is not None else default_settings()
        self.setWindowTitle("DepLab")
        self.setObjectName("DepLabMainWindow")
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.pipeline = None
        self.model_error = ""
        self.workspace = Workspace()
        self.view = SentenceWorkspaceView(self.workspace)
        self.arc_view = self.view.arc_view
        self.setCentralWidget(self.view)
        self.menus: dict[str, QMenu] = {}
        self.actions_by_name: dict[str, QAction] = {}
        self.docks: dict[str, QDockWidget] = {}
        self._load_task: Task | None = None
        self._pending_text: str | None = None
        self.last_parse_ms: float | None = None
        self.recent_inputs: list[str] = []
        self._completer_model = QStringListModel()
        self._build_status_bar()
        self._build_menus()
        completer = QCompleter(self._completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.view.input.setCompleter(completer)
        self.sentences = SentenceController(self)
        self.view.parseRequested.connect(self.parse_text)
        self.view.sentenceChosen.connect(self.select_batch_sentence)
        self.workspace.changed.connect(self._update_actions)
        self.workspace.mode_changed.connect(lambda *_: self._update_actions())
        # stepping changes no action's state: the actions listen to the trace and the mode only
        self.view.controls.playingChanged.connect(self._playing_changed)
        self.resize(1360, 860)
        from .compression_tab import install_compression  # Lab dock ▸ Compression (before restoring the layout)
        install_compression(self)
        from .finetune_tab import install_finetune  # Lab dock ▸ Fine-tuning
        install_finetune(self)
        self.restore_layout()
        from .annotation import install_annotation  # treebank annotation: File/Edit/Parse actions, docks
        self.annotation = install_annotation(self)
        from .teach_actions import install_teaching  # teaching: lecture exports, Practice, layouts, help
        install_teaching(self)
        self._update_actions()

    # -- building -------------------------------------------------------------------------
    def _action(self, name: str, text: str, slot=None, shortcut=None, menu: str | None = None,
                checkable: bool = False, tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.setCheckable(checkable)
        if slot is not None:
            (a.toggled if checkable else a.triggered).connect(slot)
        self.addAction(a)
        if menu:
            self.menus[menu].addAction(a)
        self.actions_by_name[name] = a
        return a

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for key, title in (("file", "&File"), ("edit", "&Edit"), ("view", "&View"), ("parse", "&Parse"),
                           ("help", "&Help")):
            self.menus[key] = bar.addMenu(title)
        A = self._action
        A("open_model", "Open &model…", self.choose_model, QKeySequence.StandardKey.Open, "file",
          tip="Load a DepLab model folder")
        self.bundled_menu = self.menus["file"].addMenu("Bundled mo&dels")
        self.bundled_group = QActionGroup(self)  # the model in use is checked
        self.bundled_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.bundled_actions: dict[Path, QAction] = {}
        for path, summary in bundled_models():
            label = f"{path.name}{' (default)' if path == DEFAULT_MODEL_DIR else ''}: {summary}"
            act = self.bundled_menu.addAction(
                label, lambda p=path: self.load_model(None if p == DEFAULT_MODEL_DIR else p))
            act.setCheckable(True)
            self.bundled_group.addAction(act)
            self.bundled_actions[Path(path).resolve()] = act
        self.recent_menu = self.menus["file"].addMenu("&Recent inputs")
        self.menus["file"].addSeparator()
        export_menu = self.menus["file"].addMenu("&Export tree")
        self.menus["export"] = export_menu
        A("export_svg", "As &SVG…", lambda: self.export_dialog("svg"), None, "export")
        A("export_png", "As &PNG…", lambda: self.export_dialog("png"), None, "export")
        A("export_tex", "As &LaTeX (tikz-dependency)…", lambda: self.export_dialog("tex"), None, "export")
        self.menus["file"].addSeparator()
        A("quit", "&Quit", self.close, QKeySequence.StandardKey.Quit, "file")

        A("focus_input", "&Focus the input line", self.focus_input, "Ctrl+L", "edit")
        A("copy_conllu", "&Copy sentence as CoNLL-U", self.copy_conllu, "Ctrl+Shift+C", "edit")

        A("zoom_in", "Zoom &in", self.arc_view.zoomIn, QKeySequence.StandardKey.ZoomIn, "view")
        A("zoom_out", "Zoom &out", self.arc_view.zoomOut, QKeySequence.StandardKey.ZoomOut, "view")
        A("fit_width", "&Fit tree to width", self.arc_view.fitToWidth, "Ctrl+0", "view")
        A("actual_size", "&Actual size", self.arc_view.resetZoom, "Ctrl+Shift+0", "view")
        self.menus["view"].addSeparator()
        A("compare_gold", "&Compare with gold tree", self.view.compare_box.setChecked, "Ctrl+G", "view",
          checkable=True, tip="Colour arcs by agreement with the gold tree")
        self.view.compare_box.toggled.connect(self.actions_by_name["compare_gold"].setChecked)
        self.menus["view"].addSeparator()
        self.panels_menu = self.menus["view"].addMenu("&Panels")
        self.menus["panels"] = self.panels_menu

        A("parse", "&Parse the input", lambda: self.view._request_parse(), None, "parse",
          tip="Tokenize, tag and parse the input line (Enter)")
        self.menus["parse"].addSeparator()
        group = QActionGroup(self)
        m = A("mode_model", "&Model mode", lambda on: on and self.set_mode(MODEL), "Ctrl+1", "parse", True)
        o = A("mode_oracle", "&Oracle mode", lambda on: on and self.set_mode(ORACLE), "Ctrl+2", "parse", True)
        group.addAction(m)
        group.addAction(o)
        self.menus["parse"].addSeparator()
        ws = self.workspace
        A("first", "&First step", ws.first, "Home", "parse")
        A("back", "Step &back", ws.back, "Left", "parse")
        A("forward", "Step f&orward", ws.forward, "Right", "parse")
        A("last", "&Last step", ws.last, "End", "parse")
        A("play", "Pl&ay", self.view.controls.toggle_play, "Space", "parse")
        A("divergence", "Go to first &divergence", self.view.controls.goto_divergence, "Ctrl+D", "parse")

        A("how", "&How the parser works", self.show_explanation, None, "help")
        A("about", "&About DepLab", self.about, None, "help")

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.model_label = QLabel("No model")
        self.timing_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_work)
        sb.addPermanentWidget(self.timing_label)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)
        sb.addPermanentWidget(self.model_label)

    def add_dock(self, widget: QWidget, title: str, area=Qt.DockWidgetArea.RightDockWidgetArea,
                 name: str | None = None) -> QDockWidget:
        """Adds a dock panel; its toggle goes to View ▸ Panels and its place is remembered."""
        name = name or "dock_" + re.sub(r"\W+", "_", title.lower()).strip("_")
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.panels_menu.addAction(dock.toggleViewAction())
        self.docks[name] = dock
        self.restoreDockWidget(dock)
        return dock

    # -- settings ---------------------------------------------------------------------------
    def restore_layout(self) -> None:
        s = self.settings
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            self.restoreGeometry(geo)
        state = s.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        for sp in self.view.splitters():
            v = s.value(f"splitters/{sp.objectName()}")
            if isinstance(v, QByteArray) and not v.isEmpty():
                sp.restoreState(v)
        speed = s.value("stepper/speed")
        if speed is not None:
            try:
                self.view.controls.speed.setValue(int(speed))
            except (TypeError, ValueError):
                pass
        recent = s.value("inputs/recent")
        if isinstance(recent, str):
            recent = [recent]
        self.recent_inputs = [str(r) for r in (recent or []) if str(r).strip()][:MAX_RECENT]
        self._refresh_recent()

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        for sp in self.view.splitters():
            s.setValue(f"splitters/{sp.objectName()}", sp.saveState())
        s.setValue("stepper/speed", self.view.controls.speed.value())
        s.setValue("inputs/recent", list(self.recent_inputs))
        s.sync()

    def last_model_dir(self) -> str | None:
        v = self.settings.value("model/last_dir")
        return str(v) if v else None

    def closeEvent(self, e: QCloseEvent) -> None:
        self.view.controls.stop()
        self.save_layout()
        for t in (self._load_task, self._parse_task):
            if t is not None and t.running:
                t.detach()  # it must not call back into a closed window
        super().closeEvent(e)

    def _remember_input(self, text: str) -> None:
        if text in self.recent_inputs:
            self.recent_inputs.remove(text)
        self.recent_inputs.insert(0, text)
        del self.recent_inputs[MAX_RECENT:]
        self.settings.setValue("inputs/recent", list(self.recent_inputs))
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self._completer_model.setStringList(self.recent_inputs)
        self.recent_menu.clear()
        for text in self.recent_inputs:
            label = text if len(text) <= 60 else text[:57] + "…"
            act = self.recent_menu.addAction(label.replace("&", "&&"))
            act.triggered.connect(lambda *_, t=text: self._use_recent(t))
        self.recent_menu.setEnabled(bool(self.recent_inputs))

    def _use_recent(self, text: str) -> None:
        self.view.input.setText(text)
        self.parse_text(text)

    # -- model ----------------------------------------------------------------------------------
    def choose_model(self) -> None:
        start = self.last_model_dir() or str(Path.home())
        d = QFileDialog.getExistingDirectory(self, "Open a DepLab model folder", start)
        if d:
            self.load_model(d)

    def load_model(self, model_dir: str | os.PathLike | None = None) -> Task:
        """Loads a model folder (None: the bundled model) in a worker thread."""
        if self._load_task is not None and self._load_task.running:
            self._load_task.cancel()
        name = "the bundled model" if model_dir is None else os.fspath(model_dir)
        self.model_label.setText(f"Loading {Path(name).name if model_dir else name}…")
        self._busy(True, f"Loading {name}…")

        def work(ctx):
            from deplab.parser.pipeline import Pipeline
            p = Pipeline.load(model_dir)
            ctx.progress(1, 2, "warming up")
            p.warm_up(stop=ctx.cancelled)  # so that the first sentences typed are as fast as the others
            return p

        task = run_task(work, on_done=lambda p: self._model_loaded(p, model_dir),
                        on_error=lambda msg: self._model_failed(msg, name),
                        on_progress=self._on_progress, name="load")
        task.cancelledSignal.connect(lambda: self._busy(False))
        self._load_task = task
        return task

    def is_loading(self) -> bool:
        return self._load_task is not None and self._load_task.running

    def _model_loaded(self, pipeline, model_dir) -> None:
        self._busy(False)
        if model_dir is not None:
            self.settings.setValue("model/last_dir", os.fspath(model_dir))
        else:
            self.settings.remove("model/last_dir")
        self.set_pipeline(pipeline)
        self.statusBar().showMessage("Model loaded.", 4000)
        if self._pending_text:
            text, self._pending_text = self._pending_text, None
            self.parse_text(text)

    def _model_failed(self, message: str, name: str) -> None:
        self._busy(False)
        self.model_error = message
        self.model_label.setText("No model")
        self.model_label.setToolTip(message)
        self.arc_view.setPlaceholder(f"No model loaded ({message}). Use File ▸ Open model…")
        self.statusBar().showMessage(f"Could not load {name}: {message}")
        self._pending_text = None

    def set_pipeline(self, pipeline) -> None:
        """Installs a loaded ``parser.pipeline.Pipeline`` (GUI thread)."""
        self.pipeline = pipeline
        self.model_error = ""
        info = pipeline.describe() if pipeline is not None else None
        self.workspace.transitions = pipeline.transitions if pipeline is not None else None
        self.view.explain.set_model_info(info)
        self.view.features.set_architecture(info.get("arch") if info else None,
                                            info.get("features_read") if info else None)
        self._check_bundled(info.get("path") if info else None)
        if info:
            where = Path(info["path"]).name if info.get("path") else "in memory"
            self.model_label.setText(f"Model: {where} ({info.get('arch')}, {info.get('parameters', 0):,} parameters)")
            self.model_label.setToolTip(str(info.get("path") or ""))
            self.arc_view.setPlaceholder("Type a sentence above and press Enter.")
        else:
            self.model_label.setText("No model")
        # the sentence on screen gets the new model's trace
        ws = self.workspace
        if ws.sentence is not None and pipeline is not None:
            try:
                ws.set_model_trace(pipeline.trace(ws.sentence))
            except Exception as e:  # pragma: no cover - reported, never raised
                self.statusBar().showMessage(f"Could not trace the sentence with the new model: {e}")
        self.pipelineChanged.emit(pipeline)
        self._update_actions()

    def _check_bundled(self, path) -> None:
        """File ▸ Bundled models: a check mark on the model in use (none for another model)."""
        key = Path(path).resolve() if path else None
        for p, act in self.bundled_actions.items():
            act.setChecked(p == key)

    # -- parsing -----------------------------------------------------------------------------------
    # -- the typed sentence (app/qt/sentence_controller.py) ---------------------------------------
    def parse_text(self, text: str, wait: bool = False) -> Task | None:
        """Tokenizes, tags and parses ``text`` in the background and shows the first sentence
        (``wait=True`` returns once it is drawn)."""
        return self.sentences.parse_text(text, wait)

    def is_parsing(self) -> bool:
        return self.sentences.is_parsing()

    @property
    def _parse_task(self) -> Task | None:
        return self.sentences._parse_task

    def select_batch_sentence(self, i: int, trace=None) -> None:
        self.sentences.select_batch_sentence(i, trace)

    def show_sentence(self, sentence: Sentence, gold: bool = True) -> None:
        """Studies ``sentence`` in the workspace (with ``gold``, its tree drives the oracle)."""
        self.sentences.show_sentence(sentence, gold)

    def set_mode(self, mode: str) -> None:
        if mode in self.workspace.available_modes():
            self.workspace.set_mode(mode)
        else:
            self.statusBar().showMessage(
                "The oracle needs a gold tree (a treebank sentence or a corrected parse)." if mode == ORACLE
                else "No model trace: load a model and parse the sentence.", 5000)
            self._update_actions()

    # -- busy state --------------------------------------------------------------------------------
    def _busy(self, on: bool, text: str = "") -> None:
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)
        if on:
            self.progress.setRange(0, 0)
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _on_progress(self, done: int, total: int, text: str) -> None:
        show_progress(self.progress, done, total)
        if text:
            self.statusBar().showMessage(f"{text[:1].upper()}{text[1:]}…" + (f" {done}/{total}" if total else ""))

    def cancel_work(self) -> None:
        for t in (self._parse_task, self._load_task):
            if t is not None and t.running:
                t.cancel()
        self._busy(False)
        self.statusBar().showMessage("Cancelled.", 3000)

    # -- actions --------------------------------------------------------------------------------------
    def _update_actions(self) -> None:
        ws = self.workspace
        a = self.actions_by_name
        has = ws.trace is not None
        for name in ("first", "back", "forward", "last", "play"):
            a[name].setEnabled(has)
        a["divergence"].setEnabled(ws.divergence() is not None)
        a["mode_model"].setEnabled(MODEL in ws.available_modes())
        a["mode_oracle"].setEnabled(ORACLE in ws.available_modes())
        a["mode_model"].setChecked(ws.mode == MODEL)
        a["mode_oracle"].setChecked(ws.mode == ORACLE)
        a["compare_gold"].setEnabled(ws.gold is not None)
        for name in ("export_svg", "export_png", "export_tex", "copy_conllu"):
            a[name].setEnabled(ws.sentence is not None)

    def _playing_changed(self, playing: bool) -> None:
        self.actions_by_name["play"].setText("P&ause" if playing else "Pl&ay")

    def focus_input(self) -> None:
        self.view.input.setFocus()
        self.view.input.selectAll()

    def copy_conllu(self) -> None:
        s = self.workspace.sentence
        if s is not None:
            QApplication.clipboard().setText(s.to_text())
            self.statusBar().showMessage("Copied the sentence as CoNLL-U.", 3000)

    def show_explanation(self) -> None:
        self.view.tabs.setCurrentWidget(self.view.explain)

    def about_text(self) -> str:
        """The About box: version, licences, where the bundled models come from."""
        return (f"<h3>DepLab {__version__}</h3><p>A lab for dependency syntax: watch a neural arc-standard "
                "transition parser (Chen &amp; Manning 2014) work step by step, annotate CoNLL-U "
                "treebanks, compress and fine-tune the parser.</p>"
                "<p>The code is released under the MIT licence.</p>"
                "<p>The bundled models (<tt>en_ewt</tt>, <tt>en_ewt_h128</tt>, <tt>en_ewt_cm2014</tt>) were "
                "trained by DepLab's own code on the Universal Dependencies English Web Treebank "
                "(UD English-EWT, train for training, dev for model selection); as works derived from it they "
                "are licensed under CC BY-SA 4.0 "
                "(<a href='https://creativecommons.org/licenses/by-sa/4.0/'>creativecommons.org/licenses/by-sa/4.0</a>). "
                "UD English-EWT: Silveira et al. (2014), <i>A Gold Standard Dependency Corpus for English</i>; "
                "<a href='https://github.com/UniversalDependencies/UD_English-EWT'>"
                "github.com/UniversalDependencies/UD_English-EWT</a>.</p>")

    def about(self) -> None:
        QMessageBox.about(self, "About DepLab", self.about_text())

    # -- export ----------------------------------------------------------------------------------------
    def export_to(self, path: str | os.PathLike, fmt: str | None = None, decorations: bool | None = None) -> None:
        """Writes the tree of the current step as ``svg``, ``png`` or ``tex``; without the stepper's
        decorations unless ``decorations`` (default: File ▸ Export ▸ With the Stepper's Decorations)."""
        fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
        if decorations is None:
            act = self.actions_by_name.get("export_decorations")
            decorations = bool(act is not None and act.isChecked())
        if fmt in ("svg", "png"):
            view = export.step_view(self.workspace, decorations=decorations)
        if fmt == "svg":
            export.export_svg(view, path)
        elif fmt == "png":
            export.export_png(view, path)
        elif fmt in ("tex", "latex"):
            heads, labels = self.workspace.tree_at()
            export.export_latex(self.workspace.forms, self.workspace.tags, heads, labels, path)
        else:
            raise ValueError(f"unknown export format {fmt!r} (svg, png or tex)")

    def export_dialog(self, fmt: str) -> None:
        if self.workspace.sentence is None:
            return
        filters = {"svg": "SVG image (*.svg)", "png": "PNG image (*.png)", "tex": "LaTeX (*.tex)"}
        start = str(Path(self.settings.value("export/dir", str(Path.home()))) / f"tree.{fmt}")
        path, _ = QFileDialog.getSaveFileName(self, "Export the tree", start, filters[fmt])
        if not path:
            return
        if not path.lower().endswith("." + fmt):
            path += "." + fmt
        try:
            self.export_to(path, fmt)
        except OSError as e:
            QMessageBox.warning(self, "Export failed", str(e))
            return
        self.settings.setValue("export/dir", str(Path(path).parent))
        self.statusBar().showMessage(f"Exported {path}", 5000)


def wait_for(task: Task | None, timeout_s: float = 30.0) -> None:
    """Runs the event loop until ``task`` is done (scripts and tests)."""
    deadline = time.monotonic() + timeout_s
    app = QApplication.instance()
    while task is not None and task.running and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
