"""The Lab ▸ Compression tab: a small experiment run from the panel shows its row and plot points."""
import pytest
import torch

from conftest import FIXTURES

pytest.importorskip("PySide6.QtCharts")

from deplab.app.qt.compression_tab import COLUMNS, CompressionTab  # noqa: E402
from deplab.parser.model import Model  # noqa: E402

DEV = FIXTURES / "tiny_dev.conllu"
TRAIN = FIXTURES / "tiny.conllu"


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    from test_compression import train_small
    return train_small(tmp_path_factory.mktemp("gui") / "tiny")


@pytest.fixture(autouse=True)
def _own_settings(tmp_path, monkeypatch):
    """The Lab remembers its data files in the settings: a test's go to its own folder."""
    monkeypatch.setenv("DEPLAB_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def tab(qtbot, small_model):
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    w = CompressionTab()
    qtbot.addWidget(w)
    w.model_edit.setText(str(small_model))
    w.dev_data.set_path(DEV)
    w.train_data.set_path(TRAIN)
    w.resize(560, 1300)
    w.show()
    yield w
    if w.busy():
        w.cancel()
        qtbot.waitUntil(lambda: not w.busy(), timeout=20000)
    torch.set_num_threads(n)


def choose(tab, method):
    tab.form.method.setCurrentIndex(tab.form.method.findData(method))


def test_pruning_run_adds_rows_and_plot_points(qtbot, tab, tmp_path):
    choose(tab, "prune")
    tab.form.sparsity.setValue(60)
    tab.form.retrain.setValue(0)
    spec = tab.spec()
    assert (spec.method, spec.lr, spec.sparsity, spec.scope, spec.retrain, spec.gradual, spec.teacher_alpha) == \
        ("prune", pytest.approx(1e-3), 0.6, "std", 0, True, 0.0)
    assert spec.per_layer == {"output layer": 0.0, "label embeddings": 0.0} and not spec.needs_training()
    tab.form.layer_sparsity.setText("output layer=0; MLP slots s1,s2,s3,b1=30%")
    assert tab.spec().per_layer == {"output layer": 0.0, "MLP slots s1,s2,s3,b1": 0.3}
    task = tab.run()
    assert task is not None and tab.busy() and not tab.run_button.isEnabled() and tab.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    assert "Done" in tab.status.text(), tab.status.text()
    assert tab.table.rowCount() == 2  # the original, then the pruned model
    assert [tab.table.item(r, 0).text() for r in range(2)] == ["original", "prune"]
    pruned = tab.results[1]
    assert 0.5 < pruned.sparsity < 0.6  # the output layer kept all its weights, the MLP slots 70%
    model = Model.load(pruned.path)
    assert torch.count_nonzero(model.parser.out.weight) == model.parser.out.weight.numel()
    assert tab.table.item(1, COLUMNS.index("Sparsity")).text() == f"{pruned.sparsity:.1%}"
    assert tab.table.item(1, COLUMNS.index("LAS")).text() == f"{pruned.LAS:.2f}"
    assert (100 * pruned.sparsity, pruned.LAS) in tab.sparsity_chart.points()
    assert len(tab.size_chart.points()) == 2 and tab.size_chart.front_points()
    # the saved model is a real model folder: "Save model..." copies it, the app could load it
    tab.table.selectRow(1)
    assert tab.save_button.isEnabled() and tab.use_button.isEnabled()
    saved = tab.save_model(str(tmp_path / "pruned"))
    assert Model.load(saved).extra["compression"]["method"] == "prune"
    with qtbot.waitSignal(tab.useModelRequested) as sig:
        tab.use_button.click()
    assert sig.args == [saved]
    out = tab.export_csv(str(tmp_path / "r.csv"))
    assert (tmp_path / "r.csv").read_text().splitlines()[2].startswith('prune,"global |w|/σ 60%, output layer 0%')
    assert out


def test_sensitivity_draws_one_line_per_layer(qtbot, tab):
    choose(tab, "sensitivity")
    tab.form.sparsities.setText("50, 90")
    tab.form.dev_limit.setValue(5)
    tab.run()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    rows = [r for r in tab.results if r.method == "sensitivity" and r.layer]
    n_layers = len(tab.sparsity_chart.layers)
    assert n_layers >= 8 and len(rows) == 2 * n_layers
    for s in tab.sparsity_chart.layers.values():  # the unpruned model at 0%, then 50% and 90%
        assert [p.x() for p in s.points()] == [0.0, 50.0, 90.0]


def test_cancel_leaves_no_model_and_bad_input_is_reported(qtbot, tab):
    choose(tab, "deep")
    tab.form.layer_sparsity.setText("no such layer=0.5")
    tab.form.retrain.setValue(0)
    tab.form.finetune.setValue(0)
    tab.run()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    assert "Failed: unknown layer(s) no such layer" in tab.status.text()
    tab.form.layer_sparsity.setText("output layer=120%")
    assert tab.run() is None and "below 100%" in tab.status.text()
    tab.form.layer_sparsity.setText("")
    tab.form.finetune.setValue(1)
    tab.train_data.edit.setText("")
    tab.form.retrain.setValue(2)
    assert tab.run() is None and "training treebank" in tab.status.text()
    assert "Retraining data:" in tab.status.text()  # what the data is for
    tab.train_data.set_path(TRAIN)
    tab.form.retrain.setValue(20)
    before = set(tab.work_dir.iterdir())
    tab.run()
    qtbot.waitUntil(lambda: "retraining" in tab.status.text() or not tab.busy(), timeout=30000)
    tab.cancel()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    assert "Cancelled" in tab.status.text()
    assert set(tab.work_dir.iterdir()) == before
    assert all(r.method != "deep" for r in tab.results)


def test_main_window_has_the_lab_dock_with_the_compression_tab(qtbot, tmp_path, small_model):
    from PySide6.QtCore import QSettings
    from deplab.app.qt.main_window import MainWindow
    from deplab.app.qt.compression_tab import CompressionTab
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    assert isinstance(w.lab.tab("Compression"), CompressionTab)
    toggle = w.lab.toggleViewAction()
    assert toggle in w.panels_menu.actions()
    toggle.trigger()
    assert w.lab.isVisible()
    # "Use in app" loads the chosen (compressed) model folder into the window
    tab = w.compression_tab
    with qtbot.waitSignal(w.pipelineChanged, timeout=30000):
        tab.useModelRequested.emit(str(small_model))
    assert str(w.pipeline.model_dir) == str(small_model)
    assert tab.model_dir() == str(small_model)


def test_rare_word_rows_and_quantization_aware_training_are_in_the_form(tab):
    choose(tab, "prune")
    assert not tab.form.min_count.isVisible() and tab.spec().min_count == 1
    for method in ("distill", "deep"):
        choose(tab, method)
        assert tab.form.min_count.isVisible() and tab.spec().min_count == 1
        assert tab.form.min_count.text() == "keep every word"
        tab.form.min_count.setValue(10)
        assert tab.spec().min_count == 10 and "10" in tab.form.min_count.text()
        tab.form.min_count.setValue(1)
    assert tab.form.qat.isVisible() and tab.spec().qat is False  # the loop ends on deep
    tab.form.qat.setChecked(True)
    assert tab.spec().qat is True


def test_uniform_weight_sharing_runs_from_the_form_at_a_fractional_rate(qtbot, tab):
    choose(tab, "share")
    assert tab.form.bits.isVisible() and not tab.form.rate.isVisible() and tab.spec().uniform is False
    assert not tab.form.rare.isVisible() and tab.form.vector_bits.isVisible()  # rare words' own rate: uniform only
    tab.form.quantizer.setCurrentIndex(tab.form.quantizer.findData("uniform"))
    assert tab.form.rate.isVisible() and not tab.form.bits.isVisible() and tab.form.rare.isVisible()
    tab.form.rate.setValue(1.5)
    tab.form.finetune.setValue(0)
    assert tab.spec().rare_rates is None and tab.spec().vector_rate is None
    tab.form.rare_count.setValue(3)
    tab.form.rare_rate.setValue(1.0)
    tab.form.vector_bits.setValue(5)
    assert tab.spec().uniform is True and tab.spec().bits == pytest.approx(1.5)
    assert tab.spec().rare_rates == {3: pytest.approx(1.0)} and tab.spec().vector_rate == 5
    tab.run()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    assert "Done" in tab.status.text(), tab.status.text()
    shared = tab.results[-1]
    assert shared.method == "share" and "uniform" in shared.setting and "words seen < 3x 1" in shared.setting
    info = Model.load(shared.path).extra["compression"]
    assert info["uniform"] is True and info["bits"] == pytest.approx(1.5)
    assert info["rare_rates"] == {"3": 1.0} and info["vector_rate"] == 5
    assert tab.table.rowCount() == 2 and len(tab.size_chart.points()) == 2


def test_data_is_asked_for_remembered_and_the_open_document_works(qtbot, small_model, tmp_path):
    """No data is found by itself (no ../shared): the tab asks, says what the data is for, remembers the
    choice, and retrains on the gold sentences of the open document."""
    from deplab.parser.conllu import read_conllu
    fresh = CompressionTab()
    qtbot.addWidget(fresh)
    assert fresh.dev_data.path() is None and fresh.train_data.path() is None
    fresh.model_edit.setText(str(small_model))
    assert fresh.run() is None and "Evaluation data:" in fresh.status.text()
    fresh.dev_data.set_path(DEV)
    again = CompressionTab()
    qtbot.addWidget(again)
    assert again.dev_data.path() == str(DEV)  # remembered in the settings

    class Doc:  # the open document: its gold sentences are the training data
        sents = read_conllu(TRAIN)

        def statuses(self):
            return ["gold"] * len(self.sents)

        def __getitem__(self, i):
            return self.sents[i]
    again.model_edit.setText(str(small_model))
    again.train_data.set_document_provider(lambda: Doc())
    again.train_data.use_document.setChecked(True)
    again.form.method.setCurrentIndex(again.form.method.findData("prune"))
    again.form.retrain.setValue(1)
    assert again.spec().needs_training()
    again.run()
    qtbot.waitUntil(lambda: not again.busy(), timeout=60000)
    assert "Done" in again.status.text(), again.status.text()
    assert again.results[-1].method == "prune" and again.results[-1].extra["dev"] == DEV.name + " (the half not used for choices)"


def test_epochs_are_chosen_on_one_half_and_rows_scored_on_the_other_by_default(qtbot, tab):
    """The tab's default is the honest one (issue 20): the evaluation data is split in two seeded halves, one
    chooses, the other scores every row; unchecked, both are the same sentences, as before."""
    from deplab.parser.conllu import read_conllu
    n = len(read_conllu(DEV))
    choose(tab, "prune")
    tab.form.retrain.setValue(0)
    assert tab.split_box.isChecked()
    tab.run()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    lab = tab._lab
    assert lab.split is not None and len(lab.dev) + len(lab.select) == n
    assert not {id(s) for s in lab.dev} & {id(s) for s in lab.select}
    assert "half not used for choices" in tab.results[0].extra["dev"]
    tab.split_box.setChecked(False)
    tab.run()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    assert tab._lab.split is None and tab._lab.select is tab._lab.dev and len(tab._lab.dev) == n
