"""The parts of a model that fine-tuning trains or freezes: ``embeddings``, ``hidden``, ``output``.

``embeddings`` are the word, character, tag and label embeddings, ``hidden`` the BiLSTM and hidden
layers, ``output`` the transition and tag softmax.  Discriminative fine-tuning (Howard & Ruder 2018)
gives each part below the output its own learning rate (:attr:`DEPTH`: how far below the output
it is); freezing keeps a part fixed (:func:`freeze`).
"""
from __future__ import annotations

import re
from typing import Sequence

import torch

from .errors import UserError
from .growth import Growth, char_tables, label_tables, tag_tables, word_tables
from .model import Model

PARTS = ("embeddings", "hidden", "output")
DEPTH = {"output": 0, "hidden": 1, "embeddings": 2}
_EMBEDDING = re.compile(r"(^|\.)(words|chars|tags|labels)(\.|$)")
_OUTPUT = re.compile(r"(^|\.)out\.(weight|bias)$")


def part_of(name: str) -> str:
    """``embeddings``, ``hidden`` or ``output`` for a parameter name such as ``parser.tagger.encoder.lstm.weight_ih_l0``."""
    if _OUTPUT.search(name):
        return "output"
    if _EMBEDDING.search(name):
        return "embeddings"
    return "hidden"


def named_parameters(model: Model) -> list[tuple[str, torch.nn.Parameter]]:
    return [(f"{m}.{n}", p) for m, module in model.modules().items() for n, p in module.named_parameters()]


def parameter_parts(model: Model) -> dict[str, list[tuple[str, torch.nn.Parameter]]]:
    out = {p: [] for p in PARTS}
    for name, param in named_parameters(model):
        out[part_of(name)].append((name, param))
    return out


def parse_freeze(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"embeddings,hidden"`` -> ("embeddings", "hidden"); unknown parts are a UserError."""
    if not text:
        return ()
    items = [t.strip().lower() for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    bad = [t for t in items if t not in PARTS]
    if bad:
        raise UserError(f"--freeze: unknown part {bad[0]!r}; choose from {', '.join(PARTS)}")
    if set(items) >= set(PARTS):
        raise UserError("--freeze: every part is frozen, nothing would be trained")
    return tuple(p for p in PARTS if p in items)


def freeze(model: Model, parts: Sequence[str], growth: Growth | None) -> list:
    """Sets requires_grad by part; a frozen embedding table still trains its *new* rows
    (old rows get zero gradients, so Adam never moves them).  Returns hook handles for :func:`unfreeze`."""
    grown = {}
    if growth is not None and growth.old_sizes:
        o = growth.old_sizes
        for tables, old in ((word_tables(model), o["words"]), (char_tables(model), o["chars"]),
                            (tag_tables(model), o["tags"]), (label_tables(model), o["labels"] + 1)):
            for emb in tables:
                if emb.weight.shape[0] > old:
                    grown[id(emb.weight)] = old
    hooks = []
    for part, named in parameter_parts(model).items():
        for _, p in named:
            if part not in parts:
                p.requires_grad_(True)
            elif id(p) in grown:
                p.requires_grad_(True)
                mask = torch.zeros(p.shape[0], 1)
                mask[grown[id(p)]:] = 1.0
                hooks.append(p.register_hook(lambda g, m=mask: g * m))
            else:
                p.requires_grad_(False)
    return hooks


def unfreeze(model: Model, hooks: list) -> None:
    """Removes :func:`freeze`'s gradient hooks; every parameter trainable again."""
    for h in hooks:
        h.remove()
    for _, p in named_parameters(model):
        p.requires_grad_(True)
