"""The workspace's specific signals: each action emits one, and each view refreshes only for what
it shows (a step move never rebuilds what depends on the sentence alone)."""
import pytest
from PySide6.QtCore import Qt

from deplab.app.model.workspace import MODEL, ORACLE, Workspace
from deplab.parser.conllu import Sentence, read_conllu
from deplab.parser.oracle import oracle_trace
from deplab.parser.transition import TransitionSet

from conftest import FIXTURES, make_window

NAMES = ("sentence", "model", "gold", "system", "mode", "step", "batch")


def record(ws):
    events = []
    for name in NAMES:
        getattr(ws, f"{name}_changed").connect(lambda *a, n=name: events.append(n))
    return events


@pytest.fixture
def sentences():
    return read_conllu(FIXTURES / "tiny.conllu")


def gold_of(s):
    return [w.head_index for w in s.words], [w.deprel for w in s.words]


def parser_trace(s, system="arc-standard"):
    """A stand-in for the model's trace: the oracle's run on the sentence's own tree, as "model"."""
    t = oracle_trace([w.form for w in s.words], [w.upos for w in s.words], *gold_of(s),
                     TransitionSet(sorted({w.deprel for w in s.words}), system))
    t.source = "model"
    return t


def test_each_action_emits_its_own_signal_only(sentences):
    s = sentences[0]
    ws = Workspace()
    ev = record(ws)
    ws.set_sentence(s, gold=True)
    assert ev == ["sentence"]
    for action in (ws.forward, ws.forward, ws.back, ws.last, ws.first, lambda: ws.set_step(3)):
        ev.clear()
        action()
        assert ev == ["step"]
    ev.clear()
    ws.set_step(3)  # no move: no signal
    ws.first()
    ws.back()       # already at 0
    assert ev == ["step"]
    ev.clear()
    ws.set_system("arc-eager")
    assert ev == ["system"]
    ev.clear()
    ws.set_gold(*gold_of(s))
    assert ev == ["gold"]
    ev.clear()
    ws.set_model(None, parser_trace(s))
    assert ev == ["model"]
    ev.clear()
    assert ws.mode == ORACLE and ws.available_modes() == [MODEL, ORACLE]
    ws.set_mode(MODEL)
    assert ev == ["mode"]
    ev.clear()
    ws.set_mode(MODEL)  # the mode shown: nothing
    assert ev == []
    ws.set_batch([s])
    assert ev == ["batch"]
    ev.clear()
    ws.set_batch_sentence(0, s, parser_trace(s))
    assert ev == ["sentence"] and ws.step == ws.n_steps and ws.typed


def test_the_signal_groups(sentences):
    ws = Workspace()
    assert ws.tree_signals == (ws.sentence_changed, ws.model_changed, ws.gold_changed, ws.system_changed)
    assert ws.trace_signals == ws.tree_signals + (ws.mode_changed,)
    assert ws.step_changed not in ws.trace_signals and ws.batch_changed not in ws.trace_signals


def test_a_mode_switch_clamps_the_step_without_a_step_signal(sentences):
    s = sentences[0]
    ws = Workspace()
    ws.set_system("swap")
    ws.set_sentence(s, parser_trace(s), gold=True, start_at_end=True)
    ws.set_system("arc-eager")  # the oracle's trace now has another length
    ev = record(ws)
    ws.set_mode(ORACLE)
    assert ev == ["mode"] and ws.step <= ws.n_steps


def tree(forms, heads, labels, upos="NOUN"):
    s = Sentence.from_words(forms)
    for w, h, l in zip(s.words, heads, labels):
        w.head, w.deprel, w.upos = str(h), l, upos
    return s


def test_a_new_model_re_derives_the_parsers_tree_for_typed_text():
    """Typed text, a system picked: the oracle derives the parser's tree; a new model's trace (and
    its parse) replaces both, so the oracle follows the new tree, not the old model's."""
    a = tree(["dogs", "bark", "loudly"], [2, 0, 2], ["nsubj", "root", "advmod"])
    b = tree(["dogs", "bark", "loudly"], [0, 1, 1], ["root", "dep", "dep"])
    ws = Workspace()
    ws.set_system("arc-standard")
    ws.set_batch([a])
    ws.set_batch_sentence(0, a, parser_trace(a))
    assert ws.parser_gold and list(ws.oracle_trace.final.heads[1:]) == [2, 0, 2]
    ev = record(ws)
    ws.set_model(None, parser_trace(b), b)
    assert ev == ["model"]
    assert ws.sentence is b and ws.batch[0] is b and ws.typed
    assert list(ws.oracle_trace.final.heads[1:]) == [0, 1, 1] == list(ws.model_trace.final.heads[1:])


def test_a_new_model_keeps_a_treebank_sentence_and_its_gold(sentences):
    s = sentences[0]
    ws = Workspace()
    ws.set_sentence(s, gold=True)
    before = ws.oracle_trace
    ws.set_model(None, parser_trace(s), s.copy())  # a sentence given for a gold one is not taken
    assert ws.sentence is s and not ws.typed and ws.gold == gold_of(s)
    assert ws.oracle_trace is not None and ws.oracle_trace.final.heads == before.final.heads


# -- the views, in the real window --------------------------------------------------------------

