"""Finding sentences in a document: by text, form, UPOS, relation and status (the Sentences panel's filter)."""
from __future__ import annotations

from typing import Iterable, Sequence

from deplab.parser.conllu import Sentence

from .status_codec import GOLD


def matches(s: Sentence, text: str = "", form: str = "", upos: str = "", deprel: str = "") -> bool:
    """``text``: case-insensitive substring of the text or sent_id; ``form``: a word with that form
    (case-insensitive); ``upos``: a word with that UPOS; ``deprel``: a word with that relation
    (``nsubj`` also matches ``nsubj:pass``).  The filters are expected normalised (see :func:`find`)."""
    if text and text not in s.text.lower() and text not in (s.sent_id or "").lower():
        return False
    if form or upos or deprel:
        words = [t for t in s.tokens if t.is_word]
        if form and not any(w.form.lower() == form for w in words):
            return False
        if upos and not any(w.upos == upos for w in words):
            return False
        if deprel and not any(w.deprel == deprel or (":" not in deprel and w.deprel.split(":", 1)[0] == deprel)
                              for w in words):
            return False
    return True


def find(sentences: Sequence[Sentence], statuses: Sequence[str], text: str = "", form: str = "", upos: str = "",
         deprel: str = "", status: str | None = None, indices: Iterable[int] | None = None) -> list[int]:
    """Indices of the sentences matching every given filter (see :func:`matches`)."""
    text, form, upos, deprel = text.strip().lower(), form.strip().lower(), upos.strip().upper(), deprel.strip()
    out = []
    for i in (range(len(sentences)) if indices is None else indices):
        if status and statuses[i] != status:
            continue
        if matches(sentences[i], text, form, upos, deprel):
            out.append(i)
    return out


def next_unfinished(statuses: Sequence[str], start: int, step: int = 1) -> int | None:
    """The next sentence after ``start`` (before it with step=-1) that is not gold."""
    i = start + step
    while 0 <= i < len(statuses):
        if statuses[i] != GOLD:
            return i
        i += step
    return None
