"""A sentence shown for study (the Teach panel following the Sentences list, Parse ▸ Step Through)
gets its model trace in a background task, never on the GUI thread; the newest request wins."""
import threading

import pytest

from deplab.app.qt.teach_actions import show_treebank_sentence
from deplab.parser.conllu import read_conllu

from conftest import FIXTURES


@pytest.fixture
def traced_threads(tiny_window, monkeypatch):
    """The threads the window's pipeline traced sentences in."""
    pipeline = tiny_window.pipeline
    threads = []
    real = pipeline.trace

    def trace(sentence, *a, **k):
        threads.append(threading.get_ident())
        return real(sentence, *a, **k)
    monkeypatch.setattr(pipeline, "trace", trace)
    return threads


def forms(sentence):
    return [t.form for t in sentence.words]


def test_the_treebank_sentence_is_traced_off_the_gui_thread(qtbot, tiny_window, traced_threads):
    w = tiny_window
    w.annotation.open_path(str(FIXTURES / "annotation_small.conllu"), wait=True)
    doc = w.annotation.doc
    assert doc is not None and len(doc) >= 2
    main = threading.main_thread().ident
    # in Teach, the Sentences list drives the stepper (app/qt/teach_actions.py): the shown sentence gets its trace
    w.layouts.switch("teach")
    w.annotation.navigator.selectSentence(1)
    qtbot.waitUntil(lambda: w.workspace.forms == forms(doc[1]) and w.workspace.model_trace is not None,
                    timeout=10000)
    show_treebank_sentence(w, 0)
    qtbot.waitUntil(lambda: w.workspace.forms == forms(doc[0]) and w.workspace.model_trace is not None,
                    timeout=10000)
    assert traced_threads and main not in traced_threads
    assert w.workspace.n_steps > 0 and w.workspace.oracle_trace is not None


def test_show_sentence_returns_before_the_trace_and_shows_it_when_it_arrives(qtbot, tiny_window, traced_threads):
    w = tiny_window
    s = read_conllu(FIXTURES / "tiny_dev.conllu")[0]
    task = w.show_sentence(s, gold=True)
    assert task is not None
    task.wait()
    assert traced_threads and threading.main_thread().ident not in traced_threads
    ws = w.workspace
    assert ws.forms == forms(s) and ws.model_trace is not None and ws.gold is not None


def test_the_newest_request_wins(qtbot, tiny_window):
    w = tiny_window
    ws = w.workspace
    a, b = read_conllu(FIXTURES / "tiny_dev.conllu")[:2]
    assert forms(a) != forms(b)
    first = w.show_sentence(a, gold=True)
    second = w.show_sentence(b, gold=True)
    second.wait()
    first.wait()
    assert ws.forms == forms(b) and ws.model_trace is not None
    # a typed sentence after a shown one wins, and a shown one after a typed one
    w.show_sentence(a, gold=True)
    w.parse_text("Dogs bark loudly.", wait=True)
    qtbot.wait(200)
    assert ws.forms == ["Dogs", "bark", "loudly", "."] and ws.typed
    typed = w.parse_text("Cats sleep.")
    w.show_sentence(b, gold=True, wait=True)
    typed.wait()
    assert ws.forms == forms(b) and not ws.typed and ws.model_trace is not None


def test_closing_the_window_detaches_a_trace_in_flight(qtbot, tiny_window):
    w = tiny_window
    before = w.workspace.sentence
    task = w.show_sentence(read_conllu(FIXTURES / "tiny_dev.conllu")[0], gold=True)
    w.close()
    task.wait()  # its result arrives after the close and goes nowhere
    assert not task.running and not w.sentences.is_busy()
    assert w.workspace.sentence is before


def test_the_hidden_stepper_follows_the_list_when_it_is_shown_again(qtbot, tiny_window):
    """In Annotate the stepper is hidden: moving through the list costs it nothing; back in Teach it shows
    the sentence selected last."""
    w = tiny_window
    w.annotation.open_path(str(FIXTURES / "annotation_small.conllu"), wait=True)
    doc = w.annotation.doc
    qtbot.waitUntil(lambda: w.layouts.current == "annotate", timeout=10000)
    before = w.workspace.forms
    w.annotation.navigator.selectSentence(1)
    w.annotation.navigator.selectSentence(2)
    qtbot.wait(100)
    assert w.workspace.forms == before  # nothing traced for a view nobody sees
    w.layouts.switch("teach")
    qtbot.waitUntil(lambda: w.workspace.forms == forms(doc[2]) and w.workspace.model_trace is not None,
                    timeout=10000)

