"""Vocabularies: strings <-> integer ids, with the special symbols every feature needs.

Id 0 is NULL (an empty feature position, also padding), 1 is UNK (unknown
word), 2 is ROOT (the artificial word 0), as in Chen & Manning (2014, sec. 3.1).
Word forms are normalised (lowercased, digits -> 0) to share statistics.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

NULL, UNK, ROOT = "<NULL>", "<UNK>", "<ROOT>"
SPECIALS = (NULL, UNK, ROOT)
NULL_ID, UNK_ID, ROOT_ID = 0, 1, 2

_DIGITS = re.compile(r"[0-9]")


def normalize(form: str) -> str:
    return _DIGITS.sub("0", form.lower())


class Vocabulary:
    def __init__(self, items: Iterable[str] = (), counts: dict[str, int] | None = None):
        self.itos = list(SPECIALS)
        self.stoi = {s: i for i, s in enumerate(self.itos)}
        self.counts = dict(counts or {})
        for it in items:
            self.add(it)

    @classmethod
    def build(cls, items: Iterable[str], min_count: int = 1) -> "Vocabulary":
        c = Counter(items)
        keep = sorted((w for w, k in c.items() if k >= min_count), key=lambda w: (-c[w], w))
        return cls(keep, {w: c[w] for w in keep})

    def add(self, item: str) -> int:
        if item not in self.stoi:
            self.stoi[item] = len(self.itos)
            self.itos.append(item)
        return self.stoi[item]

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, item: str) -> bool:
        return item in self.stoi

    def id(self, item: str) -> int:
        return self.stoi.get(item, UNK_ID)

    def ids(self, items: Iterable[str]) -> list[int]:
        get = self.stoi.get
        return [get(i, UNK_ID) for i in items]

    def to_json(self) -> dict:
        return {"itos": self.itos[len(SPECIALS):], "counts": self.counts}

    @classmethod
    def from_json(cls, d: dict) -> "Vocabulary":
        return cls(d["itos"], d.get("counts"))
