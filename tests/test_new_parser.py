"""Issue 17: Parse ▸ New Parser from This Treebank… trains on the document's gold sentences in the
background (progress, ETA, cancel that writes nothing), from scratch or from an existing model, saves a
model folder in the user's models folder, switches to it with one click; File ▸ Models lists it."""
from __future__ import annotations

import json

import pytest
import torch

from deplab.app.model.parser_training import AUTO, SCRATCH, user_models
from deplab.parser.paths import models_dir

from conftest import FIXTURES, TINY_SIZES
from test_annotation_ui import app_dirs, win  # noqa: F401  (fixtures)

TINY = {"sizes": TINY_SIZES["kg2016"], "tagger_sizes": {"word_dim": 16, "hidden": 16, "layers": 1},
        "tagger_epochs": 1, "batch_size": 4, "lr": 0.01}


@pytest.fixture
def gold_doc(qtbot, win):  # noqa: F811
    w, ctl = win
    torch.set_num_threads(1)
    ctl.files.set_default_reading("gold")
    ctl.open_path(str(FIXTURES / "tiny.conllu"), wait=True)
    assert ctl.doc.status_counts()["gold"] == len(ctl.doc) == 45
    return w, ctl


def test_new_parser_from_the_gold_sentences_then_use_it(qtbot, gold_doc):
    w, ctl = gold_doc
    ctl.new_parser.action.trigger()
    dlg = ctl.new_parser.dialog
    assert dlg.isVisible() and "(45)" in dlg.from_doc.text() and dlg.from_doc.isChecked()
    assert dlg.start.currentData() == AUTO and "best of scratch, en_ewt and both as an ensemble" in dlg.start.currentText()
    dlg.start.setCurrentIndex(dlg.start.findData(SCRATCH))
    dlg.extra = dict(TINY)
    dlg.epochs.setValue(3)
    dlg.language.setText("")
    dlg.train()
    assert "ISO 639" in dlg.message.text() and dlg.task is None  # the language is asked for
    dlg.language.setText("nl")
    dlg.name.setText("my tiny parser")
    seen = []
    dlg.trained.connect(seen.append)
    dlg.train()
    assert not dlg.train_button.isEnabled() and dlg.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: bool(seen) or "failed" in dlg.message.text(), timeout=60000)
    (record,) = seen
    folder = models_dir() / "my_tiny_parser"
    assert record["path"] == str(folder) and (folder / "config.json").is_file()
    config = json.loads((folder / "config.json").read_text())
    assert config["language"] == "nl"
    training = config["training"]
    assert training["train"]["name"] == "tiny.conllu" and training["train"]["source"] == "document"
    assert training["train"]["sentences"] == 45 and len(training["train"]["sha256"]) == 64
    assert training["heldout_sentences"] == 4  # 10% held out (seeded) by the engine, not trained on
    assert "LAS" in training["best"] and record["heldout"]["LAS"] == training["best"]["LAS"]
    assert "held out for model selection" in dlg.log.toPlainText()
    assert "warning: only 45 gold sentences" in dlg.log.toPlainText()  # the engine's warning, in the log too
    assert dlg.progress.value() == 1000 and dlg.use_button.isEnabled()
    dlg.grab().save("/tmp/wiring-new-parser.png")
    # one click switches the window to it
    dlg.use_button.click()
    qtbot.waitUntil(lambda: w.pipeline is not None and w.pipeline.language == "nl", timeout=30000)
    # File ▸ Models lists it with its language, data, size and held-out scores
    (listed,) = ctl.new_parser.fill_models()
    text = ctl.new_parser.models_menu.actions()[0].text()
    assert listed["name"] == "my_tiny_parser" and text.startswith("my_tiny_parser — nl, tiny.conllu, 45 sentences")
    assert f"LAS {record['heldout']['LAS']:.2f}" in text and " MB" in text
    assert ctl.new_parser.models_menu.actions()[0].isChecked()  # the model in use is marked

    # fine-tuning the current model is offered too
    dlg2 = ctl.new_parser.open_dialog()
    k = dlg2.start.findData(str(folder))
    assert k > 0
    dlg2.start.setCurrentIndex(k)
    dlg2.extra = {"batch_size": 4}
    dlg2.epochs.setValue(1)
    dlg2.name.setText("tuned")
    done = []
    dlg2.trained.connect(done.append)
    dlg2.train()
    qtbot.waitUntil(lambda: bool(done) or "failed" in dlg2.message.text(), timeout=60000)
    tuned = json.loads((models_dir() / "tuned" / "config.json").read_text())
    assert tuned["language"] == "nl" and tuned["training"]["start"]["name"] == folder.name
    assert tuned["training"]["train"]["sentences"] == 45
    assert tuned["training"]["heldout_sentences"] == 4


