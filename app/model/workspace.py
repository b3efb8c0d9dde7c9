"""The sentence workspace: one sentence, the parser's and the oracle's traces, a current step.

Qt-free (napari-style): views observe the plain-Python signals.  Each action emits exactly one
signal, so that a view subscribes only to what it shows (a step move redraws the step, never what
depends on the sentence alone):

* ``sentence_changed()`` — :meth:`set_sentence`: another sentence (its words, tags, gold tree,
  both traces; the mode and step are new too);
* ``model_changed()`` — :meth:`set_model`: another parser model (its transitions and its trace of
  the same sentence; the oracle trace re-derived for its labels);
* ``gold_changed()`` — :meth:`set_gold`: the gold tree of the same sentence (so the oracle trace);
* ``system_changed(name)`` — :meth:`set_system`: the oracle follows another transition system;
* ``mode_changed(mode)`` — :meth:`set_mode`: the trace shown switched between ``"model"`` and
  ``"oracle"`` (the step may have been clamped to the new trace);
* ``step_changed(step)`` — :meth:`set_step` and its shortcuts: only the current step moved;
* ``batch_changed()`` — :meth:`set_batch`: a new list of sentences (several typed at once).

After any of :attr:`trace_signals` the trace shown may be another one (and the step clamped to
it); :attr:`tree_signals` are those after which the tree the oracle derives may be another one.

Step *k* is the configuration after *k* transitions, ``0 <= k <= len(trace)``;
the transition shown "at" step k is the one applied next.  The traces come
from the engine (``parser.pipeline`` for the model, ``parser.oracle`` for the
gold sequence); nothing here parses, and every rule (which arc a transition
adds, why the oracle chooses it, what a move costs, where two traces part) is
asked of the trace, so this module only presents.

The oracle follows the transition system picked with :meth:`set_system`
(default: the model's).  For typed text there is no gold tree; once a system
is picked, the oracle derives the parser's own tree instead, and ``gold_note``
says so.
"""
from __future__ import annotations

from typing import Sequence

from deplab.parser.conllu import Sentence
from deplab.parser.oracle import NotDerivable, oracle_trace
from deplab.parser.systems import SYSTEMS, get_system
from deplab.parser.transition import Configuration, Trace, Transition, TransitionSet
from deplab.parser.tree import DependencyTree, projectivize

from .events import Signal

MODEL, ORACLE = "model", "oracle"


