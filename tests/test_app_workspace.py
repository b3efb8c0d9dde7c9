"""The Qt-free sentence workspace, driven by the engine's oracle traces."""
import pytest

from deplab.app.model.workspace import MODEL, ORACLE, Workspace
from deplab.parser.conllu import Sentence, read_conllu
from deplab.parser.oracle import oracle_trace
from deplab.parser.transition import LEFT, RIGHT, SHIFT, TransitionSet

from conftest import FIXTURES


@pytest.fixture
def sentences():
    return read_conllu(FIXTURES / "tiny.conllu")


def gold_of(s):
    return [w.head_index for w in s.words], [w.deprel for w in s.words]


def test_oracle_mode_steps_exactly(sentences):
    ws = Workspace()
    events = []
    ws.sentence_changed.connect(lambda: events.append("sentence"))
    ws.step_changed.connect(lambda k: events.append(("step", k)))
    s = sentences[0]
    ws.set_sentence(s, gold=True)
    assert events == ["sentence"]
    assert ws.available_modes() == [ORACLE] and ws.mode == ORACLE
    n = len(s.words)
    assert ws.n_steps == 2 * n  # arc-standard: n shifts and n arcs
    trace = ws.oracle_trace
    for k in range(ws.n_steps + 1):
        ws.set_step(k)
        c = trace.config_at(k)
        assert ws.config.stack == c.stack and ws.config.buffer == c.buffer
        heads, labels = ws.tree_at()
        assert sum(h is not None for h in heads) == len(c.arcs) == len(ws.arcs_built())
    assert ws.tree_at() == gold_of(s)
    # back is exact: every earlier configuration comes back
    for k in range(ws.n_steps, 0, -1):
        assert ws.step == k
        ws.back()
        assert ws.config.stack == trace.config_at(k - 1).stack
        assert ws.config.heads == trace.config_at(k - 1).heads
    ws.back()
    assert ws.step == 0
    ws.last()
    assert ws.step == ws.n_steps and ws.next_transition() is None


def test_newest_arc_and_build_order(sentences):
    ws = Workspace()
    ws.set_sentence(sentences[1], gold=True)
    built = []
    for k in range(1, ws.n_steps + 1):
        ws.set_step(k)
        t = ws.trace.transition_at(k - 1)
        if t.kind == SHIFT:
            assert ws.newest_arc() is None
        else:
            h, d, lab = ws.arcs_built()[-1]
            assert ws.newest_arc() == (h, d) and lab == t.label
            assert ws.config.heads[d] == h
            built.append((h, d))
    assert len(built) == len(ws.forms)
    assert built == [(h, d) for h, d, _ in ws.arcs_built()]


def test_rows_describe_every_configuration(sentences):
    ws = Workspace()
    ws.set_sentence(sentences[0], gold=True)
    rows = ws.rows()
    assert len(rows) == ws.n_steps + 1
    assert rows[0] == (0, "SHIFT", "[ROOT]", "[The cat sleeps on the warm …]")
    assert rows[-1][1].startswith("—") and rows[-1][2] == "[ROOT]" and rows[-1][3] == "[]"


def test_oracle_reasons_name_the_rule(sentences):
    ws = Workspace()
    ws.set_sentence(sentences[0], gold=True)
    kinds = {}
    for k in range(ws.n_steps):
        ws.set_step(k)
        kinds.setdefault(ws.next_transition().kind, ws.oracle_reason())
    assert kinds[LEFT].startswith("LEFT-ARC because s2's gold head is s1") and "all its dependents" in kinds[LEFT]
    assert kinds[RIGHT].startswith("RIGHT-ARC because s1's gold head is s2")
    assert kinds[SHIFT].startswith("SHIFT because")


