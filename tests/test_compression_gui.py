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


@pytest.fixture
def tab(qtbot, small_model):
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    w = CompressionTab()
    qtbot.addWidget(w)
    w.model_edit.setText(str(small_model))
    w.dev_edit.setText(str(DEV))
    w.train_edit.setText(str(TRAIN))
    w.resize(560, 1300)
    w.show()
    yield w
    if w.busy():
        w.cancel()
        qtbot.waitUntil(lambda: not w.busy(), timeout=20000)
    torch.set_num_threads(n)


def choose(tab, method):
    tab.method.setCurrentIndex(tab.method.findData(method))


def test_pruning_run_adds_rows_and_plot_points(qtbot, tab, tmp_path):
    choose(tab, "prune")
    tab.sparsity.setValue(60)
    tab.retrain.setValue(0)
    assert tab.spec() == {"method": "prune", "lr": pytest.approx(1e-3), "sparsity": 0.6, "scope": "std",
                          "retrain": 0, "gradual": True, "teacher_alpha": 0.0,
                          "per_layer": {"output layer": 0.0, "label embeddings": 0.0}}
    tab.layer_sparsity.setText("output layer=0; MLP slots s1,s2,s3,b1=30%")
    assert tab.spec()["per_layer"] == {"output layer": 0.0, "MLP slots s1,s2,s3,b1": 0.3}
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
    tab.sparsities.setText("50, 90")
    tab.dev_limit.setValue(5)
    tab.run()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    rows = [r for r in tab.results if r.method == "sensitivity" and r.layer]
    n_layers = len(tab.sparsity_chart.layers)
    assert n_layers >= 8 and len(rows) == 2 * n_layers
    for s in tab.sparsity_chart.layers.values():  # the unpruned model at 0%, then 50% and 90%
        assert [p.x() for p in s.points()] == [0.0, 50.0, 90.0]


def test_cancel_leaves_no_model_and_bad_input_is_reported(qtbot, tab):
    choose(tab, "deep")
    tab.layer_sparsity.setText("no such layer=0.5")
    tab.retrain.setValue(0)
    tab.finetune.setValue(0)
    tab.run()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    assert "Failed: unknown layer(s) no such layer" in tab.status.text()
    tab.layer_sparsity.setText("output layer=120%")
    assert tab.run() is None and "below 100%" in tab.status.text()
    tab.layer_sparsity.setText("")
    tab.finetune.setValue(1)
    tab.train_edit.setText("")
    tab.retrain.setValue(2)
    assert tab.run() is None and "training treebank" in tab.status.text()
    tab.train_edit.setText(str(TRAIN))
    tab.retrain.setValue(20)
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
    assert not tab.min_count.isVisible() and "min_count" not in tab.spec()
    for method in ("distill", "deep"):
        choose(tab, method)
        assert tab.min_count.isVisible() and tab.spec()["min_count"] == 1
        assert tab.min_count.text() == "keep every word"
        tab.min_count.setValue(10)
        assert tab.spec()["min_count"] == 10 and "10" in tab.min_count.text()
        tab.min_count.setValue(1)
    assert tab.qat.isVisible() and tab.spec()["qat"] is False  # the loop ends on deep
    tab.qat.setChecked(True)
    assert tab.spec()["qat"] is True


def test_uniform_weight_sharing_runs_from_the_form_at_a_fractional_rate(qtbot, tab):
    choose(tab, "share")
    assert tab.bits.isVisible() and not tab.rate.isVisible() and tab.spec()["uniform"] is False
    assert not tab.rare.isVisible() and tab.vector_bits.isVisible()  # rare words' own rate: uniform only
    tab.quantizer.setCurrentIndex(tab.quantizer.findData("uniform"))
    assert tab.rate.isVisible() and not tab.bits.isVisible() and tab.rare.isVisible()
    tab.rate.setValue(1.5)
    tab.finetune.setValue(0)
    assert "rare_rates" not in tab.spec() and "vector_rate" not in tab.spec()
    tab.rare_count.setValue(3)
    tab.rare_rate.setValue(1.0)
    tab.vector_bits.setValue(5)
    assert tab.spec()["uniform"] is True and tab.spec()["bits"] == pytest.approx(1.5)
    assert tab.spec()["rare_rates"] == {3: pytest.approx(1.0)} and tab.spec()["vector_rate"] == 5
    tab.run()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=30000)
    assert "Done" in tab.status.text(), tab.status.text()
    shared = tab.results[-1]
    assert shared.method == "share" and "uniform" in shared.setting and "words seen < 3x 1" in shared.setting
    info = Model.load(shared.path).extra["compression"]
    assert info["uniform"] is True and info["bits"] == pytest.approx(1.5)
    assert info["rare_rates"] == {"3": 1.0} and info["vector_rate"] == 5
    assert tab.table.rowCount() == 2 and len(tab.size_chart.points()) == 2
