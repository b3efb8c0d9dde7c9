"""Ensembles of parsers (parser/ensemble.py): one greedy decoder over the members' mean log-probabilities,
members matched by transition and label names, saved as partner folders, and left out by training and
compression (issue 17: the auto start may keep scratch and fine-tuned together)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from deplab.parser.conllu import read_conllu
from deplab.parser.decode import parse_batch, tag, trace
from deplab.parser.ensemble import mean_log_probs, tag_columns, transition_map
from deplab.parser.errors import ModelError
from deplab.parser.finetune import FinetuneConfig, finetune
from deplab.parser.model import Model
from deplab.parser.selection import dev_scores
from deplab.parser.transition import TransitionSet

from conftest import FIXTURES, train_tiny

SENTENCES = read_conllu(FIXTURES / "tiny_dev.conllu")
FORMS = [[w.form for w in s.words] for s in SENTENCES]


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    """Every test of this file on one torch thread."""


@pytest.fixture(scope="module")
def other_model_dir(tmp_path_factory):
    """A second tiny model, trained with another seed."""
    out = tmp_path_factory.mktemp("ensemble") / "seed2"
    train_tiny(out, seed=2)
    return out


def _parses(model, forms=FORMS):
    return [(p.tags, p.heads, p.labels) for p in parse_batch(model, forms)]


def test_a_model_with_itself_as_partner_parses_as_the_model(tiny_model_dir):
    alone = Model.load(tiny_model_dir)
    pair = Model.load(tiny_model_dir)
    pair.partners = [Model.load(tiny_model_dir)]
    assert _parses(pair) == _parses(alone)  # the mean of equal log-probabilities picks the same moves and tags
    t1, t2 = trace(alone, FORMS[0]), trace(pair, FORMS[0])
    assert [s.chosen for s in t1.steps] == [s.chosen for s in t2.steps] and t1.tags == t2.tags
    assert tag(pair, FORMS[0]) == tag(alone, FORMS[0])


def test_an_ensemble_saves_its_partners_and_loads_them_back(tiny_model_dir, other_model_dir, tmp_path):
    pair = Model.load(tiny_model_dir)
    pair.partners = [Model.load(other_model_dir)]
    before = _parses(pair)
    pair.save(tmp_path / "pair")
    config = json.loads((tmp_path / "pair" / "config.json").read_text())
    assert config["ensemble"] == {"partners": ["partner-1"]} and (tmp_path / "pair" / "partner-1" / "config.json").is_file()
    loaded = Model.load(tmp_path / "pair")
    assert len(loaded.partners) == 1 and loaded.partners[0].path == tmp_path / "pair" / "partner-1"
    assert _parses(loaded) == before
    scores = dev_scores(loaded, SENTENCES)
    assert 0.0 <= scores["LAS"] <= 100.0
    for p in _parses(loaded):  # every word gets one head, and one word hangs from ROOT
        assert len(p[1]) == len(p[2]) and p[1].count(0) >= 1
    # a partner name must be a partner-N folder of the model: a model file cannot point elsewhere
    config["ensemble"] = {"partners": ["../elsewhere"]}
    (tmp_path / "pair" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="partner-N"):
        Model.load(tmp_path / "pair")
    # saved without partners, the folder is a single model again
    single = Model.load(tiny_model_dir)
    single.config["ensemble"] = {"partners": ["partner-1"]}  # stale
    single.save(tmp_path / "single")
    assert "ensemble" not in json.loads((tmp_path / "single" / "config.json").read_text())


def test_members_are_matched_by_transition_and_label_names():
    ref = TransitionSet(["nsubj", "obj", "vocative"], "swap")
    member = TransitionSet(["obj", "nsubj"], "swap")

    class M:  # what transition_map reads of a model
        def __init__(self, ts):
            self.transitions, self.labels = ts, ts.labels
    actions, labels = transition_map(M(ref), M(member))
    for k, t in enumerate(ref):
        if t.label == "vocative":
            assert actions[k] == -1  # the member does not know it
        else:
            assert member[actions[k]] == t
    assert [member.labels[i] for i in labels[:2]] == ["nsubj", "obj"] and labels[2] == -1 and labels[-1] == -1


def test_mean_log_probs_average_the_members_that_know_a_column():
    a = torch.log(torch.tensor([[0.5, 0.25, 0.25]]))
    b = torch.log(torch.tensor([[0.2, 0.8]]))  # knows reference columns 1 and 0, not 2
    out = mean_log_probs([(a, np.array([0, 1, 2])), (b, np.array([1, 0, -1]))], 3)
    expected = [(np.log(0.5) + np.log(0.8)) / 2, (np.log(0.25) + np.log(0.2)) / 2, np.log(0.25)]
    assert out[0].tolist() == pytest.approx(expected, rel=1e-5)


def test_tag_columns_follow_the_tag_names(tiny_model_dir):
    m = Model.load(tiny_model_dir)
    cols = tag_columns(m, m)
    assert cols.tolist() == list(range(len(m.tags.itos)))


def test_training_starts_from_the_first_member_alone(tiny_model_dir, other_model_dir):
    pair = Model.load(tiny_model_dir)
    pair.partners = [Model.load(other_model_dir)]
    logs = []
    from deplab.parser.callbacks import LogTo
    result = finetune(pair, read_conllu(FIXTURES / "kitchen.conllu"), [], FinetuneConfig(epochs=1, batch_size=4,
                      patience=0), LogTo(logs.append))
    assert result.model.partners == [] and any("ensemble of 2 parsers" in m for m in logs)
    assert pair.partners  # the base is untouched


def test_the_why_of_an_ensemble_step_occludes_every_member(tiny_model_dir):
    from deplab.parser.attribution import explain
    alone = Model.load(tiny_model_dir)
    pair = Model.load(tiny_model_dir)
    pair.partners = [Model.load(tiny_model_dir)]
    t = trace(pair, FORMS[0])
    a, b = explain(alone, trace(alone, FORMS[0]), 2), explain(pair, t, 2)
    assert a.chosen == b.chosen and [p.name for p in a.pushes] == [p.name for p in b.pushes]
    # the ensemble's margins are of mean log-probabilities; with twin members a difference of log-softmax
    # values is the difference of the member's logits, so margin and pushes are the member's own
    assert b.margin == pytest.approx(a.margin, abs=1e-4)
    assert [q.delta for q in b.pushes] == pytest.approx([p.delta for p in a.pushes], abs=1e-4)


def test_the_app_says_a_model_is_an_ensemble(tiny_model_dir, tmp_path):
    from deplab.app.qt.explain import architecture_html
    from deplab.parser.pipeline import Pipeline
    pair = Model.load(tiny_model_dir)
    pair.partners = [Model.load(tiny_model_dir)]
    pair.save(tmp_path / "pair")
    info = Pipeline(Model.load(tmp_path / "pair")).describe()
    single = Model.load(tiny_model_dir)
    assert info["members"] == 2 and info["parameters"] == 2 * single.n_parameters()
    html = architecture_html(info)
    assert "An ensemble of 2 parsers" in html and "in all 2 networks" in html
    assert "ensemble" not in architecture_html(Pipeline(single).describe())
