"""The standalone treebank panels (search and rewrite, validation, agreement, adjudication), driven with qtbot."""
import pytest
from PySide6.QtCore import Qt

from deplab.app.model.adjudication import A, B, Adjudication
from deplab.app.model.document import Document
from deplab.app.model.search import SearchModel, apply_rewrite, plan_rewrite
from deplab.parser.conllu import read_conllu

from conftest import FIXTURES

SMALL = FIXTURES / "treebank" / "small.conllu"
ANN_A, ANN_B = FIXTURES / "treebank" / "annotator_a.conllu", FIXTURES / "treebank" / "annotator_b.conllu"


@pytest.fixture
def doc():
    return Document.open(SMALL)


# -- Qt-free models ---------------------------------------------------------------------

def test_search_model_steps_through_matches(doc):
    m = SearchModel(doc)
    assert m.set_request("pattern { N -[obj]-> M }") is None
    assert [x.index for x in m.run()] == [1, 3, 7]
    seen = []
    m.current_changed.connect(seen.append)
    assert m.next().index == 1 and m.next().index == 3 and m.previous().index == 1
    assert m.previous().index == 7  # wraps around
    assert seen == [0, 1, 0, 2]
    err = m.set_request("pattern { N -[obj-> M }")
    assert (err.line, err.column) == (1, 18) and m.matches  # the previous matches stay


def test_apply_rewrite_goes_through_the_document(doc):
    plan = plan_rewrite(doc, "pattern { e: N -[obl:tmod]-> M } commands { del_edge e; add_edge N -[obl]-> M }")
    assert doc[6].words[3].deprel == "obl:tmod"  # the preview changes nothing
    assert apply_rewrite(doc, plan) == [6]
    assert doc[6].words[3].deprel == "obl" and doc.status(6) == "edited"
    assert doc.is_modified(6) and not doc.is_modified(5)


def test_adjudication_model():
    adj = Adjudication(read_conllu(ANN_A), read_conllu(ANN_B), "a", "b")
    assert adj.sentences == [0, 1] and adj.open_count() == 2
    assert adj.result[0].words[0].head == "_"
    assert adj.arc(0, 1, A) == (2, "det") and adj.arc(0, 1, B) == (3, "det")
    adj.pick(0, 1, B)
    assert adj.open_words(0) == [] and adj.chosen(0, 1) == B
    assert adj.figures()["kappa"] == pytest.approx(43 / 51)


# -- the search panel -----------------------------------------------------------------------

def test_search_panel_error_position_count_and_stepping(qtbot, doc):
    from deplab.app.qt.search_panel import SearchPanel
    panel = SearchPanel(doc)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_request("pattern {\n  N [upos=VERB]\n  N -[nsubj-> M\n}")
    panel.search()
    assert panel.error_label.text() == "line 3, column 12: expected '|' or ']->' in the relation, found '->'"
    (sel,) = panel.edit.extraSelections()
    assert sel.cursor.selectedText() == "-"
    assert panel.model.matches == []
    panel.set_request("pattern { N [upos=VERB]; N -[1=nsubj]-> M }")
    panel.search()
    assert panel.error_label.text() == "" and panel.edit.extraSelections() == []
    assert panel.count_label.text() == "9 matches in 7 sentences"
    assert panel.table_model.rowCount() == 9
    assert panel.table_model.index(0, 2).data() == "N=3:sleeps  M=2:cat"
    panel.table.setFocus()
    with qtbot.waitSignal(panel.highlightRequested) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_F3)
    assert blocker.args == [0, [2, 3]]
    with qtbot.waitSignal(panel.highlightRequested) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_F3)
    assert blocker.args == [1, [1, 2]]
    with qtbot.waitSignal(panel.highlightRequested) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert blocker.args == [0, [2, 3]]
    panel.resize(700, 500)
    panel.grab().save("/tmp/treebank-search.png")


def test_search_panel_runs_big_searches_off_the_gui_thread(qtbot, doc, monkeypatch):
    import deplab.app.qt.search_panel as sp
    monkeypatch.setattr(sp, "BACKGROUND_THRESHOLD", 0)
    panel = sp.SearchPanel(doc)
    qtbot.addWidget(panel)
    panel.set_request("pattern { N -[obj]-> M }")
    with qtbot.waitSignal(panel.searchFinished, timeout=10000) as blocker:
        panel.search()
        assert not panel.search_button.isEnabled() and panel.cancel_button.isEnabled()
    assert blocker.args == [3]
    assert panel.search_button.isEnabled() and panel.count_label.text() == "3 matches in 3 sentences"


