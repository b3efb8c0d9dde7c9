"""Issue 17, the better start by default: the cross-lingual recipe, arc-standard grown into swap, the auto
start (scratch AND fine-tuning, the better selection LAS kept, both recorded) and ``deplab train --start``."""
from __future__ import annotations

import copy
import json

import pytest
import torch

from deplab.parser import auto_start
from deplab.parser.auto_start import AUTO, SCRATCH, choose, default_start, resolve_start, train_auto
from deplab.parser.callbacks import TrainingCallbacks
from deplab.parser.conllu import read_conllu
from deplab.parser.decode import parse_batch
from deplab.parser.examples import Treebank, oracle_examples
from deplab.parser.finetune import finetune
from deplab.parser.finetune_config import FinetuneConfig
from deplab.parser.model import Model
from deplab.parser.progress import Cancelled
from deplab.parser.system_growth import grow_system, has_nonprojective, needs_swap
from deplab.parser.train_config import TrainConfig
from deplab.parser.transfer import crosslingual_config, recipe, transfer_epochs
from deplab.parser.transition import SWAP, Transition

from conftest import FIXTURES, TINY_SIZES

NONPROJECTIVE = FIXTURES / "treebank" / "small.conllu"  # has a non-projective tree


def _tiny_cfg(**kw) -> TrainConfig:
    options = dict(epochs=2, batch_size=4, lr=0.01, sizes=TINY_SIZES["kg2016"], language="nl", threads=1)
    return TrainConfig(**{**options, **kw})


def test_crosslingual_recipe_has_no_guard_no_early_stop_and_the_measured_100_epochs_at_most():
    cfg = crosslingual_config(90)
    assert (cfg.guard, cfg.patience, cfg.select_best, cfg.epochs) == ("none", 0, True, 100)
    assert transfer_epochs(583, 32) == 79  # 19 batches: no more steps than auto_epochs' ~1,500
    en = Model.create({"arch": "kg2016", "sizes": dict(TINY_SIZES["kg2016"]), "language": "en"},
                      *_vocabularies(), ["nsubj"])
    assert recipe(en, "nl", 90)[1] == "cross-lingual" and recipe(en, "nl", 90, epochs=3)[0].epochs == 3
    same, name = recipe(en, "en", 90)
    assert name == "same-language" and same == FinetuneConfig()


def _vocabularies():
    from deplab.parser.vocab import Vocabulary
    return Vocabulary.build(["a"]), Vocabulary.build(["a"]), Vocabulary.build(["NOUN"])


def test_arc_standard_grows_into_swap_keeping_the_learned_rows(tiny_model_dir):
    model = Model.load(tiny_model_dir)
    assert model.transitions.system.name == "arc-standard"
    before = model.parser.out.weight.detach().clone()
    forms = [[w.form for w in s.words] for s in read_conllu(FIXTURES / "tiny_dev.conllu")]
    heads = [p.heads for p in parse_batch(model, forms)]
    grown = copy.deepcopy(model)
    assert grow_system(grown, "swap") == ["SWAP"]
    assert grown.transitions.system.name == "swap" and grown.config["system"] == "swap"
    assert grown.transitions[len(model.transitions)] == Transition(SWAP)
    assert torch.equal(grown.parser.out.weight[:len(before)], before)  # the learned rows are kept
    assert [p.heads for p in parse_batch(grown, forms)] == heads      # and nothing changes before training
    with pytest.raises(ValueError, match="cannot be switched"):
        grow_system(copy.deepcopy(grown), "arc-eager")


def test_finetuning_on_nonprojective_data_gets_the_swap_system(tiny_model_dir):
    base = Model.load(tiny_model_dir)
    sentences = read_conllu(NONPROJECTIVE)
    assert has_nonprojective(sentences) and needs_swap(base, sentences)
    assert not needs_swap(base, read_conllu(FIXTURES / "tiny.conllu"))
    logs = []

    class Log(TrainingCallbacks):
        def log(self, message):
            logs.append(message)

    result = finetune(base, sentences, sentences[:2], FinetuneConfig(epochs=2, batch_size=4), Log())
    model = result.model
    assert model.transitions.system.name == "swap" and base.transitions.system.name == "arc-standard"
    assert any("transition system swap" in m for m in logs)
    # trained on the trees as they are: the oracle of the non-projective tree swaps
    tb = Treebank.from_sentences(sentences, projective=False)
    assert (oracle_examples(tb, model).actions == model.transitions.number(SWAP)).any()
    kept = finetune(base, sentences, sentences[:2], FinetuneConfig(epochs=1, batch_size=4, system="keep"))
    assert kept.model.transitions.system.name == "arc-standard"