def test_divergence_between_two_engine_traces(sentences):
    """A trace of a different tree stands in for a model that attaches one word wrongly."""
    s = sentences[0]  # The cat sleeps on the warm mat .
    heads, labels = gold_of(s)
    forms, tags = [w.form for w in s.words], [w.upos for w in s.words]
    wrong = list(heads)
    wrong[3] = 3  # 'on' attached to 'sleeps' instead of 'mat'
    ts = TransitionSet(sorted(set(labels)))
    other = oracle_trace(forms, tags, wrong, labels, ts)
    ws = Workspace()
    ws.transitions = ts
    ws.set_sentence(s, other, gold=True)
    assert ws.mode == MODEL and ws.available_modes() == [MODEL, ORACLE]
    d = ws.divergence()
    assert d is not None
    for k in range(d):
        assert other.transition_at(k) == ws.oracle_trace.transition_at(k)
    assert other.transition_at(d) != ws.oracle_trace.transition_at(d)
    assert ws.shared_transition(d, ORACLE) == ws.oracle_trace.transition_at(d)
    assert ws.shared_transition(d + 1, ORACLE) is None
    ws.set_step(5)
    ws.set_mode(ORACLE)
    assert ws.trace is ws.oracle_trace and ws.step == 5
    ws.set_mode(MODEL)
    assert ws.trace is other


def test_divergence_compares_transitions_not_numbers(sentences):
    s = sentences[0]
    heads, labels = gold_of(s)
    forms, tags = [w.form for w in s.words], [w.upos for w in s.words]
    small = TransitionSet(["det", "nsubj"])  # the oracle's set gets the other labels appended
    a = oracle_trace(forms, tags, heads, labels, small)
    b = oracle_trace(forms, tags, heads, labels, TransitionSet(sorted(set(labels))))
    ws = Workspace()
    ws.transitions = small
    ws.set_sentence(s, b, gold=True)
    assert [ws.oracle_trace.transition_at(k) for k in range(len(a))] == [a.transition_at(k) for k in range(len(a))]
    assert ws.divergence() is None


def test_non_projective_gold_is_projectivized_with_a_note():
    forms = "A hearing is scheduled on the issue today".split()
    heads = [2, 4, 4, 0, 7, 7, 2, 4]
    labels = ["det", "nsubj", "aux", "root", "case", "det", "nmod", "obl"]
    s = Sentence.from_words(forms)
    for w, h, l in zip(s.words, heads, labels):
        w.head, w.deprel, w.upos = str(h), l, "X"
    ws = Workspace()
    ws.set_sentence(s, gold=True)
    assert ws.oracle_trace is not None
    assert "non-projective" in ws.gold_note and "1 arc lifted" in ws.gold_note
    ws.last()
    assert ws.tree_at()[0] != heads  # the oracle builds the projectivized tree


def test_invalid_gold_gives_no_oracle():
    s = Sentence.from_words(["a", "b"])
    s.words[0].head, s.words[1].head = "0", "0"
    ws = Workspace()
    ws.set_sentence(s, gold=True)
    assert ws.oracle_trace is None and ws.available_modes() == []
    assert "not a tree" in ws.gold_note
    with pytest.raises(ValueError):
        ws.set_mode(ORACLE)
    assert ws.n_steps == 0 and ws.config is None


def test_set_gold_after_correction(sentences):
    s = sentences[2].copy()
    ws = Workspace()
    ws.set_sentence(s)  # no gold: nothing to step through
    assert ws.available_modes() == []
    ws.set_gold(*gold_of(sentences[2]))
    assert ws.available_modes() == [ORACLE] and ws.mode == ORACLE
    ws.set_gold(None)
    assert ws.oracle_trace is None and ws.gold is None


def test_batch_signal():
    ws = Workspace()
    seen = []
    ws.batch_changed.connect(lambda: seen.append(len(ws.batch)))
    ws.set_batch([Sentence.from_words(["a"]), Sentence.from_words(["b"])])
    assert seen == [2] and ws.batch_index == 0
    ws.clear()
    assert seen == [2, 0] and ws.sentence is None


def test_the_mode_menu_picks_the_oracles_system(sentences):
    from deplab.parser.oracle import oracle_transitions
    s = sentences[0]
    ws = Workspace()
    seen = []
    ws.system_changed.connect(seen.append)
    ws.set_sentence(s, gold=True)
    assert ws.system_name == "arc-standard" and ws.oracle_trace.system.name == "arc-standard"
    for name in ("arc-eager", "arc-hybrid", "swap", "arc-standard"):
        ws.set_system(name)
        assert ws.oracle_trace.system.name == name and seen[-1] == name
        assert [ws.oracle_trace.transition_at(k) for k in range(ws.n_steps)] == oracle_transitions(*gold_of(s), name)
        ws.last()
        assert ws.tree_at() == gold_of(s)
        assert all(ws.oracle_reason(k).split()[0] in ("SHIFT", "LEFT-ARC", "RIGHT-ARC", "REDUCE", "SWAP")
                   and " because " in ws.oracle_reason(k) for k in range(ws.n_steps))
    ws.set_system("arc-eager")
    assert any(t.kind == "REDUCE" for t in (ws.oracle_trace.transition_at(k) for k in range(ws.n_steps)))


