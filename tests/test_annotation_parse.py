"""Parsing from the annotation UI: in a worker thread, with progress and cancel, never touching gold."""
from __future__ import annotations

import pytest

from deplab.app.model.document import EDITED, GOLD, PARSED, UNANNOTATED
from deplab.parser.conllu import read_conllu

from conftest import FIXTURES
from test_annotation_ui import app_dirs, make_window, small, win  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def tiny_pipeline():
    """A real (if untrained, hence fast to build) model behind the real Pipeline: these tests are
    about threads, progress, cancel and gold protection, not about accuracy."""
    from deplab.parser.pipeline import Pipeline
    from deplab.parser.examples import Treebank
    from deplab.parser.train_config import TrainConfig, new_model
    tb = Treebank.from_sentences(read_conllu(FIXTURES / "tiny.conllu"))
    cfg = TrainConfig(arch="kg2016", min_count=1, seed=1,
                      sizes={"word_dim": 16, "lstm_hidden": 16, "layers": 1, "mlp_hidden": 16})
    return Pipeline(new_model(tb, cfg).eval())


def test_parse_unannotated_in_background_keeps_gold(qtbot, win, small, tiny_pipeline):  # noqa: F811
    w, ctl = win
    loads = []
    ctl.pipeline_factory = lambda: loads.append(1) or tiny_pipeline
    ctl.open_path(str(small), wait=True)
    ctl.doc.detach(0, 1)  # not through the UI: just to have a gold sentence that a parser would change
    ctl.doc.attach(0, 1, 2, "det")
    ctl.toggle_gold()
    gold_text = ctl.doc[0].to_text()
    ctl.go_to(3)
    assert ctl.doc.status(3) == UNANNOTATED
    progress = []
    ctl.task = None
    with qtbot.waitSignal(ctl.parseFinished, timeout=20000) as sig:
        ctl.parse_all_action.trigger()
        assert ctl.task is not None and ctl.progress_box.isVisible()
        ctl.task.progressed.connect(lambda d, t, m: progress.append((d, t)))
    assert sig.args[0] == [3] and loads == [1]
    assert ctl.doc.status(3) == PARSED and ctl.doc[0].to_text() == gold_text
    assert all(w_.head != "_" for w_ in ctl.doc[3].words)
    assert ctl.annotator.arcs.drawnArcs()  # the current sentence shows its new tree
    qtbot.waitUntil(lambda: not ctl.progress_box.isVisible(), timeout=3000)
    # parse current: refused on gold, asks before replacing manual edits
    ctl.go_to(0)
    ctl.parse_current_action.trigger()
    assert "gold" in ctl.annotator.message.text() and ctl.doc[0].to_text() == gold_text
    ctl.go_to(1)
    ctl.ask_relation_after_attach = False
    ctl.attach(3, 1)
    assert ctl.doc.status(1) == EDITED
    ctl.asked.append("Parse")
    with qtbot.waitSignal(ctl.parseFinished, timeout=20000):
        ctl.parse_current_action.trigger()
    assert ctl.doc.status(1) == PARSED and loads == [1]  # the pipeline is loaded once
    ctl.undo_action.trigger()  # undo the parse: the manual edit is back
    assert ctl.doc.status(1) == EDITED and ctl.doc[1].words[2].head == "1"
    ctl.asked.append("Save Anyway")
    ctl.save()
    saved = read_conllu(small)
    assert saved[3].get_meta("deplab_status") == PARSED
    assert saved[0].to_text() == gold_text


def test_parse_all_is_one_engine_call_and_cancel_changes_nothing(qtbot, win, tiny_pipeline):  # noqa: F811
    """Parse All hands every unannotated sentence to the engine's batched parser at once (sorted by
    length, batches side by side); Cancel discards the run (deplab.parser.progress.Cancelled)."""
    w, ctl = win
    calls = []

    class CountingPipeline:
        def __getattr__(self, name):
            return getattr(tiny_pipeline, name)

        def parse(self, sentences, **kw):
            calls.append(len(sentences))
            return tiny_pipeline.parse(sentences, **kw)
    ctl.pipeline_factory = CountingPipeline
    ctl.tokenizer = None
    ctl.new_from_text("\n".join(f"Sentence number {k} is here." for k in range(60)))
    assert len(ctl.doc) == 60
    seen = []

    def on_progress(done, total, message):
        seen.append((done, total))
        ctl.cancel_task()
    with qtbot.waitSignal(ctl.parseFinished, timeout=20000) as sig:
        ctl.parse_unannotated()
        ctl.task.progressed.connect(on_progress)
    assert sig.args[0] == []
    assert seen and seen[0][1] == 60
    counts = ctl.doc.status_counts()
    assert counts[UNANNOTATED] == 60 and counts[PARSED] == 0
    assert "cancelled" in w.statusBar().currentMessage()
    assert ctl.stack.count() == 0  # nothing to undo
    calls.clear()
    with qtbot.waitSignal(ctl.parseFinished, timeout=20000) as sig:
        ctl.parse_unannotated()
    assert calls == [60] and len(sig.args[0]) == 60
    assert ctl.doc.status_counts()[PARSED] == 60
    ctl.undo_action.trigger()
    assert ctl.doc.status_counts()[UNANNOTATED] == 60


def test_new_from_text_with_parser(qtbot, win, tiny_pipeline):  # noqa: F811
    w, ctl = win
    ctl.pipeline_factory = lambda: tiny_pipeline
    with qtbot.waitSignal(ctl.parseFinished, timeout=20000):
        assert ctl.new_from_text("The cat sleeps. Dogs bark!", parse=True)
    # spaCy's rule-based tokenizer (the engine's) splits sentences and punctuation
    assert [[w_.form for w_ in s.words] for s in ctl.doc] == [["The", "cat", "sleeps", "."], ["Dogs", "bark", "!"]]
    assert ctl.doc.statuses() == [PARSED, PARSED] and ctl.doc[0].words[2].misc == "SpaceAfter=No"
    assert ctl.doc.predicted(0) is not None
