"""Practice mode: the student chooses transitions with keys and the mouse; the engine's oracles judge them
(right, also optimal by the dynamic oracle, wrong, illegal); score, mistakes, exercise file, results CSV."""
import csv
import io

import pytest
from PySide6.QtCore import Qt

from deplab.app.model.quiz import PARSER, PracticeSession
from deplab.parser.configuration import Transition
from deplab.parser.conllu import parse_conllu_text, read_conllu
from deplab.parser.quiz import ALSO_OPTIMAL, ILLEGAL, RIGHT, WRONG

# written for these tests
FORMS = "He gave her a red book yesterday .".split()
HEADS = [2, 0, 2, 6, 6, 2, 2, 2]
LABELS = ["nsubj", "root", "iobj", "det", "amod", "obj", "obl:tmod", "punct"]
TAGS = ["PRON", "VERB", "PRON", "DET", "ADJ", "NOUN", "NOUN", "PUNCT"]
CONLLU = "# sent_id = gave-1\n# text = He gave her a red book yesterday .\n" + "".join(
    f"{i}\t{f}\t_\t{t}\t_\t_\t{h}\t{l}\t_\t_\n"
    for i, (f, t, h, l) in enumerate(zip(FORMS, TAGS, HEADS, LABELS), start=1)) + "\n"


def test_session_rules_are_the_engines():
    q = PracticeSession()
    q.start(FORMS, TAGS, HEADS, LABELS, "arc-hybrid")
    for _ in range(4):  # SHIFT, LEFT-ARC(nsubj), SHIFT, SHIFT: the oracle's moves
        assert q.answer(q.system.oracle(q.config, q.gold)).verdict == RIGHT
    # stack [ROOT gave her]: the oracle attaches "her" now, but shifting first loses no gold arc either
    assert q.stack_text() == "[ROOT gave her]"
    j = q.answer(Transition("SHIFT"))
    assert j.verdict == ALSO_OPTIMAL and j.cost == 0 and str(j.oracle) == "RIGHT-ARC(iobj)"
    assert {str(t) for t in j.optimal} == {"SHIFT", "RIGHT-ARC(iobj)"}
    assert q.correct == 5 and not q.mistakes
    j = q.answer(Transition("REDUCE"))  # arc-hybrid has no REDUCE
    assert j.verdict == ILLEGAL and q.steps == 5  # nothing applied
    j = q.answer(Transition("RIGHT-ARC", "amod"))  # "a" under "her": loses a's gold arc
    assert j.verdict == WRONG and j.cost >= 1
    assert q.steps == 6 and len(q.mistakes) == 2 and q.score_text() == "5 of 7 optimal (71%)"


def test_static_systems_say_so():
    q = PracticeSession()
    q.start(FORMS, TAGS, HEADS, LABELS, "arc-standard")
    for _ in range(2):
        j = q.answer(Transition("SHIFT"))
        assert j.static and j.verdict == RIGHT and j.cost is None
    j = q.answer(Transition("SHIFT"))  # stack [ROOT He gave]: the oracle does LEFT-ARC(nsubj) here; only its move counts
    assert j.static and j.verdict == WRONG and str(j.oracle) == "LEFT-ARC(nsubj)"


@pytest.fixture
def window(tiny_window):
    tiny_window.resize(1400, 900)
    return tiny_window


def keys(qtbot, widget, text):
    for ch in text:
        qtbot.keyClick(widget, ch)