def test_the_default_start_trains_both_and_keeps_the_better_on_the_held_out_part(qtbot, gold_doc, tiny_model_dir):
    w, ctl = gold_doc
    dlg = ctl.new_parser.open_dialog()
    assert dlg.start.currentData() == AUTO
    dlg.extra = dict(TINY, base=str(tiny_model_dir))  # the tiny model stands in for the bundled one, for speed
    dlg.epochs.setValue(2)
    dlg.language.setText("nl")
    dlg.name.setText("best")
    values, seen = [], []
    dlg.progress.valueChanged.connect(values.append)
    dlg.trained.connect(seen.append)
    dlg.train()
    qtbot.waitUntil(lambda: bool(seen) or "failed" in dlg.message.text(), timeout=120000)
    (record,) = seen
    config = json.loads((models_dir() / "best" / "config.json").read_text())
    start = config["start"]
    assert start["mode"] == AUTO and set(start["selection"]) == {"scratch", "finetuned", "ensemble"}
    assert start["chosen"] in ("scratch", "finetuned", "ensemble") and start["base"] == tiny_model_dir.name
    las = {k: v["LAS"] for k, v in start["selection"].items()}
    assert las[start["chosen"]] == max(las.values()) == config["training"]["best"]["LAS"]
    assert config["training"]["heldout_sentences"] == 4 and config["training"]["train"]["name"] == "tiny.conllu"
    log = dlg.log.toPlainText()
    assert "[scratch]" in log and f"[{tiny_model_dir.name}]" in log and "auto start: selection LAS" in log
    assert any(0 < v < 1000 for v in values) and dlg.progress.value() == 1000  # one bar over both runs
    # File ▸ Models: the held-out scores as before, and the start kept
    (listed,) = ctl.new_parser.fill_models()
    text = ctl.new_parser.models_menu.actions()[0].text()
    assert f"LAS {record['heldout']['LAS']:.2f}" in text
    for other in set(las) - {start["chosen"]}:  # the candidates not kept, with their selection LAS
        assert f"LAS {las[other]:.2f}" in text


def test_cancelled_training_writes_nothing(qtbot, gold_doc):
    w, ctl = gold_doc
    dlg = ctl.new_parser.open_dialog()
    dlg.start.setCurrentIndex(dlg.start.findData(SCRATCH))
    dlg.extra = dict(TINY)
    dlg.epochs.setValue(60)
    dlg.language.setText("en")
    dlg.name.setText("never")
    dlg.train()
    qtbot.waitUntil(lambda: "left" in dlg.eta.text(), timeout=60000)  # under way, with an ETA
    assert 0 < dlg.progress.value() < 1000
    dlg.cancel_button.click()
    qtbot.waitUntil(lambda: not dlg.task.running, timeout=30000)
    assert "nothing was written" in dlg.message.text() and dlg.train_button.isEnabled()
    assert list(models_dir().iterdir()) == []  # no model folder, no temporary left behind
    assert user_models() == []


