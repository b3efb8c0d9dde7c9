"""The arc diagram without a widget: what is shown (:class:`.arc_state.ArcState`), where it goes
(:func:`.arc_layout.compute_layout`, cached) and the painter (:class:`.arc_painter.ArcPainter`).

The arc view (:mod:`.arc_view`) paints one on the screen; :mod:`.export` paints them onto a QImage
or an SVG generator, in a worker thread too: nothing here is a QWidget (Qt allows QPainter on a
QImage, fonts and font metrics outside the GUI thread; widgets only on it).
"""
from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter

from .arc_layout import Layout, Metrics, compute_layout, crossing_points
from .arc_painter import ArcPainter
from .arc_state import ArcState


class ArcScene:
    """One diagram: ``state``, ``metrics``, ``painter`` and, after :meth:`relayout`, ``layout`` with the
    arcs drawn (``arcs``, their ``kinds``) and the non-projective ones (``nonproj``)."""

    def __init__(self, metrics: Metrics | None = None):
        self.metrics = metrics if metrics is not None else Metrics(word_area=62.0)
        self.state = ArcState()
        self.painter = ArcPainter(self.state)
        self.arcs: list[tuple[int, int, str]] = []
        self.kinds: list[str] = []  # per arc: a family name, or a DIFF key in diff mode
        self.nonproj: set[tuple[int, int]] = set()
        self.cache_key: tuple | None = None  # None: the next relayout recomputes the geometry
        self.full: Layout = compute_layout([40.0], [], [], self.metrics)
        self.geometry: dict = {}
        self.layout: Layout = self.full

    def relayout(self) -> Layout:
        """Lays the state out (the geometry is recomputed only when the words or the arcs placed changed)."""
        st, pn = self.state, self.painter
        n = len(st.forms)
        arcs, kinds = st.classify()
        self.arcs, self.kinds = arcs, kinds
        self.nonproj = st.non_projective()
        # the layout covers the drawn arcs and the reference tree's, keyed by (head, dependent)
        entries = st.layout_entries(arcs)
        keys = sorted(entries)
        rtl = st.rtl()
        cache_key = (tuple(st.forms), tuple(st.tags), tuple((k, entries[k]) for k in keys), rtl)
        if cache_key != self.cache_key:
            full = compute_layout([pn.word_width(i) for i in range(n + 1)],
                                  [(h, d, entries[(h, d)]) for h, d in keys],
                                  [pn.label_width(entries[k]) for k in keys], self.metrics, rtl)
            self.full = full
            self.geometry = {(g.head, g.dep): g for g in full.arcs}
            self.cache_key = cache_key
        full = self.full
        lay = Layout(full.centers, full.widths, [self.geometry[(h, d)] for h, d, _ in arcs], full.baseline,
                     full.width, full.height, full.max_level, full.rtl)
        tree_only = Layout(full.centers, full.widths, [g for g, k in zip(lay.arcs, kinds) if k != "missing"],
                           full.baseline, full.width, full.height, full.max_level, full.rtl)
        lay.crossings = crossing_points(tree_only)  # non-projectivity of the drawn tree only
        self.layout = lay
        pn.layout, pn.arcs, pn.kinds = lay, arcs, kinds
        return lay

    # the names the exports read on an arc view too
    def arcLayout(self) -> Layout:
        return self.layout

    def sceneSize(self) -> QSize:
        return QSize(int(self.layout.width + 0.5), int(self.layout.height + 0.5))

    def paint(self, p: QPainter, export: bool = False, clip: tuple[float, float] | None = None) -> None:
        """Paints the diagram at zoom 1 (the caller scales); ``export`` drops hover and drag effects."""
        self.painter.paint(p, export, clip)