def test_practice_with_keys_and_mouse(qtbot, window, tmp_path):
    w = window
    w.show_sentence(parse_conllu_text(CONLLU)[0], gold=True, wait=True)
    w.actions_by_name["practice"].trigger()
    pv = w.practice
    assert w.docks["dock_practice"].isVisible()
    pv.system_box.setCurrentText("arc-hybrid")
    assert pv.practise_current()
    assert "gold tree" in pv.source.text() and "dynamic oracle" in pv.judge_note.text()
    pv.setFocus()
    keys(qtbot, pv, "S")
    assert pv.session.last.verdict == RIGHT
    qtbot.keyClick(pv, "L")  # LEFT-ARC: the label list appears, pick nsubj by its number
    assert pv.label_list.isVisible()
    labels = [pv.label_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(pv.label_list.count())]
    assert labels == sorted(set(LABELS))
    qtbot.keyClick(pv, str(labels.index("nsubj") + 1))
    assert pv.session.last.verdict == RIGHT and str(pv.session.last.move) == "LEFT-ARC(nsubj)"
    keys(qtbot, pv, "SS")
    # wrong but optimal: SHIFT where the oracle would attach "her"
    qtbot.mouseClick(pv.move_buttons["SHIFT"], Qt.MouseButton.LeftButton)
    assert pv.session.last.verdict == ALSO_OPTIMAL
    assert "Also optimal" in pv.feedback.text() and "RIGHT-ARC(iobj)" in pv.feedback.text()
    assert "Model:" in pv.feedback.text()  # the tiny model is arc-standard: it says it uses another system
    # a wrong move, by mouse: RIGHT-ARC then a label from the list
    qtbot.mouseClick(pv.move_buttons["RIGHT-ARC"], Qt.MouseButton.LeftButton)
    item = pv.label_list.findItems("amod", Qt.MatchFlag.MatchContains)[0]
    rect = pv.label_list.visualItemRect(item)
    qtbot.mouseClick(pv.label_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert pv.session.last.verdict == WRONG
    assert "Not optimal" in pv.feedback.text()
    assert pv.mistakes.count() == 1 and "RIGHT-ARC(amod)" in pv.mistakes.item(0).text()
    assert "5 of 6 optimal" in pv.score.text()
    assert not pv.move_buttons["REDUCE"].isVisible() and not pv.move_buttons["SWAP"].isVisible()
    # results as CSV
    pv.export_results(str(tmp_path / "results.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "results.csv").read_text())))
    assert [r["verdict"] for r in rows] == ["right", "right", "right", "right", "also optimal", "wrong"]
    assert rows[0]["sent_id"] == "gave-1" and rows[-1]["answer"] == "RIGHT-ARC(amod)"


def test_model_choice_when_the_model_uses_the_system(qtbot, window):
    w = window
    w.show_sentence(parse_conllu_text(CONLLU)[0], gold=True, wait=True)
    pv = w.practice
    pv.system_box.setCurrentText(w.pipeline.transitions.system.name)
    assert pv.practise_current()
    j = pv.answer(Transition("SHIFT"))
    assert j.model is not None and w.pipeline.model.transitions.system.allows(
        pv.session.system.initial(len(FORMS)), j.model)
    assert f"Model: <b>{j.model}</b>" in pv.feedback.text()
    assert "static oracle" in pv.judge_note.text()


def test_typed_sentence_and_exercise_files(qtbot, window, tmp_path):
    w = window
    w.parse_text("The dog barks .", wait=True)
    pv = w.practice
    pv.system_box.setCurrentText("arc-eager")
    assert pv.practise_current()
    assert pv.session.tree_source == PARSER and "parser's tree" in pv.source.text()
    assert "REDUCE" in pv.session.kinds() and pv.move_buttons["REDUCE"].isVisibleTo(pv)
    assert pv.add_current_to_exercise()
    w.show_sentence(parse_conllu_text(CONLLU)[0], gold=True, wait=True)
    assert pv.add_current_to_exercise()
    pv.export_exercise(str(tmp_path / "ex.conllu"))
    ex = read_conllu(str(tmp_path / "ex.conllu"))
    assert [s.get_meta("deplab_practice_tree") for s in ex] == ["parser", "gold"]
    assert [w_.head_index for w_ in ex[1].words] == HEADS
    # a student opens it: the sentences come in order, with the tree each one names
    pv2 = type(pv)(w)
    qtbot.addWidget(pv2)
    assert pv2.open_exercise(str(tmp_path / "ex.conllu")) == 2
    assert pv2.session.tree_source == PARSER and pv2.session.forms == ["The", "dog", "barks", "."]
    while not pv2.session.finished:
        pv2.answer(pv2.session.system.oracle(pv2.session.config, pv2.session.gold))
    assert pv2.next_exercise() and pv2.session.forms == FORMS and pv2.session.sentences == 2
    assert not pv2.next_button.isEnabled()


def test_bad_exercise_file_is_reported(qtbot, window, tmp_path):
    bad = tmp_path / "bad.conllu"
    bad.write_text("1\tA\t_\t_\t_\t_\t0\troot\t_\n")  # nine columns
    from deplab.parser.conllu import ConlluError
    with pytest.raises(ConlluError, match="bad.conllu:1"):
        window.practice.open_exercise(str(bad))
