"""The transition systems, by name (``deplab train --system NAME``, ``deplab oracle --system NAME``).

Each is a :class:`parser.configuration.TransitionSystem`: arc-standard (Nivre 2004), arc-eager (Nivre 2003,
2008), arc-hybrid (Kuhlmann, Gómez-Rodríguez & Satta 2011) and arc-standard with SWAP (Nivre 2009), the one
that reaches non-projective trees.
"""
from __future__ import annotations

from ..configuration import TransitionSystem
from .arc_eager import ArcEager
from .arc_hybrid import ArcHybrid
from .arc_standard import ArcStandard
from .swap import Swap

SYSTEMS: dict[str, TransitionSystem] = {s.name: s for s in (ArcStandard(), ArcEager(), ArcHybrid(), Swap())}
DEFAULT = "arc-standard"


def get_system(name: str | TransitionSystem | None) -> TransitionSystem:
    """The system called ``name`` (None: arc-standard, the system of models trained before there was a choice)."""
    if isinstance(name, TransitionSystem):
        return name
    try:
        return SYSTEMS[name or DEFAULT]
    except KeyError:
        raise ValueError(f"unknown transition system {name!r} (known: {', '.join(SYSTEMS)})") from None
