"""Hit-testing the drawn tree: which word or arc label is under a point (scene coordinates,
zoom 1), and the tooltip that describes it."""
from __future__ import annotations

from .arc_layout import Layout
from .arc_state import ArcState
from .relations import DIFF


def word_at(layout: Layout, x: float, y: float) -> int | None:
    """The word (0 = ROOT) whose column holds the point, if it is below the arcs."""
    if y < layout.baseline - 4:
        return None
    return layout.word_at(x)


def tooltip_at(state: ArcState, layout: Layout, arcs, kinds, non_projective: set, x: float, y: float) -> str:
    w = word_at(layout, x, y)
    forms = state.forms
    if w is not None and 0 < w <= len(forms):
        h = state.heads[w - 1]
        head = "none" if h is None else ("ROOT" if h == 0 else f"{h} {forms[h - 1]}")
        text = f"{w} {forms[w - 1]} ({state.tags[w - 1]}) — head: {head}"
        if state.labels[w - 1]:
            text += f", {state.labels[w - 1]}"
        if w in state.flags:
            text = f"<b>{state.flags[w]}</b><br>{text}"
        return text
    for (h, d, lab), k, a in zip(arcs, kinds, layout.arcs):
        lx, ly, wd, ht = a.label_rect
        if lx <= x <= lx + wd and ly <= y <= ly + ht:
            hw = "ROOT" if h == 0 else forms[h - 1]
            extra = f" — {DIFF[k][0]}" if k in DIFF else ""
            if (h, d) in non_projective:
                extra += " — non-projective (crosses another arc)"
            return f"{hw} → {forms[d - 1]} ({lab}){extra}"
    return ""
