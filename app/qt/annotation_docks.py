"""The annotation window area's docks: editor, sentence navigator, token table, evaluation, diff;
the status-bar progress box of background work; the annotation layout (stepper hidden)."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QMainWindow, QProgressBar, QToolButton, QWidget

from .annotation_widgets import AnnotationEditor
from .diff_view import DiffView
from .eval_panel import EvaluationPanel
from .navigator import Navigator
from .token_table import TokenTable
from .workers import show_progress


class AnnotationDocks:
    """Builds the docks of the annotation area in ``window`` and shows or sizes them."""

    def __init__(self, window: QMainWindow):
        self.window = window
        A = Qt.DockWidgetArea
        self.annotator = AnnotationEditor()
        self.navigator = Navigator()
        self.token_table = TokenTable()
        self.eval_panel = EvaluationPanel()
        self.diff_view = DiffView()
        self.editor_dock = self._add("Annotation", self.annotator, A.RightDockWidgetArea, "annotationDock")
        self.navigator_dock = self._add("Sentences", self.navigator, A.LeftDockWidgetArea, "navigatorDock")
        self.table_dock = self._add("Tokens", self.token_table, A.RightDockWidgetArea, "tokenTableDock")
        if window.dockWidgetArea(self.table_dock) == window.dockWidgetArea(self.editor_dock):
            window.splitDockWidget(self.editor_dock, self.table_dock, Qt.Orientation.Vertical)
        self.eval_dock = self._add("Evaluation", self.eval_panel, A.BottomDockWidgetArea, "evaluationDock")
        self.diff_dock = self._add("Gold vs parsed", self.diff_view, A.BottomDockWidgetArea, "diffDock")
        try:
            window.tabifyDockWidget(self.eval_dock, self.diff_dock)
        except RuntimeError:
            pass
        self.eval_dock.raise_()
        # the treebank panels appear when a treebank is opened (View ▸ Panels shows them any time)
        for d in self.all():
            d.hide()
        self._shown_at = 0.0  # when the progress bar last changed
        self._build_progress_box()
        # the hidden docks are polished (style, fonts, palettes of every child) while the window idles,
        # one an event-loop pass, so that opening a treebank shows them without doing it first
        self._unpolished = list(self.all())
        QTimer.singleShot(0, self._polish_next)

    def _polish_next(self) -> None:
        if self._unpolished:
            self._unpolished.pop(0).ensurePolished()
            QTimer.singleShot(0, self._polish_next)

    def all(self) -> tuple[QDockWidget, ...]:
        return (self.editor_dock, self.navigator_dock, self.table_dock, self.eval_dock, self.diff_dock)

    def _add(self, title: str, widget: QWidget, area, name: str) -> QDockWidget:
        """Through the MainWindow's ``add_dock`` (View ▸ Panels, remembered layout) when it has one."""
        add = getattr(self.window, "add_dock", None)
        if callable(add):
            return add(widget, title, area, name)
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        return dock

    def _build_progress_box(self) -> None:
        self.progress_box = QWidget()
        pl = QHBoxLayout(self.progress_box)
        pl.setContentsMargins(0, 0, 0, 0)
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        pl.addWidget(self.progress_label)
        pl.addWidget(self.progress_bar)
        pl.addWidget(self.cancel_button)
        self.window.statusBar().addPermanentWidget(self.progress_box)
        self.progress_box.hide()

    def busy(self, label: str) -> None:
        self._shown_at = 0.0
        self.progress_label.setText(label)
        self.progress_bar.setRange(0, 0)
        self.progress_box.show()

    def progress(self, done: int, total: int, message: str = "") -> None:
        """At most ten updates a second (and the last one): each repaints the bar at once, and while the
        worker reads or parses in Python, every call the GUI thread makes into Qt waits for the GIL."""
        now = time.monotonic()
        if 0 < done < total and now - self._shown_at < 0.1:
            return
        self._shown_at = now
        show_progress(self.progress_bar, done, total)

    def idle(self) -> None:
        self.progress_box.hide()

    def show_treebank_docks(self) -> None:
        for d in (self.editor_dock, self.navigator_dock, self.table_dock):
            d.show()
        QTimer.singleShot(0, self._size_docks)

    def _size_docks(self) -> None:
        self.window.resizeDocks([self.navigator_dock], [380], Qt.Orientation.Horizontal)
        self.window.resizeDocks([self.editor_dock, self.table_dock], [420, 300], Qt.Orientation.Vertical)

    def show_evaluation(self) -> None:
        self.eval_dock.show()
        self.eval_dock.raise_()
        QTimer.singleShot(0, lambda: self.window.resizeDocks([self.eval_dock], [420], Qt.Orientation.Vertical))

    def show_diff(self) -> None:
        self.diff_dock.show()
        self.diff_dock.raise_()
