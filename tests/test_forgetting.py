"""Guards against forgetting that need no base-domain data: LwF and L2-SP change the loss as they should,
and fine-tuning works without the base model's training data (issue 16)."""
import copy

import pytest
import torch
import torch.nn.functional as F

from deplab.parser import finetune as ft
from deplab.parser.callbacks import LogTo
from deplab.parser.conllu import read_conllu
from deplab.parser.errors import UserError
from deplab.parser.examples import oracle_examples
from deplab.parser.forgetting import L2SP, LwF, guarded_objective, parse_guard
from deplab.parser.growth import grow
from deplab.parser.model import Model

from conftest import FIXTURES

KITCHEN = FIXTURES / "kitchen.conllu"   # hand-written, with the relation "vocative" the tiny model lacks


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    """Every test of this file on one torch thread."""


def _grown(base):
    model = copy.deepcopy(base)
    tb = ft.training_treebank(read_conllu(KITCHEN))
    grow(model, tb.forms, tb.tags, tb.labels)
    return model, tb


def _batch(model, tb, idx):
    ex = oracle_examples(tb, model)
    b = model.encode([tb.forms[i] for i in idx])
    sel = [j for i in idx for j in range(ex.offsets[i], ex.offsets[i + 1])]
    local = [k for k, i in enumerate(idx) for _ in range(ex.offsets[i + 1] - ex.offsets[i])]
    rows, pos, labs = torch.tensor(local), torch.from_numpy(ex.pos[sel]), torch.from_numpy(ex.labs[sel])
    return b, rows, pos, labs, torch.from_numpy(ex.actions[sel])


def test_l2sp_is_zero_at_the_base_weights_and_grows_as_alpha_over_2_times_the_squared_distance(tiny_model_dir):
    base = Model.load(tiny_model_dir)
    model, _ = _grown(base)  # grown tables and a renumbered output layer: only the old rows have a starting point
    guard = L2SP(model, base, alpha=0.5)
    assert guard.penalty().item() == 0.0
    w = model.parser.labels.weight
    with torch.no_grad():
        w[1] += 0.1            # an old row: penalised
        w[-1] += 10.0          # the new relation's row: no starting point, free
    n = w.shape[1]
    assert guard.penalty().item() == pytest.approx(0.5 / 2 * n * 0.01, rel=1e-4)
    guard.penalty().backward()
    assert w.grad[1].abs().sum() > 0 and w.grad[-1].abs().sum() == 0


def test_lwf_is_zero_for_the_base_model_itself_and_pulls_towards_its_predictions(tiny_model_dir):
    base = Model.load(tiny_model_dir)
    model, tb = _grown(base)
    model.eval()
    lwf = LwF(base, model, tb.forms, weight=1.0, temperature=2.0)
    idx = list(range(min(4, len(tb))))
    b, rows, pos, labs, gold = _batch(model, tb, idx)
    with torch.no_grad():
        logits = model.parser.scores(model.parser.context(b), rows, pos, labs)
    # growth keeps every old prediction and the new transitions start far below: the grown model matches
    # the teacher, so the distillation term is (almost) its minimum, the teacher's own entropy
    teacher = lwf.teacher_logits(idx, rows.numpy(), pos.numpy(), labs.numpy())
    p = F.softmax(teacher / 2, -1)
    assert lwf.loss(logits, idx, rows.numpy(), pos.numpy(), labs.numpy()).item() < 0.05
    # other scores cost more, and the term is T^2 * KL(p_teacher || p_model) exactly
    noisy = logits + torch.randn_like(logits)
    log_q = F.log_softmax(noisy / 2, -1)[:, lwf.columns]
    kl = (p * (p.clamp_min(1e-12).log() - log_q)).sum(-1).mean()
    got = lwf.loss(noisy, idx, rows.numpy(), pos.numpy(), labs.numpy())
    assert got.item() == pytest.approx(4 * kl.item(), rel=1e-5) and got.item() > 0.05
    # the objective is cross-entropy plus the guard terms
    obj = guarded_objective(lwf, None)
    ce = F.cross_entropy(noisy, gold)
    assert obj(noisy, gold, idx, rows.numpy(), pos.numpy(), labs.numpy()).item() == pytest.approx(
        ce.item() + got.item(), rel=1e-5)
    assert guarded_objective(None, None) is None


def test_guards_keep_the_model_nearer_the_base(tiny_model_dir):
    """On the tiny model, both guards end nearer the base weights than plain fine-tuning."""
    base = Model.load(tiny_model_dir)
    train = read_conllu(KITCHEN)

    def distance(guard, **kw):
        cfg = ft.FinetuneConfig(epochs=4, batch_size=4, lr=3e-3, patience=0, guard=guard, **kw)
        tuned = ft.finetune(base, train, [], cfg).model
        return L2SP(tuned, base, alpha=2.0).penalty().item()
    plain = distance("none")
    assert distance("l2sp", l2sp_alpha=1.0) < plain
    assert distance("lwf", lwf_weight=3.0) < plain


def test_finetuning_needs_no_base_training_data(tiny_model_dir, tmp_path):
    base = Model.load(tiny_model_dir)
    base.config.setdefault("training", {})["train"] = "../nowhere/train.conllu"  # a path no user has
    logs = []
    cfg = ft.FinetuneConfig(epochs=1, batch_size=4)
    assert cfg.rehearsal_data is None and cfg.guard == "l2sp"
    ft.finetune(base, read_conllu(KITCHEN), [], cfg, LogTo(logs.append))
    assert "forgetting guard: l2sp" in logs
    # rehearsal only with a file the user chose; a chosen file that is gone is a clear error
    logs.clear()
    ft.finetune(base, read_conllu(KITCHEN), [], ft.FinetuneConfig(epochs=1, batch_size=4, rehearsal=5,
                rehearsal_data=str(FIXTURES / "tiny.conllu")), LogTo(logs.append))
    assert "forgetting guard: rehearsal" in logs and any("rehearsal: 5 of" in m for m in logs)
    with pytest.raises(UserError, match="not found"):
        ft.finetune(base, read_conllu(KITCHEN), [], ft.FinetuneConfig(epochs=1, rehearsal_data=str(tmp_path / "x")))


def test_parse_guard():
    assert parse_guard("both") == "lwf+l2sp" and parse_guard("L2SP") == "l2sp" and parse_guard("") == "none"
    with pytest.raises(UserError, match="unknown forgetting guard"):
        parse_guard("ewc")
