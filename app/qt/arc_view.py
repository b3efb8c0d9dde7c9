"""The dependency arc view: words in reading order, arcs above them.

Words carry their UPOS tag underneath; each arc goes from the head to the
dependent (arrowhead at the dependent) with the relation on it; ROOT is a
marker before the first word (after the last in right-to-left scripts).  The
geometry comes from :mod:`app.qt.arc_layout`; this widget measures text,
paints, and turns mouse gestures into signals:

* ``wordClicked(int)`` — a click on a word (1-based) or on ROOT (0);
* ``attachRequested(int dependent, int head)`` — a drag from a word onto
  another word or ROOT while :meth:`setEditable` is on;
* ``hoveredChanged(int)`` — the word under the mouse (-1 for none).

Zoom with Ctrl+wheel, :meth:`zoomIn`, :meth:`zoomOut`, :meth:`fitToWidth`.
"""
from __future__ import annotations

import traceback
import unicodedata
from typing import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPainterPath,
                           QPalette, QPen, QPolygonF, QWheelEvent)
from PySide6.QtWidgets import QLabel, QScrollArea, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from deplab.parser.tree import DependencyTree

from .arc_layout import Layout, Metrics, compute_layout, crossing_points
from .relations import CROSSING_COLOR, DIFF, FAMILIES, family, text_color

FORM_PX, TAG_PX, LABEL_PX, SMALL_PX = 15, 11, 11, 9
ZOOM_MIN, ZOOM_MAX = 0.05, 4.0

ROLE_STACK, ROLE_BUFFER = "stack", "buffer"


def is_rtl(forms: Sequence[str]) -> bool:
    """True when most strongly directional letters are right-to-left (Hebrew, Arabic, ...)."""
    r = l = 0
    for f in forms:
        for ch in f:
            b = unicodedata.bidirectional(ch)
            if b in ("R", "AL"):
                r += 1
            elif b == "L":
                l += 1
    return r > l


def _font(px: int, bold: bool = False, family_name: str | None = None) -> QFont:
    f = QFont(family_name) if family_name else QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


class _Canvas(QWidget):
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


class _Scroll(QScrollArea):
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


