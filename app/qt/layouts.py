"""Window layouts for the window's jobs: Teach, Annotate, Lab.

* **Teach** — the stepper (tree, configuration, scores, features, sequence) fills the window; the Practice
  panel beside it when opened.
* **Annotate** — the treebank docks (Sentences, Annotation with its tree and validation, Tokens); the
  stepper is hidden.
* **Lab** — the Lab dock (compression, fine-tuning) beside the stepper.

Every panel open fits a 1280×720 screen: in Teach and Lab the docks share the right-hand side as two tab
groups (the treebank and teaching panels above, the treebank tools below); in Annotate the Sentences list is on
the left, the Annotation tree over the Tokens table on the right and the tools tabbed along the bottom.  A dock
scrolls its panel when the panel needs more room than the dock has (``main_window.DockScroll``), so no panel
widens the window beyond the stepper's own readable minimum.

Each layout remembers its own dock arrangement (``QMainWindow.saveState`` under ``layouts/NAME`` in the
settings): switching away saves it, switching back restores it; the first time, the defaults above apply.
Switched from View ▸ Layout and the Layouts toolbar.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QScrollArea, QTabBar, QTabWidget, QToolBar

TEACH, ANNOTATE, LAB = "teach", "annotate", "lab"
TITLES = {TEACH: "&Teach", ANNOTATE: "&Annotate", LAB: "&Lab"}
SHORTCUTS = {TEACH: "Ctrl+Shift+1", ANNOTATE: "Ctrl+Shift+2", LAB: "Ctrl+Shift+3"}
TIPS = {TEACH: "The stepper: tree, configuration, scores, features, transition sequence",
        ANNOTATE: "Treebank annotation: sentences, tree, tokens, validation",
        LAB: "The Lab: compression and fine-tuning, beside the stepper"}
# the docks each layout shows by default (by object name); every other dock is hidden
DEFAULT_DOCKS = {TEACH: set(), ANNOTATE: {"navigatorDock", "annotationDock", "tokenTableDock"},
                 LAB: {"LabDock", "labDock"}}
STATE_VERSION = 8  # saveState/restoreState version of the layouts' arrangements (8: the tab groups)
# the docks' default places (by object name); a dock not named here joins the first group of its layout
PANELS = ("dock_practice", "LabDock", "navigatorDock", "annotationDock", "tokenTableDock")
TOOLS = ("validationDock", "searchDock", "agreementDock", "evaluationDock", "diffDock")
FRONT = {TEACH: "dock_practice", LAB: "LabDock", ANNOTATE: "annotationDock"}


def _whole_titles(bar) -> None:
    bar.setElideMode(Qt.TextElideMode.ElideNone)
    bar.setUsesScrollButtons(True)


class _NewTabBars(QObject):
    """Gives the dock tab bars Qt makes later (a dock dragged onto another) whole titles too."""

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.ChildPolished and isinstance(event.child(), QTabBar):
            _whole_titles(event.child())
        return False


class _TreeTakesTheWidth(QObject):
    """With the central widget hidden (Annotate), Qt gives a wider window's extra width to the left dock
    area, the Sentences list; the left docks keep the width they had (or the user gave them) instead, so
    the tree on the right grows.  Filters the window and its docks (``Layouts.watch``)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.window_width = window.width()
        self.widths: dict = {}  # dock -> its width while the window kept its size

    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.Type.Resize:
            return False
        w = self.window
        if obj is w:
            central = w.centralWidget()
            grew = event.size().width() > event.oldSize().width() > 0  # (a narrower window: Qt's share is fine)
            if central is not None and central.isHidden() and grew:
                for d, width in list(self.widths.items()):
                    if (d.parent() is w and d.isVisible() and not d.isFloating()
                            and w.dockWidgetArea(d) == Qt.DockWidgetArea.LeftDockWidgetArea):
                        pin_width(d, min(width, d.width()))
            self.window_width = w.width()
        elif w.width() == self.window_width:  # a dock resized by the user or a layout, not by the window
            self.widths[obj] = event.size().width()
        return False


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
        self._tab_filter = _NewTabBars(window)
        window.installEventFilter(self._tab_filter)
        self._width_filter = _TreeTakesTheWidth(window)
        window.installEventFilter(self._width_filter)
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
        if isinstance(state, QByteArray) and not state.isEmpty() and window.restoreState(state, STATE_VERSION):
            self._apply_central(self.current)  # also the docks made after the window's own restore
            self.tidy_tab_bars()
        else:
            self.apply_default(self.current)
        for d in self._docks():
            self.watch(d)
        focus = getattr(getattr(window, "annotation", None), "focus_action", None)
        if focus is not None:  # the treebank's "annotation layout" (also: a treebank opened or closed) is Annotate
            focus.toggled.connect(self._annotation_layout_toggled)

    def _annotation_layout_toggled(self, on: bool) -> None:
        """The stepper hidden for the treebank is the Annotate layout; the stepper back (a treebank closed, a
        sentence studied) is Teach, not the stepper squeezed between Annotate's docks."""
        if on and self.current != ANNOTATE:
            self.switch(ANNOTATE)
            docks = getattr(self.window.annotation, "docks", None)
            if docks is not None:
                docks.show_treebank_docks()
        elif not on and self.current == ANNOTATE:
            self.switch(TEACH)

    # -- the docks of the window -------------------------------------------------------------------
    def watch(self, dock) -> None:
        """A side dock shown (opened, or its tab brought to the front) asks for its panel's readable width
        when it has less and the stepper can spare it (``resizeDocks`` keeps the stepper's minimum)."""
        if dock.property("deplabFits"):
            return
        dock.setProperty("deplabFits", True)
        dock.installEventFilter(self._width_filter)
        dock.visibilityChanged.connect(lambda on, d=dock: on and QTimer.singleShot(0, d, lambda: self._fit(d)))

    def _fit(self, dock) -> None:
        w = self.window
        A = Qt.DockWidgetArea
        if dock.isFloating() or not dock.isVisible() or w.dockWidgetArea(dock) not in (A.LeftDockWidgetArea,
                                                                                     A.RightDockWidgetArea):
            return
        outer = dock.widget()
        if outer is None:
            return
        scroller = outer
        if isinstance(scroller, QTabWidget):  # the Lab: the tab shown
            scroller = scroller.currentWidget()
            found = scroller.findChild(QScrollArea) if scroller is not None else None
            scroller = found if found is not None else scroller
        if not isinstance(scroller, QScrollArea) or scroller.widget() is None:
            return
        panel = scroller.widget()
        need = panel.minimumSizeHint().expandedTo(panel.minimumSize()).width() + (dock.width() - scroller.width())
        if scroller.verticalScrollBar().isVisible():
            need += scroller.verticalScrollBar().width()
        if dock.width() < need:
            w.resizeDocks([dock], [min(need, w.width() // 3)], Qt.Orientation.Horizontal)  # the tree keeps 2/3

    def _list_not_wider_than_a_third(self) -> None:
        w = self.window
        central = w.centralWidget()
        if self.current != ANNOTATE or central is None or not central.isHidden():
            return
        for d in self._docks():
            if (d.isVisible() and not d.isFloating() and w.dockWidgetArea(d) == Qt.DockWidgetArea.LeftDockWidgetArea
                    and d.width() > w.width() // 3):
                pin_width(d, max(300, w.width() // 4))

    def _docks(self):
        from PySide6.QtWidgets import QDockWidget
        # the window's own docks: its direct children (a recursive search walks every widget: ~4 ms each)
        return self.window.findChildren(QDockWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)

    def _apply_central(self, name: str) -> None:
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(name != ANNOTATE)

    def _hide_docks_then_central(self, name: str) -> None:
        """Before a layout's docks come back: the old docks go, then the stepper comes or goes, so no
        transient arrangement (the stepper beside Annotate's docks, docks not yet tabbed) grows the window."""
        for d in self._docks():
            d.hide()
        self._apply_central(name)

    def _groups(self, name: str):
        """The default places of layout ``name``: [(area, docks tabbed together)], each group under the one
        before it when they share an area (the first dock of a group is where the next group splits off)."""
        docks = {d.objectName(): d for d in self._docks()}
        A = Qt.DockWidgetArea
        panels = [docks[n] for n in PANELS if n in docks] + [d for n, d in docks.items() if n not in PANELS + TOOLS]
        tools = [docks[n] for n in TOOLS if n in docks]
        if name != ANNOTATE:
            return [(A.RightDockWidgetArea, panels), (A.RightDockWidgetArea, tools)]
        beside = {"navigatorDock", "tokenTableDock"}
        return [(A.LeftDockWidgetArea, [d for d in panels if d.objectName() == "navigatorDock"]),
                (A.RightDockWidgetArea, [d for d in panels if d.objectName() not in beside]),
                (A.RightDockWidgetArea, [d for d in panels if d.objectName() == "tokenTableDock"]),
                (A.BottomDockWidgetArea, tools)]

    def arrange(self, name: str) -> None:
        """Puts every dock, shown or not, in its default place for layout ``name`` (see the module's text)."""
        w = self.window
        groups = [(area, g) for area, g in self._groups(name) if g]
        for _, group in groups:
            for d in group:
                self.watch(d)
        previous = {}
        for area, group in groups:
            for d in group:
                d.setFloating(False)
                w.addDockWidget(area, d)
            if area in previous:
                w.splitDockWidget(previous[area], group[0], Qt.Orientation.Vertical)
            previous[area] = group[0]
        for _, group in groups:
            for d in group[1:]:
                w.tabifyDockWidget(group[0], d)
        self.tidy_tab_bars()

    def size_docks(self, name: str) -> None:
        """First-time sizes of the shown docks: the stepper keeps its readable minimum, the docks the rest of
        a 1280-pixel screen (at most a third of a wider one); Annotate gives its tree more height than its table."""
        w = self.window
        O = Qt.Orientation
        shown = [[d for d in g if d.isVisible()] for _, g in self._groups(name)]
        fronts = [g[0] for g in shown if g]
        if name != ANNOTATE:
            if fronts:
                w.resizeDocks([fronts[0]], [max(360, w.width() // 3)], O.Horizontal)
            if len(fronts) == 2:
                h = w.height()
                w.resizeDocks(fronts, [h * 3 // 5, h * 2 // 5], O.Vertical)
            return
        nav, editor, table, tools = (g[0] if g else None for g in shown)
        if nav is not None:
            pin_width(nav, max(300, w.width() // 4))
        pair = [d for d in (editor, table) if d is not None]
        if len(pair) == 2:
            w.resizeDocks(pair, [w.height() * 3 // 5, w.height() // 4], O.Vertical)
        if tools is not None:
            w.resizeDocks([tools], [w.height() // 4], O.Vertical)

    def tidy_tab_bars(self) -> None:
        """The dock tab bars: whole titles (scroll arrows when the tabs do not fit, not "P…" and "Se…"), and
        no tab bar of an earlier arrangement left on the screen.  Qt (6.11) keeps the tab bar of a tab group
        whose docks moved away (``addDockWidget``, ``restoreState``) where it was: each tab bar is parked off
        the window and the layout applied again, which puts back the bars in use and only those."""
        w = self.window
        lay = w.layout()
        bars = w.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
        for b in bars:
            _whole_titles(b)
        lay.activate()
        parked = QPoint(-20000, -20000)
        for b in bars:
            b.move(parked)
        r = lay.geometry()
        lay.setGeometry(r.adjusted(1, 1, -1, -1))  # every area's rectangle changes, so every live bar is placed
        lay.setGeometry(r)  # the stale bars stay parked, out of sight (Qt owns them: they are not deleted)

    def apply_default(self, name: str) -> None:
        wanted = DEFAULT_DOCKS[name]
        if name == LAB:
            from .lab import lab_dock
            lab = lab_dock(self.window)
            wanted = wanted | {lab.objectName()}
        self._hide_docks_then_central(name)
        self.arrange(name)
        for d in self._docks():
            d.setVisible(d.objectName() in wanted)
        self.size_docks(name)
        front = {d.objectName(): d for d in self._docks()}.get(FRONT[name])
        if front is not None and front.isVisible():
            front.raise_()

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
        for d in self._docks():
            self.watch(d)
        self.current = name
        self.actions[name].setChecked(True)
        state = self.window.settings.value(f"layouts/{name}")
        self._hide_docks_then_central(name)
        if isinstance(state, QByteArray) and not state.isEmpty() and self.window.restoreState(state, STATE_VERSION):
            self.tidy_tab_bars()
            if name == ANNOTATE:  # saved at another window width: Qt gave the difference to the list
                QTimer.singleShot(0, self.window, self._list_not_wider_than_a_third)
        else:
            self.apply_default(name)
        annotation = getattr(self.window, "annotation", None)
        focus = getattr(annotation, "focus_action", None)
        if focus is not None and focus.isChecked() != (name == ANNOTATE):
            focus.blockSignals(True)  # the treebank's own "annotation layout" toggle follows the layout
            focus.setChecked(name == ANNOTATE)
            focus.blockSignals(False)
        self.window.settings.setValue("layouts/current", name)


def pin_width(dock, width: int) -> None:
    """Gives a side dock ``width`` pixels, then lets the user resize it again.  ``resizeDocks`` does not work
    while the central widget is hidden (Annotate: Qt then splits the window between the two dock areas in
    halves), a width held for one layout pass does."""
    lo, hi = dock.minimumWidth(), dock.maximumWidth()
    dock.setFixedWidth(max(width, lo))

    def release() -> None:
        dock.setMinimumWidth(lo)
        dock.setMaximumWidth(hi)
    QTimer.singleShot(0, dock, release)


def install_layouts(window) -> Layouts:
    layouts = Layouts(window)
    window.layouts = layouts
    return layouts
