"""Fine-tuning engine: vocabulary growth, freezing, loss, cancel, records, the command, uncertainty."""
import json

import pytest
import torch

from deplab.parser import decode, finetune as ft, growth, uncertainty
from deplab.parser.callbacks import LogTo, TrainingCallbacks
from deplab.parser.cli import main
from deplab.parser.conllu import read_conllu
from deplab.parser.errors import UserError
from deplab.parser.learning_curve import learning_curve
from deplab.parser.model import Model
from deplab.parser.parameter_parts import PARTS, parameter_parts, parse_freeze
from deplab.parser.progress import Cancelled

from conftest import FIXTURES

KITCHEN = FIXTURES / "kitchen.conllu"   # hand-written imperatives, with the new relation "vocative"


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    """Every test of this file on one torch thread."""


@pytest.fixture
def base(tiny_model_dir):
    return Model.load(tiny_model_dir)


def _state(model):
    return {n: p.detach().clone() for n, p in ft.named_parameters(model)}


def _forms(sentences):
    return [[w.form for w in s.words] for s in sentences]


def test_every_parameter_belongs_to_one_part(base, tiny_cm_model_dir):
    for model in (base, Model.load(tiny_cm_model_dir)):
        parts = parameter_parts(model)
        assert all(parts[p] for p in PARTS), {p: len(v) for p, v in parts.items()}
        assert sum(len(v) for v in parts.values()) == len(ft.named_parameters(model))
    assert ft.part_of("parser.tagger.encoder.words.weight") == "embeddings"
    assert ft.part_of("parser.tagger.encoder.chars.conv.weight") == "embeddings"
    assert ft.part_of("parser.labels.weight") == "embeddings"
    assert ft.part_of("parser.label_hidden.weight") == "hidden"
    assert ft.part_of("parser.tagger.encoder.lstm.weight_hh_l0") == "hidden"
    assert ft.part_of("parser.out.bias") == "output"
    assert ft.part_of("parser.tagger.out.weight") == "output"


@pytest.mark.parametrize("which", ["tiny_model_dir", "tiny_cm_model_dir"])
def test_growth_keeps_old_predictions_and_scores(which, request):
    model = Model.load(request.getfixturevalue(which))
    old = read_conllu(FIXTURES / "tiny.conllu")
    new = read_conllu(KITCHEN)
    before = decode.parse_batch(model, _forms(old + new))
    # transition scores of one configuration batch, before growth
    enc = model.encode(_forms(old[:4]), [[w.upos for w in s.words] for s in old[:4]])
    rows, pos = torch.tensor([0, 1, 2, 3]), torch.tensor([[1, 0] + [-1] * 16] * 4)
    labs = torch.full((4, 12), -1)
    model.eval()
    with torch.no_grad():
        s_before = model.parser.scores(model.parser.context(enc), rows, pos, labs)
    old_transitions = model.transitions
    n_words = len(model.words)
    tb = ft.training_treebank(new)
    g = growth.grow(model, tb.forms, tb.tags, tb.labels)
    assert g.labels == ["vocative"] and "vocative" in model.labels
    assert g.words and len(model.words) == n_words + len(g.words)
    assert model.words.itos[:n_words] == [w for w in model.words.itos[:n_words]]
    for w in g.words:
        assert model.words.counts[w] >= 1
    # the output layer grew by two transitions, the old ones were remapped
    assert len(model.transitions) == len(old_transitions) + 2
    after = decode.parse_batch(model, _forms(old + new))
    assert after == before  # old words and (UNK-initialised) new words alike
    enc2 = model.encode(_forms(old[:4]), [[w.upos for w in s.words] for s in old[:4]])
    known = enc.words != 1  # old words keep their ids; words that were UNK may now have their own row
    assert torch.equal(enc2.words[known], enc.words[known]) and (enc2.words != enc.words).any()
    with torch.no_grad():
        s_after = model.parser.scores(model.parser.context(enc2), rows, pos, labs)
    mapping = growth.transition_map(old_transitions, model.transitions)
    assert torch.equal(s_after[:, mapping], s_before)
    for t in ("LEFT-ARC(vocative)", "RIGHT-ARC(vocative)"):
        k = [str(x) for x in model.transitions.transitions].index(t)
        assert (s_after[:, k] < s_after[:, mapping].max(1).values).all()


