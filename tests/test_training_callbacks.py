"""The trainer's one callbacks object (parser.callbacks): when each method is called, what it may decide."""
import pytest

from deplab.parser.callbacks import Forward, LogTo, TrainingCallbacks
from deplab.parser.conllu import read_conllu
from deplab.parser.examples import Treebank
from deplab.parser.train import Trainer, train_model
from deplab.parser.train_config import TrainConfig, new_model

from conftest import FIXTURES, TINY_SIZES

TINY, DEV = FIXTURES / "tiny.conllu", FIXTURES / "tiny_dev.conllu"


class Recorder(TrainingCallbacks):
    def __init__(self, keep_from_epoch=1):
        self.events, self.keep_from, self.epoch = [], keep_from_epoch, 0

    def log(self, message):
        self.events.append("log")

    def progress(self, done, total, message=""):
        self.events.append(("progress", done, total, message))

    def after_step(self):
        self.events.append("after_step")

    def before_eval(self):
        self.events.append("before_eval")

    def epoch_end(self, run, epoch, scores):
        self.epoch = epoch
        self.events.append(("epoch_end", run, epoch, scores["LAS"]))

    def can_keep(self):
        return self.epoch >= self.keep_from

    def new_best(self, run, scores):
        self.events.append(("new_best", run, scores["epoch"]))


def _trainer(callbacks, batch_size=8):
    tb = Treebank.from_sentences(read_conllu(TINY))
    cfg = TrainConfig(sizes=TINY_SIZES["kg2016"], system="arc-standard", batch_size=batch_size, lr=0.01)
    return Trainer(new_model(tb, cfg), tb, cfg, callbacks), len(tb)


def test_the_loop_calls_each_method_at_its_point_in_order():
    rec = Recorder()
    trainer, n = _trainer(rec)
    best = trainer.train_parser(read_conllu(DEV), 2)
    batches = -(-n // 8)
    for epoch in (1, 2):
        start = rec.events.index(("progress", 1, batches, f"epoch {epoch}/2"))
        steps = rec.events[start - 1:start - 1 + 2 * batches]
        assert steps == [x for k in range(1, batches + 1)
                         for x in ("after_step", ("progress", k, batches, f"epoch {epoch}/2"))]
        after = rec.events[start - 1 + 2 * batches:]
        assert after[0] == "before_eval" and after[1] == "log" and after[2][:3] == ("epoch_end", "train", epoch)
    assert ("new_best", "train", 1) in rec.events  # the first epoch is always the best so far
    kept = [e for e in rec.events if e[0] == "new_best"]
    assert kept[-1][2] == best["epoch"]


def test_can_keep_holds_back_the_best_epoch_and_cancelled_stops_the_run():
    rec = Recorder(keep_from_epoch=2)
    trainer, _ = _trainer(rec)
    best = trainer.train_parser(read_conllu(DEV), 2)
    assert best["epoch"] == 2 and [e for e in rec.events if e[0] == "new_best"] == [("new_best", "train", 2)]

    class Stop(TrainingCallbacks):
        def cancelled(self):
            return True
    from deplab.parser.progress import Cancelled
    trainer, _ = _trainer(Stop())
    with pytest.raises(Cancelled):
        trainer.train_parser([], 1)


def test_train_model_checkpoints_on_every_new_best_and_forwards_to_the_callers_callbacks(tmp_path):
    out = tmp_path / "m"
    seen = []

    class Look(TrainingCallbacks):
        def new_best(self, run, scores):  # called after the checkpoint was written
            import json
            on_disk = json.loads((out / "config.json").read_text())["training"]["best"]
            seen.append((on_disk["epoch"] == scores["epoch"], scores["epoch"]))
    cfg = TrainConfig(epochs=2, sizes=TINY_SIZES["kg2016"], batch_size=8, lr=0.01)
    _, best = train_model(TINY, DEV, out, cfg, Look())
    assert seen and all(on_disk for on_disk, _ in seen) and seen[-1][1] == best["epoch"]


def test_forward_passes_every_call_on_and_log_to_writes_lines():
    lines = []
    inner = LogTo(lines.append)
    fwd = Forward(inner)
    fwd.log("hello")
    assert lines == ["hello"] and fwd.cancelled() is False and fwd.can_keep() is True
    base = TrainingCallbacks()
    assert base.log("x") is None and base.progress(1, 2) is None and base.cancelled() is False
