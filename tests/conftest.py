import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Test models are tiny: one thread each avoids oversubscribing a 2-core machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EWT_TRAIN = SHARED / "data/ud/en_ewt/en_ewt-ud-train.conllu"
EWT_DEV = SHARED / "data/ud/en_ewt/en_ewt-ud-dev.conllu"
GUM_DEV = SHARED / "data/ud/en_gum/en_gum-ud-dev.conllu"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def need(path: Path) -> Path:
    """Skips the test when a ../shared data file is absent (CI has it)."""
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


TINY_SIZES = {
    "kg2016": {"word_dim": 32, "lstm_hidden": 32, "layers": 1, "mlp_hidden": 64, "char_filters": 64},
    "cm2014": {"emb": 16, "hidden": 32},
    "weiss2015": {"emb": 16, "hidden": 32},
}


def train_tiny(out, arch="kg2016", epochs=6, seed=1):
    """A small model trained in seconds on the hand-written fixture treebank."""
    from deplab.parser.train import TrainConfig, train_model
    # min_count 2 and 64 char filters: the tests were written for this recipe (words seen once are UNK)
    cfg = TrainConfig(arch=arch, epochs=epochs, tagger_epochs=2, seed=seed, sizes=TINY_SIZES[arch], batch_size=4, lr=0.01,
                      min_count=2,
                      tagger_sizes={"word_dim": 16, "hidden": 16, "layers": 1})
    model, _ = train_model(FIXTURES / "tiny.conllu", FIXTURES / "tiny_dev.conllu", out, cfg)
    return model


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """Folder of a tiny kg2016 model (shared by the whole test session; do not modify it)."""
    out = tmp_path_factory.mktemp("models") / "tiny_kg"
    train_tiny(out)
    return out


@pytest.fixture(scope="session")
def tiny_cm_model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "tiny_cm"
    train_tiny(out, arch="cm2014")
    return out


@pytest.fixture(autouse=True, scope="session")
def _temporary_files_under_pytest(tmp_path_factory):
    """Work folders the engine and the app make with tempfile (e.g. the Lab's) go to pytest's own temporary
    folder, which pytest prunes, instead of piling up in the system's."""
    import tempfile
    saved, tempfile.tempdir = tempfile.tempdir, str(tmp_path_factory.mktemp("tempfile"))
    yield
    tempfile.tempdir = saved


@pytest.fixture
def one_torch_thread():
    """torch on one thread for the test (as the engine's runs use), the count restored after it."""
    import torch
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def make_window(qtbot, tmp_path, model_dir):
    """The real main window, shown, with ``model_dir`` loaded and settings of its own."""
    import torch
    from PySide6.QtCore import QSettings
    from deplab.app.qt.main_window import MainWindow
    torch.set_num_threads(1)
    w = MainWindow(QSettings(str(tmp_path / "deplab.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1300, 820)
    w.show()
    w.load_model(model_dir)
    qtbot.waitUntil(lambda: w.pipeline is not None, timeout=30000)
    return w


@pytest.fixture
def tiny_window(qtbot, tmp_path, tiny_cm_model_dir):
    """The real main window, shown, with the tiny cm2014 model loaded and settings of its own."""
    return make_window(qtbot, tmp_path, tiny_cm_model_dir)
