"""Issue 18, first section: a file without DepLab's status comments opens with its complete trees as
gold (or as parser output / unannotated: asked once per file, remembered), and "compare with the
parser" re-parses a sentence that has no recorded prediction."""
from __future__ import annotations

import os
import shutil

import pytest
from PySide6.QtCore import QSettings, Qt

from deplab.app.model.document import EDITED, GOLD, PARSED, UNANNOTATED, Document

from conftest import FIXTURES
from test_annotation_parse import tiny_pipeline  # noqa: F401  (fixture)

SMALL = FIXTURES / "treebank" / "small.conllu"
PARTIAL = """# sent_id = p1
# text = Rain falls.
1	Rain	rain	NOUN	_	_	2	nsubj	_	_
2	falls	fall	VERB	_	_	0	root	_	SpaceAfter=No
3	.	.	PUNCT	_	_	2	punct	_	_

# sent_id = p2
# text = Snow melts.
1	Snow	snow	NOUN	_	_	_	_	_	_
2	melts	melt	VERB	_	_	_	_	_	SpaceAfter=No
3	.	.	PUNCT	_	_	_	_	_	_

# sent_id = p3
# deplab_status = edited
# text = Wind blows.
1	Wind	wind	NOUN	_	_	2	nsubj	_	_
2	blows	blow	VERB	_	_	0	root	_	SpaceAfter=No
3	.	.	PUNCT	_	_	2	punct	_	_

"""


def test_document_reads_unmarked_trees_by_policy(tmp_path):
    path = tmp_path / "p.conllu"
    path.write_text(PARTIAL, encoding="utf-8")
    doc = Document.open(path)
    assert doc.statuses() == [PARSED, UNANNOTATED, EDITED]  # the model's default: DepLab's old reading
    assert doc.unmarked_indices() == [0]
    seen = []
    doc.changed.connect(seen.append)
    assert doc.set_unmarked(GOLD) == [0] and seen == [[0]]
    assert doc.statuses() == [GOLD, UNANNOTATED, EDITED] and not doc.dirty
    snap = doc.snapshot(0)
    doc.set_deprel(0, 3, "discourse")  # an edit keeps the reading (gold stays gold), and so does its undo
    assert doc.status(0) == GOLD and doc[0].get_meta("deplab_status") == GOLD
    doc.restore(0, snap)
    assert doc.status(0) == GOLD and doc.unmarked_indices() == [0]
    assert doc.set_unmarked(UNANNOTATED) == [0] and doc.statuses() == [UNANNOTATED, UNANNOTATED, EDITED]
    doc.set_deprel(0, 3, "discourse")
    assert doc.status(0) == EDITED and doc.unmarked_indices() == []
    doc.save()
    assert Document.open(path).statuses() == [EDITED, UNANNOTATED, EDITED]


@pytest.fixture
def fresh(qtbot, tmp_path, monkeypatch):
    """A window with fresh settings: nothing remembered, the default reading (gold)."""
    monkeypatch.setenv("DEPLAB_DATA_DIR", str(tmp_path / "data"))
    from deplab.app.qt.main_window import MainWindow
    settings_path = os.path.join(str(tmp_path), "window.ini")
    w = MainWindow(QSettings(settings_path, QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    ctl = w.annotation
    ctl.show_error = lambda title, text: (_ for _ in ()).throw(AssertionError(f"{title}: {text}"))
    yield w, ctl, settings_path
    if ctl.doc is not None:
        ctl.doc.mark_clean()


def test_a_ud_file_opens_as_gold_asked_once_and_remembered(qtbot, fresh, tmp_path):
    w, ctl, settings_path = fresh
    path = tmp_path / "small.conllu"
    shutil.copy(SMALL, path)
    ctl.open_path(str(path), wait=True)
    n = len(ctl.doc)
    assert ctl.doc.status_counts()[GOLD] == n == 8
    notice = ctl.annotator.unmarked_notice
    assert notice.isVisible() and "8 complete trees" in notice.label.text()
    assert notice.buttons["gold"].isChecked()
    w.grab().save("/tmp/wiring-gold-notice.png")
    qtbot.mouseClick(notice.buttons["parsed"], Qt.MouseButton.LeftButton)
    assert ctl.doc.status_counts()[PARSED] == 8 and not ctl.doc.dirty
    assert ctl.annotator.parse_button.isEnabled()  # parser output may be re-parsed
    ctl.close_document()
    # reopened: not asked again, the answer is remembered (in the settings file)
    ctl.open_path(str(path), wait=True)
    assert not notice.isVisible() and ctl.doc.status_counts()[PARSED] == 8
    assert ctl.files.remembered_reading(str(path)) == PARSED
    ctl.close_document()
    other = tmp_path / "other.conllu"
    shutil.copy(SMALL, other)
    ctl.files.set_default_reading(UNANNOTATED)  # the default is a setting too
    ctl.open_path(str(other), wait=True)
    assert ctl.doc.status_counts()[UNANNOTATED] == 8 and notice.buttons["unannotated"].isChecked()


def test_gold_sentences_make_fine_tuning_data_and_are_never_parsed(qtbot, fresh, tmp_path):
    w, ctl, _ = fresh
    ctl.open_path(str(SMALL), wait=True)
    assert ctl.doc.status(0) == GOLD
    assert not ctl.annotator.parse_button.isEnabled()
    ctl.parse_unannotated(wait=True)
    assert "already has annotation" in w.statusBar().currentMessage()


def test_compare_with_the_parser_reparses_a_gold_sentence(qtbot, fresh, tiny_pipeline):  # noqa: F811
    w, ctl, _ = fresh
    ctl.open_path(str(SMALL), wait=True)
    assert ctl.doc.predicted(0) is None  # no prediction is stored in a UD file
    loads = []
    ctl.pipeline_factory = lambda: loads.append(1) or tiny_pipeline
    ctl.diff_current_action.trigger()
    qtbot.waitUntil(lambda: ctl.idle() and ctl.diff_view.system is not None, timeout=20000)
    expected = tiny_pipeline.parse([ctl.doc[0].copy()])[0]
    got = ctl.diff_view.system
    assert [(t.head, t.deprel) for t in got.words] == [(t.head, t.deprel) for t in expected.words]
    assert ctl.diff_view.gold is not None and ctl.diff_view.gold.words[1].form == "cat"
    assert ctl.diff_dock.isVisible() and loads == [1]
    assert "re-parsed" in ctl.diff_view.title.text()
    assert ctl.doc.status(0) == GOLD and not ctl.doc.dirty  # comparing changes nothing


def test_a_restored_document_keeps_its_files_reading(qtbot, fresh, tmp_path):
    w, ctl, _ = fresh
    path = tmp_path / "small.conllu"
    shutil.copy(SMALL, path)
    ctl.files.remember_reading(str(path), PARSED)
    doc = Document.open(path)
    doc.set_unmarked(UNANNOTATED)
    ctl.open_document(doc, "restored")  # e.g. after a crash: the file's remembered reading applies
    assert ctl.doc.status_counts()[PARSED] == 8
    other = tmp_path / "other.conllu"
    shutil.copy(SMALL, other)
    ctl.doc.mark_clean()
    ctl.open_document(Document.open(other))
    assert ctl.doc.status_counts()[GOLD] == 8  # nothing remembered: the default