class ArcView(QWidget):
    """Draws one (possibly partial) dependency tree; see the module docstring."""

    wordClicked = Signal(int)
    attachRequested = Signal(int, int)
    hoveredChanged = Signal(int)
    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.metrics = Metrics(word_area=62.0)
        self._forms: list[str] = []
        self._tags: list[str] = []
        self._heads: list[int | None] = []
        self._labels: list[str | None] = []
        self._gold: tuple[list[int | None], list[str | None]] | None = None
        self._flags: dict[int, str] = {}
        self._roles: dict[int, str] = {}
        self._marks: dict[int, str] = {}
        self._highlights: set[int] = set()
        self._focus_word: int | None = None
        self._newest: tuple[int, int] | None = None
        self._editable = False
        self._rtl_override: bool | None = None
        self._zoom = 1.0
        self._hover = -1
        self._press: tuple[int, QPointF] | None = None
        self._drag_pos: QPointF | None = None
        self._placeholder = ""
        self._pending_visible: list[int] | None = None
        self._clip: tuple[float, float] | None = None
        # computed by _relayout
        self._arcs: list[tuple[int, int, str]] = []
        self._kinds: list[str] = []  # per arc: a family name, or a DIFF key in diff mode
        self._nonproj: set[tuple[int, int]] = set()
        self._reference: tuple[list[int | None], list[str | None]] | None = None
        self._cache_key: tuple | None = None
        self._full: Layout = compute_layout([40.0], [], [], self.metrics)
        self._geometry: dict = {}
        self._layout: Layout = self._full

        self._f_form = _font(FORM_PX)
        self._f_form_b = _font(FORM_PX, True)
        self._f_tag = _font(TAG_PX)
        self._f_label = _font(LABEL_PX)
        self._f_small = _font(SMALL_PX)

        self._canvas = _Canvas(self)
        self._scroll = _Scroll(self)
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

    # -- data -----------------------------------------------------------------------
    def setTree(self, forms: Sequence[str], tags: Sequence[str] | None = None,
                heads: Sequence[int | None] | None = None, labels: Sequence[str | None] | None = None) -> None:
        """Shows words 1..n; ``heads[i]`` / ``labels[i]`` belong to word i+1 (None = unattached).

        With the same words as before (an edit) the gold comparison and the
        reference tree stay; with other words they are dropped.
        """
        n = len(forms)
        tags = list(tags) if tags is not None else [""] * n
        heads = list(heads) if heads is not None else [None] * n
        labels = list(labels) if labels is not None else [None] * n
        if len(tags) != n or len(heads) != n or len(labels) != n:
            raise ValueError("forms, tags, heads and labels must have the same length")
        if list(forms) != self._forms:  # another sentence: the comparison and reference go
            self._gold = self._reference = None
            self._hover = -1
        self._forms, self._tags, self._heads, self._labels = list(forms), tags, heads, labels
        self._flags = {k: v for k, v in self._flags.items() if 0 <= k <= n}
        self._relayout()

    def setTreeState(self, forms: Sequence[str], tags: Sequence[str], heads: Sequence[int | None],
                     labels: Sequence[str | None], reference: tuple | None = None,
                     gold: tuple | None = None) -> None:
        """``setTree`` + ``setReferenceTree`` + ``setDiff`` with a single layout pass."""
        n = len(forms)
        for name, t in (("reference", reference), ("gold", gold)):
            if t is not None and (len(t[0]) != n or len(t[1]) != n):
                raise ValueError(f"the {name} tree must have one head and label per word")
        if len(tags) != n or len(heads) != n or len(labels) != n:
            raise ValueError("forms, tags, heads and labels must have the same length")
        if list(forms) != self._forms:
            self._hover = -1
        self._forms, self._tags, self._heads, self._labels = list(forms), list(tags), list(heads), list(labels)
        self._reference = (list(reference[0]), list(reference[1])) if reference is not None else None
        self._gold = (list(gold[0]), list(gold[1])) if gold is not None else None
        self._flags = {k: v for k, v in self._flags.items() if 0 <= k <= n}
        self._relayout()

    def setDiff(self, gold_heads: Sequence[int | None] | None,
                gold_labels: Sequence[str | None] | None = None) -> None:
        """Compares the tree with a gold tree (None turns the comparison off)."""
        if gold_heads is None:
            if self._gold is None:
                return
            self._gold = None
        else:
            gl = list(gold_labels) if gold_labels is not None else [None] * len(gold_heads)
            if len(gold_heads) != len(self._forms) or len(gl) != len(self._forms):
                raise ValueError("the gold tree must have one head and label per word")
            self._gold = (list(gold_heads), gl)
        self._relayout()

    def setReferenceTree(self, heads: Sequence[int | None] | None, labels: Sequence[str | None] | None = None) -> None:
        """Arcs of this tree keep their place in the layout even while they are not drawn.

        Stepping through a parse with the final tree as reference never moves
        a word: arcs appear and disappear in their final places.  None drops it.
        """
        if heads is None:
            self._reference = None
        else:
            labs = list(labels) if labels is not None else [None] * len(heads)
            if len(heads) != len(self._forms) or len(labs) != len(heads):
                raise ValueError("the reference tree must have one head and label per word")
            self._reference = (list(heads), labs)
        self._relayout()

    def clearDiff(self) -> None:
        self.setDiff(None)

    def setFlags(self, flags: dict[int, str]) -> None:
        """Words to mark (red wavy underline) with the message shown as their tooltip."""
        self._flags = dict(flags)
        self._canvas.update()

    def setEditable(self, on: bool) -> None:
        self._editable = bool(on)
        self._canvas.setCursor(Qt.CursorShape.PointingHandCursor if on else Qt.CursorShape.ArrowCursor)

    def isEditable(self) -> bool:
        return self._editable

    def setWordRoles(self, roles: dict[int, str]) -> None:
        """Per word ``"stack"`` (tinted) or ``"buffer"`` (greyed, not read yet)."""
        self._roles = dict(roles)
        self._canvas.update()

    def setMarks(self, marks: dict[int, str]) -> None:
        """Small badges under words, e.g. {5: "s1", 4: "s2", 6: "b1"}."""
        self._marks = dict(marks)
        self._canvas.update()

    def setHighlights(self, words: set[int] | Sequence[int], focus: int | None = None) -> None:
        """Outlines ``words`` (e.g. the positions the features read); ``focus`` is outlined strongly."""
        self._highlights = set(words)
        self._focus_word = focus
        self._canvas.update()

    def setNewestArc(self, arc: tuple[int, int] | None) -> None:
        """(head, dependent) of the arc to emphasise, or None."""
        self._newest = arc
        self._canvas.update()

    def setRightToLeft(self, rtl: bool | None) -> None:
        """Forces the direction; None detects it from the words."""
        self._rtl_override = rtl
        self._relayout()

    def setPlaceholder(self, text: str) -> None:
        self._placeholder = text
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
        return len(self._forms)

    def hoveredWord(self) -> int:
        return self._hover

    def sceneSize(self) -> QSize:
        return QSize(int(self._layout.width + 0.5), int(self._layout.height + 0.5))

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
    def _word_width(self, i: int) -> float:
        if i == 0:
            return QFontMetricsF(self._f_tag).horizontalAdvance("ROOT") + 12
        fm, ft = QFontMetricsF(self._f_form_b), QFontMetricsF(self._f_tag)
        return max(fm.horizontalAdvance(self._forms[i - 1]), ft.horizontalAdvance(self._tags[i - 1] or ""),
                   12.0) + 6

    def _relayout(self) -> None:
        n = len(self._forms)
        arcs: list[tuple[int, int, str]] = []
        kinds: list[str] = []
        for d in range(1, n + 1):
            h, lab = self._heads[d - 1], self._labels[d - 1]
            if h is None or not 0 <= h <= n or h == d:
                continue
            text = lab or ""
            if self._gold is None:
                kind = family(lab)
            else:
                gh, gl = self._gold[0][d - 1], self._gold[1][d - 1]
                if gh != h:
                    kind = "head"
                elif gl is not None and gl != lab:
                    kind = "label"
                    text = f"{lab or '?'} ≠ {gl}"
                else:
                    kind = "correct"
            arcs.append((h, d, text))
            kinds.append(kind)
        if self._gold is not None:
            for d in range(1, n + 1):
                gh, gl = self._gold[0][d - 1], self._gold[1][d - 1]
                if gh is not None and gh != self._heads[d - 1] and 0 <= gh <= n and gh != d:
                    arcs.append((gh, d, gl or ""))
                    kinds.append("missing")
        self._arcs, self._kinds = arcs, kinds
        try:
            tree = DependencyTree([h if h is not None and 0 <= h <= n else None for h in self._heads],
                                  [l or "_" for l in self._labels])
            self._nonproj = set(tree.non_projective_arcs())
        except Exception:  # a malformed tree being edited: no projectivity marks
            self._nonproj = set()
        # the layout covers the drawn arcs and the reference tree's, keyed by (head, dependent)
        entries: dict[tuple[int, int], str] = {}
        if self._reference is not None:
            for d, (h, lab) in enumerate(zip(*self._reference), start=1):
                if h is not None and 0 <= h <= n and h != d:
                    entries[(h, d)] = lab or ""
        for h, d, text in arcs:
            entries[(h, d)] = text
        keys = sorted(entries)
        rtl = self._rtl_override if self._rtl_override is not None else is_rtl(self._forms)
        cache_key = (tuple(self._forms), tuple(self._tags), tuple((k, entries[k]) for k in keys), rtl)
        if cache_key != self._cache_key:
            fl = QFontMetricsF(self._f_label)
            full = compute_layout([self._word_width(i) for i in range(n + 1)],
                                  [(h, d, entries[(h, d)]) for h, d in keys],
                                  [fl.horizontalAdvance(entries[k]) + 6 for k in keys], self.metrics, rtl)
            self._full = full
            self._geometry = {(g.head, g.dep): g for g in full.arcs}
            self._cache_key = cache_key
        full = self._full
        lay = Layout(full.centers, full.widths, [self._geometry[(h, d)] for h, d, _ in arcs], full.baseline,
                     full.width, full.height, full.max_level, full.rtl)
        tree_only = Layout(full.centers, full.widths, [g for g, k in zip(lay.arcs, kinds) if k != "missing"],
                           full.baseline, full.width, full.height, full.max_level, full.rtl)
        lay.crossings = crossing_points(tree_only)  # non-projectivity of the drawn tree only
        self._layout = lay
        self._resize_canvas()
        self._update_legend()

    def _update_legend(self) -> None:
        def chip(color: str, text: str, dashed: bool = False) -> str:
            style = "dashed" if dashed else "solid"
            return (f"<span style='color:{color}; font-weight:bold'>&#9632;</span>"
                    f"<span style='border-bottom:1px {style} {color}'>&nbsp;{text}</span>")
        parts = []
        if self._gold is not None:
            used = set(self._kinds)
            parts = [chip(c, name) for k, (name, c) in DIFF.items() if k in used]
        else:
            used = [k for k in FAMILIES if k in set(self._kinds)]
            parts = [chip(FAMILIES[k][1], FAMILIES[k][0]) for k in used]
        if self._layout.crossings:
            parts.append("<span style='color:#000'>&#9673;</span>&nbsp;crossing (non-projective) arcs")
        self._legend.setText("&nbsp;&nbsp; ".join(parts))
        self._legend.setVisible(bool(parts))

    # -- painting -------------------------------------------------------------------------
    def paint(self, p: QPainter, export: bool = False, clip: tuple[float, float] | None = None) -> None:
        """Paints the diagram at zoom 1 (the caller scales); ``export`` drops hover and drag effects.

        ``clip`` = (x0, x1): only what meets this horizontal range is painted (long sentences).
        """
        lay = self._layout
        self._clip = clip
        if not self._forms:
            if self._placeholder and not export:
                p.setPen(QColor("#888888"))
                p.setFont(self._f_form)
                p.drawText(QRectF(0, 0, max(lay.width, 600), lay.height), Qt.AlignmentFlag.AlignCenter,
                           self._placeholder)
            return
        hover = -1 if export else self._hover
        related: set[tuple[int, int]] = set()
        if hover >= 0:
            related = {(h, d) for h, d, _ in self._arcs if h == hover or d == hover}
        self._paint_words(p, hover, export)
        # arcs: missing gold arcs first, then the others; the related/newest ones last (on top)
        order = sorted((k for k in range(len(lay.arcs)) if self._visible(*lay.arcs[k].x_range)),
                       key=lambda k: (self._kinds[k] != "missing",
                                      (lay.arcs[k].head, lay.arcs[k].dep) in related,
                                      (lay.arcs[k].head, lay.arcs[k].dep) == self._newest))
        for k in order:
            a = lay.arcs[k]
            faded = bool(related) and (a.head, a.dep) not in related
            self._paint_arc(p, a, self._kinds[k], faded, (a.head, a.dep) in related)
        # crossings on top of the lines, labels on top of everything
        for x, y in lay.crossings:
            p.setPen(QPen(QColor("#000000"), 1.2))
            p.setBrush(QColor(CROSSING_COLOR))
            p.drawEllipse(QPointF(x, y), 3.5, 3.5)
        for k in order:
            a = lay.arcs[k]
            faded = bool(related) and (a.head, a.dep) not in related
            self._paint_label(p, a, self._kinds[k], faded)
        if self._drag_pos is not None and self._press is not None and not export:
            src = self._press[0]
            x0 = lay.centers[src]
            pen = QPen(QColor("#0072B2"), 2, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(x0, lay.baseline), self._drag_pos)

    def _visible(self, x0: float, x1: float) -> bool:
        clip = self._clip
        return clip is None or (x1 >= clip[0] and x0 <= clip[1])

    def _color(self, kind: str) -> QColor:
        if kind in DIFF:
            return QColor(DIFF[kind][1])
        return QColor(FAMILIES.get(kind, FAMILIES["other"])[1])

    def _paint_arc(self, p: QPainter, a, kind: str, faded: bool, related: bool) -> None:
        col = self._color(kind)
        newest = (a.head, a.dep) == self._newest
        width = 1.6
        if kind == "head":
            width = 2.4
        if related or newest:
            width = 2.8
        if faded:
            col.setAlpha(55)
        base = self._layout.baseline
        path = QPainterPath()
        xh, xd, y = a.x_head, a.x_dep, a.y_top
        r = min(7.0, abs(xd - xh) / 2, (base - y) / 2)
        sgn = 1 if xd > xh else -1
        tip = base - 1
        path.moveTo(xh, base)
        path.lineTo(xh, y + r)
        path.quadTo(xh, y, xh + sgn * r, y)
        path.lineTo(xd - sgn * r, y)
        path.quadTo(xd, y, xd, y + r)
        path.lineTo(xd, tip - 6)
        if newest:
            halo = QPen(QColor(240, 228, 66, 170), width + 6)
            halo.setCapStyle(Qt.PenCapStyle.RoundCap)
            p.setPen(halo)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
        pen = QPen(col, width, Qt.PenStyle.DashLine if kind == "missing" else Qt.PenStyle.SolidLine)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        # arrowhead pointing down at the dependent
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(col)
        s = 4.0 + width / 2
        p.drawPolygon(QPolygonF([QPointF(xd, tip), QPointF(xd - s, tip - 2.2 * s), QPointF(xd + s, tip - 2.2 * s)]))

    def _paint_label(self, p: QPainter, a, kind: str, faded: bool) -> None:
        if not a.label:
            return
        x, y, w, h = a.label_rect
        rect = QRectF(x, y, w, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawRoundedRect(rect, 3, 3)
        col = text_color(self._color(kind))
        if faded:
            col.setAlpha(80)
        f = QFont(self._f_label)
        f.setItalic(kind == "missing")
        f.setBold((a.head, a.dep) == self._newest)
        p.setFont(f)
        p.setPen(col)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, a.label)

    def _paint_words(self, p: QPainter, hover: int, export: bool) -> None:
        lay = self._layout
        base = lay.baseline
        head_of_hover = None
        deps_of_hover: set[int] = set()
        if hover > 0:
            head_of_hover = self._heads[hover - 1]
            deps_of_hover = {d + 1 for d, h in enumerate(self._heads) if h == hover}
        elif hover == 0:
            deps_of_hover = {d + 1 for d, h in enumerate(self._heads) if h == 0}
        for i, (c, w) in enumerate(zip(lay.centers, lay.widths)):
            if not self._visible(c - w / 2 - 24, c + w / 2 + 24):
                continue
            box = QRectF(c - w / 2 - 2, base + 2, w + 4, 38)
            bg = None
            if not export and i == hover:
                bg = QColor("#FFE9A8")
            elif not export and i == head_of_hover:
                bg = QColor("#CFE6F7")
            elif not export and i in deps_of_hover:
                bg = QColor("#D4F0E4")
            elif self._roles.get(i) == ROLE_STACK:
                bg = QColor("#E4EEF8")
            if bg is not None:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(bg)
                p.drawRoundedRect(box, 4, 4)
            if i in self._highlights or i == self._focus_word:
                strong = i == self._focus_word
                p.setPen(QPen(QColor("#E69F00") if not strong else QColor("#D55E00"), 2.5 if strong else 1.5,
                              Qt.PenStyle.SolidLine if strong else Qt.PenStyle.DotLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(box.adjusted(-1, -1, 1, 1), 5, 5)
            if i == 0:
                r = QRectF(c - w / 2, base + 4, w, 18)
                p.setPen(QPen(QColor("#333333"), 1))
                p.setBrush(QColor("#F4F4F4"))
                p.drawRoundedRect(r, 3, 3)
                p.setFont(self._f_tag)
                p.setPen(QColor("#333333"))
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, "ROOT")
                self._paint_mark(p, i, c, base)
                continue
            form_col = QColor("#9A9A9A") if self._roles.get(i) == ROLE_BUFFER else QColor("#111111")
            p.setFont(self._f_form_b if i == hover and not export else self._f_form)
            p.setPen(form_col)
            fr = QRectF(c - w / 2 - 20, base + 4, w + 40, 19)
            p.drawText(fr, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self._forms[i - 1])
            if i in self._flags:
                fw = QFontMetricsF(self._f_form).horizontalAdvance(self._forms[i - 1])
                self._wavy(p, c - fw / 2, c + fw / 2, base + 23)
            p.setFont(self._f_tag)
            p.setPen(QColor("#5A5A5A") if self._roles.get(i) != ROLE_BUFFER else QColor("#ABABAB"))
            p.drawText(QRectF(c - w / 2 - 20, base + 24, w + 40, 14),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self._tags[i - 1])
            self._paint_mark(p, i, c, base)

    def _paint_mark(self, p: QPainter, i: int, c: float, base: float) -> None:
        p.setFont(self._f_small)
        mark = self._marks.get(i)
        if mark:
            fm = QFontMetricsF(self._f_small)
            w = fm.horizontalAdvance(mark) + 8
            r = QRectF(c - w / 2, base + 41, w, 13)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#0072B2") if mark.startswith("s") else QColor("#6B6B6B"))
            p.drawRoundedRect(r, 6, 6)
            p.setPen(QColor("white"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, mark)
        elif i > 0:
            p.setPen(QColor("#B0B0B0"))
            p.drawText(QRectF(c - 15, base + 41, 30, 13), Qt.AlignmentFlag.AlignCenter, str(i))

    def _wavy(self, p: QPainter, x1: float, x2: float, y: float) -> None:
        path = QPainterPath(QPointF(x1, y))
        x, up = x1, True
        while x < x2:
            nx = min(x + 3, x2)
            path.lineTo(nx, y - 1.5 if up else y + 1.5)
            x, up = nx, not up
        p.setPen(QPen(QColor("#D00000"), 1.3))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)

    # -- mouse ------------------------------------------------------------------------------
    def _word_at(self, pos: QPointF) -> int | None:
        if pos.y() < self._layout.baseline - 4:
            return None
        return self._layout.word_at(pos.x())

    def _set_hover(self, i: int) -> None:
        if i != self._hover:
            self._hover = i
            self._canvas.update()
            self.hoveredChanged.emit(i)

    def _mouse_move(self, pos: QPointF) -> None:
        w = self._word_at(pos)
        self._set_hover(-1 if w is None or w > len(self._forms) else w)
        if self._press is not None and self._editable and self._press[0] > 0:
            if self._drag_pos is not None or (pos - self._press[1]).manhattanLength() > 6:
                self._drag_pos = pos
                self._canvas.update()

    def _mouse_press(self, pos: QPointF) -> None:
        w = self._word_at(pos)
        self._press = (w, pos) if w is not None and w <= len(self._forms) else None
        self._drag_pos = None

    def _mouse_release(self, pos: QPointF) -> None:
        press, dragging = self._press, self._drag_pos is not None
        self._press, self._drag_pos = None, None
        self._canvas.update()
        if press is None:
            return
        target = self._word_at(pos)
        if dragging:
            if target is not None and target != press[0] and target <= len(self._forms):
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
        self._scroll.ensureVisible(int(mid), int(self._layout.baseline * z), int(max(margin, 10)), 10)

    def canvas(self) -> QWidget:
        return self._canvas

    def tooltip_at(self, pos: QPointF) -> str:
        w = self._word_at(pos)
        if w is not None and 0 < w <= len(self._forms):
            h = self._heads[w - 1]
            head = "none" if h is None else ("ROOT" if h == 0 else f"{h} {self._forms[h - 1]}")
            text = f"{w} {self._forms[w - 1]} ({self._tags[w - 1]}) — head: {head}"
            if self._labels[w - 1]:
                text += f", {self._labels[w - 1]}"
            if w in self._flags:
                text = f"<b>{self._flags[w]}</b><br>{text}"
            return text
        for (h, d, lab), k, a in zip(self._arcs, self._kinds, self._layout.arcs):
            x, y, wd, ht = a.label_rect
            if x <= pos.x() <= x + wd and y <= pos.y() <= y + ht:
                hw = "ROOT" if h == 0 else self._forms[h - 1]
                extra = f" — {DIFF[k][0]}" if k in DIFF else ""
                if (h, d) in self._nonproj:
                    extra += " — non-projective (crosses another arc)"
                return f"{hw} → {self._forms[d - 1]} ({lab}){extra}"
        return ""
