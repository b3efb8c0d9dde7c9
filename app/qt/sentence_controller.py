"""A typed sentence's path to the screen, one way: text → pipeline (in a background task: tokenize,
tag, parse, and for one sentence its step-by-step trace) → the workspace model → its views.

The input line's ``parseRequested`` and the sentence box's ``sentenceChosen`` come here directly;
this controller writes the workspace only, and the views (the sentence box included) follow the
workspace's signals.  The window never parses on the GUI thread; a new input replaces one still
being parsed.  The sentences of a multi-sentence input get their trace when they are chosen (one
sentence, ~15 ms), from the same run as the tree shown: the tree is the trace's final configuration.
A sentence shown for study (:meth:`SentenceController.show_sentence`: the Teach panel following
the treebank's current sentence, Parse ▸ Step Through) gets its model trace in a background task
too; the newest request, typed or shown, is the one that reaches the workspace.  So does the sentence
on screen when another model is installed (:meth:`SentenceController.trace_for_model`).
"""
from __future__ import annotations

import time

from PySide6.QtWidgets import QLabel

from deplab.parser.conllu import Sentence

from .parse_controller import parse_sentences
from .workers import Task, run_task

LONG_INPUT = 1500  # characters: longer inputs show progress and disable the input while they parse


def run_model(pipeline, sentence: Sentence, typed: bool) -> tuple[Sentence, object]:
    """(sentence, the model's trace of it) (any thread).  ``typed``: the sentence's tree is the parser's,
    so it is tagged and parsed again with the trace, in one run; else its columns stay and the trace
    uses its UPOS."""
    return pipeline.parse_traced(sentence) if typed else (sentence, pipeline.trace(sentence))


