"""A treebank sentence compared with the parser, in the diff dock: the recorded pre-annotation when
there is one, else the sentence re-parsed (in the controller's background task) with the current
model; evaluation of the whole document is the eval panel's (:mod:`.eval_panel`)."""
from __future__ import annotations


def show_diff(ctl, gold, system, title: str = "") -> None:
    try:
        ctl.diff_view.setSentences(gold, system, title or None)
    except ValueError as e:
        ctl.refuse(f"cannot compare: {e}")
        return
    ctl.docks.show_diff()


def diff_current(ctl, wait: bool = False) -> None:
    """The current annotation against the parser: the recorded pre-annotation when there is one,
    else (e.g. a gold sentence of an existing treebank) the sentence re-parsed with the current model."""
    if ctl.doc is None or ctl.current is None:
        return
    i = ctl.current
    pred = ctl.doc.predicted(i)
    if pred is not None:
        show_diff(ctl, ctl.doc[i], pred, f"sentence {i + 1}: current annotation vs parser")
        return
    if not ctl.idle():
        ctl.status("Busy: wait for the current task or cancel it")
        return
    sentence = ctl.doc[i].copy()
    pipeline = ctl.pipeline or getattr(ctl.window, "pipeline", None)
    factory = ctl.pipeline_factory

    def work(ctx):
        pl = pipeline or factory()
        return pl, pl.parse([sentence])[0]

    def done(out):
        pl, parsed = out
        if ctl.pipeline is None:
            ctl.pipeline = pl
        if ctl.doc is not None and ctl.current == i:
            show_diff(ctl, ctl.doc[i], parsed, f"sentence {i + 1}: current annotation vs the current model "
                                                "(re-parsed; no prediction is recorded)")

    ctl.run(work, "Parsing for comparison", done, lambda m: ctl.show_error("Cannot parse", m), wait)
