"""Painting the arc diagram: words with their tags, arcs with arrowheads and labels, crossings,
hover and drag feedback.  One painter for the screen and for export (SVG, PNG): the view and
:mod:`.export` both call :meth:`ArcPainter.paint`."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from .arc_layout import Layout
from .arc_state import ROLE_BUFFER, ROLE_STACK, ArcState
from .relations import CROSSING_COLOR, DIFF, FAMILIES, text_color

FORM_PX, TAG_PX, LABEL_PX, SMALL_PX = 15, 11, 11, 9


def _font(px: int, bold: bool = False, family_name: str | None = None) -> QFont:
    f = QFont(family_name) if family_name else QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


class ArcPainter:
    """Measures and paints one :class:`ArcState` laid out as a :class:`Layout`.

    The view sets ``state``, ``layout``, ``arcs`` and ``kinds`` (from :meth:`ArcState.classify`)
    after each layout, and ``hover``, ``press`` and ``drag_pos`` as the mouse moves."""

    def __init__(self, state: ArcState):
        self.state = state
        self.layout: Layout | None = None
        self.arcs: list[tuple[int, int, str]] = []
        self.kinds: list[str] = []
        self.hover = -1
        self.press: tuple[int, QPointF] | None = None
        self.drag_pos: QPointF | None = None
        self.clip: tuple[float, float] | None = None
        self._f_form = _font(FORM_PX)
        self._f_form_b = _font(FORM_PX, True)
        self._f_tag = _font(TAG_PX)
        self._f_label = _font(LABEL_PX)
        self._f_small = _font(SMALL_PX)

    # -- measuring ----------------------------------------------------------------------------
    def word_width(self, i: int) -> float:
        if i == 0:
            return QFontMetricsF(self._f_tag).horizontalAdvance("ROOT") + 12
        fm, ft = QFontMetricsF(self._f_form_b), QFontMetricsF(self._f_tag)
        return max(fm.horizontalAdvance(self.state.forms[i - 1]),
                   ft.horizontalAdvance(self.state.tags[i - 1] or ""), 12.0) + 6

    def label_width(self, text: str) -> float:
        return QFontMetricsF(self._f_label).horizontalAdvance(text) + 6

    # -- painting ---------------------------------------------------------------------------------
    def paint(self, p: QPainter, export: bool = False, clip: tuple[float, float] | None = None) -> None:
        """Paints the diagram at zoom 1 (the caller scales); ``export`` drops hover and drag effects.

        ``clip`` = (x0, x1): only what meets this horizontal range is painted (long sentences).
        """
        lay = self.layout
        self.clip = clip
        if not self.state.forms:
            if self.state.placeholder and not export:
                p.setPen(QColor("#888888"))
                p.setFont(self._f_form)
                p.drawText(QRectF(0, 0, max(lay.width, 600), lay.height), Qt.AlignmentFlag.AlignCenter,
                           self.state.placeholder)
            return
        hover = -1 if export else self.hover
        related: set[tuple[int, int]] = set()
        if hover >= 0:
            related = {(h, d) for h, d, _ in self.arcs if h == hover or d == hover}
        self._paint_words(p, hover, export)
        # arcs: missing gold arcs first, then the others; the related/newest ones last (on top)
        order = sorted((k for k in range(len(lay.arcs)) if self._visible(*lay.arcs[k].x_range)),
                       key=lambda k: (self.kinds[k] != "missing",
                                      (lay.arcs[k].head, lay.arcs[k].dep) in related,
                                      (lay.arcs[k].head, lay.arcs[k].dep) == self.state.newest))
        for k in order:
            a = lay.arcs[k]
            faded = bool(related) and (a.head, a.dep) not in related
            self._paint_arc(p, a, self.kinds[k], faded, (a.head, a.dep) in related)
        # crossings on top of the lines, labels on top of everything
        for x, y in lay.crossings:
            p.setPen(QPen(QColor("#000000"), 1.2))
            p.setBrush(QColor(CROSSING_COLOR))
            p.drawEllipse(QPointF(x, y), 3.5, 3.5)
        for k in order:
            a = lay.arcs[k]
            faded = bool(related) and (a.head, a.dep) not in related
            self._paint_label(p, a, self.kinds[k], faded)
        if self.drag_pos is not None and self.press is not None and not export:
            src = self.press[0]
            x0 = lay.centers[src]
            pen = QPen(QColor("#0072B2"), 2, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(x0, lay.baseline), self.drag_pos)

    def _visible(self, x0: float, x1: float) -> bool:
        clip = self.clip
        return clip is None or (x1 >= clip[0] and x0 <= clip[1])

    def _color(self, kind: str) -> QColor:
        if kind in DIFF:
            return QColor(DIFF[kind][1])
        return QColor(FAMILIES.get(kind, FAMILIES["other"])[1])

    def _paint_arc(self, p: QPainter, a, kind: str, faded: bool, related: bool) -> None:
        col = self._color(kind)
        newest = (a.head, a.dep) == self.state.newest
        width = 1.6
        if kind == "head":
            width = 2.4
        if related or newest:
            width = 2.8
        if faded:
            col.setAlpha(55)
        base = self.layout.baseline
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
        f.setBold((a.head, a.dep) == self.state.newest)
        p.setFont(f)
        p.setPen(col)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, a.label)

    def _paint_words(self, p: QPainter, hover: int, export: bool) -> None:
        lay = self.layout
        base = lay.baseline
        head_of_hover = None
        deps_of_hover: set[int] = set()
        if hover > 0:
            head_of_hover = self.state.heads[hover - 1]
            deps_of_hover = {d + 1 for d, h in enumerate(self.state.heads) if h == hover}
        elif hover == 0:
            deps_of_hover = {d + 1 for d, h in enumerate(self.state.heads) if h == 0}
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
            elif self.state.roles.get(i) == ROLE_STACK:
                bg = QColor("#E4EEF8")
            if bg is not None:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(bg)
                p.drawRoundedRect(box, 4, 4)
            share = self.state.shades.get(i)
            if share:  # why this transition: blue towards the choice, orange against (Okabe-Ito colours)
                tint = QColor("#0072B2") if share > 0 else QColor("#E69F00")
                tint.setAlpha(int(40 + 150 * min(1.0, abs(share))))
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(tint)
                p.drawRoundedRect(QRectF(box.left(), box.top() - 4, box.width(), 4 + box.height()), 4, 4)
            if i in self.state.highlights or i == self.state.focus_word:
                strong = i == self.state.focus_word
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
            form_col = QColor("#9A9A9A") if self.state.roles.get(i) == ROLE_BUFFER else QColor("#111111")
            p.setFont(self._f_form_b if i == hover and not export else self._f_form)
            p.setPen(form_col)
            fr = QRectF(c - w / 2 - 20, base + 4, w + 40, 19)
            p.drawText(fr, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.state.forms[i - 1])
            if i in self.state.flags:
                fw = QFontMetricsF(self._f_form).horizontalAdvance(self.state.forms[i - 1])
                self._wavy(p, c - fw / 2, c + fw / 2, base + 23)
            p.setFont(self._f_tag)
            p.setPen(QColor("#5A5A5A") if self.state.roles.get(i) != ROLE_BUFFER else QColor("#ABABAB"))
            p.drawText(QRectF(c - w / 2 - 20, base + 24, w + 40, 14),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.state.tags[i - 1])
            self._paint_mark(p, i, c, base)

    def _paint_mark(self, p: QPainter, i: int, c: float, base: float) -> None:
        p.setFont(self._f_small)
        mark = self.state.marks.get(i)
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
