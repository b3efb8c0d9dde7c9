"""The dependency arc view: words in reading order, arcs above them.

Words carry their UPOS tag underneath; each arc goes from the head to the
dependent (arrowhead at the dependent) with the relation on it; ROOT is a
marker before the first word (after the last in right-to-left scripts).
This widget holds the zoom and the mouse's meaning (hover, click, drag to
attach); the rest is one concept per module: the diagram without a widget
(:mod:`.arc_scene`, also painted by :mod:`.export`), what is shown
(:mod:`.arc_state`), where it goes (:mod:`.arc_layout`), how it is painted
(:mod:`.arc_painter`), what is under the mouse
(:mod:`.arc_hit`) and the Qt surfaces that paint and receive events
(:mod:`.arc_canvas`).  Signals:

* ``wordClicked(int)`` — a click on a word (1-based) or on ROOT (0);
* ``attachRequested(int dependent, int head)`` — a drag from a word onto
  another word or ROOT while :meth:`setEditable` is on;
* ``hoveredChanged(int)`` — the word under the mouse (-1 for none).

Zoom with Ctrl+wheel, :meth:`zoomIn`, :meth:`zoomOut`, :meth:`fitToWidth`.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from . import arc_hit
from .arc_canvas import Canvas, Scroll
from .arc_layout import Layout
from .arc_scene import ArcScene
from .arc_state import ROLE_BUFFER, ROLE_STACK, ArcState, is_rtl  # noqa: F401  (re-exported)
from .relations import DIFF, FAMILIES

ZOOM_MIN, ZOOM_MAX = 0.05, 4.0


class ArcView(QWidget):
    """Draws one (possibly partial) dependency tree; see the module docstring."""

    wordClicked = Signal(int)
    attachRequested = Signal(int, int)
    hoveredChanged = Signal(int)
    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scene = ArcScene()  # state, metrics, painter and the layout (cached)
        self.metrics, self.state, self.painter = self.scene.metrics, self.scene.state, self.scene.painter
        self._editable = False
        self._zoom = 1.0
        self._pending_visible: list[int] | None = None

        self._canvas = Canvas(self)
        self._scroll = Scroll(self)
        self._scroll.setWidget(self._canvas)
        self._scroll.setWidgetResizable(False)
        self._scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._scroll.setBackgroundRole(QPalette.ColorRole.Base)
        self._legend = QLabel()
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        self._legend.setWordWrap(True)
        self._legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self._scroll, 1)
        lay.addWidget(self._legend)
        self._relayout()

    # the state, by the names the stepper's tests read
    @property
    def _newest(self):
        return self.state.newest

    @property
    def _highlights(self):
        return self.state.highlights

    @property
    def _focus_word(self):
        return self.state.focus_word

    @property
    def _flags(self):
        return self.state.flags

    @property
    def _gold(self):
        return self.state.gold

    @property
    def _reference(self):
        return self.state.reference

    @property
    def _hover(self) -> int:
        return self.painter.hover

    # computed by _relayout
    @property
    def _layout(self) -> Layout:
        return self.scene.layout

    @property
    def _arcs(self) -> list[tuple[int, int, str]]:
        return self.scene.arcs

    @property
    def _kinds(self) -> list[str]:
        return self.scene.kinds

    @property
    def _nonproj(self) -> set[tuple[int, int]]:
        return self.scene.nonproj

    # -- data -----------------------------------------------------------------------
    def setTree(self, forms: Sequence[str], tags: Sequence[str] | None = None,
                heads: Sequence[int | None] | None = None, labels: Sequence[str | None] | None = None) -> None:
        """Shows words 1..n; ``heads[i]`` / ``labels[i]`` belong to word i+1 (None = unattached).

        With the same words as before (an edit) the gold comparison and the
        reference tree stay; with other words they are dropped.
        """
        if self.state.set_tree(forms, tags, heads, labels):
            self.painter.hover = -1
        self._relayout()

    def setTreeState(self, forms: Sequence[str], tags: Sequence[str], heads: Sequence[int | None],
                     labels: Sequence[str | None], reference: tuple | None = None,
                     gold: tuple | None = None) -> None:
        """``setTree`` + ``setReferenceTree`` + ``setDiff`` with a single layout pass."""
        if self.state.set_tree_state(forms, tags, heads, labels, reference, gold):
            self.painter.hover = -1
        self._relayout()

    def setDiff(self, gold_heads: Sequence[int | None] | None,
                gold_labels: Sequence[str | None] | None = None) -> None:
        """Compares the tree with a gold tree (None turns the comparison off)."""
        if self.state.set_gold(gold_heads, gold_labels):
            self._relayout()

    def setReferenceTree(self, heads: Sequence[int | None] | None, labels: Sequence[str | None] | None = None) -> None:
        """Arcs of this tree keep their place in the layout even while they are not drawn.

        Stepping through a parse with the final tree as reference never moves
        a word: arcs appear and disappear in their final places.  None drops it.
        """
        self.state.set_reference(heads, labels)
        self._relayout()

    def clearDiff(self) -> None:
        self.setDiff(None)

    def setFlags(self, flags: dict[int, str]) -> None:
        """Words to mark (red wavy underline) with the message shown as their tooltip."""
        self.state.flags = dict(flags)
        self._canvas.update()

    def setEditable(self, on: bool) -> None:
        self._editable = bool(on)
        self._canvas.setCursor(Qt.CursorShape.PointingHandCursor if on else Qt.CursorShape.ArrowCursor)

    def isEditable(self) -> bool:
        return self._editable

    def setWordRoles(self, roles: dict[int, str]) -> None:
        """Per word ``"stack"`` (tinted) or ``"buffer"`` (greyed, not read yet)."""
        self.state.roles = dict(roles)
        self._canvas.update()

    def setMarks(self, marks: dict[int, str]) -> None:
        """Small badges under words, e.g. {5: "s1", 4: "s2", 6: "b1"}."""
        self.state.marks = dict(marks)
        self._canvas.update()

    def setHighlights(self, words: set[int] | Sequence[int], focus: int | None = None) -> None:
        """Outlines ``words`` (e.g. the positions the features read); ``focus`` is outlined strongly."""
        self.state.highlights = set(words)
        self.state.focus_word = focus
        self._canvas.update()

    def setShades(self, shades: dict[int, float] | None) -> None:
        """Tints words by a share in [-1, 1] (blue: pushed towards the model's choice, orange: against it);
        None or {} removes the tint."""
        self.state.shades = {int(i): max(-1.0, min(1.0, float(v))) for i, v in (shades or {}).items()}
        self._canvas.update()

    def shades(self) -> dict[int, float]:
        return dict(self.state.shades)

    def setNewestArc(self, arc: tuple[int, int] | None) -> None:
        """(head, dependent) of the arc to emphasise, or None."""
        self.state.newest = arc
        self._canvas.update()

    def setRightToLeft(self, rtl: bool | None) -> None:
        """Forces the direction; None detects it from the words."""
        self.state.rtl_override = rtl
        self._relayout()

    def setPlaceholder(self, text: str) -> None:
        self.state.placeholder = text
        self._canvas.update()

    # -- queries -------------------------------------------------------------------------
    def arcLayout(self) -> Layout:
        return self._layout

    def drawnArcs(self) -> list[tuple[int, int, str, str]]:
        """(head, dependent, label, kind) of every arc drawn; kind is a family or a diff status."""
        return [(h, d, l, k) for (h, d, l), k in zip(self._arcs, self._kinds) if h is not None]

    def isRightToLeft(self) -> bool:
        return self._layout.rtl

    def wordCount(self) -> int:
        return len(self.state.forms)

    def hoveredWord(self) -> int:
        return self.painter.hover

    def sceneSize(self) -> QSize:
        return self.scene.sceneSize()

    def legendText(self) -> str:
        return self._legend.text()

    # -- zoom ----------------------------------------------------------------------------
    def zoom(self) -> float:
        return self._zoom

    def setZoom(self, z: float) -> None:
        z = max(ZOOM_MIN, min(ZOOM_MAX, z))
        if abs(z - self._zoom) < 1e-6:
            return
        self._zoom = z
        self._resize_canvas()
        self.zoomChanged.emit(z)

    def zoomIn(self) -> None:
        self.setZoom(self._zoom * 1.25)

    def zoomOut(self) -> None:
        self.setZoom(self._zoom / 1.25)

    def resetZoom(self) -> None:
        self.setZoom(1.0)

    def fitToWidth(self) -> None:
        avail = self._scroll.viewport().width() - 2
        if self._layout.width > 0 and avail > 0:
            self.setZoom(avail / self._layout.width)

    def _resize_canvas(self) -> None:
        s = self.sceneSize()
        self._canvas.resize(max(1, int(s.width() * self._zoom)), max(1, int(s.height() * self._zoom)))
        self._canvas.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 260)

    # -- layout -------------------------------------------------------------------------
    def _relayout(self) -> None:
        self.scene.relayout()
        self._resize_canvas()
        self._update_legend()

    def _update_legend(self) -> None:
        def chip(color: str, text: str, dashed: bool = False) -> str:
            style = "dashed" if dashed else "solid"
            return (f"<span style='color:{color}; font-weight:bold'>&#9632;</span>"
                    f"<span style='border-bottom:1px {style} {color}'>&nbsp;{text}</span>")
        parts = []
        if self.state.gold is not None:
            used = set(self._kinds)
            parts = [chip(c, name) for k, (name, c) in DIFF.items() if k in used]
        else:
            used = [k for k in FAMILIES if k in set(self._kinds)]
            parts = [chip(FAMILIES[k][1], FAMILIES[k][0]) for k in used]
        if self._layout.crossings:
            parts.append("<span style='color:#000'>&#9673;</span>&nbsp;crossing (non-projective) arcs")
        self._legend.setText("&nbsp;&nbsp; ".join(parts))
        self._legend.setVisible(bool(parts))

    # -- painting (one painter for the screen and for export) -------------------------------
    def paint(self, p: QPainter, export: bool = False, clip: tuple[float, float] | None = None) -> None:
        """Paints the diagram at zoom 1 (the caller scales); ``export`` drops hover and drag effects."""
        self.painter.paint(p, export, clip)

    # -- mouse ------------------------------------------------------------------------------
    def _word_at(self, pos: QPointF) -> int | None:
        return arc_hit.word_at(self._layout, pos.x(), pos.y())

    def _set_hover(self, i: int) -> None:
        if i != self.painter.hover:
            self.painter.hover = i
            self._canvas.update()
            self.hoveredChanged.emit(i)

    def _mouse_move(self, pos: QPointF) -> None:
        pn = self.painter
        w = self._word_at(pos)
        self._set_hover(-1 if w is None or w > len(self.state.forms) else w)
        if pn.press is not None and self._editable and pn.press[0] > 0:
            if pn.drag_pos is not None or (pos - pn.press[1]).manhattanLength() > 6:
                pn.drag_pos = pos
                self._canvas.update()

    def _mouse_press(self, pos: QPointF) -> None:
        w = self._word_at(pos)
        self.painter.press = (w, pos) if w is not None and w <= len(self.state.forms) else None
        self.painter.drag_pos = None

    def _mouse_release(self, pos: QPointF) -> None:
        pn = self.painter
        press, dragging = pn.press, pn.drag_pos is not None
        pn.press, pn.drag_pos = None, None
        self._canvas.update()
        if press is None:
            return
        target = self._word_at(pos)
        if dragging:
            if target is not None and target != press[0] and target <= len(self.state.forms):
                self.attachRequested.emit(press[0], target)
        elif target == press[0]:
            self.wordClicked.emit(target)

    def word_center(self, i: int) -> QPointF:
        """Where word ``i`` is drawn, in widget (canvas) coordinates: for tests and tools."""
        z = self._zoom
        return QPointF(self._layout.centers[i] * z, (self._layout.baseline + 12) * z)

    def ensureWordsVisible(self, words: Sequence[int]) -> None:
        """Scrolls so that the given words (e.g. s1 and b1) are in view, if they fit.

        Done once control returns to the event loop, when the widget sizes are final.
        """
        pending = self._pending_visible is not None
        self._pending_visible = list(words)
        if not pending:
            QTimer.singleShot(0, self._ensure_pending_visible)

    def _ensure_pending_visible(self) -> None:
        words, self._pending_visible = self._pending_visible or [], None
        ws = [w for w in words if 0 <= w < len(self._layout.centers)]
        if not ws:
            return
        z = self._zoom
        xs = [self._layout.centers[w] * z for w in ws]
        mid = (min(xs) + max(xs)) / 2
        margin = min(max(xs) - mid + 80 * z, self._scroll.viewport().width() / 2)
        # the words themselves (the area under the baseline) come first when the tree is taller than the view
        below = (self._layout.height - self._layout.baseline) * z
        self._scroll.ensureVisible(int(mid), int(self._layout.baseline * z + below / 2), int(max(margin, 10)),
                                   int(below / 2 + 4))

    def canvas(self) -> QWidget:
        return self._canvas

    def tooltip_at(self, pos: QPointF) -> str:
        return arc_hit.tooltip_at(self.state, self._layout, self._arcs, self._kinds, self._nonproj, pos.x(), pos.y())
