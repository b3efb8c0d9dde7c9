"""The sentence workspace: one sentence, the parser's and the oracle's traces, a current step.

Qt-free (napari-style): views observe the plain-Python signals.

* ``changed()`` — a new sentence, trace or gold tree: everything must refresh.
* ``step_changed(step)`` — the current step moved.
* ``mode_changed(mode)`` — switched between ``"model"`` and ``"oracle"``.
* ``batch_changed()`` — a new list of sentences (several typed at once).

Step *k* is the configuration after *k* transitions, ``0 <= k <= len(trace)``;
the transition shown "at" step k is the one applied next.  The traces come
from the engine (``parser.pipeline`` for the model, ``parser.oracle`` for the
gold sequence); nothing here parses.
"""
from __future__ import annotations

from typing import Sequence

from deplab.parser.conllu import Sentence
from deplab.parser.oracle import oracle_trace
from deplab.parser.transition import LEFT, RIGHT, Configuration, Trace, Transition, TransitionSet
from deplab.parser.tree import DependencyTree, projectivize

from .events import Signal

MODEL, ORACLE = "model", "oracle"


class Workspace:
    def __init__(self) -> None:
        self.changed = Signal()
        self.step_changed = Signal()
        self.mode_changed = Signal()
        self.batch_changed = Signal()
        self.transitions: TransitionSet | None = None  # the model's, when one is loaded
        self.sentence: Sentence | None = None
        self.forms: list[str] = []
        self.tags: list[str] = []
        self.model_trace: Trace | None = None
        self.oracle_trace: Trace | None = None
        self.gold: tuple[list[int], list[str]] | None = None
        self.gold_note = ""  # why there is no oracle, or how the gold tree was changed for it
        self.mode = MODEL
        self.step = 0
        self.batch: list[Sentence] = []
        self.batch_index = 0

    # -- content -------------------------------------------------------------------
    def set_sentence(self, sentence: Sentence | None, model_trace: Trace | None = None,
                     gold: bool = False, start_at_end: bool = False) -> None:
        """Shows ``sentence``; with ``gold=True`` its HEAD/DEPREL columns are the gold tree.

        The current step is 0, or the last (the finished tree) with ``start_at_end``.

        The model trace (if any) comes from the engine; the oracle trace is
        computed here from the gold tree (projectivized first if needed).
        """
        self.sentence = sentence
        self.model_trace = model_trace
        words = sentence.words if sentence is not None else []
        self.forms = [w.form for w in words]
        tags = [w.upos for w in words]
        if model_trace is not None and (not tags or all(t == "_" for t in tags)):
            tags = list(model_trace.tags)
        self.tags = tags
        self.gold, self.oracle_trace, self.gold_note = None, None, ""
        if gold and sentence is not None:
            self._set_gold([w.head_index for w in words], [w.deprel for w in words])
        self.mode = MODEL if model_trace is not None or self.oracle_trace is None else ORACLE
        self.step = self.n_steps if start_at_end else 0
        self.changed.emit()

    def set_model_trace(self, trace: Trace | None) -> None:
        self.model_trace = trace
        self._fix_mode()
        self.step = min(self.step, self.n_steps)
        self.changed.emit()

    def set_gold(self, heads: Sequence[int | None] | None, labels: Sequence[str] | None = None) -> None:
        """Sets (or with None removes) the gold tree, e.g. after the user corrected the parse."""
        self.gold, self.oracle_trace, self.gold_note = None, None, ""
        if heads is not None:
            self._set_gold(list(heads), list(labels) if labels is not None else ["_"] * len(heads))
        self._fix_mode()
        self.step = min(self.step, self.n_steps)
        self.changed.emit()

    def _fix_mode(self) -> None:
        """Keeps the mode on a trace that exists (model first)."""
        if self.trace is None:
            modes = self.available_modes()
            self.mode = modes[0] if modes else MODEL

    def _set_gold(self, heads: list[int | None], labels: list[str]) -> None:
        if len(heads) != len(self.forms):
            raise ValueError(f"the gold tree has {len(heads)} heads for {len(self.forms)} words")
        problems = DependencyTree(heads, labels).problems()
        if problems:
            self.gold_note = "no oracle: the gold tree is not a tree (" + "; ".join(problems) + ")"
            return
        self.gold = (list(heads), list(labels))
        proj, lifts = projectivize(heads)
        if lifts:
            self.gold_note = (f"the gold tree is non-projective: the oracle follows its projectivized form "
                              f"({lifts} arc{'s' if lifts > 1 else ''} lifted)")
        labels_known = self.transitions or TransitionSet(sorted({l for l in labels}))
        self.oracle_trace = oracle_trace(self.forms, self.tags, proj, labels, labels_known)

    def clear(self) -> None:
        self.set_batch([])
        self.set_sentence(None)

    def set_batch(self, sentences: list[Sentence]) -> None:
        self.batch = list(sentences)
        self.batch_index = 0
        self.batch_changed.emit()

    # -- mode and step ---------------------------------------------------------------------
    def available_modes(self) -> list[str]:
        return [m for m, t in ((MODEL, self.model_trace), (ORACLE, self.oracle_trace)) if t is not None]

    def set_mode(self, mode: str) -> None:
        if mode not in (MODEL, ORACLE):
            raise ValueError(f"unknown mode {mode!r}")
        if mode == self.mode:
            return
        if mode not in self.available_modes():
            raise ValueError(f"no {mode} trace for this sentence" + (f": {self.gold_note}" if self.gold_note else ""))
        self.mode = mode
        self.step = min(self.step, self.n_steps)
        self.mode_changed.emit(mode)
        self.step_changed.emit(self.step)

    @property
    def trace(self) -> Trace | None:
        return self.model_trace if self.mode == MODEL else self.oracle_trace

    @property
    def other_trace(self) -> Trace | None:
        return self.oracle_trace if self.mode == MODEL else self.model_trace

    @property
    def n_steps(self) -> int:
        """The number of transitions of the current trace (the last step index)."""
        return len(self.trace) if self.trace is not None else 0

    def set_step(self, k: int) -> None:
        k = max(0, min(int(k), self.n_steps))
        if k != self.step:
            self.step = k
            self.step_changed.emit(k)

    def first(self) -> None:
        self.set_step(0)

    def back(self) -> None:
        self.set_step(self.step - 1)

    def forward(self) -> None:
        self.set_step(self.step + 1)

    def last(self) -> None:
        self.set_step(self.n_steps)

    # -- what the views show ---------------------------------------------------------------------
    @property
    def config(self) -> Configuration | None:
        return self.trace.config_at(self.step) if self.trace is not None else None

    def next_transition(self, k: int | None = None) -> Transition | None:
        k = self.step if k is None else k
        t = self.trace
        return t.transition_at(k) if t is not None and k < len(t) else None

    def tree_at(self, k: int | None = None) -> tuple[list[int | None], list[str | None]]:
        """Heads and labels of words 1..n after k transitions (None where not attached yet)."""
        if self.trace is None:
            return [None] * len(self.forms), [None] * len(self.forms)
        c = self.trace.config_at(self.step if k is None else k)
        return list(c.heads[1:]), list(c.labels[1:])

    def arc_of(self, k: int, trace: Trace | None = None) -> tuple[int, int, str] | None:
        """(head, dependent, label) built by transition k, None for SHIFT."""
        trace = trace or self.trace
        if trace is None or not 0 <= k < len(trace):
            return None
        c, t = trace.steps[k].config, trace.transition_at(k)
        if t.kind == LEFT:
            return c.stack[-1], c.stack[-2], t.label
        if t.kind == RIGHT:
            return c.stack[-2], c.stack[-1], t.label
        return None

    def newest_arc(self) -> tuple[int, int] | None:
        """The arc built by the last transition before the current step (to highlight)."""
        if self.step == 0:
            return None
        a = self.arc_of(self.step - 1)
        return (a[0], a[1]) if a else None

    def arcs_built(self, k: int | None = None) -> list[tuple[int, int, str]]:
        """Arcs built in the first k transitions, in the order they were built."""
        k = self.step if k is None else k
        out = []
        for i in range(min(k, self.n_steps)):
            a = self.arc_of(i)
            if a:
                out.append(a)
        return out

    def divergence(self) -> int | None:
        """The first step where the model and the oracle choose different transitions.

        Compared by transition (kind and label), not by number: the oracle's
        transition set can hold labels the model does not know.
        """
        m, o = self.model_trace, self.oracle_trace
        if m is None or o is None:
            return None
        for k in range(min(len(m), len(o))):
            if m.transition_at(k) != o.transition_at(k):
                return k
        return None if len(m) == len(o) else min(len(m), len(o))

    def shared_transition(self, k: int, mode: str) -> Transition | None:
        """What the ``mode`` trace does at step k, when it is still in the same configuration."""
        t = self.model_trace if mode == MODEL else self.oracle_trace
        d = self.divergence()
        if t is None or k >= len(t) or (d is not None and k > d):
            return None
        return t.transition_at(k)

    def oracle_reason(self, k: int | None = None) -> str:
        """Why the static oracle chooses its transition at step k (for the teaching view)."""
        k = self.step if k is None else k
        o = self.oracle_trace
        if o is None or self.gold is None or k >= len(o):
            return ""
        c, t = o.steps[k].config, o.transition_at(k)
        heads = [None] + projectivize(self.gold[0])[0]

        def w(i: int) -> str:
            return "ROOT" if i == 0 else f"{self.forms[i - 1]}({i})"
        if t.kind == LEFT:
            return f"LEFT-ARC: the gold head of s2 = {w(c.stack[-2])} is s1 = {w(c.stack[-1])}."
        if t.kind == RIGHT:
            return (f"RIGHT-ARC: the gold head of s1 = {w(c.stack[-1])} is s2 = {w(c.stack[-2])}, "
                    f"and all of s1's own dependents are attached.")
        if len(c.stack) < 2:
            return "SHIFT: fewer than two words on the stack, no arc is possible."
        s1, s2 = c.stack[-1], c.stack[-2]
        if heads[s1] == s2:
            missing = [d for d in range(1, len(heads)) if heads[d] == s1 and c.heads[d] is None]
            return (f"SHIFT: s1 = {w(s1)} belongs to s2 = {w(s2)}, but its dependent(s) "
                    f"{', '.join(w(d) for d in missing)} still wait in the buffer.")
        return f"SHIFT: no gold arc between s1 = {w(s1)} and s2 = {w(s2)}."

    def rows(self) -> list[tuple[int, str, str, str]]:
        """The transition table: (step, transition, stack, buffer) for every configuration."""
        t = self.trace
        if t is None:
            return []
        out = []
        for k in range(len(t) + 1):
            c = t.config_at(k)
            out.append((k, str(t.transition_at(k)) if k < len(t) else "— (terminal)",
                        self.stack_text(c), self.buffer_text(c)))
        return out

    def word(self, i: int) -> str:
        return "ROOT" if i == 0 else self.forms[i - 1]

    def stack_text(self, c: Configuration) -> str:
        return "[" + " ".join(self.word(i) for i in c.stack) + "]"

    def buffer_text(self, c: Configuration, limit: int = 6) -> str:
        words = [self.word(i) for i in c.buffer[:limit]]
        more = " …" if len(c.buffer) > limit else ""
        return "[" + " ".join(words) + more + "]"
