"""Geometry of an arc diagram as a pure function of word widths and arcs.

No Qt here: the view measures text, this module decides where everything
goes, so the rules can be unit-tested.

* Words sit on one line, ROOT (index 0) first; adjacent words are pushed apart
  until every arc label fits between the two legs of its arc.
* An arc's height is its *level*: one more than the highest arc nested inside
  it, and different from every arc it overlaps.  So nested arcs are always
  higher than the arcs they contain and their labels never overlap.
* Every arc has its own anchor point on each word, the highest arcs in the
  middle, so the legs of nested arcs never cross their neighbours' lines.
* Crossing (non-projective) arcs are the only ones whose lines meet; the points
  where a leg crosses another arc's top segment are returned, so the view can
  mark them.
* Right-to-left text mirrors the whole diagram (ROOT on the right).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence


@dataclass
class ArcGeometry:
    head: int
    dep: int
    label: str
    level: int
    x_head: float  # anchor of the leg at the head
    x_dep: float  # anchor of the leg at the dependent (where the arrowhead points)
    y_top: float  # y of the horizontal segment
    label_rect: tuple[float, float, float, float]  # x, y, w, h

    @property
    def span(self) -> tuple[int, int]:
        return (min(self.head, self.dep), max(self.head, self.dep))

    @property
    def x_range(self) -> tuple[float, float]:
        return (min(self.x_head, self.x_dep), max(self.x_head, self.x_dep))


@dataclass
class Layout:
    centers: list[float]  # x centre of each word, index 0 = ROOT
    widths: list[float]
    arcs: list[ArcGeometry]  # in the order the arcs were given (None arcs skipped)
    baseline: float  # y where the legs meet the words (arrow tips)
    width: float
    height: float
    max_level: int
    rtl: bool = False
    crossings: list[tuple[float, float]] = field(default_factory=list)

    def word_at(self, x: float) -> int | None:
        """The word (0 = ROOT) whose box contains ``x``, if any."""
        for i, (c, w) in enumerate(zip(self.centers, self.widths)):
            if c - w / 2 - 4 <= x <= c + w / 2 + 4:
                return i
        return None


@dataclass
class Metrics:
    """Sizes in pixels (at zoom 1)."""

    gap: float = 18.0  # minimum space between word boxes
    margin: float = 16.0
    level_height: float = 24.0
    label_height: float = 16.0
    label_pad: float = 10.0  # free space around a label between the legs
    anchor_step: float = 7.0  # distance between two anchors on the same word
    top_margin: float = 10.0
    word_area: float = 60.0  # height below the baseline (form, tag, marks)


def _levels(spans: list[tuple[int, int]]) -> list[int]:
    """Level of each arc: above every arc it contains, apart from every arc it overlaps.

    Arcs are placed from the shortest to the longest; an arc takes the lowest
    level that is above all arcs inside its span and free of arcs that overlap
    it (share more than an end point).
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i][0]))
    level = [0] * len(spans)
    placed: list[int] = []
    for i in order:
        l, r = spans[i]
        low = 1
        for j in placed:
            lj, rj = spans[j]
            if l <= lj and rj <= r:
                low = max(low, level[j] + 1)
        taken = {level[j] for j in placed if spans[j][0] < r and l < spans[j][1]}
        lv = low
        while lv in taken:
            lv += 1
        level[i] = lv
        placed.append(i)
    return level


def compute_layout(word_widths: Sequence[float], arcs: Sequence[tuple[int, int, str]],
                   label_widths: Sequence[float], metrics: Metrics | None = None,
                   rtl: bool = False) -> Layout:
    """Places words and arcs.

    ``word_widths[0]`` is the ROOT marker; ``arcs`` are (head, dependent, label)
    with word indices (0 = ROOT); ``label_widths[k]`` is the width of arc k's label.
    Arcs whose head is None or equal to the dependent are skipped.
    """
    m = metrics or Metrics()
    n = len(word_widths)
    keep = [k for k, (h, d, _) in enumerate(arcs)
            if h is not None and h != d and 0 <= h < n and 0 <= d < n]
    spans = [(min(arcs[k][0], arcs[k][1]), max(arcs[k][0], arcs[k][1])) for k in keep]
    levels = _levels(spans)

    # anchors: on each word the legs of arcs going left, then of arcs going right, the
    # highest in the middle: a higher arc's leg then stays outside the lower arcs' spans
    ends: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]  # (side, order key, arc#)
    for a, k in enumerate(keep):
        l, r = spans[a]
        ends[l].append((1, -levels[a], a))  # goes right from l: higher ones further left
        ends[r].append((0, levels[a], a))  # goes left from r: higher ones further right
    offsets: dict[tuple[int, int], float] = {}  # (arc#, word) -> offset from centre
    spread = [0.0] * n
    for w in range(n):
        items = sorted(ends[w])
        cnt = len(items)
        if cnt <= 1:
            if items:
                offsets[(items[0][2], w)] = 0.0
            continue
        step = min(m.anchor_step, max(2.0, (word_widths[w] - 6) / (cnt - 1)))
        for i, (_, _, a) in enumerate(items):
            offsets[(a, w)] = (i - (cnt - 1) / 2) * step
        spread[w] = (cnt - 1) / 2 * step

    # word centres: left to right, far enough apart for the words and the labels
    need: list[list[tuple[int, float]]] = [[] for _ in range(n)]  # right end -> (left end, distance)
    for a, k in enumerate(keep):
        l, r = spans[a]
        need[r].append((l, spread[l] + spread[r] + label_widths[k] + 2 * m.label_pad))
    centers = [0.0] * n
    for j in range(n):
        if j == 0:
            centers[0] = m.margin + word_widths[0] / 2
            continue
        c = centers[j - 1] + word_widths[j - 1] / 2 + m.gap + word_widths[j] / 2
        for l, dist in need[j]:
            c = max(c, centers[l] + dist)
        centers[j] = c
    width = (centers[-1] + word_widths[-1] / 2 + m.margin) if n else 2 * m.margin

    max_level = max(levels, default=0)
    baseline = m.top_margin + max_level * m.level_height + m.label_height / 2 + 4
    height = baseline + m.word_area

    def mx(x: float) -> float:
        return width - x if rtl else x

    out = []
    for a, k in enumerate(keep):
        h, d, lab = arcs[k]
        xh = mx(centers[h] + offsets[(a, h)])
        xd = mx(centers[d] + offsets[(a, d)])
        y = baseline - levels[a] * m.level_height
        lw = label_widths[k]
        cx = (xh + xd) / 2
        out.append(ArcGeometry(h, d, lab, levels[a], xh, xd, y,
                               (cx - lw / 2, y - m.label_height / 2, lw, m.label_height)))
    layout = Layout([mx(c) for c in centers], list(word_widths), out, baseline, width, height,
                    max_level, rtl)
    layout.crossings = crossing_points(layout)
    return layout


def crossing_points(layout: Layout) -> list[tuple[float, float]]:
    """Where a leg of one arc crosses the top segment of another (non-projective arcs)."""
    pts = []
    tops = [(b.x_range, b.y_top) for b in layout.arcs if b.y_top < layout.baseline]
    for a in layout.arcs:
        for x in (a.x_head, a.x_dep):
            for (x1, x2), y in tops:  # an arc never crosses its own top (its legs are its ends)
                if x1 + 0.5 < x < x2 - 0.5 and a.y_top < y:
                    pts.append((x, y))
    return pts


def rectangles_overlap(r1, r2) -> bool:
    x1, y1, w1, h1 = r1
    x2, y2, w2, h2 = r2
    return x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1
