"""The "Lab" dock: a tab per experiment kind (Compression, Fine-tuning).

Each tab is its own widget module; this dock only hosts them, so the main
window adds the Lab once and the tabs stay independent.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QTabWidget, QWidget


class LabDock(QDockWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("Lab", parent)
        self.setObjectName("LabDock")
        self.tabs = QTabWidget(self)
        self.setWidget(self.tabs)
        self.setAllowedAreas(Qt.RightDockWidgetArea | Qt.LeftDockWidgetArea | Qt.BottomDockWidgetArea)

    def add_tab(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def tab(self, title: str) -> QWidget | None:
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == title:
                return self.tabs.widget(i)
        return None


def lab_dock(window) -> LabDock:
    """The window's Lab dock, created (right dock area, toggle under View ▸ Panels) on first use,
    so every tab module can add itself without knowing who came first."""
    dock = getattr(window, "lab", None)
    if isinstance(dock, LabDock):
        return dock
    found = window.findChildren(LabDock)
    if found:
        window.lab = found[0]
        return found[0]
    dock = LabDock(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    menu = getattr(window, "panels_menu", None)
    if menu is not None:
        menu.addAction(dock.toggleViewAction())
    restore = getattr(window, "restoreDockWidget", None)
    if restore is not None:
        restore(dock)
    window.lab = dock
    return dock
