"""The edits of a document: re-attaching, relabelling, column edits, statuses, parses, undo snapshots.

Every edit validates first and raises :class:`EditError` (with a message for the user) instead of
breaking the tree (a cycle, checked by :class:`deplab.parser.tree.DependencyTree`) or the file (a
tab in a column).  :class:`Edits` is mixed into :class:`~.document.Document`, which holds the
sentences, their statuses and the ``changed`` signal that every edit ends with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from deplab.parser.conllu import Sentence, Token, drop_enhanced_graph
from deplab.parser.tree import DependencyTree

from .status_codec import EDITED, GOLD, PARSED, PREDICTED_KEY, STATUS_KEY, STATUSES, encode_prediction
from .validation import is_annotated

EDITABLE_COLUMNS = ("form", "lemma", "upos", "xpos", "feats", "deps", "misc")

_BAD_CHARS = re.compile(r"[\t\n\r]")


class EditError(ValueError):
    """An edit that was refused; the message says why, for the user."""


@dataclass(frozen=True)
class SentenceState:
    """An undo snapshot of one sentence."""

    sentence: Sentence
    modified: bool


class Edits:
    """The edit methods of :class:`~.document.Document` (``sentences``, ``_status``, ``_modified``,
    ``_note_relation`` and ``_after_change`` are the document's)."""

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

    # -- multiword tokens (app/model/multiword.py) --------------------------------------
    def split_word(self, i: int, word: int, forms) -> None:
        """Word ``word`` becomes a multiword token of the words ``forms`` (a range line is created)."""
        from .multiword import MultiwordError, split_word
        try:
            new = split_word(self._sentence(i), word, forms)
        except MultiwordError as e:
            raise EditError(str(e)) from None
        self._replace_tokens(i, new)

    def merge_range(self, i: int, word: int) -> None:
        """The multiword token containing ``word`` becomes one word again."""
        from .multiword import MultiwordError, merge_range
        try:
            new = merge_range(self._sentence(i), word)
        except MultiwordError as e:
            raise EditError(str(e)) from None
        self._replace_tokens(i, new)

    def _replace_tokens(self, i: int, new: Sentence) -> None:
        self._touch(i)
        new.comments = list(self.sentences[i].comments)
        self.sentences[i] = new
        self._after_change([i])

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

    def parsed_sentence(self, i: int, parsed: Sentence) -> Sentence:
        """A copy of sentence i that takes UPOS, HEAD and DEPREL from the parser's output (LEMMA, XPOS
        and FEATS only where the sentence has none), status ``parsed``.  Reads only: safe in a worker.

        Refuses gold sentences and a word count that does not match (EditError)."""
        s = self._sentence(i)
        if self._status[i] == GOLD:
            raise EditError(f"sentence {i + 1} is gold; the parser does not overwrite gold sentences")
        out = s.copy()
        ours, theirs = out.words, parsed.words
        if len(ours) != len(theirs):
            raise EditError(f"the parser returned {len(theirs)} words for sentence {i + 1}, which has {len(ours)}")
        for w, p in zip(ours, theirs):
            w.upos, w.head, w.deprel = p.upos, p.head, p.deprel
            for col in ("lemma", "xpos", "feats"):
                if getattr(w, col) == "_" and getattr(p, col) != "_":
                    setattr(w, col, getattr(p, col))
        drop_enhanced_graph(out)  # the engine's rule: a new basic tree invalidates the enhanced graph
        out.set_meta(PREDICTED_KEY, None)
        out.set_meta(STATUS_KEY, PARSED)
        return out

    def apply_parse(self, i: int, parsed: Sentence) -> None:
        """Puts :meth:`parsed_sentence` in place of sentence i (no signal: see :meth:`apply_parses`)."""
        self.install_parse(i, self.parsed_sentence(i, parsed))

    def install_parse(self, i: int, sentence: Sentence) -> None:
        """Puts a :meth:`parsed_sentence` result in place (gold sentences are never overwritten)."""
        if self._status[i] == GOLD:
            raise EditError(f"sentence {i + 1} is gold; the parser does not overwrite gold sentences")
        self.sentences[i] = sentence
        for w in sentence.words:
            self._note_relation(w.deprel)
        self._modified.add(i)

    def install_parses(self, sentences: dict[int, Sentence]) -> list[int]:
        """:meth:`install_parse` for many sentences, one ``changed`` signal; returns those installed."""
        return self._many(self.install_parse, sentences)

    def _many(self, edit, items: dict[int, Sentence]) -> list[int]:
        done = []
        for i, sentence in items.items():
            try:
                edit(i, sentence)
            except EditError:
                continue
            done.append(i)
        if done:
            self._after_change(done)
        return done

    def apply_parses(self, results: dict[int, Sentence]) -> list[int]:
        """:meth:`apply_parse` for many sentences, one ``changed`` signal; returns the indices
        actually changed (gold ones and mismatching ones are skipped)."""
        return self._many(self.apply_parse, results)

