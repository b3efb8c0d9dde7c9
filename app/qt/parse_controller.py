"""Parsing a document's sentences in the background: the current one, or all unannotated ones.

All the sentences go to the engine in one call, ``Pipeline.parse(sentences, progress=...)``, which
sorts them by length and parses whole batches side by side (:func:`deplab.parser.decode.parse_batch`):
the app pre-annotates at the engine's speed.  Gold sentences are never touched, and a sentence the
user changed while the parser ran is left alone.  Cancel stops at the next batch and changes nothing.
"""
from __future__ import annotations

from deplab.app.model.document import EDITED, GOLD, UNANNOTATED, EditError, SentenceState

from .workers import collector_paused


def parse_sentences(pipeline, sentences, ctx) -> list:
    """``pipeline.parse`` with the task's progress and cancel (raises Cancelled between batches)."""
    total = len(sentences)
    ctx.progress(0, total, "parsing")

    def progress(done, *_):
        ctx.progress(done, total, "parsing")
        ctx.check()
    return pipeline.parse(sentences, progress=progress)


class ParseController:
    def __init__(self, ctl):
        self.ctl = ctl

    def parse_current(self, wait: bool = False) -> None:
        c = self.ctl
        if c.doc is None or c.current is None:
            return
        i = c.current
        st = c.doc.status(i)
        if st == GOLD:
            c.refuse("this sentence is gold: the parser never overwrites gold sentences (unmark it first)")
            return
        if st == EDITED and c.ask("Replace your edits?", "This sentence has manual edits. Parsing replaces its "
                                  "tags and tree (undo brings them back).", ("Parse", "Cancel")) != "Parse":
            return
        self.parse([i], wait)

    def parse_unannotated(self, wait: bool = False) -> None:
        c = self.ctl
        if c.doc is None:
            return
        todo = [i for i, st in enumerate(c.doc.statuses()) if st == UNANNOTATED]
        if not todo:
            c.status("Every sentence already has annotation")
            return
        self.parse(todo, wait)

    def parse(self, indices: list[int], wait: bool) -> None:
        c = self.ctl
        if not c.idle():
            c.status("Busy: wait for the current task or cancel it")
            return
        doc = c.doc
        sentences = [doc[i] for i in indices]  # read by the worker (forms only); copied there
        touched: set[int] = set()  # the user may edit (or mark gold) a sentence while the parser runs
        doc.changed.connect(touched.update)
        pipeline = c.pipeline or getattr(c.window, "pipeline", None)
        factory = c.pipeline_factory

        def work(ctx):
            pl = pipeline or factory()
            # many new objects: no collection meanwhile, and none of them in the young generations
            # afterwards (frozen), or the first collection after the pause (tens of milliseconds,
            # holding the GIL) would traverse them all while the window waits
            with collector_paused(freeze=True):
                parsed = parse_sentences(pl, sentences, ctx)
                # the new sentences and the undo snapshots are made here too: the GUI thread only swaps
                before, after, after_states = {}, {}, {}
                for i, p in zip(indices, parsed):
                    try:
                        after[i] = doc.parsed_sentence(i, p)
                    except EditError:  # gold meanwhile, or the words changed
                        continue
                    before[i] = doc.snapshot(i)
                    after_states[i] = SentenceState(after[i].copy(), True)
            return pl, len(parsed), before, after, after_states

        def finished():
            doc.changed.disconnect(touched.update)

        def done(result):
            finished()
            pl, n_parsed, before, after, after_states = result
            c.pipeline = pl
            if c.doc is not doc:
                return
            fresh = {i: s for i, s in after.items() if i not in touched and doc.status(i) != GOLD}
            changed = c.editor.install_parses(before, fresh, after_states) if fresh else []
            skipped = n_parsed - len(changed)
            msg = f"Parsed {len(changed)} sentence(s)"
            if skipped:
                msg += f"; {skipped} left alone (changed meanwhile or gold)"
            c.status(msg, 8000)
            c.parseFinished.emit(changed)

        def failed(msg):
            finished()
            c.show_error("Cannot parse", msg)
            c.parseFinished.emit(None)

        def cancelled():
            finished()
            c.status(f"Parsing cancelled: none of the {len(indices)} sentence(s) changed", 8000)
            c.parseFinished.emit([])
        label = "Parsing" if len(indices) == 1 else f"Parsing {len(indices)} sentences"
        c.run(work, label, done, failed, wait, on_cancelled=cancelled)