def test_rewrite_preview_apply_is_one_undo_step(qtbot, doc):
    from deplab.app.qt.search_panel import SearchPanel
    from deplab.app.qt.undo import DocumentEditor
    editor = DocumentEditor(doc)
    panel = SearchPanel(doc, editor)
    qtbot.addWidget(panel)
    before = [s.to_text() for s in doc.sentences]
    panel.set_request("pattern { N [upos=NOUN, Number=Plur] } commands { N.Number = Sing }\n")
    panel.preview()
    items = [panel.changes.item(k).text() for k in range(panel.changes.count())]
    assert items == ["t2 word 1 (Dogs): FEATS Number=Plur -> Number=Sing",
                     "t2 word 3 (cats): FEATS Number=Plur -> Number=Sing",
                     "t6 word 1 (Birds): FEATS Number=Plur -> Number=Sing",
                     "t6 word 4 (fish): FEATS Number=Plur -> Number=Sing"]
    assert [s.to_text() for s in doc.sentences] == before
    assert panel.apply_button.isEnabled()
    assert panel.apply() == [1, 5]
    assert panel.model.matches == [] and panel.count_label.text() == "0 matches in 0 sentences"
    assert doc[1].words[0].feats == "Number=Sing" and doc[5].words[3].feats == "Number=Sing"
    assert editor.stack.count() == 1
    editor.stack.undo()
    assert [s.to_text() for s in doc.sentences] == before
    editor.stack.redo()
    assert doc[5].words[3].feats == "Number=Sing"


def test_rewrite_preview_lists_refusals(qtbot, doc):
    from deplab.app.qt.search_panel import SearchPanel
    from deplab.app.qt.undo import DocumentEditor
    panel = SearchPanel(doc, DocumentEditor(doc))
    qtbot.addWidget(panel)
    panel.set_request("pattern { e: N -[obj]-> M } commands { del_edge e }")
    panel.preview()
    assert panel.changes.count() == 3 and "would be left without a head" in panel.changes.item(0).text()
    assert panel.changes_label.text() == "0 sentences, 0 words would change; 3 refused"
    assert not panel.apply_button.isEnabled()
    panel.set_request("pattern { N -> M } commands { del_edge x }")
    panel.preview()
    assert panel.error_label.text().startswith("line 1, column 31: unknown edge 'x'")


# -- the validation panel ---------------------------------------------------------------------

def test_validation_panel_lists_problems_and_jumps(qtbot):
    from deplab.app.qt.validation_panel import ValidationPanel
    data = SMALL.read_bytes().replace(b"2\thome\thome\tADV\t_\t_\t1\tadvmod", b"2\thome\thome\tADV\t_\t_\t1\tpunct")
    doc = Document.from_bytes(data, "bad.conllu")
    panel = ValidationPanel(doc)
    qtbot.addWidget(panel)
    problems = panel.validate()
    assert [(p.sentence, p.word, p.check) for p in problems] == [(4, "2", "rel-upos-punct")]
    assert panel.summary.text() == "1 error, 0 warnings"
    assert panel.model.index(0, 4).data() == "rel-upos-punct"
    with qtbot.waitSignal(panel.goToRequested) as blocker:
        panel.table.clicked.emit(panel.model.index(0, 0))
    assert blocker.args == [4, 2]
    doc.set_deprel(4, 2, "advmod")
    assert panel.validate() == [] and panel.summary.text() == "valid: 0 errors, 0 warnings"
    panel.level.setCurrentIndex(0)
    assert panel.validate() == []


# -- agreement and adjudication -------------------------------------------------------------------

def test_agreement_panel(qtbot, tmp_path):
    from deplab.app.qt.agreement_panel import AgreementPanel
    panel = AgreementPanel([ANN_A, ANN_B])
    qtbot.addWidget(panel)
    r = panel.compute()
    assert r.pairs[0].kappa == pytest.approx(43 / 51)
    assert [panel.pairs_model.index(0, c).data() for c in range(7)] == [
        "annotator_a.conllu", "annotator_b.conllu", 8, "87.50", "75.00", "87.50", "0.8431"]
    assert "obj → nmod (1)" in panel.confusions.text()
    assert panel.adjudicate_button.isEnabled()
    bad = tmp_path / "other.conllu"
    bad.write_text(ANN_B.read_text().replace("\tcats\t", "\tcat\t"))
    panel.set_files([ANN_A, bad])
    assert panel.compute() is None and "tokenization must match" in panel.message.text()
    assert not panel.adjudicate_button.isEnabled()


