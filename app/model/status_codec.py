"""The status comments DepLab writes into the sentences the user changed.

``# deplab_status = unannotated|parsed|edited|gold`` records where a sentence stands, so the state
survives re-opening the file; ``# deplab_predicted = UPOS/HEAD/DEPREL …`` keeps the parser's
pre-annotation of a sentence the user then corrected, so the corrections can be scored against
what the parser predicted.  Sentences without a status comment ("unmarked": a treebank DepLab did
not write) are read by the document's policy (issue 18): their complete trees are ``gold`` (an
existing treebank), ``parsed`` (another parser's output) or ``unannotated``; incomplete trees are
``unannotated``.
"""
from __future__ import annotations

from typing import Sequence

from deplab.parser.conllu import Sentence

from .validation import is_annotated

UNANNOTATED, PARSED, EDITED, GOLD = "unannotated", "parsed", "edited", "gold"
STATUSES = (UNANNOTATED, PARSED, EDITED, GOLD)
STATUS_KEY = "deplab_status"
PREDICTED_KEY = "deplab_predicted"


def status_from_comments(comments: Sequence[str]) -> str | None:
    for c in comments:
        if STATUS_KEY in c:
            key, _, value = c.lstrip("#").partition("=")
            if key.strip() == STATUS_KEY and value.strip() in STATUSES:
                return value.strip()
    return None


#: how the complete trees of unmarked sentences can be read
UNMARKED_POLICIES = (GOLD, PARSED, UNANNOTATED)


def derive_status(s: Sentence, unmarked: str = PARSED) -> str:
    """The status recorded in the sentence, else ``unmarked`` for a complete tree, else unannotated."""
    st = status_from_comments(s.comments)
    if st is not None:
        return st
    return unmarked if is_annotated(s) else UNANNOTATED


def encode_prediction(sentence: Sentence) -> str:
    """``UPOS/HEAD/DEPREL`` per word, space separated (the ``deplab_predicted`` value)."""
    return " ".join(f"{w.upos}/{w.head}/{w.deprel}" for w in sentence.words)


def apply_prediction(sentence: Sentence, value: str) -> Sentence:
    """A copy of ``sentence`` whose words carry the encoded prediction."""
    out = sentence.copy()
    items = value.split()
    words = out.words
    if len(items) != len(words):
        raise ValueError(f"{PREDICTED_KEY} has {len(items)} items for {len(words)} words")
    for w, item in zip(words, items):
        upos, head, deprel = item.split("/", 2)
        w.upos, w.head, w.deprel = upos, head, deprel
    out.set_meta(PREDICTED_KEY, None)
    out.set_meta(STATUS_KEY, None)
    return out


def has_deplab_comments(s: Sentence) -> bool:
    return any(c.startswith(("# deplab_status", "# deplab_predicted")) for c in s.comments)


def without_deplab_comments(s: Sentence) -> Sentence:
    """A copy without DepLab's own comments (for a release of the treebank)."""
    t = s.copy()
    t.set_meta(STATUS_KEY, None)
    t.set_meta(PREDICTED_KEY, None)
    return t
