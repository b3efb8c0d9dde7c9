"""The annotation editor's selection and keyboard head mode, without Qt (app/model/editing.py)."""
from __future__ import annotations

from deplab.app.model import editing
from deplab.app.model.editing import Command, EditingState

HEADS = {1: 2, 2: 0, 3: 2, 4: None}  # a 4-word sentence; word 4 has no head yet


def key(state, name):
    return state.key(name, 4, HEADS.get)


def test_arrows_select_then_enter_starts_head_mode_on_the_current_head():
    s = EditingState()
    seen = []
    s.changed.connect(lambda: seen.append(1))
    assert key(s, "right") == Command(editing.SELECT, 1) and s.word == 1
    assert key(s, "left") == Command(editing.SELECT, 1)  # stays on the first word
    assert key(s, "enter") == Command(editing.HEAD_MODE, 1, 2) and s.head_cursor == 2
    assert key(s, "right") == Command(editing.MOVE, 1, 3)
    assert key(s, "end").head == 4 and key(s, "home").head == 0 and key(s, "0").head == 0
    assert key(s, "enter") == Command(editing.ATTACH, 1, 0) and s.head_cursor is None
    assert seen  # every change is signalled
    assert s.marks() == ({}, {1}, 1)


def test_head_mode_on_an_unattached_word_starts_left_of_it_and_escape_cancels():
    s = EditingState()
    s.select(4)
    assert key(s, "h") == Command(editing.HEAD_MODE, 4, 3)
    assert s.marks() == ({4: "dep", 3: "head?"}, {4, 3}, 3)
    assert key(s, "x") is None  # not an editor key in head mode
    assert key(s, "escape").kind == editing.CANCEL and s.head_cursor is None


def test_letters_and_paging():
    s = EditingState()
    s.select(3)
    assert key(s, "r") == Command(editing.RELATION, 3) and key(s, "l").kind == editing.RELATION
    assert key(s, "u") == Command(editing.UPOS, 3)
    assert key(s, "g").kind == editing.GOLD
    assert key(s, "pagedown") == Command(editing.STEP, step=1) and key(s, "up") == Command(editing.STEP, step=-1)
    assert key(s, "q") is None


def test_click_then_head_and_drag():
    s = EditingState()
    assert s.click(0) is None and s.pending is None  # ROOT cannot be a dependent
    assert s.click(3) == Command(editing.SELECT, 3) and s.pending == 3
    assert s.marks()[0] == {3: "dep"}
    assert s.click(3).kind == editing.CANCEL and s.pending is None  # clicked again: cancelled
    s.click(1)
    assert s.click(0) == Command(editing.ATTACH, 1, 0) and s.word == 1 and s.pending is None
    assert s.drag(2, 3) == Command(editing.ATTACH, 2, 3) and s.word == 2
    assert s.drag(0, 3) is None
