"""The Lab ▸ Fine-tuning tab through real widgets: a run with live plots, the model switch, cancel,
uncertainty ranking in the navigator, "retrain on my gold"."""
from __future__ import annotations

import os

import pytest
import torch
from PySide6.QtCore import QSettings

from deplab.app.model.document import GOLD, PARSED, Document
from deplab.app.qt.finetune_install import install_finetune
from deplab.app.qt.finetune_tab import FinetuneTab
from deplab.parser.conllu import read_conllu
from deplab.parser.model import Model
from deplab.parser.pipeline import Pipeline

from conftest import FIXTURES

KITCHEN = FIXTURES / "kitchen.conllu"
TIMEOUT = 60_000


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("DEPLAB_DATA_DIR", str(tmp_path / "data"))
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _tab(qtbot, model, tmp_path) -> FinetuneTab:
    tab = FinetuneTab()
    qtbot.addWidget(tab)
    tab.models_dir = tmp_path / "models"
    tab.base_provider = lambda: model
    tab.src_file.setChecked(True)
    tab.train_edit.setText(str(KITCHEN))
    tab.held_file_radio.setChecked(True)
    tab.held_edit.setText(str(FIXTURES / "tiny_dev.conllu"))
    tab.options.epochs.setValue(2)
    tab.options.batch.setValue(4)
    tab.options.patience.setValue(0)
    tab.resize(520, 1400)
    tab.show()
    return tab


def test_two_epoch_run_updates_the_plots_and_switches_the_model(qtbot, tiny_model_dir, tmp_path):
    base = Model.load(tiny_model_dir)
    tab = _tab(qtbot, base, tmp_path)
    tab.options.train_emb.setChecked(False)  # frozen embeddings (new words still get trained rows)
    epochs_seen = []
    tab._relay.epoch.connect(lambda rid, kind, e, s: epochs_seen.append((kind, e)))
    with qtbot.waitSignal(tab.runFinished, timeout=TIMEOUT) as blocker:
        tab.run_button.click()
        assert tab.cancel_button.isEnabled() and not tab.run_button.isEnabled()
    summary = blocker.args[0]
    assert summary is not None
    assert [e for e in epochs_seen if e[0] == "finetuned"] == [("finetuned", 1), ("finetuned", 2)]
    # live plots: two loss points per model, held-out LAS from epoch 0 (the base model) to 2
    assert [x for x, _ in tab.loss_chart.points("ft")] == [1, 2]
    assert [x for x, _ in tab.loss_chart.points("scratch")] == [1, 2]
    assert [x for x, _ in tab.score_chart.points("ft_LAS")] == [0, 1, 2]
    assert tab.score_chart.points("ft_LAS")[0][1] == pytest.approx(summary["base"]["LAS"])
    assert tab.table.item(1, 2).text() == f"{summary['finetuned']['LAS']:.2f}"
    assert tab.table.item(0, 2).text() == f"{summary['base']['LAS']:.2f}"
    saved = Model.load(summary["path"])
    rec = saved.config["finetune"]
    assert rec["options"]["freeze"] == ["embeddings"] and rec["options"]["epochs"] == 2
    assert rec["base"]["name"] == tiny_model_dir.name and "vocative" in saved.labels
    assert rec["guard"] == "l2sp" and rec["options"]["rehearsal_data"] is None  # no rehearsal data needed
    assert "vocative" not in base.labels  # the model in use was not modified
    # one click switches the app to it
    assert tab.use_button.isEnabled()
    with qtbot.waitSignal(tab.useModelRequested) as sw:
        tab.use_button.click()
    assert sw.args == [summary["path"]]
    assert tab.back_button.isEnabled() and tab.previous_path == str(tiny_model_dir)
    with qtbot.waitSignal(tab.useModelRequested) as back:
        tab.back_button.click()
    assert back.args == [str(tiny_model_dir)]


def test_cancel_saves_nothing_and_keeps_the_model(qtbot, tiny_model_dir, tmp_path):
    base = Model.load(tiny_model_dir)
    before = {k: v.clone() for k, v in base.parser.state_dict().items()}
    tab = _tab(qtbot, base, tmp_path)
    tab.options.epochs.setValue(50)
    tab.options.baseline.setChecked(False)
    tab._relay.epoch.connect(lambda rid, kind, e, s: kind == "finetuned" and tab.cancel())
    with qtbot.waitSignal(tab.runFinished, timeout=TIMEOUT) as blocker:
        tab.run_button.click()
    assert blocker.args == [None]
    assert "unchanged" in tab.status.text()
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())
    assert all(torch.equal(v, before[k]) for k, v in base.parser.state_dict().items())
    assert tab.run_button.isEnabled() and not tab.use_button.isEnabled()
    assert len(tab.loss_chart.points("ft")) < 50


