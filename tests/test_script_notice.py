"""Issue 17: typed text whose writing system does not fit the model's language shows a visible notice
(the engine's ``Pipeline.text_notices``) instead of a silent parse."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from deplab.app.qt.main_window import wait_for


@pytest.fixture
def window(tiny_window):
    return tiny_window


def _type(qtbot, w, text):
    w.view.input.setText(text)  # (qtbot.keyClicks cannot type Han characters)
    qtbot.keyClick(w.view.input, Qt.Key.Key_Return)
    wait_for(w._parse_task)
    qtbot.waitUntil(lambda: not w.is_parsing(), timeout=20000)


def test_chinese_typed_into_an_english_model_shows_a_notice(qtbot, window):
    w = window
    notice = w.sentences.notice
    assert w.pipeline.language == "en" and not notice.isVisible()
    _type(qtbot, w, "我们喜欢这只猫。")
    expected = w.pipeline.text_notices("我们喜欢这只猫。")
    assert expected and "Han" in expected[0]  # the engine's message, shown as it is
    assert notice.isVisible() and expected[0] in notice.text()
    w.grab().save("/tmp/wiring-script-notice.png")
    _type(qtbot, w, "The cat sleeps.")
    assert not notice.isVisible() and w.pipeline.text_notices("The cat sleeps.") == []
