"""The fast decoding path (padded BiLSTM, oneDNN linear layers, vectorized transitions) parses exactly as the
step-by-step decoder and as the unoptimized path: same tags, heads and labels."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from deplab.parser import decode, onednn
from deplab.parser.bilstm import padded_bilstm, reversal_index, runs_padded
from deplab.parser.bundled import MODELS_ROOT
from deplab.parser.conllu import read_conllu
from deplab.parser.model import Model

from conftest import EWT_DEV, FIXTURES, need

SHIPPED = ["en_ewt", "en_ewt_h128"]


def _parses(parsed):
    return [(p.tags, p.heads, p.labels) for p in parsed]


def _traced(model, forms):
    """The step-by-step decoder (parser.configuration via decode.trace), tagging included."""
    out = []
    for f in forms:
        tr = decode.trace(model, f)
        out.append((tr.tags, tr.final.heads[1:], tr.final.labels[1:]))
    return out


def _ewt_sample(k, seed=0):
    sentences = read_conllu(need(EWT_DEV))
    pick = np.random.default_rng(seed).choice(len(sentences), k, replace=False)
    return [[w.form for w in sentences[i].words] for i in sorted(pick)]


@pytest.fixture
def unoptimized(monkeypatch):
    """The decoding path as it was: packed BiLSTM and torch's own linear layers."""
    def use():
        monkeypatch.setattr("deplab.parser.models.runs_padded", lambda lstm: False)
        monkeypatch.setattr(onednn, "_LINEAR", None)
    return use


def test_the_batched_parse_equals_the_step_by_step_decoder_on_the_fixture(tiny_model_dir):
    model = Model.load(tiny_model_dir)
    forms = [[w.form for w in s.words] for s in read_conllu(FIXTURES / "tiny_dev.conllu")]
    batched = _parses(decode.parse_batch(model, forms, batch_size=4))
    assert batched == _traced(model, forms)
    assert any(len(set(map(len, forms[i:i + 4]))) > 1 for i in range(0, len(forms), 4))  # padded batches


@pytest.mark.parametrize("name", SHIPPED)
def test_the_batched_parse_equals_the_step_by_step_decoder_on_ewt_dev(name):
    model = Model.load(MODELS_ROOT / name)
    forms = _ewt_sample(150)
    assert _parses(decode.parse_batch(model, forms)) == _traced(model, forms)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_fast_path_parses_ewt_dev_as_the_unoptimized_path(name, unoptimized):
    model = Model.load(MODELS_ROOT / name)
    forms = _ewt_sample(600, seed=1)
    fast = _parses(decode.parse_batch(model, forms, workers=1))
    unoptimized()
    assert _parses(decode.parse_batch(model, forms, workers=1)) == fast


def test_the_fast_path_parses_the_fixture_as_the_unoptimized_path(tiny_model_dir, unoptimized):
    model = Model.load(tiny_model_dir)
    forms = [[w.form for w in s.words] for s in read_conllu(FIXTURES / "tiny.conllu")]
    fast = _parses(decode.parse_batch(model, forms, batch_size=8))
    unoptimized()
    assert _parses(decode.parse_batch(model, forms, batch_size=8)) == fast


def test_padded_bilstm_equals_the_packed_bilstm():
    torch.manual_seed(0)
    lstm = nn.LSTM(7, 5, num_layers=2, bidirectional=True, batch_first=True).eval()
    lengths = torch.tensor([6, 1, 4, 6, 3])
    x = torch.randn(len(lengths), 6, 7)
    with torch.no_grad():
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        ref, _ = nn.utils.rnn.pad_packed_sequence(lstm(packed)[0], batch_first=True, total_length=6)
        out = padded_bilstm(lstm, x, lengths)
    assert torch.allclose(out, ref, atol=1e-6)
    assert (out[1, 1:] == 0).all() and (out[4, 3:] == 0).all()
    order = reversal_index(lengths, 6)
    assert order[2].tolist() == [3, 2, 1, 0, 4, 5]
    assert (order.gather(1, order) == torch.arange(6)).all()  # its own inverse
    assert runs_padded(lstm) and not runs_padded(nn.LSTM(7, 5, batch_first=True))
    with torch.no_grad():  # without padding: the bidirectional call, bit for bit the two directions apart
        two = padded_bilstm(lstm, torch.cat([x, x[:1]]), torch.tensor([6, 1, 4, 6, 3, 6]))
        assert torch.equal(padded_bilstm(lstm, x[[0, 3]], torch.tensor([6, 6])), two[[0, 3]])


def test_the_encoder_takes_the_padded_path_only_for_inference(tiny_model_dir, monkeypatch):
    model = Model.load(tiny_model_dir)
    enc = model.parser.tagger.encoder
    b = model.encode([["a", "b", "c"], ["d"]])
    calls = []
    import deplab.parser.models as models
    monkeypatch.setattr(models, "padded_bilstm", lambda *a: calls.append(1) or padded_bilstm(*a))
    with torch.no_grad():
        fast = enc(b)
    assert calls == [1]
    slow = enc(b)  # gradients on: the packed LSTM, as in training
    assert calls == [1] and torch.allclose(fast, slow, atol=1e-5)
    enc.train()
    with torch.no_grad():
        enc(b)
    assert calls == [1]


def test_onednn_linear_equals_the_layer_and_stays_out_of_training():
    torch.manual_seed(0)
    layer = nn.Linear(6, 4).eval()
    x = torch.randn(3, 5, 6)
    with torch.no_grad():
        assert torch.allclose(onednn.linear(layer, x), layer(x), atol=1e-6)
    y = onednn.linear(layer, x)  # gradients on: the layer itself
    assert y.requires_grad and torch.equal(y, layer(x))