def count(monkeypatch, cls, name):
    calls = []
    original = getattr(cls, name)

    def wrapped(self, *a, **kw):
        calls.append(name)
        return original(self, *a, **kw)
    monkeypatch.setattr(cls, name, wrapped)
    return calls


COUNTED = {"reload": ("transition_table", "TransitionTable"), "select_step": ("transition_table", "TransitionTable"),
           "_show_divergence": ("step_controls", "StepControls"), "compare": ("compare_systems", "CompareSystemsView"),
           "refresh": ("workspace_view", "SentenceWorkspaceView"),
           "refresh_arcs": ("workspace_view", "SentenceWorkspaceView"),
           "_update_actions": ("main_window", "MainWindow")}


@pytest.fixture
def counted(qtbot, monkeypatch, tmp_path, tiny_cm_model_dir):
    """The real window, its views' refreshes counted (patched before the window connects them)."""
    import importlib
    calls = {}
    for key, (module, cls) in COUNTED.items():
        klass = getattr(importlib.import_module(f"deplab.app.qt.{module}"), cls)
        name = "refresh" if key == "compare" else key
        calls[key] = count(monkeypatch, klass, name)
    return make_window(qtbot, tmp_path, tiny_cm_model_dir), calls


def test_stepping_redraws_the_step_only(qtbot, counted):
    w, calls = counted
    w.parse_text("The cat sleeps on the warm mat.", wait=True)
    qtbot.waitUntil(lambda: w.workspace.trace is not None, timeout=10000)
    ws = w.workspace
    assert all(calls[k] for k in ("reload", "_show_divergence", "compare", "refresh", "_update_actions"))
    for c in calls.values():
        c.clear()
    ws.first()
    for _ in range(3):
        qtbot.keyClick(w.arc_view.canvas(), Qt.Key.Key_Right)  # the window's step shortcut
    assert ws.step == 3
    for key in ("reload", "_show_divergence", "compare", "refresh", "_update_actions"):
        assert calls[key] == [], key  # nothing that depends on the sentence alone is rebuilt
    assert len(calls["refresh_arcs"]) == 4  # one redraw of the arcs per step
    assert len(calls["select_step"]) == 4
    # ... and every step-dependent view shows step 3
    assert w.view.table.selected_step() == 3
    assert w.view.controls.position.text() == f"step 3 / {ws.n_steps}"
    assert w.view.controls.slider.value() == 3
    assert w.view.config_view.title.text().startswith(f"Configuration after 3 of {ws.n_steps}")
    assert w.view.scores.rows()  # the model's scores at step 3
    heads, _ = ws.tree_at()
    assert len(w.arc_view.drawnArcs()) == sum(h is not None for h in heads) == len(ws.arcs_built())


def test_a_mode_switch_refreshes_the_trace_views_not_the_systems(qtbot, counted):
    w, calls = counted
    compare = calls["compare"]
    w.parse_text("Dogs bark.", wait=True)
    qtbot.waitUntil(lambda: w.workspace.trace is not None, timeout=10000)
    ws = w.workspace
    assert w.view.table.table_model.rowCount() == ws.n_steps + 1
    assert w.actions_by_name["forward"].isEnabled()
    # switching the mode menu is the user's action: the check mark follows the workspace, no loop
    w.show_sentence(read_conllu(FIXTURES / "tiny.conllu")[0], gold=True, wait=True)
    compare.clear()
    calls["reload"].clear()
    w.actions_by_name["mode_oracle"].trigger()
    assert ws.mode == ORACLE and w.actions_by_name["mode_oracle"].isChecked()
    assert w.view.oracle_radio.isChecked()
    assert len(calls["reload"]) == 1  # the table shows the oracle's sequence
    assert w.view.table.table_model.rowCount() == ws.n_steps + 1
    assert compare == []  # the tree the systems derive did not change
    w.actions_by_name["mode_model"].trigger()
    assert ws.mode == MODEL and w.actions_by_name["mode_model"].isChecked()


def test_the_typed_tree_is_the_traces_final_tree(qtbot, tiny_window, tiny_model_dir):
    """One source of truth: the sentence's HEAD/DEPREL (copied as CoNLL-U) are the trace's final
    tree, for a chosen sentence of a batch and after the model changes."""
    from deplab.parser.pipeline import Pipeline
    w = tiny_window
    ws = w.workspace

    def agree():
        final = ws.model_trace.final
        return ([x.head_index for x in ws.sentence.words] == list(final.heads[1:])
                and [x.deprel for x in ws.sentence.words] == list(final.labels[1:]))
    w.parse_text("The cat sleeps. A dog barks loudly on the mat.", wait=True)
    qtbot.waitUntil(lambda: len(ws.batch) == 2 and ws.trace is not None, timeout=10000)
    assert agree()
    w.view.sentence_box.setCurrentIndex(1)  # the user picks the second sentence
    assert ws.batch_index == 1 and ws.sentence.text.startswith("A dog") and agree()
    w.select_batch_sentence(0)  # chosen elsewhere: the box follows the workspace
    assert w.view.sentence_box.currentIndex() == 0 and agree()
    other = Pipeline.load(tiny_model_dir)  # another model (kg2016): the typed sentence is parsed again
    w.set_pipeline(other)  # the sentence on screen is traced by it in the background
    qtbot.waitUntil(lambda: ws.transitions is other.transitions, timeout=10000)
    assert agree()
    assert ws.batch[0] is ws.sentence