class SentenceController:
    """Parses what is typed into the window's input line and shows it in the workspace."""

    def __init__(self, window):
        self.w = window
        self._parse_task: Task | None = None
        self._trace_task: Task | None = None  # the trace of a sentence shown for study (show_sentence)
        self._model_task: Task | None = None  # the sentence on screen traced by a model just installed
        self._generation = 0  # the newest request (typed or shown); older results are dropped
        # issue 17: typed text whose writing system does not fit the model's language gets a visible
        # notice (the engine's Pipeline.text_notices), not a silent one-token parse
        self.notice = QLabel()
        self.notice.setObjectName("textNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background:#FFF3CD; color:#664D03; border:1px solid #E0C060; padding:3px 6px")
        self.notice.hide()
        view_layout = window.view.layout()
        view_layout.insertWidget(max(0, view_layout.indexOf(window.view.info)), self.notice)

    def show_notices(self, notes: list[str]) -> None:
        """Shows the engine's notices about the typed text above the tree (hidden when there are none)."""
        self.notice.setText("⚠ " + "<br>⚠ ".join(notes) if notes else "")
        self.notice.setVisible(bool(notes))

    def parse_text(self, text: str, wait: bool = False) -> Task | None:
        """Tokenizes, tags and parses ``text`` in the background and shows the first sentence
        (``wait=True`` returns once it is drawn, for scripts and tests).  A new input replaces one
        still being parsed."""
        w = self.w
        t0 = time.perf_counter()  # Enter pressed
        text = text.strip()
        if not text:
            return None
        w.recent.remember(text)
        if w.pipeline is None:
            if w.is_loading():
                w.models.pending_text = text
                w.statusBar().showMessage("The model is still loading: the input is parsed as soon as it is ready.")
            else:
                w.statusBar().showMessage("No model is loaded: use File ▸ Open model… "
                                          + (f"({w.model_error})" if w.model_error else ""))
            return None
        if self._parse_task is not None and self._parse_task.running:
            self._parse_task.detach()  # the newest input wins
        gen = self._supersede()
        pipeline = w.pipeline
        long_input = len(text) > LONG_INPUT

        def work(ctx):
            ctx.progress(0, 0, "tokenizing")
            notes = pipeline.text_notices(text) if hasattr(pipeline, "text_notices") else []
            sentences = pipeline.sentences_from_text(text)
            if len(sentences) == 1:  # tagged and parsed once, step by step: the stepper's trace is the parse
                parsed, trace = pipeline.parse_traced(sentences[0])
                return [parsed], trace, notes
            return parse_sentences(pipeline, sentences, ctx), None, notes

        if long_input:  # a long parse shows progress, and the input waits for it
            w._busy(True, "Parsing…")
            self._set_input_enabled(False)

        def finish():
            if long_input:
                w._busy(False)
                self._set_input_enabled(True)

        def done(result):
            finish()
            if gen != self._generation:  # a sentence shown for study since then wins
                return
            sentences, trace, notes = result
            self.show_notices(notes)
            self._show_batch(sentences, trace)
            w.arc_view.canvas().repaint()
            w.last_parse_ms = (time.perf_counter() - t0) * 1000
            n = len(w.workspace.forms)
            w.timing_label.setText(f"{n} words parsed and drawn in {w.last_parse_ms:.0f} ms")
            if long_input:
                w.statusBar().showMessage(f"Parsed {len(sentences)} sentences.", 5000)

        def failed(msg):
            finish()
            w.statusBar().showMessage(f"Could not parse the input: {msg}")

        def cancelled():
            finish()
            w.statusBar().showMessage("Parsing cancelled.", 4000)
        task = run_task(work, on_done=done, on_error=failed, on_progress=w._on_progress if long_input else None,
                        on_cancelled=cancelled, name="parse")
        self._parse_task = task
        if wait:
            task.wait()
        return task

    def _set_input_enabled(self, on: bool) -> None:
        w = self.w
        w.view.input.setEnabled(on)
        w.view.parse_button.setEnabled(on)
        w.view.sentence_box.setEnabled(on)

    def is_parsing(self) -> bool:
        return self._parse_task is not None and self._parse_task.running

    def detach_tasks(self) -> None:
        """The window is closing: a parse or trace still running must not call back into it."""
        for t in (self._parse_task, self._trace_task, self._model_task):
            if t is not None and t.running:
                t.detach()

    def is_busy(self) -> bool:
        """A typed input is being parsed or a shown sentence traced (its result not yet on screen)."""
        return self.is_parsing() or any(t is not None and t.running for t in (self._trace_task, self._model_task))

    def _show_batch(self, sentences: list[Sentence], first_trace=None) -> None:
        w = self.w
        ws = w.workspace
        ws.set_batch(sentences)
        if sentences:
            self.select_batch_sentence(0, first_trace)
        else:
            ws.set_sentence(None)
        w.view.controls.stop()
        w.arc_view.canvas().setFocus()  # Left/Right/Home/End/Space now step through the parse

    def select_batch_sentence(self, i: int, trace=None) -> None:
        """Shows the batch's sentence ``i``; without ``trace`` it is parsed again step by step, so
        that its tree and its trace come from one run."""
        ws = self.w.workspace
        if not 0 <= i < len(ws.batch):
            return
        self._supersede()
        sentence = ws.batch[i]
        if trace is None:
            sentence, trace = self.traced(sentence, typed=True)
        ws.set_batch_sentence(i, sentence, trace)

    def traced(self, sentence: Sentence, typed: bool, pipeline=None) -> tuple[Sentence, object]:
        """``sentence`` and the model's trace of it (None without a model).  ``typed``: the sentence's
        tree is the parser's, so it is re-parsed with the trace (tagged and parsed once); else its
        columns stay and the trace uses its UPOS."""
        w = self.w
        pipeline = pipeline if pipeline is not None else w.pipeline
        if pipeline is None or not sentence.words:
            return sentence, None
        try:
            return run_model(pipeline, sentence, typed)
        except Exception as e:
            w.statusBar().showMessage(f"Could not run the model on the sentence: {e}")
            return sentence, None

    def show_sentence(self, sentence: Sentence, gold: bool = True, wait: bool = False) -> Task | None:
        """Studies ``sentence`` in the workspace (with ``gold``, its tree drives the oracle).

        The model's trace of it is computed in a background task (a treebank sentence's trace takes
        tens of milliseconds, more on a busy machine) and shown when it arrives on the GUI thread;
        the newest request wins, typed or shown (``wait=True`` returns once it is shown)."""
        w = self.w
        w.view.controls.stop()
        gen = self._supersede()
        if self._trace_task is not None and self._trace_task.running:
            self._trace_task.detach()
            self._trace_task = None
        pipeline = w.pipeline
        if pipeline is None or not sentence.words:
            self._study(sentence, None, gold)
            return None

        def work(ctx):
            ctx.check()  # superseded before it started (quick scrolling): nothing to compute
            return pipeline.trace(sentence)

        def done(trace):
            if gen != self._generation:
                return
            if w.pipeline is not pipeline:  # another model was installed meanwhile: its trace instead
                self.show_sentence(sentence, gold)
            else:
                self._study(sentence, trace, gold)

        def failed(msg):
            if gen == self._generation:
                w.statusBar().showMessage(f"Could not run the model on the sentence: {msg}")
                self._study(sentence, None, gold)
        task = run_task(work, on_done=done, on_error=failed, name="trace")
        self._trace_task = task
        if wait:
            task.wait()
        return task

    def trace_for_model(self, pipeline, wait: bool = False) -> Task | None:
        """Another model was installed: the sentence on screen gets its trace in a background task (typed
        text is parsed again, its tree is the parser's), then ``Workspace.set_model``; until then the
        workspace shows the previous model's trace.  A model installed after this one wins."""
        w = self.w
        ws = w.workspace
        sentence, typed = ws.sentence, ws.typed
        if self._model_task is not None and self._model_task.running:
            self._model_task.detach()
            self._model_task = None
        if sentence is None or pipeline is None or not sentence.words:
            ws.set_model(pipeline.transitions if pipeline is not None else None, None, sentence)
            return None

        def work(ctx):
            ctx.check()
            return run_model(pipeline, sentence, typed)

        def install(traced, trace):
            if w.pipeline is not pipeline:  # yet another model since: its own trace follows
                return
            if ws.sentence is sentence:
                ws.set_model(pipeline.transitions, trace, traced)
            elif ws.transitions is not pipeline.transitions:  # another sentence shown meanwhile keeps its trace
                ws.set_model(pipeline.transitions, ws.model_trace)

        def failed(msg):
            w.statusBar().showMessage(f"Could not run the model on the sentence: {msg}")
            install(sentence, None)
        task = run_task(work, on_done=lambda out: install(*out), on_error=failed, name="model trace")
        self._model_task = task
        if wait:
            task.wait()
        return task

    def _supersede(self) -> int:
        """A new request for the workspace: results of older ones are dropped when they arrive."""
        self._generation += 1
        return self._generation

    def _study(self, sentence: Sentence, trace, gold: bool) -> None:
        w = self.w
        ws = w.workspace
        ws.set_batch([sentence])
        ws.set_sentence(sentence, trace, gold=gold, start_at_end=True)
        if ws.gold_note:
            w.statusBar().showMessage(ws.gold_note, 8000)
