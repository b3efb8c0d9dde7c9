"""Work the GUI thread no longer does (issue 16, "no UI action blocks the window for more than 100 ms"):
a new model's trace of the sentence on screen runs in a worker, the hidden Compare systems tab derives
nothing until it is shown, oracle traces are derived once per tree, a save hashes its bytes in its worker,
and Parse All leaves its new objects out of the collector's generations."""
from __future__ import annotations

import gc
import threading

from deplab.app.model.document import Document
from deplab.app.model.workspace import Workspace
from deplab.parser.conllu import read_conllu
from deplab.parser.pipeline import Pipeline

from conftest import FIXTURES
from test_annotation_parse import tiny_pipeline  # noqa: F401  (fixture)
from test_annotation_ui import app_dirs, small, win  # noqa: F401  (fixtures)


def _record_threads(monkeypatch, pipeline, name):
    threads = []
    real = getattr(pipeline, name)

    def wrapped(*a, **k):
        threads.append(threading.get_ident())
        return real(*a, **k)
    monkeypatch.setattr(pipeline, name, wrapped)
    return threads


def test_a_new_model_traces_the_shown_sentence_off_the_gui_thread(qtbot, tiny_window, tiny_model_dir, monkeypatch):
    w = tiny_window
    ws = w.workspace
    s = read_conllu(FIXTURES / "tiny_dev.conllu")[0]
    w.show_sentence(s, gold=True, wait=True)
    old_trace = ws.model_trace
    assert old_trace is not None
    other = Pipeline.load(tiny_model_dir)
    threads = _record_threads(monkeypatch, other, "trace")
    w.set_pipeline(other)
    assert w.pipeline is other
    assert ws.model_trace is old_trace  # returned before the trace: the previous one stays meanwhile
    qtbot.waitUntil(lambda: ws.transitions is other.transitions, timeout=10000)
    assert threads and threading.main_thread().ident not in threads
    assert ws.model_trace is not old_trace and ws.forms == [t.form for t in s.words]
    assert ws.oracle_trace is not None  # re-derived for the new model's labels


def test_a_new_model_parses_the_typed_sentence_again_off_the_gui_thread(qtbot, tiny_window, tiny_model_dir,
                                                                       monkeypatch):
    w = tiny_window
    ws = w.workspace
    w.parse_text("The cat sleeps on the mat.", wait=True)
    qtbot.waitUntil(lambda: ws.model_trace is not None, timeout=10000)
    other = Pipeline.load(tiny_model_dir)
    threads = _record_threads(monkeypatch, other, "parse_traced")
    w.models.set_pipeline(other, wait=True)
    assert ws.transitions is other.transitions
    assert threads and threading.main_thread().ident not in threads
    final = ws.model_trace.final  # the typed tree is the new trace's final tree
    assert [x.head_index for x in ws.sentence.words] == list(final.heads[1:])


def test_a_new_model_installed_before_the_trace_arrives_wins(qtbot, tiny_window, tiny_model_dir):
    w = tiny_window
    ws = w.workspace
    w.show_sentence(read_conllu(FIXTURES / "tiny_dev.conllu")[0], gold=True, wait=True)
    first, second = Pipeline.load(tiny_model_dir), Pipeline.load(tiny_model_dir)
    w.set_pipeline(first)
    w.set_pipeline(second)
    qtbot.waitUntil(lambda: not w.sentences.is_busy(), timeout=10000)
    assert ws.transitions is second.transitions


def test_the_hidden_compare_view_derives_nothing_until_it_is_shown(qtbot, tiny_window, monkeypatch):
    w = tiny_window
    ws, view = w.workspace, w.view
    cmp = view.compare
    asked = []
    real = ws.oracle_of
    monkeypatch.setattr(ws, "oracle_of", lambda system: asked.append(system) or real(system))
    view.tabs.setCurrentIndex(0 if view.tabs.widget(0) is not cmp else 1)
    assert not cmp.isVisible()
    s = read_conllu(FIXTURES / "tiny_dev.conllu")[0]
    w.show_sentence(s, gold=True, wait=True)
    assert ws.gold is not None and asked == [] and cmp.left_model.rowCount() == 0
    view.tabs.setCurrentWidget(cmp)  # shown: filled for the sentence on screen
    a_name, b_name = cmp.systems()
    assert sorted(asked) == sorted([a_name, b_name])
    assert cmp.left_model.rowCount() == len(real(a_name)) > 0
    asked.clear()
    w.show_sentence(read_conllu(FIXTURES / "tiny_dev.conllu")[1], gold=True, wait=True)
    assert sorted(asked) == sorted([a_name, b_name])  # visible: refreshed at once