def test_grown_model_saves_and_loads(base, tmp_path):
    tb = ft.training_treebank(read_conllu(KITCHEN))
    growth.grow(base, tb.forms, tb.tags, tb.labels)
    base.save(tmp_path / "grown")
    again = Model.load(tmp_path / "grown")
    forms = _forms(read_conllu(KITCHEN))
    assert decode.parse_batch(again, forms) == decode.parse_batch(base, forms)


def test_finetuning_lowers_the_loss_and_changes_only_unfrozen_parts(base, tiny_model_dir):
    train = read_conllu(KITCHEN)
    cfg = ft.FinetuneConfig(epochs=6, lr=3e-3, batch_size=4, freeze=("embeddings", "hidden"), patience=0)
    before_state = _state(base)
    known = [s for s in train if all(w.deprel != "vocative" for w in s.words)]  # the base has no vocative
    loss_before = ft.oracle_loss(base, known)
    result = ft.finetune(base, train, [], cfg)
    tuned = result.model
    assert ft.oracle_loss(tuned, known) < loss_before - 0.05
    assert len(result.history) == 6
    # the base model in memory and on disk is untouched
    for n, v in _state(base).items():
        assert torch.equal(v, before_state[n]), n
    assert decode.parse_batch(Model.load(tiny_model_dir), _forms(train)) == decode.parse_batch(base, _forms(train))
    g = result.growth
    changed = set()
    for part, named in parameter_parts(tuned).items():
        for n, p in named:
            old = before_state[n]
            if p.shape != old.shape:  # a grown table: its old rows are compared
                rows = old.shape[0]
                assert part in ("embeddings", "output")
                if part == "embeddings":  # frozen: old rows fixed, new rows trained
                    assert torch.equal(p.detach()[:rows], old), n
                    if n.endswith("words.weight"):  # new rows started as copies of UNK and moved apart
                        assert not torch.equal(p.detach()[rows:], p.detach()[rows:rows + 1].expand_as(p[rows:]))
                    changed.add(n)
                elif not torch.equal(p.detach()[:rows], old):  # the output layer trains
                    changed.add(n)
                continue
            if part in cfg.freeze:
                assert torch.equal(p.detach(), old), f"frozen {n} changed"
            elif not torch.equal(p.detach(), old):
                changed.add(n)
    assert "parser.out.weight" in changed and "parser.tagger.encoder.words.weight" in changed
    assert g.labels == ["vocative"]
    assert all(p.requires_grad for _, p in ft.named_parameters(tuned))  # no freezing leaks out


def test_new_relation_is_learned(base):
    train = read_conllu(KITCHEN)
    cfg = ft.FinetuneConfig(epochs=25, lr=5e-3, batch_size=4, patience=0)
    tuned = ft.finetune(base, train, [], cfg).model
    parsed = decode.parse_batch(tuned, _forms(train))
    predicted = [l for p in parsed for l in p.labels]
    assert "vocative" in predicted


def test_cancel_raises_and_leaves_base_untouched(base):
    state = _state(base)
    calls = {"n": 0}

    class Cancel(TrainingCallbacks):
        def cancelled(self):
            calls["n"] += 1
            return calls["n"] > 2
    with pytest.raises(Cancelled):
        ft.finetune(base, read_conllu(KITCHEN), [], ft.FinetuneConfig(epochs=3, batch_size=2),
                    Cancel())
    assert all(torch.equal(v, state[n]) for n, v in _state(base).items())
    assert "vocative" not in base.labels


