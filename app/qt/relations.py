"""Colours of UD relation families and of tree differences.

The colours are the Okabe & Ito (2008) palette, chosen to stay distinct for
the common forms of colour blindness; every arc also carries its label as text,
so colour is never the only cue.  Families follow the UD v2 relation table
(https://universaldependencies.org/u/dep/).
"""
from __future__ import annotations

from PySide6.QtGui import QColor

FAMILIES = {
    "core": ("core argument", "#0072B2", ("nsubj", "obj", "iobj", "csubj", "ccomp", "xcomp")),
    "noncore": ("non-core / clause modifier", "#D55E00",
                ("obl", "vocative", "expl", "dislocated", "advcl", "advmod", "discourse")),
    "nominal": ("nominal modifier", "#009E73", ("nmod", "appos", "nummod", "acl", "amod")),
    "function": ("function word", "#E69F00", ("aux", "cop", "mark", "det", "clf", "case")),
    "coord": ("coordination", "#CC79A7", ("conj", "cc")),
    "mwe": ("multiword expression", "#56B4E9", ("fixed", "flat", "compound")),
    "loose": ("loose / special", "#555555", ("list", "parataxis", "orphan", "goeswith", "reparandum")),
    "root": ("root", "#000000", ("root",)),
    "other": ("punctuation / other", "#8C8C8C", ("punct", "dep")),
}
_BY_RELATION = {rel: fam for fam, (_, _, rels) in FAMILIES.items() for rel in rels}

# differences against a gold tree
DIFF = {
    "correct": ("correct", "#0072B2"),
    "head": ("wrong head", "#D55E00"),
    "label": ("right head, wrong label", "#CC79A7"),
    "missing": ("gold arc not found (dashed)", "#6B6B6B"),
}
CROSSING_COLOR = "#F0E442"  # the yellow of the palette, drawn with a black ring


def family(label: str | None) -> str:
    """The family of a UD relation (subtypes like ``nsubj:pass`` count as their base)."""
    if not label:
        return "other"
    return _BY_RELATION.get(label.split(":")[0].lower(), "other")


def family_color(label: str | None) -> QColor:
    return QColor(FAMILIES[family(label)][1])


def text_color(c: QColor) -> QColor:
    """A darker shade of an arc colour, readable as text on white."""
    return c.darker(135) if c.lightness() > 90 else c