def test_cancelled_auto_start_writes_nothing(qtbot, gold_doc, tiny_model_dir):
    w, ctl = gold_doc
    dlg = ctl.new_parser.open_dialog()
    assert dlg.start.currentData() == AUTO
    dlg.extra = dict(TINY, base=str(tiny_model_dir))
    dlg.epochs.setValue(200)
    dlg.language.setText("nl")
    dlg.name.setText("never")
    dlg.train()
    qtbot.waitUntil(lambda: "left" in dlg.eta.text(), timeout=60000)  # both runs under way, with an ETA
    assert "scratch" in dlg.eta.text() and tiny_model_dir.name in dlg.eta.text()
    dlg.cancel_button.click()
    qtbot.waitUntil(lambda: not dlg.task.running, timeout=60000)
    assert "nothing was written" in dlg.message.text() and dlg.train_button.isEnabled()
    assert list(models_dir().iterdir()) == [] and user_models() == []


def test_learning_curve_of_the_treebank_is_plotted(qtbot, gold_doc, tiny_model_dir):
    w, ctl = gold_doc
    ctl.curve_action.trigger()
    dlg = ctl.curve_dialog
    assert dlg.isVisible() and len(dlg.gold) == 45 and dlg.finetuned.isChecked()  # both starts, as New Parser
    dlg.base = tiny_model_dir  # the tiny model stands in for the bundled one, for speed
    dlg.train_options = {"batch_size": 8, "sizes": TINY["sizes"], "lr": 0.01}
    dlg.parallel = False
    dlg.epochs.setValue(1)
    dlg.sizes.setText("10, 20, all")
    dlg.heldout.setValue(0.2)
    dlg.language.setText("")
    dlg.start()
    assert "ISO 639" in dlg.message.text() and dlg.task is None  # the recipe depends on the language
    dlg.language.setText("nl")
    dlg.start()
    assert dlg.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not dlg.task.running, timeout=120000)
    assert [p["sentences"] for p in dlg.points] == [10, 20, 36]  # all = 45 minus 9 held out
    for kind in ("scratch", "finetuned"):
        assert dlg.chart.points(kind) == [(p["sentences"], pytest.approx(p["runs"][kind]["LAS"])) for p in dlg.points]
    assert dlg.chart.points("default") == [(p["sentences"], pytest.approx(p["runs"][p["chosen"]]["LAS"]))
                                           for p in dlg.points]
    assert "with all 36 sentences" in dlg.message.text() and "New Parser would keep" in dlg.message.text()
    dlg.grab().save("/tmp/wiring-curve.png")


def test_new_parser_from_a_conllu_file(qtbot, win, tmp_path):  # noqa: F811
    w, ctl = win
    torch.set_num_threads(1)
    dlg = ctl.new_parser.open_dialog()  # no document open: a file is the only source
    assert not dlg.from_doc.isEnabled() and dlg.from_file.isChecked()
    dlg.start.setCurrentIndex(dlg.start.findData(SCRATCH))
    dlg.extra = dict(TINY)
    dlg.epochs.setValue(2)
    dlg.language.setText("en")
    dlg.name.setText("from-file")
    dlg.train()
    assert "Choose the CoNLL-U file" in dlg.message.text()
    dlg.file_edit.setText(str(FIXTURES / "tiny.conllu"))
    seen = []
    dlg.trained.connect(seen.append)
    dlg.train()
    qtbot.waitUntil(lambda: bool(seen) or "failed" in dlg.message.text(), timeout=60000)
    config = json.loads((models_dir() / "from-file" / "config.json").read_text())
    assert config["training"]["train"]["source"] == "file" and config["training"]["train"]["name"] == "tiny.conllu"


def test_few_gold_sentences_are_pointed_out_in_the_dialog_and_the_log(qtbot, gold_doc):
    w, ctl = gold_doc
    ctl.new_parser.action.trigger()
    dlg = ctl.new_parser.dialog
    assert dlg.few_note.isVisibleTo(dlg) and "only 45 gold sentences" in dlg.few_note.text().lower()
    dlg.from_file.setChecked(True)
    assert not dlg.few_note.isVisibleTo(dlg)  # the count is the document's: a file is counted when it is read
    from deplab.parser.train_config import FEW_SENTENCES, few_sentences_warning
    assert few_sentences_warning(FEW_SENTENCES) is None and "1 gold sentence:" in few_sentences_warning(1)
