"""Why this transition: occlusion attributions on tiny models whose answer is known."""
import torch

from deplab.parser.attribution import explain
from deplab.parser.decode import trace
from deplab.parser.features import FEATURE_NAMES

from conftest import train_tiny

FORMS = ["The", "cat", "sat", "on", "the", "mat", "."]


def test_cm2014_only_the_feature_the_network_reads_gets_a_share(tmp_path):
    model = train_tiny(tmp_path / "cm", arch="cm2014", epochs=1)
    net = model.parser
    dim = net.features.words.embedding_dim
    keep = FEATURE_NAMES.index("b1.t")
    with torch.no_grad():  # the hidden layer reads b1's tag and nothing else
        w = net.hidden.weight
        mask = torch.zeros_like(w)
        mask[:, keep * dim:(keep + 1) * dim] = 1
        w.mul_(mask)
        net.hidden.weight.mul_(50.0)
    t = trace(model, FORMS)
    seen_nonzero = False
    for k in range(len(t)):
        e = explain(model, t, k)
        assert len(e.pushes) == 48
        for p in e.pushes:
            if p.name != "b1.t":
                assert abs(p.delta) < 1e-6, (k, p)
        b1 = next(p for p in e.pushes if p.name == "b1.t")
        seen_nonzero |= abs(b1.delta) > 1e-6
        assert b1.word == (t.steps[k].config.buffer[0] if t.steps[k].config.buffer else -1)
    assert seen_nonzero


def test_kg2016_slot_and_label_occlusion(tmp_path):
    model = train_tiny(tmp_path / "kg", arch="kg2016", epochs=1)
    net = model.parser
    H = net.hidden_size
    with torch.no_grad():  # only the s2 slot feeds the hidden layer: the labels and other slots are cut off
        for i in range(net.SLOTS):
            if i != 1:
                net.slots.weight[i * H:(i + 1) * H] = 0
        net.label_hidden.weight.zero_()
    t = trace(model, FORMS)
    shares = []
    for k in range(len(t)):
        e = explain(model, t, k)
        assert [p.name for p in e.pushes][:4] == ["s1.w", "s2.w", "s3.w", "b1.w"] and len(e.pushes) == 16
        for p in e.pushes:
            if p.name != "s2.w":
                assert abs(p.delta) < 1e-5, (k, p)
        shares.append(next(p for p in e.pushes if p.name == "s2.w").delta)
        if e.runner_up is not None:  # the margin is the chosen transition's score minus the runner-up's
            assert e.margin >= -1e-6
        per_word = e.word_shares(len(FORMS))
        assert abs(sum(per_word) - sum(p.delta for p in e.pushes if p.word >= 0)) < 1e-5
    assert any(abs(s) > 1e-6 for s in shares)