def test_default_start_is_auto_for_small_data_with_the_bundled_model(monkeypatch):
    assert default_start(2000) == AUTO and default_start(2001) == SCRATCH  # EWT-sized data is not trained twice
    assert resolve_start(None, 500, TrainConfig())[0] == AUTO
    assert resolve_start(None, 500, TrainConfig(system="arc-eager"))[0] == SCRATCH
    assert resolve_start(SCRATCH, 500, TrainConfig())[0] == SCRATCH
    monkeypatch.setattr(auto_start, "bundled_base", lambda: None)
    assert resolve_start(None, 500, TrainConfig()) == (SCRATCH, "the default: no bundled model is installed")


def test_choose_keeps_the_better_selection_las_and_scratch_on_a_tie():
    assert choose({"scratch": {"LAS": 50.0}, "finetuned": {"LAS": 51.0}}) == "finetuned"
    assert choose({"scratch": {"LAS": 52.0}, "finetuned": {"LAS": 51.0}}) == "scratch"
    assert choose({"scratch": {"LAS": 51.0}, "finetuned": {"LAS": 51.0}}) == "scratch"
    assert choose({"scratch": {"LAS": 50.0}, "finetuned": {"LAS": 51.0}, "ensemble": {"LAS": 51.0}}) == "finetuned"
    assert choose({"scratch": {"LAS": 50.0}, "finetuned": {"LAS": 51.0}, "ensemble": {"LAS": 51.5}}) == "ensemble"


def test_auto_start_trains_both_and_records_the_choice(tmp_path, tiny_model_dir):
    sentences = read_conllu(FIXTURES / "tiny.conllu")
    train, dev = sentences[:36], sentences[36:]
    logs = []

    class Log(TrainingCallbacks):
        def log(self, message):
            logs.append(message)

    model, best = train_auto(train, dev, tmp_path / "m", _tiny_cfg(), tiny_model_dir, Log(), parallel=False,
                             record={"heldout_sentences": len(dev)})
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    start = config["start"]
    assert start["mode"] == AUTO and start["base"] == tiny_model_dir.name
    assert set(start["selection"]) == {"scratch", "finetuned", "ensemble"}  # both starts, and both as an ensemble
    las = {k: v["LAS"] for k, v in start["selection"].items()}
    assert start["chosen"] == choose({k: {"LAS": v} for k, v in las.items()})
    assert (start["members"] if start["chosen"] == "ensemble" else [start["chosen"]]) == start["members"]
    assert len(model.partners) == len(start["members"]) - 1
    assert config["training"]["best"]["LAS"] == best["LAS"] == las[start["chosen"]]
    assert config["training"]["heldout_sentences"] == 9 and config["language"] == "nl"
    assert any(m.startswith("auto start: selection LAS") and "kept" in m for m in logs)
    assert any(m.startswith("[scratch]") for m in logs) and any(m.startswith(f"[{tiny_model_dir.name}]") for m in logs)
    assert model.path == tmp_path / "m"


def test_cancelled_auto_start_writes_nothing(tmp_path, tiny_model_dir):
    sentences = read_conllu(FIXTURES / "tiny.conllu")
    seen = []

    class CancelSoon(TrainingCallbacks):
        def progress(self, done, total, message=""):
            seen.append(done)

        def cancelled(self):
            return len(seen) > 3

    with pytest.raises(Cancelled):
        train_auto(sentences[:36], sentences[36:], tmp_path / "m", _tiny_cfg(epochs=50), tiny_model_dir,
                   CancelSoon(), parallel=True)
    assert not (tmp_path / "m").exists() and list(tmp_path.iterdir()) == []


def test_deplab_train_start_auto_in_two_processes(tmp_path, tiny_model_dir, monkeypatch, capsys):
    from deplab.parser.cli import main
    monkeypatch.setattr(auto_start, "bundled_base", lambda: tiny_model_dir)  # the tiny model stands in, for speed
    out = tmp_path / "m"
    assert main(["train", "--train", str(FIXTURES / "tiny.conllu"), "--out", str(out), "--lang", "nl",
                 "--epochs", "2", "--batch-size", "4", "--threads", "1",
                 *[f"--size={k}={v}" for k, v in TINY_SIZES["kg2016"].items()]]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["start"]["mode"] == AUTO and config["start"]["parallel"] is True
    assert config["training"]["train"]["name"] == "tiny.conllu" and config["training"]["heldout_sentences"] == 4
    scratch = tmp_path / "s"
    assert main(["train", "--train", str(FIXTURES / "tiny.conllu"), "--out", str(scratch), "--lang", "nl",
                 "--start", "scratch", "--epochs", "1", "--batch-size", "4", "--threads", "1",
                 *[f"--size={k}={v}" for k, v in TINY_SIZES["kg2016"].items()]]) == 0
    assert "start" not in json.loads((scratch / "config.json").read_text())
    assert "warning: only 45 gold sentences" in capsys.readouterr().err  # a 45-sentence file is few (logged on stderr)