def test_oracle_traces_are_derived_once_per_tree():
    s = read_conllu(FIXTURES / "tiny_dev.conllu")[0]
    ws = Workspace()
    ws.set_sentence(s, gold=True)
    a = ws.oracle_of("arc-eager")
    assert a is not None and ws.oracle_of("arc-eager") is a
    assert ws.oracle_of("arc-standard") is not a
    heads, labels = ws.gold
    other = list(heads)
    d = next(k for k in range(len(other)) if other[k] != 0)
    root = heads.index(0) + 1
    if other[d] != root and d + 1 != root:
        other[d] = root  # another tree of the same words: derived again
        ws.set_gold(other, labels)
        b = ws.oracle_of("arc-eager")
        assert b is not a and b is not None and ws.oracle_of("arc-eager") is b


def test_a_save_hashes_its_bytes_in_the_worker(tmp_path, monkeypatch):
    import deplab.app.model.byte_store as byte_store
    import deplab.app.model.document as document
    path = tmp_path / "t.conllu"
    path.write_bytes((FIXTURES / "tiny_dev.conllu").read_bytes())
    doc = Document.open(str(path))
    job = doc.prepare_save()  # the worker's part
    assert job.sha1 == byte_store.sha1(job.data)
    Document.write(job)
    hashed = []
    monkeypatch.setattr(document, "sha1", lambda data: hashed.append(1) or byte_store.sha1(data))
    monkeypatch.setattr(byte_store, "sha1", lambda data: hashed.append(1) or "")
    doc.finish_save(job)  # the GUI thread's part: no hashing
    assert hashed == [] and doc.recovery_record()["source_sha1"] == job.sha1


def test_parse_all_leaves_its_sentences_out_of_the_collector(qtbot, win, small, tiny_pipeline):  # noqa: F811
    w, ctl = win
    ctl.pipeline_factory = lambda: tiny_pipeline
    ctl.open_path(str(small), wait=True)
    with qtbot.waitSignal(ctl.parseFinished, timeout=20000) as sig:
        ctl.parse_all_action.trigger()
    changed = sig.args[0]
    assert changed
    # made in the worker with the collector paused, then frozen: no later collection walks them all
    # (a young generation of a whole treebank's parses took 45-87 ms, holding the GIL, on a busy machine)
    parsed = {id(ctl.doc[i]) for i in changed} | {id(t) for i in changed for t in ctl.doc[i].words}
    for generation in (0, 1, 2):
        assert not parsed & {id(o) for o in gc.get_objects(generation)}


def test_an_opened_treebank_paints_its_docks_before_filling_them(qtbot, win, small):  # noqa: F811
    w, ctl = win
    assert not ctl.editor_dock.isVisible()
    at_open = []
    ctl.openFinished.connect(lambda doc: at_open.append((ctl.editor_dock.isVisible(), ctl.navigator.doc,
                                                         ctl.current)))
    ctl.open_path(str(small), wait=True)
    assert at_open == [(True, None, None)]  # the docks shown, still empty: Qt lays them out and paints first
    qtbot.waitUntil(lambda: ctl.current == 0, timeout=5000)  # then, an event-loop pass later, the contents
    assert ctl.navigator.model.rowCount() == len(ctl.doc) and ctl.navigator.currentSentence() == 0
    assert ctl.token_table.model.sentence() is ctl.doc[0]
    at_open.clear()
    ctl.open_path(str(small), wait=True)  # the docks already on screen: filled at once
    assert at_open == [(True, ctl.doc, 0)]