def test_swap_oracle_keeps_a_non_projective_gold_tree():
    forms = "I saw a man yesterday who was tall".split()
    heads = [2, 0, 4, 2, 2, 8, 8, 4]
    labels = ["nsubj", "root", "det", "obj", "obl", "nsubj", "cop", "acl"]
    s = Sentence.from_words(forms)
    for w, h, l in zip(s.words, heads, labels):
        w.head, w.deprel, w.upos = str(h), l, "X"
    ws = Workspace()
    ws.set_sentence(s, gold=True)
    assert "lifted" in ws.gold_note
    ws.set_system("swap")
    assert ws.gold_note == ""
    ws.last()
    assert ws.tree_at()[0] == heads  # crossing arcs and all
    assert any(ws.oracle_trace.transition_at(k).kind == "SWAP" for k in range(ws.n_steps))


def test_typed_text_oracle_derives_the_parsers_tree_once_a_system_is_picked(sentences):
    s = sentences[1]
    heads, labels = gold_of(s)
    forms, tags = [w.form for w in s.words], [w.upos for w in s.words]
    ts = TransitionSet(sorted(set(labels)), "arc-hybrid")
    model = oracle_trace(forms, tags, heads, labels, ts)  # stands in for the parser's trace
    model.source, model.gold = "model", None
    typed = Sentence.from_words(forms)
    ws = Workspace()
    ws.transitions = ts
    ws.set_sentence(typed, model)
    assert ws.available_modes() == [MODEL]
    ws.set_system("arc-hybrid")
    assert ws.available_modes() == [MODEL, ORACLE] and ws.parser_gold and ws.gold is None
    assert "parser's own tree" in ws.gold_note
    assert ws.divergence() is None  # the oracle rebuilds exactly what the parser built
    # the dynamic oracle: at every step the model's move is optimal towards its own tree
    for k in range(ws.n_steps):
        ws.set_step(k)
        costs = ws.costs()
        assert costs[model.steps[k].chosen] == 0
        assert ws.next_transition() in ws.optimal_transitions()


def test_costs_after_a_wrong_move_and_compare_systems(sentences):
    s = sentences[0]
    heads, labels = gold_of(s)
    forms, tags = [w.form for w in s.words], [w.upos for w in s.words]
    wrong = list(heads)
    i = next(d for d in range(len(wrong)) if wrong[d] != 0 and heads.count(0) == 1 and wrong[d] != d + 1)
    ts = TransitionSet(sorted(set(labels)), "arc-hybrid")
    ws = Workspace()
    ws.transitions = ts
    ws.set_system("arc-hybrid")
    from deplab.parser.tree import DependencyTree
    for cand in range(len(heads) + 1):  # a projective tree that attaches one word elsewhere
        trial = list(heads)
        trial[i] = cand
        t = DependencyTree(trial)
        if cand != heads[i] and cand != i + 1 and t.is_valid() and t.is_projective():
            wrong = trial
            break
    model = oracle_trace(forms, tags, wrong, labels, ts)
    model.source, model.gold = "model", None
    ws.set_sentence(s, model, gold=True)
    d = ws.divergence()
    assert d is not None
    assert ws.costs(d)[model.steps[d].chosen] > 0  # the model's wrong move costs the gold arc
    ws.set_step(d + 1)
    assert ws.optimal_transitions()  # after the mistake there is still a best way on
    a, b = ws.oracle_of("arc-standard"), ws.oracle_of("arc-eager")
    assert len(a) == 2 * len(forms) and len(forms) <= len(b) < 2 * len(forms)  # eager stops with words on the stack
    assert set(a.arc_steps()) == set(b.arc_steps()) == set(range(1, len(forms) + 1))
