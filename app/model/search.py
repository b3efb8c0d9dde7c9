"""Search and rewrite by tree pattern over a document (Qt-free).

:class:`SearchModel` holds a Grew request, its parse error (line and column, for the
editor to show), the matches in a :class:`~app.model.document.Document` and the current
one; :func:`find_matches` is the work a background task runs.  :func:`plan_rewrite`
computes a rule's changes without touching the document (the preview), and
:func:`apply_rewrite` makes them through the document's own edit methods, so every
change is validated, recorded in the sentence's status and undone like any other edit.
All matching and rewriting is the engine's (:mod:`deplab.parser.grew`).
"""
from __future__ import annotations

from typing import Callable, Sequence

from deplab.parser.conllu import Sentence
from deplab.parser.grew.match import Match, Matcher
from deplab.parser.grew.request import RequestError, parse_request, parse_rules
from deplab.parser.grew.rewrite import RewriteResult, rewrite_sentences

from .events import Signal


def find_matches(matcher: Matcher, sentences: Sequence[Sentence],
                 cancelled: Callable[[], bool] | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> list[Match]:
    """Every match, in document order; raises parser.progress.Cancelled when ``cancelled()``."""
    from deplab.parser.progress import Cancelled
    out: list[Match] = []
    total = len(sentences)
    for i, s in enumerate(sentences):
        if i % 500 == 0:
            if cancelled is not None and cancelled():
                raise Cancelled()
            if progress is not None:
                progress(i, total, f"{len(out)} matches")
        out.extend(matcher.matches(s, i))
    return out


class SearchModel:
    """Signals: ``request_changed(error: RequestError | None)``, ``matches_changed(matches)``,
    ``current_changed(k)`` (k the index into ``matches``, -1 for none)."""

    def __init__(self, doc=None):
        self.doc = doc
        self.text = ""
        self.error: RequestError | None = None
        self.matcher: Matcher | None = None
        self.matches: list[Match] = []
        self.current = -1
        self.request_changed = Signal()
        self.matches_changed = Signal()
        self.current_changed = Signal()

    def set_document(self, doc) -> None:
        self.doc = doc
        self.set_matches([])

    def set_request(self, text: str) -> RequestError | None:
        """Parses the request; on error keeps the previous matches and returns the error."""
        self.text = text
        try:
            self.matcher = Matcher(parse_request(text, allow_commands=True))
            self.error = None
        except RequestError as e:
            self.matcher, self.error = None, e
        self.request_changed.emit(self.error)
        return self.error

    def run(self, cancelled=None, progress=None) -> list[Match]:
        """Searches the whole document now (in the calling thread) and stores the matches."""
        if self.matcher is None or self.doc is None:
            return []
        found = find_matches(self.matcher, list(self.doc.sentences), cancelled, progress)
        self.set_matches(found)
        return found

    def set_matches(self, matches: list[Match]) -> None:
        self.matches = list(matches)
        self.current = -1
        self.matches_changed.emit(self.matches)
        self.current_changed.emit(-1)

    @property
    def sentence_count(self) -> int:
        return len({m.index for m in self.matches})

    def go_to(self, k: int) -> Match | None:
        if not self.matches:
            return None
        self.current = k % len(self.matches)
        self.current_changed.emit(self.current)
        return self.matches[self.current]

    def next(self) -> Match | None:
        return self.go_to(self.current + 1)

    def previous(self) -> Match | None:
        return self.go_to(self.current - 1 if self.current >= 0 else -1)


# -- rewriting -----------------------------------------------------------------------

def plan_rewrite(doc, rule_text: str, indices: Sequence[int] | None = None) -> RewriteResult:
    """The changes a rule would make to the document (nothing is modified); raises RequestError."""
    rule = parse_rules(rule_text)
    sentences = doc.sentences if indices is None else [doc.sentences[i] for i in indices]
    result = rewrite_sentences(rule, sentences)
    if indices is not None:  # back to document indices
        idx = list(indices)
        result.changed = {idx[k]: s for k, s in result.changed.items()}
        for c in result.changes:
            c.index = idx[c.index]
        for r in result.refusals:
            r.index = idx[r.index]
    return result


def apply_rewrite(doc, result: RewriteResult) -> list[int]:
    """Makes a planned rewrite through the document's edit methods; returns the sentences changed.

    Heads are moved by first detaching every word whose head changes and then attaching each
    to its new head, so no intermediate state holds a cycle (the final tree has none).  Raises
    the document's EditError if the document refuses a change (it then may be partly applied:
    callers restore their snapshots, as the undo command does).
    """
    done = []
    for i, new in sorted(result.changed.items()):
        old = doc[i]
        if len(old.tokens) != len(new.tokens) or any(a.id != b.id for a, b in zip(old.tokens, new.tokens)):
            raise ValueError(f"sentence {i + 1} changed since the preview; preview again")
        moved = [(int(b.id), int(b.head), b.deprel) for a, b in zip(old.tokens, new.tokens)
                 if a.is_word and a.head != b.head]
        for word, _, _ in moved:
            doc.detach(i, word)
        for word, head, deprel in moved:
            doc.attach(i, word, head, deprel)
        for k, (a, b) in enumerate(zip(doc[i].tokens, new.tokens)):
            if a.is_word and a.deprel != b.deprel:
                doc.set_deprel(i, int(a.id), b.deprel)
            for col in ("form", "lemma", "upos", "xpos", "feats"):
                if getattr(a, col) != getattr(b, col):
                    doc.set_column(i, k, col, getattr(b, col))
        done.append(i)
    return done
