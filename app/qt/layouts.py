"""Window layouts for the window's jobs: Teach, Annotate, Lab.

* **Teach** — the stepper (tree, configuration, scores, features, sequence) fills the window; the Practice
  panel beside it when opened.
* **Annotate** — the treebank docks (Sentences, Annotation with its tree and validation, Tokens); the
  stepper is hidden.
* **Lab** — the Lab dock (compression, fine-tuning) beside the stepper.

Each layout remembers its own dock arrangement (``QMainWindow.saveState`` under ``layouts/NAME`` in the
settings): switching away saves it, switching back restores it; the first time, the defaults above apply.
Switched from View ▸ Layout and the Layouts toolbar.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QToolBar

TEACH, ANNOTATE, LAB = "teach", "annotate", "lab"
TITLES = {TEACH: "&Teach", ANNOTATE: "&Annotate", LAB: "&Lab"}
SHORTCUTS = {TEACH: "Ctrl+Shift+1", ANNOTATE: "Ctrl+Shift+2", LAB: "Ctrl+Shift+3"}
TIPS = {TEACH: "The stepper: tree, configuration, scores, features, transition sequence",
        ANNOTATE: "Treebank annotation: sentences, tree, tokens, validation",
        LAB: "The Lab: compression and fine-tuning, beside the stepper"}
# the docks each layout shows by default (by object name); every other dock is hidden
DEFAULT_DOCKS = {TEACH: set(), ANNOTATE: {"navigatorDock", "annotationDock", "tokenTableDock"},
                 LAB: {"LabDock", "labDock"}}
STATE_VERSION = 7  # saveState/restoreState version of the layouts' arrangements


class Layouts:
    """The layout switcher of a main window (``window.layouts``)."""

    def __init__(self, window):
        self.window = window
        self.current = str(window.settings.value("layouts/current", TEACH))
        if self.current not in TITLES:
            self.current = TEACH
        self.group = QActionGroup(window)
        self.actions: dict[str, QAction] = {}
        menu = window.menus["view"].addMenu("La&yout")
        window.menus["layout"] = menu
        self.toolbar = QToolBar("Layouts", window)
        self.toolbar.setObjectName("layoutToolbar")
        window.addToolBar(self.toolbar)
        for name, title in TITLES.items():
            a = window._action(f"layout_{name}", title, None, SHORTCUTS[name], "layout", checkable=True, tip=TIPS[name])
            a.triggered.connect(lambda _=False, n=name: self.switch(n))
            self.group.addAction(a)
            self.toolbar.addAction(a)
            self.actions[name] = a
        self.actions[self.current].setChecked(True)
        state = window.settings.value(f"layouts/{self.current}")
        if isinstance(state, QByteArray) and not state.isEmpty():
            window.restoreState(state, STATE_VERSION)  # also the docks made after the window's own restore
        self._apply_central(self.current)

    # -- the docks of the window -------------------------------------------------------------------
    def _docks(self):
        from PySide6.QtWidgets import QDockWidget
        return [d for d in self.window.findChildren(QDockWidget) if d.parent() is self.window]

    def _apply_central(self, name: str) -> None:
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(name != ANNOTATE)

    def apply_default(self, name: str) -> None:
        wanted = DEFAULT_DOCKS[name]
        if name == LAB:
            from .lab import lab_dock
            lab = lab_dock(self.window)
            wanted = wanted | {lab.objectName()}
        for d in self._docks():
            d.setVisible(d.objectName() in wanted)
        self._apply_central(name)

    def save(self) -> None:
        """Saves the current layout's arrangement (the window calls this when switching and on closing)."""
        s = self.window.settings
        s.setValue(f"layouts/{self.current}", self.window.saveState(STATE_VERSION))
        s.setValue("layouts/current", self.current)

    def switch(self, name: str) -> None:
        if name not in TITLES:
            raise ValueError(f"unknown layout {name!r} (teach, annotate or lab)")
        if name != self.current:
            self.save()
        self.current = name
        self.actions[name].setChecked(True)
        state = self.window.settings.value(f"layouts/{name}")
        if isinstance(state, QByteArray) and not state.isEmpty() and self.window.restoreState(state, STATE_VERSION):
            self._apply_central(name)
        else:
            self.apply_default(name)
        annotation = getattr(self.window, "annotation", None)
        focus = getattr(annotation, "focus_action", None)
        if focus is not None and focus.isChecked() != (name == ANNOTATE):
            focus.blockSignals(True)  # the treebank's own "annotation layout" toggle follows the layout
            focus.setChecked(name == ANNOTATE)
            focus.blockSignals(False)
        self.window.settings.setValue("layouts/current", name)


def install_layouts(window) -> Layouts:
    layouts = Layouts(window)
    window.layouts = layouts
    return layouts
