"""The stepper with every transition system: the mode menu's system picker, SWAP in the buffer, the dynamic
oracle's optimal moves, the sequence table's heading and stack column, and the Compare systems view."""
import pytest
from PySide6.QtCore import Qt

from deplab.app.model.workspace import MODEL, ORACLE, Workspace
from deplab.app.qt.workspace_view import SentenceWorkspaceView
from deplab.parser import decode
from deplab.parser.conllu import Sentence, read_conllu
from deplab.parser.model import Model
from deplab.parser.oracle import oracle_transitions

from conftest import FIXTURES

# written for these tests: "man -acl-> tall" crosses "saw -> yesterday"
FORMS = "I saw a man yesterday who was tall".split()
HEADS = [2, 0, 4, 2, 2, 8, 8, 4]
LABELS = ["nsubj", "root", "det", "obj", "obl", "nsubj", "cop", "acl"]


def gold_sentence():
    s = Sentence.from_words(FORMS)
    for w, h, l in zip(s.words, HEADS, LABELS):
        w.head, w.deprel, w.upos = str(h), l, "X"
    return s


@pytest.fixture
def view(qtbot):
    ws = Workspace()
    v = SentenceWorkspaceView(ws)
    qtbot.addWidget(v)
    v.resize(1400, 900)
    return ws, v


def pick(v, name):
    v.system_box.setCurrentText(name)
    v.system_box.textActivated.emit(name)


def test_the_mode_menu_switches_the_oracles_system(view):
    ws, v = view
    ws.set_sentence(gold_sentence(), gold=True)
    assert [v.system_box.itemText(i) for i in range(v.system_box.count())] == \
        ["arc-standard", "arc-eager", "arc-hybrid", "swap"]
    assert v.system_box.currentText() == "arc-standard" and "lifted" in ws.gold_note
    for name in ("arc-eager", "arc-hybrid", "swap"):
        pick(v, name)
        assert ws.oracle_trace.system.name == name and ws.mode == ORACLE
        assert f"oracle, {name})" in v.config_view.title.text()
        assert v.table.model().rowCount() == ws.n_steps + 1
        shown = [v.table.model().index(k, 1).data() for k in range(ws.n_steps)]
        assert shown == [str(t) for t in oracle_transitions(*(HEADS, LABELS) if name == "swap" else
                                                            (ws.oracle_trace.final.heads[1:], LABELS), name)]
    ws.last()
    assert [h for h, _, _, _ in sorted(v.arc_view.drawnArcs(), key=lambda a: a[1])] == HEADS  # crossing arcs


def test_swap_shows_the_word_moved_back_to_the_buffer(view):
    ws, v = view
    ws.set_sentence(gold_sentence(), gold=True)
    pick(v, "swap")
    k = next(i for i in range(ws.n_steps) if ws.trace.transition_at(i).kind == "SWAP")
    ws.set_step(k + 1)
    moved = ws.trace.config_at(k).stack[-2]
    assert ws.swapped_word() == moved
    assert v.config_view.buffer.chips()[0] == (FORMS[moved - 1], "swapped back", "swapped")
    ws.set_step(k + 2)
    assert all(cap != "swapped back" for _, cap, _ in v.config_view.buffer.chips())


def test_dynamic_oracle_lists_the_optimal_moves(view):
    ws, v = view
    s = read_conllu(FIXTURES / "tiny.conllu")[0]
    ws.set_sentence(s, gold=True)
    pick(v, "arc-standard")
    assert not v.config_view.optimal.isVisibleTo(v)  # arc-standard has no dynamic oracle
    pick(v, "arc-eager")
    for k in range(ws.n_steps):
        ws.set_step(k)
        text = v.config_view.optimal.text()
        assert v.config_view.optimal.isVisibleTo(v) and "Still optimal" in text
        assert str(ws.next_transition()) in text and "optimal</span>" in text


def test_sequence_table_heading_and_stack_column(view):
    ws, v = view
    ws.set_sentence(gold_sentence(), gold=True)
    m = v.table.model()
    assert m.headerData(2, Qt.Orientation.Horizontal) == "Stack before it"
    assert "before its transition" in m.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    # a long stack is cut on the left: its top stays visible
    delegate = v.table.itemDelegateForColumn(2)
    from PySide6.QtWidgets import QStyleOptionViewItem
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, m.index(8, 2))
    assert option.textElideMode == Qt.TextElideMode.ElideLeft


def test_compare_systems_view(view):
    ws, v = view
    ws.set_sentence(gold_sentence(), gold=True)
    cmp = v.compare
    cmp.left_box.setCurrentText("arc-standard")
    cmp.right_box.setCurrentText("swap")
    a, b = ws.oracle_of("arc-standard"), ws.oracle_of("swap")
    assert cmp.step_counts() == (len(a), len(b)) == (16, 18)
    assert cmp.left_model.rowCount() == 16 and cmp.right_model.rowCount() == 18
    assert f"arc-standard</b> 16 transitions" in cmp.summary.text() and "swap</b> 18" in cmp.summary.text()
    rows = cmp.arc_model.rows
    assert len(rows) == len(FORMS)
    sa, sb = a.arc_steps(), b.arc_steps()
    assert [(r[1], r[2]) for r in rows] == [(sa[d], sb[d]) for d in range(1, len(FORMS) + 1)]
    cmp.right_box.setCurrentText("arc-eager")  # projective systems derive the projectivized tree
    assert cmp.right_model.rowCount() == len(ws.oracle_of("arc-eager"))
    ws.clear()
    assert cmp.left_model.rowCount() == 0 and "No tree" in cmp.summary.text()


def test_typed_text_with_a_model_gets_an_oracle_of_its_own_tree(view, tiny_model_dir):
    ws, v = view
    model = Model.load(tiny_model_dir)
    ws.transitions = model.transitions
    forms = ["The", "cat", "sleeps", "."]
    tr = decode.trace(model, forms)
    ws.set_sentence(Sentence.from_words(forms), tr)
    assert ws.available_modes() == [MODEL] and not v.oracle_radio.isEnabled()
    pick(v, "arc-hybrid")
    assert ws.available_modes() == [MODEL, ORACLE] and v.oracle_radio.isEnabled()
    assert "parser's own tree" in v.info.text()
    v.oracle_radio.click()
    ws.last()
    assert ws.tree_at() == (tr.final.heads[1:], tr.final.labels[1:])
    assert "the parser's tree" in v.compare.summary.text()
