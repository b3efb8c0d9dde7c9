"""The arc view's Qt surfaces: the painted canvas (zoomed painting, the mouse and tooltips handed
to the :class:`.arc_view.ArcView`, which holds all state) and the scroll area (Ctrl+wheel zooms)."""
from __future__ import annotations

import traceback

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette, QWheelEvent
from PySide6.QtWidgets import QScrollArea, QToolTip, QWidget


class Canvas(QWidget):
    """The painted surface inside the scroll area; all state lives in the ArcView."""

    def __init__(self, view: "ArcView"):
        super().__init__()
        self._view = view
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # keys reach the window's step shortcuts
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor("white"))
        self.setPalette(pal)

    def sizeHint(self) -> QSize:
        return self.size()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            z = self._view.zoom()
            p.scale(z, z)
            r = event.rect()
            self._view.paint(p, clip=(r.left() / z - 2, r.right() / z + 2))
        except Exception:  # never let a drawing bug take the application down
            traceback.print_exc()
        finally:
            p.end()

    def _pos(self, e) -> QPointF:
        z = self._view.zoom()
        return QPointF(e.position().x() / z, e.position().y() / z)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        self._view._mouse_move(self._pos(e))

    def mousePressEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self._view._mouse_press(self._pos(e))

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self._view._mouse_release(self._pos(e))

    def leaveEvent(self, e) -> None:
        self._view._set_hover(-1)

    def event(self, e) -> bool:
        if e.type() == e.Type.ToolTip:
            z = self._view.zoom()
            text = self._view.tooltip_at(QPointF(e.pos().x() / z, e.pos().y() / z))
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)


class Scroll(QScrollArea):
    def __init__(self, view: "ArcView"):
        super().__init__()
        self._view = view

    def wheelEvent(self, e: QWheelEvent) -> None:
        if e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = e.angleDelta().y() / 120
            if steps:
                self._view.setZoom(self._view.zoom() * (1.15 ** steps))
            e.accept()
            return
        super().wheelEvent(e)
