"""A treebank being annotated: CoNLL-U sentences, their status, edits, saving.

Qt-free (napari-style): widgets observe :class:`Document` through its
:class:`~app.model.events.Signal` attributes and drive it through its edit
methods, which validate first and raise :class:`EditError` instead of
breaking the tree (a cycle) or the file (a tab in a column).

Safety properties, each tested:

* Sentences the user did not touch are saved byte for byte as they were read
  (the document keeps the file's bytes and each sentence's byte range).
* Saving is atomic: a temporary file in the same folder, fsync, then rename.
* Every status change and edit is recorded in the sentence itself: a
  ``# deplab_status = gold|edited|parsed`` comment (only on sentences the user
  changed), so the state survives reopening, and, the first time a parsed
  sentence is changed, its pre-annotation in ``# deplab_predicted`` so gold
  corrections can later be scored against what the parser predicted.
* Undo works on whole-sentence snapshots (:meth:`snapshot` / :meth:`restore`).
* A recovery file (:meth:`write_recovery`) holds every changed sentence plus the
  identity of the file it belongs to; :meth:`from_recovery` rebuilds the
  document after a crash.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import re
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from deplab.parser.fileio import atomic_write_bytes
from deplab.parser.conllu import COLUMNS, ConlluError, Sentence, Token, iter_sentences, parse_conllu_text
from deplab.parser.tree import DependencyTree

from .events import Signal
from .validation import UNIVERSAL_RELATIONS, is_annotated, relation_choices

UNANNOTATED, PARSED, EDITED, GOLD = "unannotated", "parsed", "edited", "gold"
STATUSES = (UNANNOTATED, PARSED, EDITED, GOLD)
STATUS_KEY = "deplab_status"
PREDICTED_KEY = "deplab_predicted"
EDITABLE_COLUMNS = ("form", "lemma", "upos", "xpos", "feats", "deps", "misc")
RECOVERY_FORMAT = "deplab-recovery"

_BAD_CHARS = re.compile(r"[\t\n\r]")


class EditError(ValueError):
    """An edit that was refused; the message says why, for the user."""


class RecoveryError(ValueError):
    """A recovery file that cannot be applied (unreadable, or its source file changed)."""


@dataclass(frozen=True)
class SentenceState:
    """An undo snapshot of one sentence."""

    sentence: Sentence
    modified: bool


@dataclass(frozen=True)
class RecoveryInfo:
    path: str
    source: str | None
    name: str
    saved_at: float
    pid: int
    n_changed: int


# -- helpers ------------------------------------------------------------------------

def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _status_from_comments(comments: Sequence[str]) -> str | None:
    for c in comments:
        if STATUS_KEY in c:
            key, _, value = c.lstrip("#").partition("=")
            if key.strip() == STATUS_KEY and value.strip() in STATUSES:
                return value.strip()
    return None


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


_TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def simple_tokenize(text: str) -> list[list[str]]:
    """Sentences as lists of word forms, for "New from text" without the parser.

    One sentence per line, lines further split after ``.!?`` followed by a
    capital; words are runs of letters/digits (with inner hyphens and
    apostrophes) and single punctuation characters.  The parser pipeline's
    tokenizer is used instead when it is available.
    """
    out = []
    for line in text.splitlines():
        for chunk in _SENT_END.split(line.strip()):
            forms = _TOKEN_RE.findall(chunk)
            if forms:
                out.append(forms)
    return out


# -- the document -------------------------------------------------------------------

class Document:
    """An open CoNLL-U file (or a new, unsaved treebank).

    Signals: ``changed(indices: list[int])`` after sentences changed,
    ``dirty_changed(bool)``, ``saved(path)``, ``path_changed(path)``.
    """

    def __init__(self, sentences: Iterable[Sentence] = (), path: str | None = None):
        self.sentences: list[Sentence] = list(sentences)
        self.path: str | None = os.path.abspath(path) if path else None
        # the bytes the sentences came from: sentence i is _data[_spans[i][0]:_spans[i][1]]
        self._data: bytes = b""
        self._prefix: bytes = b""
        self._spans: list[tuple[int, int] | None] = [None] * len(self.sentences)
        self._newline = "\n"
        self._source_sha1: str | None = None
        self._source_stat: tuple[int, float] | None = None
        self._modified: set[int] = set(range(len(self.sentences)))  # in-memory sentences are all new
        self._status: list[str] = [self._derive_status(s) for s in self.sentences]
        self._present_relations: set[str] | None = None  # computed on first use (relations())
        self.revision = 0
        self._saved_revision = 0 if path else -1  # a new document is dirty until saved
        self.changed = Signal()
        self.dirty_changed = Signal()
        self.saved = Signal()
        self.path_changed = Signal()

    # -- construction ------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, progress: Callable[[float], None] | None = None) -> "Document":
        """Reads a CoNLL-U file; raises ConlluError (file, line, problem) for bad input."""
        path = os.fspath(path)
        with open(path, "rb") as f:
            data = f.read()
        st = os.stat(path)
        doc = cls.from_bytes(data, path, progress)
        doc._source_stat = (st.st_size, st.st_mtime)
        return doc

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<memory>",
                   progress: Callable[[float], None] | None = None) -> "Document":
        # byte offset of the start of every line: line k (1-based) starts at starts[k - 1]
        starts = [0]
        starts.extend(itertools.accumulate(len(line) + 1 for line in data.split(b"\n")))
        n_lines = len(starts)
        sentences = []
        for k, s in enumerate(iter_sentences(io.BytesIO(data), path)):
            sentences.append(s)
            if progress and k % 500 == 0:
                progress(min(1.0, s.line / n_lines))
        doc = cls(sentences, path if path != "<memory>" else None)
        spans = []
        for i, s in enumerate(sentences):
            begin = starts[s.line - 1]
            end = starts[sentences[i + 1].line - 1] if i + 1 < len(sentences) else len(data)
            spans.append((begin, end))
        if spans and spans[0][0] == 0 and data.startswith(b"\xef\xbb\xbf"):
            spans[0] = (3, spans[0][1])  # a byte-order mark stays in front of the first sentence
        doc._data = data
        doc._prefix = data[:spans[0][0]] if spans else data
        doc._spans = spans
        doc._modified = set()
        doc._newline = "\r\n" if data[:spans[0][1]].find(b"\r\n") >= 0 else "\n"
        doc._source_sha1 = _sha1(data)
        doc._saved_revision = doc.revision
        if progress:
            progress(1.0)
        return doc

    @classmethod
    def from_text(cls, text: str, tokenize: Callable[[str], list] | None = None,
                  id_prefix: str = "s") -> "Document":
        """A new unsaved document of unannotated sentences from plain text.

        ``tokenize(text)`` returns one item per sentence: a list of forms, or
        ``(forms, space_after)`` as :func:`parser.tokenize.tokenize` does (then
        ``SpaceAfter=No`` is recorded in MISC and the text is rebuilt exactly).
        """
        tokenize = tokenize or simple_tokenize
        sentences = []
        for k, item in enumerate(tokenize(text), 1):
            if isinstance(item, tuple):
                forms, spaces = list(item[0]), list(item[1])
                txt = "".join(f + (" " if sp else "") for f, sp in zip(forms, spaces)).strip()
            else:
                forms, spaces = list(item), None
                txt = _detokenize(forms)
            if not forms:
                continue
            s = Sentence.from_words(forms, text=txt, sent_id=f"{id_prefix}{k}")
            if spaces is not None:
                for w, sp in zip(s.words[:-1], spaces):
                    if not sp:
                        w.misc = "SpaceAfter=No"
            sentences.append(s)
        if not sentences:
            raise EditError("the text holds no words")
        return cls(sentences)

    @classmethod
    def from_sentences(cls, sentences: Iterable[Sentence]) -> "Document":
        """A new unsaved document (e.g. the parser's output for typed text)."""
        return cls([s.copy() for s in sentences])

    # -- basic views --------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.sentences)

    def __getitem__(self, i: int) -> Sentence:
        return self.sentences[i]

    @property
    def name(self) -> str:
        return os.path.basename(self.path) if self.path else "Untitled"

    @property
    def dirty(self) -> bool:
        return self.revision != self._saved_revision

    def status(self, i: int) -> str:
        return self._status[i]

    def statuses(self) -> list[str]:
        return list(self._status)

    def status_counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for s in self._status:
            out[s] += 1
        return out

    def is_modified(self, i: int) -> bool:
        return i in self._modified

    def modified_indices(self) -> list[int]:
        return sorted(self._modified)

    def relations(self) -> list[str]:
        """The relation menu: UD universal relations plus subtypes present in the document."""
        if self._present_relations is None:
            self._present_relations = {t.deprel for s in self.sentences for t in s.tokens if ":" in t.deprel}
        return relation_choices(self._present_relations)

    def _note_relation(self, deprel: str) -> None:
        if self._present_relations is not None:
            self._present_relations.add(deprel)

    def predicted(self, i: int) -> Sentence | None:
        """What the parser predicted for sentence i (its pre-annotation), if known.

        For a sentence still in status ``parsed`` it is the sentence itself; once
        the user changed it, it is the ``deplab_predicted`` record.
        """
        s = self.sentences[i]
        value = s.get_meta(PREDICTED_KEY) if any(PREDICTED_KEY in c for c in s.comments) else None
        if value is not None:
            try:
                return apply_prediction(s, value)
            except ValueError:
                return None
        if self._status[i] == PARSED:
            return apply_prediction(s, encode_prediction(s))
        return None

    def changed_on_disk(self) -> bool:
        """True if the file was modified by someone else since it was opened or saved."""
        if not self.path or not self._source_stat or not os.path.exists(self.path):
            return False
        st = os.stat(self.path)
        return (st.st_size, st.st_mtime) != self._source_stat

    # -- search --------------------------------------------------------------------
    def find(self, text: str = "", form: str = "", upos: str = "", deprel: str = "",
             status: str | None = None, indices: Iterable[int] | None = None) -> list[int]:
        """Indices of sentences matching every given filter.

        ``text``: case-insensitive substring of the text or sent_id; ``form``: a
        word with that form (case-insensitive); ``upos``: a word with that UPOS;
        ``deprel``: a word with that relation (``nsubj`` also matches ``nsubj:pass``);
        ``status``: one of :data:`STATUSES`.
        """
        text, form, upos, deprel = text.strip().lower(), form.strip().lower(), upos.strip().upper(), deprel.strip()
        out = []
        for i in (range(len(self.sentences)) if indices is None else indices):
            if status and self._status[i] != status:
                continue
            s = self.sentences[i]
            if text and text not in s.text.lower() and text not in (s.sent_id or "").lower():
                continue
            if form or upos or deprel:
                words = [t for t in s.tokens if t.is_word]
                if form and not any(w.form.lower() == form for w in words):
                    continue
                if upos and not any(w.upos == upos for w in words):
                    continue
                if deprel and not any(w.deprel == deprel or (":" not in deprel and w.deprel.split(":", 1)[0] == deprel)
                                      for w in words):
                    continue
            out.append(i)
        return out

    def next_unfinished(self, start: int, step: int = 1) -> int | None:
        """The next sentence after ``start`` (before it with step=-1) that is not gold."""
        i = start + step
        while 0 <= i < len(self.sentences):
            if self._status[i] != GOLD:
                return i
            i += step
        return None

    # -- undo snapshots ------------------------------------------------------------
    def snapshot(self, i: int) -> SentenceState:
        return SentenceState(self.sentences[i].copy(), i in self._modified)

    def restore(self, i: int, state: SentenceState) -> None:
        """Puts a snapshot back (undo/redo); the sentence counts as changed."""
        self.sentences[i] = state.sentence.copy()
        self._modified.add(i)
        self._after_change([i])

    def restore_many(self, states: dict[int, SentenceState]) -> None:
        for i, state in states.items():
            self.sentences[i] = state.sentence.copy()
            self._modified.add(i)
        self._after_change(sorted(states))

    # -- edits ---------------------------------------------------------------------
    def _word(self, i: int, word: int) -> Token:
        s = self._sentence(i)
        words = s.words
        if not 1 <= word <= len(words):
            raise EditError(f"sentence {i + 1} has no word {word} (it has {len(words)})")
        return words[word - 1]

    def _sentence(self, i: int) -> Sentence:
        if not 0 <= i < len(self.sentences):
            raise EditError(f"there is no sentence {i + 1}")
        return self.sentences[i]

    def _touch(self, i: int, status: str | None = None) -> None:
        """Marks sentence i as changed by the user: records its pre-annotation the first
        time a parsed sentence changes, and sets the status comment (gold stays gold)."""
        s = self.sentences[i]
        if self._status[i] == PARSED and s.get_meta(PREDICTED_KEY) is None and is_annotated(s):
            s.set_meta(PREDICTED_KEY, encode_prediction(s))
        if status is None:
            status = GOLD if self._status[i] == GOLD else EDITED
        s.set_meta(STATUS_KEY, status)
        self._modified.add(i)

    def attach(self, i: int, dependent: int, head: int, deprel: str | None = None) -> None:
        """Makes ``head`` (0 = ROOT) the head of word ``dependent``; refuses cycles.

        Without ``deprel`` the word keeps its relation, except that a word moved
        to ROOT gets ``root`` and one moved away from ROOT loses it (``_``, flagged
        until the user picks a relation).
        """
        s = self._sentence(i)
        w = self._word(i, dependent)
        n = len(s.words)
        if not 0 <= head <= n:
            raise EditError(f"head {head} is out of range: the sentence has {n} words")
        if head == dependent:
            raise EditError(f"word {dependent} ({w.form}) cannot be its own head")
        tree = DependencyTree(s.heads)
        if head and tree.would_create_cycle(dependent, head):
            path = self._path_to(s, head, dependent)
            raise EditError(f"Attaching {dependent} ({w.form}) to {head} ({s.words[head - 1].form}) "
                            f"would create a cycle: {' → '.join(map(str, path + [dependent]))}")
        if deprel is not None:
            self._check_value(deprel, "DEPREL")
        self._touch(i)
        w.head = str(head)
        if deprel is not None:
            w.deprel = deprel
        elif head == 0:
            w.deprel = "root"
        elif w.deprel == "root":
            w.deprel = "_"  # flagged until the user picks the relation
        self._note_relation(w.deprel)
        self._after_change([i])

    @staticmethod
    def _path_to(s: Sentence, start: int, target: int) -> list[int]:
        heads = s.heads
        path, node = [], start
        while node and node != target and node not in path:
            path.append(node)
            node = heads[node - 1]
        return [target] + path

    def detach(self, i: int, dependent: int) -> None:
        """Removes the head of a word (it will be flagged as missing its head)."""
        w = self._word(i, dependent)
        self._touch(i)
        w.head = "_"
        self._after_change([i])

    def set_deprel(self, i: int, word: int, deprel: str) -> None:
        w = self._word(i, word)
        deprel = deprel.strip()
        self._check_value(deprel, "DEPREL")
        if " " in deprel:
            raise EditError(f"a relation cannot contain spaces: {deprel!r}")
        self._touch(i)
        w.deprel = deprel
        self._note_relation(deprel)
        self._after_change([i])

    def set_column(self, i: int, token_index: int, column: str, value: str) -> None:
        """Sets FORM, LEMMA, UPOS, XPOS, FEATS, DEPS or MISC of ``tokens[token_index]``.

        HEAD and DEPREL go through :meth:`attach` / :meth:`set_deprel`; ID is fixed.
        An empty value becomes ``_``.
        """
        s = self._sentence(i)
        column = column.lower()
        if column == "head":
            if not 0 <= token_index < len(s.tokens) or not s.tokens[token_index].is_word:
                raise EditError("only words have a HEAD")
            word = int(s.tokens[token_index].id)
            v = value.strip()
            if v in ("", "_"):
                return self.detach(i, word)
            if not v.isdigit():
                raise EditError(f"HEAD must be a word number or 0 for ROOT, not {value!r}")
            return self.attach(i, word, int(v))
        if column == "deprel":
            if not 0 <= token_index < len(s.tokens) or not s.tokens[token_index].is_word:
                raise EditError("only words have a DEPREL")
            return self.set_deprel(i, int(s.tokens[token_index].id), value)
        if column not in EDITABLE_COLUMNS:
            raise EditError(f"column {column.upper()} cannot be edited here")
        if not 0 <= token_index < len(s.tokens):
            raise EditError(f"sentence {i + 1} has no token row {token_index + 1}")
        value = value.strip() if column not in ("form", "lemma") else value
        if value == "":
            value = "_"
        self._check_value(value, column.upper())
        if column == "upos":
            value = value.upper()
        t = s.tokens[token_index]
        if getattr(t, column) == value:
            return
        self._touch(i)
        setattr(t, column, value)  # a FORM edit leaves "# text" alone: it is the user's to fix
        self._after_change([i])

    @staticmethod
    def _check_value(value: str, column: str) -> None:
        if value == "":
            raise EditError(f"{column} cannot be empty (use '_')")
        if _BAD_CHARS.search(value):
            raise EditError(f"{column} cannot contain tabs or line breaks")

    def set_status(self, i: int, status: str) -> None:
        """Marks a sentence gold, edited, parsed or unannotated (recorded in the file)."""
        if status not in STATUSES:
            raise EditError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        s = self._sentence(i)
        if status == GOLD and not is_annotated(s):
            raise EditError("an unannotated sentence cannot be gold: attach its words first")
        if self._status[i] == status and s.get_meta(STATUS_KEY) == status:
            return
        self._touch(i, status)
        self._after_change([i])

    def apply_parse(self, i: int, parsed: Sentence) -> None:
        """Takes UPOS, HEAD and DEPREL from the parser's output for sentence i.

        Gold sentences are never overwritten.  LEMMA, XPOS and FEATS are taken
        only where the sentence has none.  The sentence becomes ``parsed``.
        """
        s = self._sentence(i)
        if self._status[i] == GOLD:
            raise EditError(f"sentence {i + 1} is gold; the parser does not overwrite gold sentences")
        ours, theirs = s.words, parsed.words
        if len(ours) != len(theirs):
            raise EditError(f"the parser returned {len(theirs)} words for sentence {i + 1}, which has {len(ours)}")
        for w, p in zip(ours, theirs):
            w.upos, w.head, w.deprel = p.upos, p.head, p.deprel
            for col in ("lemma", "xpos", "feats"):
                if getattr(w, col) == "_" and getattr(p, col) != "_":
                    setattr(w, col, getattr(p, col))
            self._note_relation(p.deprel)
        s.set_meta(PREDICTED_KEY, None)
        s.set_meta(STATUS_KEY, PARSED)
        self._modified.add(i)

    def apply_parses(self, results: dict[int, Sentence]) -> list[int]:
        """:meth:`apply_parse` for many sentences, one ``changed`` signal; returns the indices
        actually changed (gold ones and mismatching ones are skipped)."""
        done = []
        for i, parsed in results.items():
            try:
                self.apply_parse(i, parsed)
            except EditError:
                continue
            done.append(i)
        if done:
            self._after_change(done)
        return done

    def _after_change(self, indices: list[int]) -> None:
        was_dirty = self.dirty
        for i in indices:
            self._status[i] = self._derive_status(self.sentences[i])
        self.revision += 1
        self.changed.emit(indices)
        if not was_dirty:
            self.dirty_changed.emit(True)

    @staticmethod
    def _derive_status(s: Sentence) -> str:
        st = _status_from_comments(s.comments)
        if st is not None:
            return st
        return PARSED if is_annotated(s) else UNANNOTATED

    def mark_clean(self) -> None:
        """Declares the in-memory state equal to the saved file (e.g. undo back to the save point)."""
        if self.dirty:
            self._saved_revision = self.revision
            self.dirty_changed.emit(False)

    # -- saving --------------------------------------------------------------------
    def _sentence_bytes(self, i: int) -> bytes:
        span = self._spans[i] if i < len(self._spans) else None
        if span is not None:
            raw = self._data[span[0]:span[1]]
            if i not in self._modified:
                return raw
        text = self.sentences[i].to_text()
        if self._newline != "\n":
            text = text.replace("\n", self._newline)
        new = text.encode("utf-8")
        if span is not None:
            # an undo back to the original: keep the original bytes (and its blank lines)
            if raw.rstrip(b"\r\n") == new.rstrip(b"\r\n"):
                return raw
        return new

    def to_bytes(self) -> tuple[bytes, list[tuple[int, int]]]:
        """The file content and each sentence's byte span in it."""
        parts = [self._prefix]
        spans = []
        pos = len(self._prefix)
        nl = self._newline.encode()
        for i in range(len(self.sentences)):
            b = self._sentence_bytes(i)
            if i + 1 < len(self.sentences) and not b.endswith(nl + nl) and not b.endswith(b"\n\n"):
                # the last sentence of a file may lack its blank line; others must have it
                b = b.rstrip(b"\r\n") + nl + nl
            parts.append(b)
            spans.append((pos, pos + len(b)))
            pos += len(b)
        return b"".join(parts), spans

    def export_clean(self, path: str | os.PathLike) -> int:
        """Writes a copy without DepLab's own comments (``deplab_status``, ``deplab_predicted``),
        e.g. for a treebank release; the document keeps them.  Returns the sentences cleaned."""
        parts, cleaned = [self._prefix], 0
        nl = self._newline.encode()
        for i, s in enumerate(self.sentences):
            b = self._sentence_bytes(i)
            if any(c.startswith(("# deplab_status", "# deplab_predicted")) for c in s.comments):
                t = s.copy()
                t.set_meta(STATUS_KEY, None)
                t.set_meta(PREDICTED_KEY, None)
                b = t.to_text().replace("\n", self._newline).encode("utf-8")
                cleaned += 1
            if i + 1 < len(self.sentences) and not b.endswith(nl + nl) and not b.endswith(b"\n\n"):
                b = b.rstrip(b"\r\n") + nl + nl
            parts.append(b)
        atomic_write_bytes(os.fspath(path), b"".join(parts))
        return cleaned

    def save(self, path: str | os.PathLike | None = None) -> str:
        """Writes the document atomically to ``path`` (default: its own path)."""
        target = os.path.abspath(os.fspath(path)) if path else self.path
        if not target:
            raise EditError("this document has no file name yet: use Save As")
        data, spans = self.to_bytes()
        atomic_write_bytes(target, data)
        # the file now holds these bytes: every sentence is untouched relative to it
        self._data, self._spans = data, spans
        self._prefix = data[:spans[0][0]] if spans else data
        self._modified = set()
        self._source_sha1 = _sha1(data)
        st = os.stat(target)
        self._source_stat = (st.st_size, st.st_mtime)
        was_dirty = self.dirty
        self._saved_revision = self.revision
        if target != self.path:
            self.path = target
            self.path_changed.emit(target)
        self.saved.emit(target)
        if was_dirty:
            self.dirty_changed.emit(False)
        return target

    # -- crash recovery --------------------------------------------------------------
    def write_recovery(self, path: str | os.PathLike) -> None:
        """Writes (atomically) every changed sentence and what file they belong to."""
        changed = self.modified_indices() if self.path else list(range(len(self.sentences)))
        record = {
            "format": RECOVERY_FORMAT, "version": 1,
            "source": self.path, "source_sha1": self._source_sha1 if self.path else None,
            "name": self.name, "saved_at": time.time(), "pid": os.getpid(),
            "n_sentences": len(self.sentences), "newline": self._newline,
            "sentences": {str(i): self.sentences[i].to_text() for i in changed},
        }
        atomic_write_bytes(os.fspath(path), json.dumps(record, ensure_ascii=False).encode("utf-8"))

    @staticmethod
    def read_recovery_info(path: str | os.PathLike) -> RecoveryInfo:
        record = _load_recovery(path)
        return RecoveryInfo(os.fspath(path), record.get("source"), record.get("name", "Untitled"),
                            float(record.get("saved_at", 0)), int(record.get("pid", 0)),
                            len(record.get("sentences", {})))

    @classmethod
    def from_recovery(cls, path: str | os.PathLike, detached: bool = False) -> "Document":
        """Rebuilds a document from a recovery file; it is dirty (needs saving).

        With a source file, that file must be unchanged since the recovery file
        was written (else RecoveryError); ``detached=True`` instead returns the
        recovered sentences alone as a new, unsaved document.
        """
        record = _load_recovery(path)
        where = os.fspath(path)
        try:
            recovered = {int(k): parse_conllu_text(v, f"{where} (sentence {int(k) + 1})")[0]
                         for k, v in record["sentences"].items()}
        except (ConlluError, ValueError, KeyError, IndexError) as e:
            raise RecoveryError(f"{where}: the recovery file is damaged: {e}") from None
        source = record.get("source")
        if source and not detached:
            if not os.path.exists(source):
                raise RecoveryError(f"{source} no longer exists; restore the edits as a new document instead")
            with open(source, "rb") as f:
                data = f.read()
            if _sha1(data) != record.get("source_sha1"):
                raise RecoveryError(f"{source} changed on disk after the edits were autosaved; "
                                    "restore them as a new document instead")
            doc = cls.from_bytes(data, source)
            st = os.stat(source)
            doc._source_stat = (st.st_size, st.st_mtime)
            if record.get("n_sentences") != len(doc):
                raise RecoveryError(f"{source} has {len(doc)} sentences, the recovery file expects "
                                    f"{record.get('n_sentences')}")
            for i, s in recovered.items():
                doc.sentences[i] = s
                doc._modified.add(i)
            doc._after_change(sorted(recovered))
            return doc
        doc = cls([recovered[k] for k in sorted(recovered)])
        doc._newline = record.get("newline", "\n")
        return doc


def _load_recovery(path) -> dict:
    try:
        with open(path, "rb") as f:
            record = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError) as e:
        raise RecoveryError(f"{os.fspath(path)}: cannot read the recovery file: {e}") from None
    if not isinstance(record, dict) or record.get("format") != RECOVERY_FORMAT or "sentences" not in record:
        raise RecoveryError(f"{os.fspath(path)}: not a DepLab recovery file")
    return record


def _detokenize(forms: list[str]) -> str:
    out = ""
    for f in forms:
        if out and not (len(f) == 1 and f in ".,;:!?)]}%'’”") and not out.endswith(("(", "[", "{", "“")):
            out += " "
        out += f
    return out


__all__ = ["Document", "EditError", "RecoveryError", "SentenceState", "RecoveryInfo", "STATUSES",
           "UNANNOTATED", "PARSED", "EDITED", "GOLD", "STATUS_KEY", "PREDICTED_KEY", "EDITABLE_COLUMNS",
           "UNIVERSAL_RELATIONS", "COLUMNS", "simple_tokenize", "atomic_write_bytes",
           "encode_prediction", "apply_prediction"]