def test_bad_input_is_reported_not_raised(qtbot, tiny_model_dir, tmp_path):
    tab = _tab(qtbot, Model.load(tiny_model_dir), tmp_path)
    tab.src_doc.setChecked(True)
    assert tab.start_finetune() is None and "No document" in tab.status.text()
    tab.src_file.setChecked(True)
    tab.train_edit.setText(str(tmp_path / "missing.conllu"))
    with qtbot.waitSignal(tab.runFinished, timeout=TIMEOUT) as blocker:
        tab.run_button.click()
    assert blocker.args == [None] and "missing.conllu" in tab.status.text()
    tab.base_provider = lambda: None
    assert tab.start_finetune() is None and "Load a model" in tab.status.text()


def _window(qtbot, tmp_path, model_dir):
    from deplab.app.qt.main_window import MainWindow, wait_for
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.set_pipeline(Pipeline.load(model_dir))
    tab = install_finetune(w)
    tab.models_dir = tmp_path / "models"
    ctl = w.annotation
    ctl.show_error = lambda title, text: (_ for _ in ()).throw(AssertionError(f"{title}: {text}"))
    return w, tab, ctl, wait_for


def _document():
    """Kitchen sentences marked gold, then the unannotated tiny dev sentences."""
    gold = read_conllu(KITCHEN)
    raw = [s.copy() for s in read_conllu(FIXTURES / "tiny_dev.conllu")]
    for s in raw:
        for w in s.words:
            w.head, w.deprel, w.upos = "_", "_", "_"
    doc = Document.from_sentences(gold + raw)
    for i in range(len(gold)):
        doc.set_status(i, GOLD)
    return doc, len(gold)


def test_parser_in_the_loop_in_the_main_window(qtbot, tiny_model_dir, tmp_path):
    w, tab, ctl, wait_for = _window(qtbot, tmp_path, tiny_model_dir)
    assert w.lab.tab("Fine-tuning") is tab
    doc, n_gold = _document()
    ctl.open_document(doc)
    try:
        _in_the_loop(qtbot, w, tab, ctl, wait_for, doc, n_gold)
    finally:
        doc.mark_clean()  # no "save changes?" prompt when the window closes


def _in_the_loop(qtbot, w, tab, ctl, wait_for, doc, n_gold):
    gold_text = [doc[i].to_text() for i in range(n_gold)]
    # rank the unannotated sentences; the navigator shows the scores, most uncertain first
    with qtbot.waitSignal(tab.runFinished, timeout=TIMEOUT):
        tab.rank_button.click()
    assert set(tab.scores) == set(range(n_gold, len(doc)))
    nav = ctl.navigator
    assert nav.model.columnCount() == 5
    first = nav.model.sentenceAt(0)
    assert tab.scores[first] == max(tab.scores.values())
    assert nav.model.data(nav.model.index(0, 4)) == f"{tab.scores[first]:.3f}"
    # retrain on my gold: fine-tunes, switches the model, re-parses only the non-gold sentences
    tab.options.epochs.setValue(2)
    tab.options.batch.setValue(4)
    with qtbot.waitSignal(tab.runFinished, timeout=TIMEOUT) as blocker:
        tab.retrain_button.click()
    summary = blocker.args[0]
    assert summary is not None and summary["train"] + summary["heldout"] == n_gold and summary["heldout"] == 2
    assert sorted(summary["reparsed"]) == list(range(n_gold, len(doc)))
    assert [doc[i].to_text() for i in range(n_gold)] == gold_text
    assert all(doc.status(i) == PARSED for i in range(n_gold, len(doc)))
    wait_for(w._load_task, 30)
    assert str(w.pipeline.model_dir) == summary["path"]
    assert ctl.pipeline is w.pipeline  # the annotation parser follows the switch
    assert "vocative" in w.pipeline.model.labels


def test_the_learning_curve_runs_and_is_plotted(qtbot, tiny_model_dir, tmp_path):
    """The ATIS-style curve (fine-tuned vs from scratch vs base, one run) on tiny data, without rehearsal data."""
    tab = _tab(qtbot, Model.load(tiny_model_dir), tmp_path)
    assert tab.sizes_edit.text() == "25, 50, 100, 250, 500, 1000"  # the benchmark's sizes
    assert tab.options.rehearsal_data.path() is None and tab.options.guard.currentData() == "l2sp"
    tab.options.epochs.setValue(1)
    tab.sizes_edit.setText("3, 6, 12")
    with qtbot.waitSignal(tab.runFinished, timeout=TIMEOUT) as blocker:
        tab.curve_button.click()
    points = blocker.args[0]["curve"]
    assert [p["sentences"] for p in points] == [3, 6, 12]
    assert [x for x, _ in tab.curve_chart.points("ft")] == [3, 6, 12]
    assert [y for _, y in tab.curve_chart.points("ft")] == [p["finetuned"]["LAS"] for p in points]
    assert [y for _, y in tab.curve_chart.points("scratch")] == [p["scratch"]["LAS"] for p in points]
    assert {y for _, y in tab.curve_chart.points("base")} == {points[0]["base"]["LAS"]}
    tab.grab().save(str(tmp_path / "curve.png"))
