"""A treebank being annotated: CoNLL-U sentences, their status, edits, saving.

Qt-free (napari-style): widgets observe :class:`Document` through its
:class:`~app.model.events.Signal` attributes and drive it through its edit
methods, which validate first and raise :class:`EditError` instead of
breaking the tree (a cycle) or the file (a tab in a column).  Its parts live
beside it, one concept each: the bytes it was read from
(:mod:`.byte_store`), the status comments (:mod:`.status_codec`), search
(:mod:`.sentence_filter`) and the recovery file (:mod:`.recovery_file`).

Safety properties, each tested:

* Sentences the user did not touch are saved byte for byte as they were read.
* Saving is atomic (:func:`deplab.parser.fileio.atomic_write_bytes`), and the
  temporaries a killed save left beside the file are removed on open and save.
* Every status change and edit is recorded in the sentence itself (a
  ``# deplab_status`` comment, and the parser's pre-annotation in
  ``# deplab_predicted`` the first time a parsed sentence is changed).
* Undo works on whole-sentence snapshots (:meth:`snapshot` / :meth:`restore`).
* A recovery file holds every changed sentence plus the identity of the file
  it belongs to; :meth:`from_recovery` rebuilds the document after a crash.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Iterable

from deplab.parser.conllu import COLUMNS, Sentence
from deplab.parser.fileio import atomic_write_bytes, remove_stale_temporaries

from . import recovery_file, sentence_filter
from .byte_store import ByteStore, read_file, sha1
from .edits import EDITABLE_COLUMNS, EditError, Edits, SentenceState
from .events import Signal
from .recovery_file import RecoveryError, RecoveryInfo
from .status_codec import (EDITED, GOLD, PARSED, PREDICTED_KEY, STATUS_KEY, STATUSES, UNANNOTATED, apply_prediction,
                           UNMARKED_POLICIES, derive_status, encode_prediction, has_deplab_comments,
                           status_from_comments, without_deplab_comments)
from .validation import UNIVERSAL_RELATIONS, is_annotated, relation_choices

@dataclass(frozen=True)
class SaveJob:
    """What :meth:`Document.prepare_save` hands to the writer (any thread) and back to :meth:`Document.finish_save`."""

    target: str
    data: bytes
    spans: list
    revision: int
    sha1: str | None = None  # of ``data``, hashed with it in the worker (15 MB: ~25 ms the GUI thread need not wait)


def _engine_tokenize(text: str):
    from deplab.parser.tokenize import tokenize
    return tokenize(text, "en")


class Document(Edits):
    """An open CoNLL-U file (or a new, unsaved treebank).

    Signals: ``changed(indices: list[int])`` after sentences changed,
    ``dirty_changed(bool)``, ``saved(path)``, ``path_changed(path)``.
    """

    def __init__(self, sentences: Iterable[Sentence] = (), path: str | None = None):
        self.sentences: list[Sentence] = list(sentences)
        self.path: str | None = os.path.abspath(path) if path else None
        self._store = ByteStore(spans=[None] * len(self.sentences))
        self._source_stat: tuple[int, float] | None = None
        self._modified: set[int] = set(range(len(self.sentences)))  # in-memory sentences are all new
        #: the status of complete trees without a ``# deplab_status`` comment (:meth:`set_unmarked`)
        self.unmarked = PARSED
        self._status: list[str] = [derive_status(s) for s in self.sentences]
        self._present_relations: set[str] | None = None  # computed on first use (relations())
        self.revision = 0
        self._saved_revision = 0 if path else -1  # a new document is dirty until saved
        self.changed = Signal()
        self.dirty_changed = Signal()
        self.saved = Signal()
        self.path_changed = Signal()

    # -- construction ------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, progress: Callable[[float], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> "Document":
        """Reads a CoNLL-U file; raises ConlluError (file, line, problem) at the first bad line,
        without reading the rest.  Removes the temporaries a killed save left beside it."""
        path = os.fspath(path)
        remove_stale_temporaries(path)
        sentences, store, stat = read_file(path, progress, cancelled)
        doc = cls._from_store(sentences, store, path)
        doc._source_stat = stat
        doc.relations()  # computed here, in the reader's thread, not when the relation menu first opens
        return doc

    @classmethod
    def _from_store(cls, sentences: list[Sentence], store: ByteStore, path: str | None) -> "Document":
        doc = cls(sentences, path)
        doc._store = store
        doc._modified = set()
        doc._saved_revision = doc.revision
        return doc

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<memory>",
                   progress: Callable[[float], None] | None = None) -> "Document":
        import io
        from deplab.parser.conllu import iter_sentences
        from .byte_store import line_starts
        sentences = list(iter_sentences(io.BytesIO(data), path))
        store = ByteStore.from_sentences(data, sentences, line_starts(data))
        if progress:
            progress(1.0)
        return cls._from_store(sentences, store, path if path != "<memory>" else None)

    @classmethod
    def from_text(cls, text: str, tokenize: Callable[[str], list] | None = None,
                  id_prefix: str = "s") -> "Document":
        """A new unsaved document of unannotated sentences from plain text.

        ``tokenize(text)`` (default: the engine's, :func:`deplab.parser.tokenize.tokenize`, spaCy's
        rule-based tokenizer) returns one item per sentence: ``(forms, space_after)``, whose
        ``SpaceAfter=No`` is recorded in MISC and the text rebuilt exactly, or a plain list of forms.
        """
        tokenize = tokenize or _engine_tokenize
        sentences = []
        for k, item in enumerate(tokenize(text), 1):
            if isinstance(item, tuple):
                forms, spaces = list(item[0]), list(item[1])
                txt = "".join(f + (" " if sp else "") for f, sp in zip(forms, spaces)).strip()
            else:
                forms, spaces = list(item), None
                txt = " ".join(forms)
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
        """Indices of sentences matching every given filter (:func:`.sentence_filter.find`)."""
        return sentence_filter.find(self.sentences, self._status, text, form, upos, deprel, status, indices)

    def unmarked_indices(self) -> list[int]:
        """The complete trees without a DepLab status comment (read by the :attr:`unmarked` policy)."""
        return [i for i, s in enumerate(self.sentences)
                if status_from_comments(s.comments) is None and is_annotated(s)]

    def set_unmarked(self, policy: str) -> list[int]:
        """Reads the complete trees without a status comment as ``gold``, ``parsed`` or ``unannotated``
        (issue 18: an existing UD treebank opens as gold).  Changes no sentence's text (the file saves
        as it was read); returns the sentences whose status changed and emits ``changed`` for them."""
        if policy not in UNMARKED_POLICIES:
            raise EditError(f"unknown reading {policy!r}; expected one of {', '.join(UNMARKED_POLICIES)}")
        self.unmarked = policy
        changed = []
        for i in self.unmarked_indices():
            if self._status[i] != policy:
                self._status[i] = policy
                changed.append(i)
        if changed:
            self.changed.emit(changed)
        return changed

    def next_unfinished(self, start: int, step: int = 1) -> int | None:
        """The next sentence after ``start`` (before it with step=-1) that is not gold."""
        return sentence_filter.next_unfinished(self._status, start, step)

    def _after_change(self, indices: list[int]) -> None:
        was_dirty = self.dirty
        for i in indices:
            self._status[i] = derive_status(self.sentences[i], self.unmarked)
        self.revision += 1
        self.changed.emit(indices)
        if not was_dirty:
            self.dirty_changed.emit(True)

    def mark_clean(self) -> None:
        """Declares the in-memory state equal to the saved file (e.g. undo back to the save point)."""
        if self.dirty:
            self._saved_revision = self.revision
            self.dirty_changed.emit(False)

    # -- saving --------------------------------------------------------------------
    def _sentence_bytes(self, i: int) -> bytes:
        return self._store.sentence_bytes(i, self.sentences[i], i in self._modified)

    def to_bytes(self) -> tuple[bytes, list[tuple[int, int]]]:
        """The file content and each sentence's byte span in it."""
        return self._store.assemble(self._sentence_bytes(i) for i in range(len(self.sentences)))

    def export_clean(self, path: str | os.PathLike) -> int:
        """Writes a copy without DepLab's own comments (``deplab_status``, ``deplab_predicted``),
        e.g. for a treebank release; the document keeps them.  Returns the sentences cleaned."""
        cleaned = 0

        def pieces():
            nonlocal cleaned
            for i, s in enumerate(self.sentences):
                if has_deplab_comments(s):
                    cleaned += 1
                    yield self._store.encode(without_deplab_comments(s))
                else:
                    yield self._sentence_bytes(i)
        data, _ = self._store.assemble(pieces())
        atomic_write_bytes(os.fspath(path), data)
        return cleaned

    def prepare_save(self, path: str | os.PathLike | None = None) -> SaveJob:
        """The bytes to write.  Safe in a worker thread while the GUI thread edits: each sentence is
        read once (an edit made meanwhile is caught by :meth:`finish_save`'s ``touched``)."""
        target = os.path.abspath(os.fspath(path)) if path else self.path
        if not target:
            raise EditError("this document has no file name yet: use Save As")
        revision = self.revision
        data, spans = self.to_bytes()
        return SaveJob(target, data, spans, revision, sha1(data))

    @staticmethod
    def write(job: SaveJob) -> None:
        """Writes a prepared save atomically (any thread); removes temporaries killed saves left."""
        remove_stale_temporaries(job.target)
        atomic_write_bytes(job.target, job.data)

    def finish_save(self, job: SaveJob, touched: Iterable[int] | None = None) -> str:
        """Records that ``job`` is on disk (GUI thread).  ``touched``: the sentences changed since the
        job was prepared; they stay unsaved, and so does the document."""
        target = job.target
        self._store = self._store.replaced(job.data, job.spans, job.sha1)
        touched = set(touched or ())
        if self.revision == job.revision:
            touched = set()
        self._modified = touched  # the file now holds every other sentence as it is in memory
        st = os.stat(target)
        self._source_stat = (st.st_size, st.st_mtime)
        was_dirty = self.dirty
        self._saved_revision = job.revision
        if target != self.path:
            self.path = target
            self.path_changed.emit(target)
        self.saved.emit(target)
        if was_dirty and not self.dirty:
            self.dirty_changed.emit(False)
        return target

    def save(self, path: str | os.PathLike | None = None) -> str:
        """Writes the document atomically to ``path`` (default: its own path)."""
        job = self.prepare_save(path)
        self.write(job)
        return self.finish_save(job)

    # -- crash recovery --------------------------------------------------------------
    def recovery_changed(self) -> list[int]:
        """The sentences a recovery file must hold: the changed ones (all, for a new document)."""
        return self.modified_indices() if self.path else list(range(len(self.sentences)))

    def recovery_record(self, texts: dict[int, str] | None = None, changed: list[int] | None = None) -> dict:
        """What the recovery file holds; ``texts`` (index → CoNLL-U) may come from the autosaver's
        cache of sentences serialised as they changed."""
        changed = self.recovery_changed() if changed is None else changed
        texts = texts or {}
        return recovery_file.record(self.path, self._store.sha1 if self.path else None, self.name,
                                    len(self.sentences), self._store.newline,
                                    {i: texts[i] if i in texts else self.sentences[i].to_text() for i in changed})

    def write_recovery(self, path: str | os.PathLike) -> None:
        """Writes (atomically) every changed sentence and what file they belong to."""
        recovery_file.write(path, self.recovery_record())

    @staticmethod
    def read_recovery_info(path: str | os.PathLike) -> RecoveryInfo:
        return recovery_file.read_info(path)

    @classmethod
    def from_recovery(cls, path: str | os.PathLike, detached: bool = False) -> "Document":
        """Rebuilds a document from a recovery file; it is dirty (needs saving).

        With a source file, that file must be unchanged since the recovery file
        was written (else RecoveryError); ``detached=True`` instead returns the
        recovered sentences alone as a new, unsaved document.
        """
        rec = recovery_file.load(path)
        recovered = recovery_file.recovered_sentences(path, rec)
        source = rec.get("source")
        if source and not detached:
            if not os.path.exists(source):
                raise RecoveryError(f"{source} no longer exists; restore the edits as a new document instead")
            with open(source, "rb") as f:
                data = f.read()
            if sha1(data) != rec.get("source_sha1"):
                raise RecoveryError(f"{source} changed on disk after the edits were autosaved; "
                                    "restore them as a new document instead")
            doc = cls.from_bytes(data, source)
            st = os.stat(source)
            doc._source_stat = (st.st_size, st.st_mtime)
            if rec.get("n_sentences") != len(doc):
                raise RecoveryError(f"{source} has {len(doc)} sentences, the recovery file expects "
                                    f"{rec.get('n_sentences')}")
            for i, s in recovered.items():
                doc.sentences[i] = s
                doc._modified.add(i)
            doc._after_change(sorted(recovered))
            return doc
        doc = cls([recovered[k] for k in sorted(recovered)])
        doc._store.newline = rec.get("newline", "\n")
        return doc


__all__ = ["Document", "EditError", "RecoveryError", "SentenceState", "RecoveryInfo", "SaveJob", "STATUSES",
           "UNANNOTATED", "PARSED", "EDITED", "GOLD", "STATUS_KEY", "PREDICTED_KEY", "EDITABLE_COLUMNS",
           "UNIVERSAL_RELATIONS", "COLUMNS", "atomic_write_bytes", "encode_prediction", "apply_prediction"]