def test_experiment_record_early_stopping_and_baseline(base):
    train = read_conllu(FIXTURES / "tiny_dev.conllu") + read_conllu(KITCHEN)
    held = read_conllu(FIXTURES / "tiny.conllu")[:12]
    seen = []
    cfg = ft.FinetuneConfig(epochs=3, batch_size=8, patience=1)

    class Epochs(TrainingCallbacks):
        def epoch_end(self, run, epoch, scores):
            seen.append((run, epoch))
    r = ft.run_experiment(base, train, held, cfg, baseline=True, callbacks=Epochs())
    assert seen[0] == ("base", 0)
    assert ("finetuned", 1) in seen and ("scratch", 1) in seen
    rec = r.finetuned.model.config["finetune"]
    assert rec["before"] == r.base_scores and rec["after"] == r.finetuned.final
    assert rec["options"]["epochs"] == 3 and rec["heldout"]["sentences"] == 12
    assert rec["scratch"]["final"] == r.scratch.final
    assert r.finetuned.final["LAS"] == max(h["LAS"] for h in r.finetuned.history)  # best epoch kept
    assert "training" in r.finetuned.model.config  # the base's training record is kept
    json.dumps(rec)  # the record is plain JSON
    assert "held-out" in ft.format_table(r)


def test_discriminative_learning_rates(base):
    train = read_conllu(KITCHEN)
    cfg = ft.FinetuneConfig(epochs=1, lr=1e-3, batch_size=4, layer_decay=2.0)
    model = Model.load(base.path)
    trainer = ft.FineTuner(model, ft.training_treebank(train), ft.TrainConfig(lr=1e-3),
                           layer_decay=2.0, parts={id(p): ft.part_of(n) for n, p in ft.named_parameters(model)})
    opt = trainer._optimizer(list(model.parser.parameters()))
    assert sorted(g["lr"] for g in opt.param_groups) == [2.5e-4, 5e-4, 1e-3]
    assert ft.finetune(base, train, [], cfg).history


def test_split_heldout_is_seeded_and_disjoint():
    sents = read_conllu(FIXTURES / "tiny.conllu")
    a, b = ft.split_heldout(sents, 20, seed=3)
    a2, b2 = ft.split_heldout(sents, 20, seed=3)
    assert [s.sent_id for s in b] == [s.sent_id for s in b2] and len(b) == 9 and len(a) + len(b) == len(sents)
    assert not {s.sent_id for s in a} & {s.sent_id for s in b}
    assert ft.split_heldout(sents, 0)[1] == []


def test_parse_freeze():
    assert parse_freeze("hidden, embeddings") == ("embeddings", "hidden")
    with pytest.raises(UserError, match="unknown part"):
        parse_freeze("lstm")
    with pytest.raises(UserError, match="nothing would be trained"):
        parse_freeze("embeddings,hidden,output")


