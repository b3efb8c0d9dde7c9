"""DepLab's main window: the sentence workspace in the centre, docks, status bar; the wiring of
its areas.  The menus and the window's own actions are :mod:`.window_actions`, the parser model
:mod:`.model_controller`, the typed sentence :mod:`.sentence_controller`, the remembered inputs
:mod:`.recent_inputs`.

Extension points for other panels (annotation, lab):

* ``self.menus["file" | "edit" | "view" | "parse" | "help"]`` — the menus;
* ``self.add_dock(widget, title, area)`` — a dock whose toggle appears under
  View and whose place is remembered between runs;
* ``self.pipeline`` and the ``pipelineChanged(object)`` signal — the loaded
  engine pipeline (``parser.pipeline.Pipeline``) or None;
* ``self.show_sentence(sentence, gold=True)`` — study a (treebank) sentence in
  the workspace: model trace (computed in the background) if a model is loaded,
  oracle trace from its tree.
"""
from __future__ import annotations

import os
import re
import time

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (QApplication, QDockWidget, QFrame, QLabel, QMainWindow, QMenu, QProgressBar, QPushButton,
                               QScrollArea, QWidget)

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import ORACLE, Workspace
from deplab.parser.conllu import Sentence

from . import window_actions
from .model_controller import ModelController
from .recent_inputs import RecentInputs
from .sentence_controller import LONG_INPUT, SentenceController  # noqa: F401  (LONG_INPUT re-exported)
from .settings import app_settings
from .workers import Task, show_progress
from .workspace_view import SentenceWorkspaceView


# a dock never asks for more than this: a panel whose contents need more scrolls inside its dock instead of
# widening (or lengthening) the window; below its own minimum the panel is never squeezed (its text stays whole)
DOCK_MIN_WIDTH, DOCK_MIN_HEIGHT = 240, 120


class DockScroll(QScrollArea):
    """The scroll area a dock holds its panel in (:meth:`MainWindow.add_dock`)."""

    def __init__(self, panel: QWidget):
        super().__init__()
        self.setObjectName(f"{panel.objectName() or type(panel).__name__}Scroll")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setWidget(panel)

    def minimumSizeHint(self) -> QSize:
        inner = self.widget().minimumSizeHint().expandedTo(self.widget().minimumSize())
        return QSize(min(inner.width(), DOCK_MIN_WIDTH), min(inner.height(), DOCK_MIN_HEIGHT))


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
        self.last_parse_ms: float | None = None
        self.models = ModelController(self)
        self._build_status_bar()
        window_actions.build_menus(self)
        self.recent = RecentInputs(self)
        self.sentences = SentenceController(self)
        # the typed sentence's path, one way: input line → controller → pipeline → workspace → views
        self.view.parseRequested.connect(self.sentences.parse_text)
        self.view.sentenceChosen.connect(self.sentences.select_batch_sentence)
        connect_all(self.workspace.trace_signals, self._update_actions)  # stepping changes no action
        self.view.controls.playingChanged.connect(self._playing_changed)
        self.resize(1360, 860)
        from .compression_install import install_compression  # Lab dock ▸ Compression (before restoring the layout)
        install_compression(self)
        from .finetune_install import install_finetune  # Lab dock ▸ Fine-tuning
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
        return window_actions.make_action(self, name, text, slot, shortcut, menu, checkable, tip)

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
        """Adds a dock panel; its toggle goes to View ▸ Panels and its place is remembered.  The panel sits
        in a :class:`DockScroll`, so a panel wider or taller than its dock scrolls instead of widening the
        window; opening the panel from the menu brings it to the front of its tab group."""
        name = name or "dock_" + re.sub(r"\W+", "_", title.lower()).strip("_")
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(DockScroll(widget))
        dock.toggleViewAction().triggered.connect(lambda on, d=dock: on and d.raise_())
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
        self.recent.restore()

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        for sp in self.view.splitters():
            s.setValue(f"splitters/{sp.objectName()}", sp.saveState())
        s.setValue("stepper/speed", self.view.controls.speed.value())
        self.recent.save()
        s.sync()

    def closeEvent(self, e: QCloseEvent) -> None:
        self.view.controls.stop()
        self.save_layout()
        if self._load_task is not None and self._load_task.running:
            self._load_task.detach()  # it must not call back into a closed window
        self.sentences.detach_tasks()
        super().closeEvent(e)

    @property
    def recent_inputs(self) -> list[str]:
        return self.recent.items

    def _remember_input(self, text: str) -> None:
        self.recent.remember(text)

    # -- the model (app/qt/model_controller.py) ---------------------------------------------
    def last_model_dir(self) -> str | None:
        return self.models.last_model_dir()

    def choose_model(self) -> None:
        self.models.choose_model()

    def load_model(self, model_dir: str | os.PathLike | None = None) -> Task:
        """Loads a model folder (None: the bundled model) in a worker thread."""
        return self.models.load_model(model_dir)

    def is_loading(self) -> bool:
        return self.models.is_loading()

    def set_pipeline(self, pipeline) -> None:
        """Installs a loaded ``parser.pipeline.Pipeline`` (GUI thread)."""
        self.models.set_pipeline(pipeline)

    @property
    def _load_task(self) -> Task | None:
        return self.models.task

    @property
    def _pending_text(self) -> str | None:
        return self.models.pending_text

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

    def show_sentence(self, sentence: Sentence, gold: bool = True, wait: bool = False) -> Task | None:
        """Studies ``sentence`` in the workspace (with ``gold``, its tree drives the oracle); its trace
        is computed in the background (``wait=True`` returns once it is shown)."""
        return self.sentences.show_sentence(sentence, gold, wait)

    def set_mode(self, mode: str) -> None:
        if mode in self.workspace.available_modes():
            self.workspace.set_mode(mode)
        else:
            self.statusBar().showMessage(
                "The oracle needs a gold tree (a treebank sentence or a corrected parse)." if mode == ORACLE
                else "No model trace: load a model and parse the sentence.", 5000)
        self._update_actions()  # the check mark back on the mode shown

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

    # -- actions (app/qt/window_actions.py) -----------------------------------------------------------
    def _update_actions(self) -> None:
        window_actions.update_actions(self)

    def _playing_changed(self, playing: bool) -> None:
        self.actions_by_name["play"].setText("P&ause" if playing else "Pl&ay")

    def focus_input(self) -> None:
        self.view.input.setFocus()
        self.view.input.selectAll()

    def copy_conllu(self) -> None:
        window_actions.copy_conllu(self)

    def show_explanation(self) -> None:
        self.view.tabs.setCurrentWidget(self.view.explain)

    def about_text(self) -> str:
        return window_actions.about_text()

    def export_to(self, path: str | os.PathLike, fmt: str | None = None, decorations: bool | None = None) -> None:
        """Writes the tree of the current step as ``svg``, ``png`` or ``tex``; without the stepper's
        decorations unless ``decorations`` (default: File ▸ Export ▸ With the Stepper's Decorations)."""
        window_actions.export_to(self, path, fmt, decorations)


def wait_for(task: Task | None, timeout_s: float = 30.0) -> None:
    """Runs the event loop until ``task`` is done (scripts and tests)."""
    deadline = time.monotonic() + timeout_s
    app = QApplication.instance()
    while task is not None and task.running and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
