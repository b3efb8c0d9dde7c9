"""The treebank-wide panels through the real window: search (F3, highlight, rewrite as one undo step),
validation (click to go to the word), agreement and adjudication (issue 18)."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from deplab.app.model.adjudication import A, B

from conftest import FIXTURES
from test_annotation_ui import app_dirs, win  # noqa: F401  (fixtures)

SMALL = FIXTURES / "treebank" / "small.conllu"
ANN_A, ANN_B = FIXTURES / "treebank" / "annotator_a.conllu", FIXTURES / "treebank" / "annotator_b.conllu"

BAD = """# sent_id = a1
# text = Birds sing.
1	Birds	bird	NOUN	_	Number=Plur	2	nsubj	_	_
2	sing	sing	VERB	_	_	0	root	_	SpaceAfter=No
3	.	.	PUNCT	_	_	2	punct	_	_

# sent_id = a2
# text = Fish swim fast
1	Fish	fish	NOUN	_	Number=Plur	2	nsubj	_	_
2	swim	swim	VERB	_	_	0	root	_	_
3	fast	fast	ADV	_	_	2	punct	_	SpaceAfter=No

"""


def _action(w, text):
    for menu in w.menuBar().findChildren(type(w.menuBar().actions()[0].menu())):
        for a in menu.actions():
            if a.text().replace("&", "") == text:
                return a
    raise AssertionError(f"no action {text!r}")


def _open(qtbot, ctl, path):
    ctl.open_path(str(path), wait=True)
    qtbot.waitUntil(lambda: ctl.doc is not None and ctl.idle(), timeout=10000)


def test_search_dock_steps_highlights_and_rewrites_as_one_undo_step(qtbot, win, tmp_path):
    w, ctl = win
    path = tmp_path / "small.conllu"
    shutil.copy(SMALL, path)
    _open(qtbot, ctl, path)
    tools = ctl.tools
    find = _action(w, "Find by Tree Pattern…")
    assert find.shortcut().toString() == "Ctrl+Shift+F" and find.isEnabled()
    find.trigger()
    assert tools.search_dock.isVisible()
    qtbot.waitUntil(lambda: tools.search.edit.hasFocus())
    tools.search.set_request("pattern { N -[obj]-> M }")
    tools.search.search()
    assert tools.search.count_label.text() == "3 matches in 3 sentences"
    ctl.focus_tree()
    nxt, prev = _action(w, "Next Match"), _action(w, "Previous Match")
    assert nxt.shortcut().toString() == "F3" and prev.shortcut().toString() == "Shift+F3"
    qtbot.keyClick(ctl.annotator.arcs.canvas(), Qt.Key.Key_F3)  # the window's shortcut, focus in the tree
    assert ctl.current == 1 and ctl.navigator.currentSentence() == 1
    assert ctl.annotator.arcs.state.highlights == {2, 3}  # chase -obj-> cats
    nxt.trigger()
    assert ctl.current == 3 and ctl.annotator.arcs.state.highlights == {3, 4}
    prev.trigger()
    assert ctl.current == 1
    w.grab().save("/tmp/wiring-search.png")

    # a rewrite: preview lists the changes, Apply is one undo step of the window's stack
    before = [s.to_text() for s in ctl.doc.sentences]
    tools.search.set_request("pattern { e: N -[obj]-> M } commands { del_edge e; add_edge N -[iobj]-> M }")
    tools.search.preview()
    assert tools.search.changes.count() == 3 and tools.search.apply_button.isEnabled()
    assert [s.to_text() for s in ctl.doc.sentences] == before
    qtbot.mouseClick(tools.search.apply_button, Qt.MouseButton.LeftButton)
    assert [ctl.doc[i].words[2 if i == 1 else 3].deprel for i in (1, 3)] == ["iobj", "iobj"]
    assert ctl.stack.count() == 1 and ctl.doc.dirty
    ctl.undo_action.trigger()
    assert [s.to_text() for s in ctl.doc.sentences] == before
    ctl.redo_action.trigger()
    assert ctl.doc[1].words[2].deprel == "iobj"


def test_validation_dock_goes_to_the_word(qtbot, win, tmp_path):
    w, ctl = win
    path = tmp_path / "bad.conllu"
    path.write_text(BAD, encoding="utf-8")
    _open(qtbot, ctl, path)
    assert ctl.current == 0
    _action(w, "Validate Treebank").trigger()
    panel = ctl.tools.validation
    assert ctl.tools.validation_dock.isVisible()
    assert panel.summary.text() == "1 error, 0 warnings"
    (p,) = panel.problems
    assert (p.sentence, p.word) == (1, "3") and "rel-upos-punct" in str(p)
    ix = panel.model.index(0, 0)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=panel.table.visualRect(ix).center())
    assert ctl.current == 1 and ctl.word == 3
    assert ctl.token_table.currentWord() == 3


def test_agreement_and_adjudication_from_the_tools_menu(qtbot, win, tmp_path):
    w, ctl = win
    tools = ctl.tools
    tools.get_agreement_paths = lambda: [str(ANN_A), str(ANN_B)]
    with qtbot.waitSignal(tools.agreement.computed, timeout=10000) as blocker:
        _action(w, "Inter-annotator Agreement…").trigger()
    assert blocker.args[0] is not None
    assert tools.agreement_dock.isVisible() and tools.agreement.adjudicate_button.isEnabled()
    assert tools.agreement.pairs_model.rowCount() == 1
    w.grab().save("/tmp/wiring-agreement.png")
    qtbot.mouseClick(tools.agreement.adjudicate_button, Qt.MouseButton.LeftButton)
    (view,) = tools.adjudication_windows
    assert view.isVisible() and view.isWindow()
    assert view.adj.open_count() == 2
    view.pick_all(A)
    view.select_sentence(1)
    view.pick_all(B)
    assert view.adj.open_count() == 0
    out = tmp_path / "adjudicated.conllu"
    saved = view.save(str(out))
    assert out.exists() and saved
    from deplab.parser.conllu import read_conllu
    got = read_conllu(out)
    assert [t.head for t in got[0].words] == [t.head for t in read_conllu(ANN_A)[0].words]
    assert [t.head for t in got[1].words] == [t.head for t in read_conllu(ANN_B)[1].words]
    assert "Adjudicated treebank saved" in w.statusBar().currentMessage()
    view.close()


def test_agreement_with_one_file_asks_for_another(qtbot, win):
    w, ctl = win
    ctl.tools.get_agreement_paths = lambda: [str(ANN_A)]
    ctl.tools.agreement_dialog()
    assert "at least one more" in ctl.tools.agreement.message.text()