def test_adjudication_view_pick_undo_and_save(qtbot, tmp_path):
    from deplab.app.qt.agreement_panel import AgreementPanel
    agree = AgreementPanel([ANN_A, ANN_B])
    qtbot.addWidget(agree)
    agree.compute()
    with qtbot.waitSignal(agree.adjudicationOpened):
        view = agree.adjudicate()
    qtbot.addWidget(view)
    view.show()
    assert view.list.count() == 2 and view.list.item(0).text() == "a1: 1 differ, 1 open"
    assert view.words_model.index(0, 2).data() == "2 det" and view.words_model.index(0, 3).data() == "3 det"
    assert view.words_model.index(0, 4).data() == "open"
    # A's tree is drawn against B's: the differing arc is marked, and B's arc shown dashed
    assert view.view_a.drawnArcs() == [(2, 1, "det", "head"), (3, 2, "nsubj", "correct"), (0, 3, "root", "correct"),
                                       (3, 4, "punct", "correct"), (3, 1, "det", "missing")]
    qtbot.keyClick(view.words, Qt.Key.Key_B)
    assert view.adj.chosen(0, 1) == B and view.list.item(0).text() == "a1: 1 differ, 0 open"
    view.editor.stack.undo()
    assert view.adj.open_words(0) == [1]
    assert view.pick(A)
    assert view.words_model.index(0, 4).data() == "2 det  (A)"
    view.select_sentence(1)
    assert view.current == 1
    assert view.pick_all(B) == 1 and view.adj.chosen(1, 3) == B
    assert view.adj.open_count() == 0 and view.status.text() == "2 sentences differ; 0 words open"
    view.editor.stack.undo()
    assert view.adj.open_words(1) == [3]
    view.editor.stack.redo()
    out = tmp_path / "gold.conllu"
    view.save(str(out))
    saved = read_conllu(out)
    assert [(w.head, w.deprel) for w in saved[0].words][0] == ("2", "det")
    assert [(w.head, w.deprel) for w in saved[1].words][2] == ("2", "nmod")
    view.resize(1000, 700)
    view.grab().save("/tmp/treebank-adjudication.png")


def test_adjudication_drag_attach_refuses_cycles(qtbot):
    from deplab.app.qt.adjudication_view import AdjudicationView
    view = AdjudicationView(Adjudication(read_conllu(ANN_A), read_conllu(ANN_B)))
    qtbot.addWidget(view)
    view.view_r.attachRequested.emit(1, 3)  # "The" under "sleeps": allowed, an edit of the adjudicator's own
    assert view.adj.chosen(0, 1) == B  # it is what B has
    view.editor.stack.undo()
    view.view_r.attachRequested.emit(2, 1)  # "cat" under "The", whose own head is open: allowed
    assert view.adj.result[0].words[1].head == "1"
    view.view_r.attachRequested.emit(1, 2)  # now The -> cat -> The would be a cycle: refused, said why
    assert "would create a cycle" in view.status.text()
    assert view.adj.open_words(0) == [1]
    view.select_sentence(1)
    view.view_r.attachRequested.emit(3, 1)  # "cats" under "Dogs": neither A nor B, A's relation by default
    assert view.adj.chosen(1, 3) == "edit" and view.adj.result[1].words[2].deprel == "obj"
    view.words.selectRow(0)
    view.relation.setText("nmod")
    qtbot.keyClick(view.relation, Qt.Key.Key_Return)
    assert view.adj.result[1].words[2].deprel == "nmod" and view.words_model.index(0, 4).data() == "1 nmod  (edit)"
    view.editor.stack.undo()
    assert view.adj.result[1].words[2].deprel == "obj"


def test_validation_of_a_big_document_runs_off_the_gui_thread(qtbot, monkeypatch):
    import deplab.app.qt.validation_panel as vp
    monkeypatch.setattr(vp, "BACKGROUND_THRESHOLD", 0)
    data = SMALL.read_bytes().replace(b"# sent_id = t2", b"# sent_id = t1")
    panel = vp.ValidationPanel(Document.from_bytes(data, "dup.conllu"))
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.finished, timeout=10000) as blocker:
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        assert not panel.button.isEnabled()
    assert [p.check for p in blocker.args[0]] == ["non-unique-sent-id"]
    assert panel.button.isEnabled() and panel.summary.text() == "1 error, 0 warnings"


def test_agreement_panel_computes_off_the_gui_thread(qtbot, tmp_path):
    from deplab.app.qt.agreement_panel import AgreementPanel
    panel = AgreementPanel([ANN_A, ANN_B])
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.computed, timeout=10000) as blocker:
        qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].pairs[0].kappa == pytest.approx(43 / 51) and panel.compute_button.isEnabled()
    panel.set_files([ANN_A, tmp_path / "missing.conllu"])
    with qtbot.waitSignal(panel.computed, timeout=10000) as blocker:
        panel.start()
    assert blocker.args == [None] and "missing.conllu" in panel.message.text()