class Workspace:
    def __init__(self) -> None:
        self.sentence_changed = Signal()
        self.model_changed = Signal()
        self.gold_changed = Signal()
        self.system_changed = Signal()
        self.mode_changed = Signal()
        self.step_changed = Signal()
        self.batch_changed = Signal()
        # the tree the oracle derives (gold, or the parser's) may be another one after these
        self.tree_signals = (self.sentence_changed, self.model_changed, self.gold_changed, self.system_changed)
        # the trace shown may be another one after these (the step clamped to it)
        self.trace_signals = self.tree_signals + (self.mode_changed,)
        self.system: str | None = None  # the oracle's transition system; None: the model's
        self.parser_gold = False         # the oracle derives the parser's tree (typed text, after set_system)
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
        # typed text: the sentence has no gold tree of its own, its HEAD/DEPREL are the model trace's
        # final tree (one parse: a new model re-parses it, see set_model)
        self.typed = False
        self._oracle_cache: dict = {}  # oracle_of's traces, for one model: (system, forms, tags, tree) -> Trace

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
        self.typed = sentence is not None and not gold
        words = sentence.words if sentence is not None else []
        self.forms = [w.form for w in words]
        tags = [w.upos for w in words]
        if model_trace is not None and (not tags or all(t == "_" for t in tags)):
            tags = list(model_trace.tags)
        self.tags = tags
        self.gold, self.oracle_trace, self.gold_note = None, None, ""
        self.parser_gold = False
        if gold and sentence is not None:
            self._set_gold([w.head_index for w in words], [w.deprel for w in words])
        elif self.system is not None:
            self._set_parser_gold()
        self.mode = MODEL if model_trace is not None or self.oracle_trace is None else ORACLE
        self.step = self.n_steps if start_at_end else 0
        self.sentence_changed.emit()

    def set_model(self, transitions: TransitionSet | None, trace: Trace | None,
                  sentence: Sentence | None = None) -> None:
        """Another parser model: its transitions, its ``trace`` of the sentence shown, and the
        ``sentence`` that trace parsed, taken for typed text only (whose tree is the parser's: one
        source of truth); the oracle trace is re-derived (the model's labels, or for typed text the
        model's tree)."""
        self.transitions = transitions
        if sentence is not None and self.typed:
            if self.batch and self.batch[self.batch_index] is self.sentence:
                self.batch[self.batch_index] = sentence
            self.sentence = sentence
        self.model_trace = trace
        if trace is not None and (not self.tags or all(t == "_" for t in self.tags)):
            self.tags = list(trace.tags)
        self._rederive()
        self.model_changed.emit()

    def _rederive(self) -> None:
        """The oracle trace again, for the gold tree or (typed text, a system picked) the parser's."""
        self.oracle_trace, self.parser_gold = None, False
        self.gold_note = ""
        if self.gold is not None:
            self._derive(*self.gold)
        elif self.system is not None:
            self._set_parser_gold()
        self._fix_mode()
        self.step = min(self.step, self.n_steps)

    def set_gold(self, heads: Sequence[int | None] | None, labels: Sequence[str] | None = None) -> None:
        """Sets (or with None removes) the gold tree, e.g. after the user corrected the parse."""
        self.gold, self.oracle_trace, self.gold_note = None, None, ""
        if heads is not None:
            self._set_gold(list(heads), list(labels) if labels is not None else ["_"] * len(heads))
        self._fix_mode()
        self.step = min(self.step, self.n_steps)
        self.gold_changed.emit()

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
        self._derive(list(heads), list(labels))

    def _set_parser_gold(self) -> None:
        """Typed text: the oracle derives the parser's own tree (there is no other)."""
        m = self.model_trace
        if m is None or self.gold is not None or not self.forms:
            return
        self.parser_gold = True
        self.gold_note = "typed text, no gold tree: the oracle's gold tree is the parser's own tree"
        self._derive(list(m.final.heads[1:]), list(m.final.labels[1:]))
        if self.oracle_trace is not None:
            self.oracle_trace.source = "oracle"

    def _derive(self, heads: list[int], labels: list[str]) -> None:
        """The oracle trace of the chosen system for this tree (projectivized first when the system needs it)."""
        system = get_system(self.system_name)
        proj, lifts = (projectivize(heads) if system.projective else (heads, 0))
        if lifts:
            note = (f"the gold tree is non-projective: the {system.name} oracle follows its projectivized form "
                    f"({lifts} arc{'s' if lifts > 1 else ''} lifted)")
            self.gold_note = f"{self.gold_note}; {note}" if self.gold_note else note
        try:
            self.oracle_trace = oracle_trace(self.forms, self.tags, proj, labels, self.transitions_for(system.name,
                                                                                                        labels))
        except NotDerivable as e:
            self.oracle_trace = None
            self.gold_note = f"no {system.name} oracle: {e}"

    def transitions_for(self, system: str, labels: Sequence[str] = ()) -> TransitionSet:
        """The model's transitions when the model uses ``system``, else the same labels in ``system``."""
        if self.transitions is not None:
            if self.transitions.system.name == system:
                return self.transitions
            return TransitionSet(self.transitions.labels, system)
        return TransitionSet(sorted(set(labels)), system)

    # -- transition system -------------------------------------------------------------------
    @property
    def system_name(self) -> str:
        """The oracle's system: the one picked, else the model's, else arc-standard."""
        if self.system is not None:
            return self.system
        return self.transitions.system.name if self.transitions is not None else "arc-standard"

    @property
    def systems(self) -> list[str]:
        return list(SYSTEMS)

    def set_system(self, name: str) -> None:
        """The oracle follows ``name`` (for typed text: deriving the parser's tree)."""
        get_system(name)  # unknown names raise
        self.system = name
        self._rederive()
        self.system_changed.emit(name)

    def oracle_of(self, system: str) -> Trace | None:
        """The oracle trace of ``system`` for the current gold (or parser's) tree, e.g. to compare systems;
        None when there is no tree or the system cannot derive it."""
        tree = self.gold
        if tree is None and self.model_trace is not None and self.parser_gold:
            tree = (list(self.model_trace.final.heads[1:]), list(self.model_trace.final.labels[1:]))
        if tree is None:
            return None
        heads, labels = tree
        # the same sentence, tree, tags and model give the same trace: each system's is derived once
        # (the Compare systems tab asks for two after every change of the tree; ~5 ms each)
        key = (system, tuple(self.forms), tuple(self.tags), tuple(heads), tuple(labels))
        cache = self._oracle_cache
        if cache.get("of") is not self.transitions:  # another model (its id could be reused): start again
            cache.clear()
            cache["of"] = self.transitions
        if key in cache:
            return cache[key]
        if len(cache) > 8:
            cache.clear()
            cache["of"] = self.transitions
        if get_system(system).projective:
            heads = projectivize(heads)[0]
        try:
            trace = oracle_trace(self.forms, self.tags, heads, labels, self.transitions_for(system, labels))
        except NotDerivable:
            trace = None
        cache[key] = trace
        return trace

    def clear(self) -> None:
        self.set_batch([])
        self.set_sentence(None)

    def set_batch(self, sentences: list[Sentence]) -> None:
        self.batch = list(sentences)
        self.batch_index = 0
        self.batch_changed.emit()

    def set_batch_sentence(self, i: int, sentence: Sentence, model_trace: Trace | None) -> None:
        """Shows the batch's sentence ``i`` as ``sentence`` (its parse, from the same run as ``model_trace``)
        at its last step."""
        if not 0 <= i < len(self.batch):
            raise IndexError(f"no sentence {i} in a batch of {len(self.batch)}")
        self.batch_index = i
        self.batch[i] = sentence
        self.set_sentence(sentence, model_trace, gold=False, start_at_end=True)

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
        """(head, dependent, label) built by transition k, None for one that builds none (the trace's rule)."""
        trace = trace or self.trace
        return trace.arc_of(k) if trace is not None else None

    def swapped_word(self, k: int | None = None) -> int | None:
        """The word the transition before step k moved back to the buffer (SWAP), if it did."""
        k = self.step if k is None else k
        t = self.trace
        if t is None or not 0 < k <= len(t) or t.transition_at(k - 1).kind != "SWAP":
            return None
        return t.steps[k - 1].config.stack[-2]

    def newest_arc(self) -> tuple[int, int] | None:
        """The arc built by the last transition before the current step (to highlight)."""
        if self.step == 0:
            return None
        a = self.arc_of(self.step - 1)
        return (a[0], a[1]) if a else None

    def arcs_built(self, k: int | None = None) -> list[tuple[int, int, str]]:
        """Arcs built in the first k transitions, in the order they were built."""
        k = self.step if k is None else k
        return self.trace.arcs_built(k) if self.trace is not None else []

    def divergence(self) -> int | None:
        """The first step where the model and the oracle choose different transitions.

        Compared by transition (kind and label), not by number: the oracle's
        transition set can hold labels the model does not know.
        """
        m, o = self.model_trace, self.oracle_trace
        if m is None or o is None or m.system is not o.system:
            return None
        return m.first_divergence(o)

    def shared_transition(self, k: int, mode: str) -> Transition | None:
        """What the ``mode`` trace does at step k, when it is still in the same configuration."""
        t = self.model_trace if mode == MODEL else self.oracle_trace
        m, o = self.model_trace, self.oracle_trace
        if m is not None and o is not None and m.system is not o.system:
            return None  # different systems: no shared configurations
        d = self.divergence()
        if t is None or k >= len(t) or (d is not None and k > d):
            return None
        return t.transition_at(k)

    def oracle_reason(self, k: int | None = None) -> str:
        """Why the static oracle chooses its transition at step k (the system's own explanation)."""
        k = self.step if k is None else k
        o = self.oracle_trace
        return o.reason(k, self._namer) if o is not None else ""

    def _namer(self, i: int) -> str:
        return "ROOT" if i == 0 else f"{self.forms[i - 1]}({i})"

    def costs(self, k: int | None = None) -> list[int | None] | None:
        """The dynamic oracle's cost of every transition (None: illegal) at step k of the current trace,
        towards the oracle's tree; None when the system has no dynamic oracle or there is no tree."""
        k = self.step if k is None else k
        t, o = self.trace, self.oracle_trace
        if t is None or o is None or not t.system.dynamic or t.system is not o.system or k >= len(t):
            return None
        if t is o:
            return o.costs(k)
        probe = Trace(t.forms, t.tags, t.transitions, t.steps, t.final, t.source, gold=o.gold)
        return probe.costs(k)

    def optimal_transitions(self, k: int | None = None) -> list[Transition]:
        """The transitions of cost 0 at step k (every one still leads to the best reachable tree)."""
        costs = self.costs(k)
        if costs is None:
            return []
        return [self.trace.transitions[i] for i, c in enumerate(costs) if c == 0]

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
