"""Issue 17: multiword tokens — split a word into syntactic words (creating the range line) and merge
them back, with undo; the tokens table shows the range over its words; pre-annotation keeps the range."""
from __future__ import annotations

import pytest

from deplab.app.model.document import Document, EditError
from deplab.app.model.multiword import merge_range, split_word
from deplab.parser.conllu import parse_conllu_text

from test_annotation_parse import tiny_pipeline  # noqa: F401  (fixture)
from test_annotation_ui import app_dirs, win  # noqa: F401  (fixtures)

# a sentence written for this test (French-like: "du" = "de le")
TEXT = """# sent_id = m1
# text = Il parle du chat.
1	Il	il	PRON	_	_	2	nsubj	_	_
2	parle	parler	VERB	_	_	0	root	_	_
3	du	du	ADP	_	_	4	case	_	_
4	chat	chat	NOUN	_	_	2	obl	_	SpaceAfter=No
5	.	.	PUNCT	_	_	2	punct	_	_

"""


def test_split_and_merge_renumber_ids_and_heads():
    (s,) = parse_conllu_text(TEXT)
    new = split_word(s, 3, ["de", "le"])
    assert [t.id for t in new.tokens] == ["1", "2", "3-4", "3", "4", "5", "6"]
    assert [(t.form, t.head, t.deprel) for t in new.words] == [
        ("Il", "2", "nsubj"), ("parle", "0", "root"), ("de", "5", "case"), ("le", "3", "dep"),
        ("chat", "2", "obl"), (".", "2", "punct")]
    assert new.tokens[2].form == "du" and s.tokens[2].id == "3"  # the input is not changed
    back = merge_range(new, 4)
    assert back.to_text() == s.to_text()
    with pytest.raises(ValueError):
        split_word(new, 3, ["d", "e"])  # already inside a multiword token
    with pytest.raises(ValueError):
        split_word(s, 3, ["du"])
    with pytest.raises(ValueError):
        merge_range(s, 3)


def test_split_and_merge_in_the_window_with_undo(qtbot, win, tmp_path, tiny_pipeline):  # noqa: F811
    w, ctl = win
    path = tmp_path / "mwt.conllu"
    path.write_text(TEXT, encoding="utf-8")
    ctl.open_path(str(path), wait=True)
    before = ctl.doc[0].to_text()
    ctl.edits.state.select(3)
    ctl.ask_text = lambda title, label, default: "de le"
    assert ctl.split_action.isEnabled()
    ctl.split_action.trigger()
    s = ctl.doc[0]
    assert [t.id for t in s.tokens][:5] == ["1", "2", "3-4", "3", "4"]
    model = ctl.token_table.model
    assert model.rowCount() == 7 and model.index(2, 0).data() == "3-4" and model.index(2, 1).data() == "du"
    assert model.index(2, 0).data(0x03) == "multiword token (range)"  # ToolTipRole
    assert ctl.annotator.arcs.wordCount() == 6
    assert ctl.annotator.multiword.isVisible()
    assert ctl.annotator.multiword.text() == "Multiword tokens: <b>du</b> = de + le (words 3–4)"
    w.grab().save("/tmp/wiring-mwt.png")
    assert ctl.stack.count() == 1
    ctl.undo_action.trigger()
    assert ctl.doc[0].to_text() == before
    ctl.redo_action.trigger()
    assert ctl.doc[0].tokens[2].id == "3-4"
    ctl.edits.state.select(4)
    assert ctl.merge_range()
    assert [t.id for t in ctl.doc[0].tokens] == ["1", "2", "3", "4", "5"]
    assert not ctl.annotator.multiword.isVisible()
    assert ctl.doc[0].words[2].form == "du" and ctl.doc[0].words[2].deprel == "case"
    ctl.undo_action.trigger()
    assert ctl.doc[0].tokens[2].id == "3-4"
    # a merge where there is no range is refused with a message, nothing changes
    ctl.edits.state.select(1)
    assert not ctl.merge_range()
    assert "not part of a multiword token" in ctl.annotator.message.text()

    # pre-annotation keeps the range line (the parser reads the words)
    ctl.pipeline = tiny_pipeline
    assert ctl.doc.status(0) == "edited"
    ctl.asked.append("Parse")  # "Replace your edits?"
    ctl.parse_current(wait=True)
    qtbot.waitUntil(ctl.idle, timeout=20000)
    s = ctl.doc[0]
    assert s.tokens[2].id == "3-4" and s.tokens[2].form == "du"
    assert [t.form for t in s.words] == ["Il", "parle", "de", "le", "chat", "."]
    ctl.save()
    assert "3-4\tdu" in path.read_text(encoding="utf-8")
    assert Document.open(path)[0].tokens[2].id == "3-4"


def test_document_split_refuses_bad_input(tmp_path):
    path = tmp_path / "m.conllu"
    path.write_text(TEXT, encoding="utf-8")
    doc = Document.open(path)
    with pytest.raises(EditError, match="at least two words"):
        doc.split_word(0, 3, ["du"])
    with pytest.raises(EditError, match="no word 9"):
        doc.split_word(0, 9, ["a", "b"])
    assert not doc.dirty
