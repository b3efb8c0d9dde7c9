"""Issue 17: the learning curve of a user's own treebank trains, at each size, what ``deplab train`` (and the
app's New Parser) would train -- both starts of the auto start with their recipes -- and scores them on the
same held-out sentences; ``deplab curve`` prints it."""
from __future__ import annotations

import json

import pytest

from deplab.parser.auto_start import choose
from deplab.parser.callbacks import TrainingCallbacks
from deplab.parser.cli import main
from deplab.parser.conllu import read_conllu
from deplab.parser.examples import has_complete_tree
from deplab.parser.learning_curve import treebank_curve
from deplab.parser.progress import Cancelled
from deplab.parser.train_config import TrainConfig

from conftest import FIXTURES, TINY_SIZES


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    """Every test of this file on one torch thread."""


def _cfg(**kw):
    return TrainConfig(**{**dict(epochs=2, batch_size=4, lr=0.01, sizes=TINY_SIZES["kg2016"], language="nl",
                                 threads=1), **kw})


def test_each_point_trains_both_starts_and_records_the_one_kept(tiny_model_dir):
    sentences = read_conllu(FIXTURES / "tiny.conllu")
    pool, held = sentences[:36], sentences[36:]
    logs, seen, progress = [], [], []

    class Record(TrainingCallbacks):
        def log(self, message):
            logs.append(message)

        def progress(self, done, total, message=""):
            progress.append(done / total)

    points = treebank_curve(pool, held, [10, 20, 500], _cfg(), tiny_model_dir, Record(), on_point=seen.append,
                            parallel=False)
    assert [p["sentences"] for p in points] == [10, 20, 36] and seen == points  # 500 is clipped to the pool
    for p in points:
        assert set(p["runs"]) == {"scratch", "finetuned", "ensemble"} and p["chosen"] in p["runs"]
        assert set(p["selection"]) == set(p["runs"]) and p["default"] == p["runs"][p["chosen"]]
        assert p["train"] + p["select"] == p["sentences"] and p["select"] >= 1  # selection comes out of the n
        assert p["chosen"] == choose({k: {"LAS": v} for k, v in p["selection"].items()})  # the auto start's rule
        assert all(0.0 <= s["LAS"] <= 100.0 for s in p["runs"].values())
    assert len([m for m in logs if "the default start keeps" in m]) == 3
    assert progress and max(progress) <= 1.0 and progress == sorted(progress)  # one bar over all the points
    scratch_only = treebank_curve(pool, held, [12], _cfg(), tiny_model_dir, kinds=("scratch",), parallel=False)
    assert list(scratch_only[0]["runs"]) == ["scratch"] and scratch_only[0]["chosen"] == "scratch"


def test_cancel_stops_the_curve(tiny_model_dir):
    sentences = read_conllu(FIXTURES / "tiny.conllu")

    class CancelSoon(TrainingCallbacks):
        calls = 0

        def cancelled(self):
            self.calls += 1
            return self.calls > 3

    with pytest.raises(Cancelled):
        treebank_curve(sentences[:36], sentences[36:], [10, 36], _cfg(epochs=20), tiny_model_dir, CancelSoon(),
                       parallel=False)


def test_deplab_curve_prints_the_table_and_writes_json(tiny_model_dir, tmp_path, capsys):
    out = tmp_path / "curve.json"
    assert main(["curve", "--train", str(FIXTURES / "tiny.conllu"), "--lang", "nl", "--sizes", "10",
                 "--base", str(tiny_model_dir), "--epochs", "1", "--sequential", "--threads", "1", "--json", str(out),
                 *[f"--size={k}={v}" for k, v in TINY_SIZES["kg2016"].items()]]) == 0
    text = capsys.readouterr().out
    assert "| gold sentences | scratch LAS | finetuned LAS | ensemble LAS | kept by the default |" in text
    data = json.loads(out.read_text())
    n = sum(has_complete_tree(s) for s in read_conllu(FIXTURES / "tiny.conllu"))
    assert data["test_sentences"] == 9 and [p["sentences"] for p in data["points"]] == [10, n - 9]
    assert f"| {n - 9} |" in text
    assert main(["curve", "--train", str(FIXTURES / "tiny.conllu"), "--lang", "nl", "--test", "1.5"]) == 1