def test_command_writes_a_model_with_its_record(tiny_model_dir, tmp_path, capsys):
    out = tmp_path / "ft"
    rc = main(["finetune", "--base", str(tiny_model_dir), "--train", str(KITCHEN), "--dev",
               str(FIXTURES / "tiny_dev.conllu"), "--out", str(out), "--epochs", "2", "--freeze", "embeddings",
               "--batch-size", "4"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "fine-tuned" in text and "base model" in text
    m = Model.load(out)
    rec = m.config["finetune"]
    # data and base model by file name and sha256, never an absolute path
    assert rec["base"]["name"] == tiny_model_dir.name and rec["options"]["freeze"] == ["embeddings"]
    assert rec["base"]["files"]["config.json"] == ft.sha256(tiny_model_dir / "config.json")
    assert rec["data"]["name"] == "kitchen.conllu" and rec["data"]["sha256"] == ft.sha256(KITCHEN)
    assert rec["data"]["heldout"]["name"] == "tiny_dev.conllu"
    assert str(tmp_path) not in json.dumps(rec) and str(tiny_model_dir) not in json.dumps(rec)
    assert "vocative" in m.labels and len(rec["finetuned"]["history"]) == 2
    # the base folder is still a loadable, unchanged model
    assert "vocative" not in Model.load(tiny_model_dir).labels


def test_command_errors_are_one_line(tiny_model_dir, tmp_path, capsys):
    assert main(["finetune", "--base", str(tiny_model_dir), "--train", str(KITCHEN), "--out",
                 str(tmp_path / "x"), "--freeze", "lstm"]) == 1
    assert "unknown part 'lstm'" in capsys.readouterr().err
    assert main(["finetune", "--base", str(tiny_model_dir), "--train", str(KITCHEN), "--out",
                 str(tiny_model_dir)]) == 1
    assert "base model" in capsys.readouterr().err
    bad = tmp_path / "bad.conllu"
    bad.write_text("1\tword\n")
    assert main(["finetune", "--base", str(tiny_model_dir), "--train", str(bad), "--out", str(tmp_path / "y")]) == 1
    err = capsys.readouterr().err
    assert "bad.conllu" in err and "Traceback" not in err
    assert main(["finetune", "--base", str(tmp_path), "--train", str(KITCHEN), "--out", str(tmp_path / "z")]) == 1
    assert "not a DepLab model" in capsys.readouterr().err


def test_margins_and_uncertainty_ranking(base):
    sents = read_conllu(FIXTURES / "tiny_dev.conllu")
    forms = _forms(sents)
    plain = decode.parse_batch(base, forms)
    with_m = decode.parse_batch(base, forms, margins=True, batch_size=3)
    assert [(p.heads, p.labels, p.tags) for p in plain] == [(p.heads, p.labels, p.tags) for p in with_m]
    for f, p in zip(forms, with_m):
        assert 0 < len(p.margins) <= 2 * len(f) and all(0.0 <= m <= 1.0 for m in p.margins)
    # the margin of a step is p(best) - p(second) among legal moves, as in the trace
    tr = decode.trace(base, forms[0], with_m[0].tags)
    ref = []
    for st in tr.steps:
        legal = [p for p, ok in zip(st.scores, st.legal) if ok]
        if len(legal) >= 2:
            a, b = sorted(legal, reverse=True)[:2]
            ref.append((a - b) / sum(legal))
    assert with_m[0].margins == pytest.approx(ref, abs=1e-5)
    ranked = uncertainty.rank(base, sents)
    assert sorted(u.index for u in ranked) == list(range(len(sents)))
    means = [u.mean_margin for u in ranked]
    assert means == sorted(means)
    assert ranked[0].score >= ranked[-1].score
    by_min = uncertainty.rank(base, sents, by="min")
    assert [u.min_margin for u in by_min] == sorted(u.min_margin for u in by_min)


def test_learning_curve_points(base):
    pool = read_conllu(KITCHEN) + read_conllu(FIXTURES / "tiny_dev.conllu")
    held = read_conllu(FIXTURES / "tiny.conllu")[:10]
    points = []
    curve = learning_curve(base, pool, held, [5, 10, 500], ft.FinetuneConfig(epochs=1, batch_size=8),
                           on_point=points.append)
    assert [p["sentences"] for p in curve] == [5, 10, len(pool)] and points == curve
    for p in curve:
        assert set(p["finetuned"]) == {"UPOS", "UAS", "LAS"} and set(p["scratch"]) == {"UPOS", "UAS", "LAS"}
        assert p["base"]["LAS"] == curve[0]["base"]["LAS"]


def test_rehearsal_mixes_base_domain_sentences_into_every_epoch(base, tmp_path):
    train = read_conllu(KITCHEN)
    cfg = ft.FinetuneConfig(epochs=3, batch_size=4, rehearsal=5, rehearsal_data=str(FIXTURES / "tiny.conllu"))
    logged = []
    reh = ft.rehearsal_treebank(base, cfg, logged.append)
    assert len(reh) == 15 and "rehearsal: 5 of 45" in logged[0]  # 5 per epoch, a seeded sample
    assert ft.rehearsal_treebank(base, cfg, logged.append).forms == reh.forms
    tb = ft.training_treebank(train)
    mixed = ft.Treebank(tb.forms + reh.forms, tb.tags + reh.tags, tb.heads + reh.heads, tb.labels + reh.labels)
    trainer = ft.FineTuner(Model.load(base.path), mixed, ft.TrainConfig(batch_size=4),
                           n_main=len(tb), rehearse=5)
    seen = []
    for epoch in (1, 2, 3):
        idx = [i for b in trainer.epoch_batches(epoch) for i in b]
        assert all(len(b) <= 4 for b in trainer.epoch_batches(epoch))
        assert sorted(i for i in idx if i < len(tb)) == list(range(len(tb)))  # every in-domain sentence
        extra = sorted(i for i in idx if i >= len(tb))
        assert len(extra) == 5
        seen.append(extra)
    assert not set(seen[0]) & set(seen[1]) and not set(seen[1]) & set(seen[2])  # each epoch its own slice
    # the run itself: the base-domain sentences add examples; no rehearsal without the option
    r = ft.finetune(base, train, [], cfg, LogTo(logged.append))
    assert any("rehearsal" in m for m in logged) and len(r.history) == 3
    assert ft.rehearsal_treebank(base, ft.FinetuneConfig(rehearsal=0)) is None
    with pytest.raises(UserError, match="not found"):
        ft.rehearsal_treebank(base, ft.FinetuneConfig(rehearsal=5, rehearsal_data=str(tmp_path / "no.conllu")))


def test_slanted_triangular_learning_rate(base):
    trainer = ft.FineTuner(Model.load(base.path), ft.training_treebank(read_conllu(KITCHEN)), ft.TrainConfig(lr=1e-3),
                           warmup=0.2)
    trainer.total_steps = 10
    f = [trainer.lr_factor(k) for k in range(10)]
    assert f[:2] == [0.5, 1.0] and f[2] == pytest.approx(1.0) and f[9] == pytest.approx(0.125)
    assert all(a >= b for a, b in zip(f[1:], f[2:]))  # then it only decreases
    assert ft.FineTuner(Model.load(base.path), ft.training_treebank(read_conllu(KITCHEN)),
                        ft.TrainConfig()).lr_factor(3) == 1.0  # no warm-up: constant
    # in a run, the optimiser's rate follows the schedule step by step
    rates = []
    cfg = ft.FinetuneConfig(epochs=2, lr=1e-3, batch_size=4, warmup=0.25, patience=0)
    orig = ft.FineTuner.after_step

    def spy(self):  # the rate the step just taken used
        rates.append(self.opt.param_groups[0]["lr"])
        orig(self)
    ft.FineTuner.after_step = spy
    try:
        ft.finetune(base, read_conllu(KITCHEN), [], cfg)
    finally:
        ft.FineTuner.after_step = orig
    peak = rates.index(max(rates))
    assert max(rates) == pytest.approx(1e-3) and 0 < peak < len(rates) - 1
    assert rates[0] < 1e-3 and 0 < rates[-1] < 1e-3 / 2
    assert all(a >= b for a, b in zip(rates[peak:], rates[peak + 1:]))


def test_polyak_averaging_keeps_the_averaged_weights(base):
    """``average`` is the decay of the moving average scored and kept (Polyak & Juditsky 1992): at 1.0 the
    average never moves from the starting weights, so those are what the run keeps; at 0 (off) the run's own."""
    sentences = read_conllu(KITCHEN)
    kept = {}
    for decay in (0.0, 1.0):
        result = ft.finetune(base, sentences, [], ft.FinetuneConfig(epochs=2, lr=5e-3, batch_size=4, patience=0,
                                                                     system="keep", average=decay))
        kept[decay] = _state(result.model)
    start = _state(base)
    same = [n for n, v in start.items() if kept[1.0][n].shape == v.shape]
    assert same and all(torch.equal(kept[1.0][n], start[n]) for n in same)  # the (un-grown) weights: the start's
    assert any(not torch.equal(kept[0.0][n], start[n]) for n in same)       # without averaging they moved
    assert ft.FinetuneConfig().average == 0.0  # off unless asked for (the same-language recipe)
