"""Compression lab engine: pruning, Huffman, k-means, storage, int8, L1, distillation, sensitivity, CLI."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from deplab.parser.conllu import read_conllu
from deplab.parser.decode import parse_batch
from deplab.parser.errors import ModelError
from deplab.parser.model import Model
from deplab.parser.examples import Treebank
from deplab.parser.compression import huffman
from deplab.parser.compression.experiments import Lab
from deplab.parser.compression.results import results_csv
from deplab.parser.compression.kmeans import QuantizationAware, TieConstraint, kmeans_1d
from deplab.parser.compression.sharing import share_weights
from deplab.parser.compression.layers import model_layers
from deplab.parser.compression.pruning import MaskConstraint, magnitude_masks, prune, sparsity
from deplab.parser.compression.retrain import retrain
from deplab.parser.compression.storage import FILE, folder_bytes, read_model_file, save_compressed
from deplab.parser.compression.distill import SoftTargets, make_student
from deplab.parser.compression.sparsity_l1 import L1Constraint

from conftest import FIXTURES

TRAIN = FIXTURES / "tiny.conllu"
DEV = FIXTURES / "tiny_dev.conllu"


def train_small(out):
    """A tiny kg2016 model trained for a few seconds (the compression tests need weights, not accuracy)."""
    from deplab.parser.train import TrainConfig, train_model
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        cfg = TrainConfig(arch="kg2016", epochs=3, seed=1, batch_size=16, lr=0.01, min_count=2,  # the recipe the
                          sizes={"word_dim": 32, "lstm_hidden": 32, "layers": 1, "mlp_hidden": 64,  # tests were
                                 "char_filters": 64})                                           # written for
        train_model(TRAIN, DEV, out, cfg)
    finally:
        torch.set_num_threads(n)
    return out


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    return train_small(tmp_path_factory.mktemp("compress") / "tiny")


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    """Every test of this file on one torch thread."""


@pytest.fixture(scope="module")
def dev():
    return read_conllu(DEV)


@pytest.fixture(scope="module")
def treebank():
    return Treebank.from_sentences(read_conllu(TRAIN))


def predictions(model, sentences):
    return [(p.tags, p.heads, p.labels) for p in parse_batch(model, [[w.form for w in s.words] for s in sentences])]


def weight_params(model):
    return {n: p.detach().clone() for l in model_layers(model) for n, p in l.params}


# -- layers and pruning ------------------------------------------------------------------

def test_layers_have_readable_names_and_cover_the_weights(tiny_model_dir):
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    names = [l.name for l in layers]
    assert len(set(names)) == len(names)
    assert {"word embeddings", "char CNN", "BiLSTM 1 W_ih", "BiLSTM 1 W_hh", "output layer"} <= set(names)
    lstm = next(l for l in layers if l.name == "BiLSTM 1 W_ih")
    assert len(lstm.params) == 2  # both directions
    # everything not in a layer is a vector (biases, the NULL state)
    in_layers = {n.split("/", 1)[1] for l in layers for n, _ in l.params}
    rest = [k for k, v in model.parser.state_dict().items() if k not in in_layers]
    assert rest and all(model.parser.state_dict()[k].dim() == 1 for k in rest)


@pytest.mark.parametrize("scope", ["global", "std", "layer"])
@pytest.mark.parametrize("target", [0.0, 0.5, 0.9, 0.95])
def test_pruning_reaches_the_requested_sparsity(tiny_model_dir, scope, target):
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    before = sparsity(layers)
    prune(layers, target, scope)
    total = sum(l.numel for l in layers)
    assert sparsity(layers) == pytest.approx(max(target, before), abs=1.5 / total + 2e-3)
    if scope == "layer" and target > 0:
        for l in layers:
            assert 1 - l.nonzeros() / l.numel == pytest.approx(target, abs=1.0 / l.numel + 0.03)


def test_pruning_removes_the_smallest_weights_and_honours_per_layer_sparsity(tiny_model_dir):
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    before = weight_params(model)
    masks = magnitude_masks(layers, 0.6, "global", per_layer={"output layer": 0.2})
    kept = torch.cat([before[n][m].abs() for n, m in masks.items() if not n.endswith("out.weight")])
    dropped = torch.cat([before[n][~m].abs() for n, m in masks.items() if not n.endswith("out.weight")])
    assert kept.min() >= dropped.max()
    out = masks["parser/out.weight"]
    assert 1 - out.float().mean().item() == pytest.approx(0.2, abs=0.01)
    with pytest.raises(ValueError):
        magnitude_masks(layers, 1.0)


def test_std_scope_is_blind_to_the_scale_of_a_layer(tiny_model_dir):
    """Han et al.'s threshold (quality x std of the layer): scaling a layer does not change what is pruned."""
    masks = {}
    for factor in (1.0, 100.0):
        model = Model.load(tiny_model_dir)
        layers = model_layers(model)
        with torch.no_grad():
            for _, p in layers[0].params:
                p.mul_(factor)
        masks[factor] = {scope: magnitude_masks(layers, 0.7, scope) for scope in ("std", "global")}
    name, w = model_layers(Model.load(tiny_model_dir))[0].params[0]
    assert torch.equal(masks[1.0]["std"][name], masks[100.0]["std"][name])
    pruned = {f: 1 - masks[f]["global"][name].float().mean().item() for f in masks}
    assert pruned[100.0] < pruned[1.0] / 3  # raw |w|: the scaled-up layer escapes pruning


def test_gradual_pruning_follows_the_cubic_schedule_and_ends_at_the_target(tiny_model_dir, treebank, dev):
    from deplab.parser.compression.pruning import GradualPruning
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    g = GradualPruning(layers, 0.8, "std", {"output layer": 0.4}, ramp=6, every=2)
    assert g.fraction(0) == 0 and g.fraction(3) == pytest.approx(1 - 0.5 ** 3) and g.fraction(6) == g.fraction(9) == 1
    seen = []
    g.attach()
    try:
        for _ in range(8):
            g.after_step()
            seen.append(sparsity(layers))
    finally:
        g.detach()
    assert seen == sorted(seen) and seen[0] < 0.05  # rises step by step
    assert seen[-1] == pytest.approx(0.8, abs=0.03)  # (the output layer stops at 40%)
    out = next(l for l in layers if l.name == "output layer")
    assert 1 - out.nonzeros() / out.numel == pytest.approx(0.4, abs=0.01)
    # in the lab: retraining prunes gradually and the saved model has exactly the requested sparsity
    lab = Lab(tiny_model_dir, DEV, TRAIN, log=lambda m: None)
    r = lab.prune(0.7, "std", retrain_epochs=1, lr=1e-2)
    assert r.sparsity == pytest.approx(0.7, abs=0.005) and "gradual" in r.setting


def test_retraining_keeps_the_mask(tiny_model_dir, treebank, dev):
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    masks = prune(layers, 0.7, "layer")
    before = weight_params(model)
    retrain(model, treebank, dev[:5], 1, [MaskConstraint(layers, masks)], lr=1e-2, log=lambda m: None)
    after = weight_params(model)
    changed = 0
    for name, m in masks.items():
        assert torch.all(after[name][~m] == 0)
        changed += int((after[name][m] != before[name][m]).sum())
    assert changed > 0  # the remaining weights did train
    assert all(not p._backward_hooks for l in layers for _, p in l.params)  # hooks removed


def test_averaged_retraining_ends_with_the_mask_applied(tiny_model_dir, treebank, dev):
    """The moving average starts from the unpruned weights while gradual pruning zeroes them step by step:
    the average kept at the end is masked again, so the requested sparsity holds exactly."""
    from deplab.parser.compression.pruning import GradualPruning
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    gradual = GradualPruning(layers, 0.7, "layer", ramp=2, every=1)
    retrain(model, treebank, dev[:5], 1, [gradual], lr=1e-2, log=lambda m: None, average=0.99)
    assert sparsity(layers) == pytest.approx(0.7, abs=0.01)
    after = weight_params(model)
    assert all(torch.all(after[name][~m] == 0) for name, m in gradual.final_masks().items())


def test_a_pruning_ramp_over_several_epochs_keeps_no_epoch_before_the_ramp_ends(tiny_model_dir, treebank, dev):
    """An epoch scored while the sparsity is still rising would look better than it is; it cannot be the one
    kept. The weights scored are masked like the ones kept, so the kept epoch's dev LAS is the model's."""
    import math
    from deplab.parser.compression.pruning import GradualPruning
    from deplab.parser.compression.retrain import BATCH_SIZE
    from deplab.parser.selection import dev_scores
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    steps = math.ceil(len(treebank) / BATCH_SIZE)
    gradual = GradualPruning(layers, 0.9, "layer", ramp=2 * steps, every=1)
    assert not gradual.settled
    best = retrain(model, treebank, dev, 3, [gradual], lr=1e-2, log=lambda m: None, average=0.9)
    assert gradual.settled and best["epoch"] >= 2
    assert sparsity(layers) == pytest.approx(0.9, abs=0.01)
    assert dev_scores(model, dev)["LAS"] == pytest.approx(best["LAS"])


# -- Huffman --------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_huffman_round_trips_exactly(seed):
    rng = np.random.default_rng(seed)
    for n, alphabet in [(0, 4), (1, 1), (7, 2), (1000, 16), (20000, 256)]:
        symbols = np.minimum(rng.geometric(0.15, size=n) - 1, alphabet - 1)
        stream = huffman.encode(symbols, alphabet)
        assert np.array_equal(huffman.decode(stream), symbols)
        assert len(stream.data) == (stream.bits + 7) // 8


def test_huffman_is_optimal_and_length_limited():
    counts = np.array([45, 13, 12, 16, 9, 5])  # the textbook example: 224 bits
    lengths = huffman.code_lengths(counts)
    assert huffman.encoded_bits(counts, lengths) == 224
    skewed = np.array([2 ** i for i in range(30)])
    lengths = huffman.code_lengths(skewed)
    assert lengths.max() <= huffman.MAX_BITS
    assert np.sum(2.0 ** -lengths) <= 1.0  # Kraft: still a prefix code
    symbols = np.repeat(np.arange(30), np.minimum(skewed, 3000))
    assert np.array_equal(huffman.decode(huffman.encode(symbols)), symbols)


def test_huffman_detects_a_corrupt_stream():
    stream = huffman.encode(np.array([0, 1, 2, 3, 0, 0, 1] * 50), 4)
    bad = huffman.Stream(stream.lengths, stream.data, stream.n + 3, stream.bits)
    with pytest.raises(ValueError):
        huffman.decode(bad)


# -- k-means weight sharing ---------------------------------------------------------------

def test_kmeans_1d_finds_clusters():
    values = np.concatenate([np.full(50, -1.0), np.full(30, 0.5), np.full(20, 2.0)]) + 0.001 * np.arange(100) % 0.01
    centroids, assign = kmeans_1d(values, 3)
    assert np.allclose(sorted(centroids), [-1.0, 0.5, 2.0], atol=0.01)
    assert len(set(assign[:50])) == 1 and len(set(assign[50:80])) == 1


def test_kmeans_1d_reseeds_empty_clusters_and_returns_only_used_centroids():
    # the linear start puts 2 of 4 centroids between 0.02 and 10, where no value is: they are reseeded
    centroids, assign = kmeans_1d(np.array([0.0, 0.01, 0.02, 10.0]), 4)
    assert np.allclose(centroids, [0.0, 0.01, 0.02, 10.0]) and list(assign) == [0, 1, 2, 3]
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(0, 0.01, 1000), [5.0, -5.0]])  # two outliers stretch the linear start
    centroids, assign = kmeans_1d(values, 16)
    assert len(centroids) == 16 and np.all(np.diff(centroids) > 0)
    assert np.array_equal(np.unique(assign), np.arange(len(centroids)))  # every centroid has values
    assert kmeans_1d(np.zeros(0), 4)[0].size == 0


@pytest.mark.parametrize("qat", [False, True])
def test_kmeans_sharing_survives_layers_pruned_to_nothing(tiny_model_dir, treebank, dev, tmp_path, qat):
    """Heavy global pruning empties whole layers (they have no k-means centroids): sharing, fine-tuning
    and saving keep them zero instead of raising IndexError."""
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    prune(layers, 0.95, "global")
    empty = [l.name for l in layers if l.nonzeros() == 0]
    assert empty  # the case under test
    originals = {n: p.detach().clone() for l in layers for n, p in l.params}
    sharings = share_weights(layers, 2)
    assert all(len(s.centroids) == 0 for s in sharings if s.layer in empty)
    constraint = QuantizationAware(layers, sharings, originals) if qat else TieConstraint(layers, sharings)
    retrain(model, treebank, dev[:5], 1, [constraint], lr=1e-2, log=lambda m: None)
    for l in layers:
        values = torch.cat([p.detach().flatten() for _, p in l.params])
        assert len(torch.unique(values[values != 0])) <= 4, l.name
        if l.name in empty:
            assert torch.all(values == 0), l.name
    save_compressed(model, tmp_path / "m", {})
    assert predictions(Model.load(tmp_path / "m"), dev) == predictions(model, dev)


@pytest.mark.parametrize("bits", [2, 4, 8])
def test_kmeans_quantized_weights_take_at_most_2_to_the_bits_values(tiny_model_dir, treebank, dev, bits):
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    masks = prune(layers, 0.5, "global")
    sharings = share_weights(layers, bits)
    retrain(model, treebank, dev[:5], 1, [TieConstraint(layers, sharings)], lr=1e-2, log=lambda m: None)
    for l in layers:
        values = torch.cat([p.detach().flatten() for _, p in l.params])
        assert len(torch.unique(values[values != 0])) <= 2 ** bits, l.name
    for name, m in masks.items():  # pruned weights stayed pruned
        from deplab.parser.compression.layers import get_parameter
        assert torch.all(get_parameter(model, name)[~m] == 0)


def test_quantization_aware_training_lets_weights_change_cluster_and_keeps_2_to_the_bits_values(
        tiny_model_dir, treebank, dev):
    from deplab.parser.compression.kmeans import QuantizationAware
    from deplab.parser.compression.layers import get_parameter
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    masks = prune(layers, 0.5, "global")
    originals = {name: p.detach().clone() for l in layers for name, p in l.params}
    sharings = share_weights(layers, 2)
    before = {name: s.index[name].clone() for s in sharings for name in s.index}
    retrain(model, treebank, dev[:5], 1, [QuantizationAware(layers, sharings, originals)], lr=1e-2,
            log=lambda m: None)
    moved = 0
    for l in layers:
        values = torch.cat([p.detach().flatten() for _, p in l.params])
        shared = torch.unique(values[values != 0])
        assert len(shared) <= 4, l.name
        for name, p in l.params:  # a weight's cluster is the rank of its value among the shared ones
            rank = torch.bucketize(p.detach(), shared)
            kept = before[name] >= 0
            moved += int((rank[kept] != before[name][kept]).sum())
    assert moved > 0  # unlike centroid fine-tuning, weights changed cluster
    for name, m in masks.items():  # pruned weights stayed pruned
        assert torch.all(get_parameter(model, name)[~m] == 0)


def _layer_bytes(layer):
    from deplab.parser.compression.storage import tensor_bytes
    return sum(tensor_bytes(p.detach().numpy()) for _, p in layer.params)


@pytest.mark.parametrize("rate", [0.6, 1.5, 3.0])
def test_uniform_quantization_costs_the_requested_bits_per_weight_on_disk(tiny_model_dir, rate):
    from deplab.parser.compression.uniform import quantize_layer_uniform
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    prune(layers[:1], 0.3, "layer")  # already-pruned weights stay zero
    pruned = {n: p.detach() == 0 for n, p in layers[0].params}
    for layer in layers:
        if layer.numel < 2000:
            continue
        s = quantize_layer_uniform(layer, rate)
        values = torch.cat([p.detach().flatten() for _, p in layer.params])
        assert 8 * _layer_bytes(layer) <= rate * layer.numel  # what the storage writes for it
        assert 8 * _layer_bytes(layer) >= 0.8 * rate * layer.numel, layer.name  # the step is not needlessly coarse
        assert len(torch.unique(values)) <= 256 and 0.0 in s.centroids  # the zero level is exactly zero
        assert torch.all(values[values != 0].abs() >= s.tiers[0].step / 2 - 1e-6)  # |w| < step/2 was rounded to zero
    assert all(torch.all(p.detach()[pruned[n]] == 0) for n, p in layers[0].params)


def test_uniform_quantization_beats_kmeans_at_the_same_bytes():
    """Choi et al. (2017): at the same Huffman-coded size, uniform levels lose less than k-means' levels
    on bell-shaped weights (here Laplacian, as trained weights often are)."""
    from deplab.parser.compression.layers import Layer
    from deplab.parser.compression.kmeans import quantize_layer
    from deplab.parser.compression.uniform import quantize_layer_uniform
    w = torch.from_numpy(np.random.default_rng(0).laplace(size=(400, 100)).astype(np.float32))
    k, u = torch.nn.Parameter(w.clone()), torch.nn.Parameter(w.clone())
    kl, ul = Layer("k", "linear", [("k", k)]), Layer("u", "linear", [("u", u)])
    quantize_layer(kl, 2)
    quantize_layer_uniform(ul, 8 * _layer_bytes(kl) / w.numel())
    assert _layer_bytes(ul) <= _layer_bytes(kl)
    assert float(((u.detach() - w) ** 2).mean()) < 0.8 * float(((k.detach() - w) ** 2).mean())


def test_uniform_quantization_aware_training_keeps_the_levels_and_the_zero_level(tiny_model_dir, treebank, dev,
                                                                                 tmp_path):
    from deplab.parser.compression.kmeans import QuantizationAware
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    originals = {name: p.detach().clone() for l in layers for name, p in l.params}
    sharings = share_weights(layers, 1.5, uniform=True)
    before = {name: s.index[name].clone() for s in sharings for name in s.index}
    retrain(model, treebank, dev[:5], 1, [QuantizationAware(layers, sharings, originals)], lr=1e-2,
            log=lambda m: None)
    moved = 0
    for l, s in zip(layers, sharings):
        values = torch.cat([p.detach().flatten() for _, p in l.params])
        assert set(torch.unique(values).tolist()) <= set(s.centroids.tolist()) and 0.0 in s.centroids
        for name, p in l.params:  # the level of a weight is its full-precision copy's round(w / step)
            t = s.tiers[0]
            expected = (torch.round(originals[name] / t.step).long() - t.low).clamp(0, t.k - 1)
            assert torch.equal(torch.from_numpy(s.centroids)[expected], p.detach()), name
            moved += int((expected != before[name]).sum())
    assert moved > 0
    expected = predictions(model, dev)
    assert predictions(Model.load(save_compressed(model, tmp_path / "u", {"method": "test"})), dev) == expected



def test_rare_words_get_their_own_rate_and_their_own_block_on_disk(tiny_model_dir, dev, tmp_path):
    """Word rows sorted by count: the rows of words seen < 3x are quantized at their own (lower) rate,
    quantization-aware training keeps every weight in its block's levels, the storage writes the two
    blocks separately, and the reloaded model parses like the trained one (and saves again in blocks)."""
    from deplab.parser.compression.storage import row_blocks, tensor_bytes
    from deplab.parser.compression.uniform import assign
    from deplab.parser.compression.vocabulary import rare_row_rates
    from deplab.parser.vocab import SPECIALS
    model = Model.load(tiny_model_dir)
    (first, rate), = rare_row_rates(model.words, {3: 1.5})
    seen = [model.words.counts.get(w, 0) for w in model.words.itos]
    assert rate == 1.5 and all(c >= 3 for c in seen[len(SPECIALS):first]) and all(c < 3 for c in seen[first:])
    layers = model_layers(model)
    originals = {name: p.detach().clone() for l in layers for name, p in l.params}
    sharings = share_weights(layers, 3.0, uniform=True, row_rates={"word embeddings": [(first, 1.5)]})
    words, s = next((l, s) for l, s in zip(layers, sharings) if l.name == "word embeddings")
    w = words.params[0][1].detach()
    assert 8 * tensor_bytes(w[first:].numpy()) <= 1.5 * w[first:].numel()
    assert 8 * tensor_bytes(w[first:].numpy()) < 8 * tensor_bytes(w[:first].numpy()) * w[first:].numel() / first
    frequent, rare = s.tiers
    retrain(model, Treebank.from_sentences(read_conllu(TRAIN)), dev[:5], 1,
            [QuantizationAware(layers, sharings, originals)], lr=1e-2, log=lambda m: None)
    name = words.params[0][0]  # the level of a weight is its full-precision copy's level in its block
    index = torch.where(s.index[name] >= 0, assign(s.tiers, originals[name]), -1)
    assert index[:first].max() < rare.offset <= index[first:][index[first:] >= 0].min()
    c = torch.from_numpy(s.centroids)
    assert torch.equal(w, torch.where(index >= 0, c[index.clamp(min=0)], torch.zeros(())))
    assert all(t.zero is not None and s.centroids[t.zero] == 0 for t in (frequent, rare))
    model.extra["row_blocks"] = {words.params[0][0]: [0, first]}
    expected = predictions(model, dev)
    out = save_compressed(model, tmp_path / "tiers", {"method": "test"})
    assert row_blocks(out / FILE) == {words.params[0][0]: [0, first]}
    again = Model.load(out)
    assert predictions(again, dev) == expected and again.extra["row_blocks"] == model.extra["row_blocks"]
    resaved = save_compressed(again, tmp_path / "again", {"method": "test"})
    assert (resaved / FILE).stat().st_size == (out / FILE).stat().st_size


def test_lab_quantizes_the_biases_and_the_rare_word_rows(tiny_model_dir, tmp_path):
    """share with vector_rate: every bias costs at most that many bits per value in the file (and stays
    quantized through quantization-aware training); rare_rates needs uniform sharing."""
    from deplab.parser.compression.storage import tensor_bytes
    lab = Lab(tiny_model_dir, DEV, TRAIN, tmp_path, log=lambda m: None)
    for epochs, limit in ((0, 5), (1, 6)):  # fine-tuning keeps the levels' thresholds: the rate may move a little
        r = lab.share(3.0, finetune_epochs=epochs, qat=True, uniform=True, rare_rates={3: 1.5}, vector_rate=5)
        assert "words seen < 3x 1.5" in r.setting and "biases 5" in r.setting
        model = Model.load(r.path)
        vectors = [(n, p) for n, p in model.parser.named_parameters() if p.dim() == 1 and p.numel() >= 64
                   and torch.count_nonzero(p)]
        assert vectors and all(8 * tensor_bytes(p.detach().numpy()) <= limit * p.numel() for _, p in vectors)
        assert all(r.extra["encodings"][f"parser/{n}"] != "raw" for n, _ in vectors)
        assert r.extra["encodings"]["parser/tagger.encoder.words.weight"] == "blocks"
    with pytest.raises(ValueError, match="uniform"):
        lab.share(3, rare_rates={3: 1.0})


# -- storage ----------------------------------------------------------------------------------

def test_saved_compressed_model_reloads_to_the_same_predictions(tiny_model_dir, dev, tmp_path):
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    prune(layers, 0.8, "global")
    share_weights(layers, 4)
    expected = predictions(model, dev)
    out = save_compressed(model, tmp_path / "small", {"method": "test"})
    assert sorted(p.name for p in out.iterdir()) == ["config.json", FILE]  # no dense copy anywhere
    loaded = Model.load(out)
    assert predictions(loaded, dev) == expected
    for key, module in model.modules().items():  # bit-exact weights
        for name, t in module.state_dict().items():
            assert torch.equal(loaded.modules()[key].state_dict()[name], t), name
    assert loaded.extra["compression"]["method"] == "test"
    for vocab in ("words", "chars", "tags"):  # the vocabularies, counts included (word dropout needs them)
        assert getattr(loaded, vocab).itos == getattr(model, vocab).itos
        assert getattr(loaded, vocab).counts == getattr(model, vocab).counts
    assert loaded.labels == model.labels
    assert "compression" not in loaded.config
    sizes = folder_bytes(out)
    assert sizes["weights"] == (out / FILE).stat().st_size
    assert sizes["weights"] * 8 < folder_bytes(tiny_model_dir)["weights"]
    encodings = set(model.extra["encodings"].values())
    assert "sparse" in encodings and "raw" in encodings  # biases stay raw


def test_folding_lstm_biases_keeps_the_predictions_and_shrinks_the_file(tiny_model_dir, dev, tmp_path):
    from deplab.parser.compression.layers import fold_lstm_biases
    model = Model.load(tiny_model_dir)
    expected = predictions(model, dev)
    before = save_compressed(model, tmp_path / "unfolded", {})
    lstm = model.parser.tagger.encoder.lstm
    total = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().clone()
    assert fold_lstm_biases(model) == sum(p.numel() for n, p in lstm.named_parameters() if n.startswith("bias_hh"))
    assert all(torch.count_nonzero(p) == 0 for n, p in lstm.named_parameters() if n.startswith("bias_hh"))
    assert torch.allclose(lstm.bias_ih_l0, total)
    assert predictions(model, dev) == expected
    after = save_compressed(model, tmp_path / "folded", {})
    assert (after / FILE).stat().st_size < (before / FILE).stat().st_size
    assert predictions(Model.load(after), dev) == expected


def test_bits_per_layer_are_named_in_the_setting():
    from deplab.parser.compression.experiments import _bits_text
    assert _bits_text(4) == "4 bits"
    assert _bits_text({"a": 3, "b": 3, "output layer": 6}) == "3 bits (output layer 6)"


def test_storage_round_trips_unquantized_and_dense_tensors(tiny_model_dir, dev, tmp_path):
    model = Model.load(tiny_model_dir)  # nothing compressed: raw float32 everywhere, still exact
    out = save_compressed(model, tmp_path / "plain", {"method": "none"})
    _, states = read_model_file(out / FILE)
    for name, t in model.parser.state_dict().items():
        assert torch.equal(states["parser"][name], t)
    assert predictions(Model.load(out), dev) == predictions(model, dev)


def test_corrupt_compressed_model_is_a_clear_error(tiny_model_dir, tmp_path):
    model = Model.load(tiny_model_dir)
    share_weights(model_layers(model), 3)
    out = save_compressed(model, tmp_path / "m", {"method": "test"})
    data = (out / FILE).read_bytes()
    (out / FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="cannot decode"):
        Model.load(out)
    (out / FILE).unlink()
    with pytest.raises(ModelError, match="missing"):
        Model.load(out)


def test_failed_save_leaves_no_folder(tiny_model_dir, tmp_path, monkeypatch):
    from deplab.parser.compression import storage
    model = Model.load(tiny_model_dir)

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(storage, "write_model_file", boom)
    with pytest.raises(KeyboardInterrupt):
        save_compressed(model, tmp_path / "half", {"method": "test"})
    assert list(tmp_path.iterdir()) == []


# -- int8 ---------------------------------------------------------------------------------------

def test_int8_model_saves_loads_and_parses_like_in_memory(tiny_model_dir, dev, tmp_path):
    from deplab.parser.compression.int8 import quantize_dynamic, round_to_int8, RUNTIME
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    round_to_int8(layers)
    for l in layers:
        for _, p in l.params:
            assert len(torch.unique(p)) <= 255
    out = save_compressed(model, tmp_path / "q", {"method": "int8", "runtime": RUNTIME})
    quantize_dynamic(model)
    loaded = Model.load(out)
    assert "quantized.dynamic" in type(loaded.parser.out).__module__
    assert "quantized.dynamic" in type(loaded.parser.tagger.encoder.lstm).__module__
    assert predictions(loaded, dev) == predictions(model, dev)
    assert loaded.extra["counts"]["parameters"] == Model.load(tiny_model_dir).n_parameters()


# -- L1 and distillation ---------------------------------------------------------------------

def test_l1_retraining_drives_weights_to_exactly_zero(tiny_model_dir, treebank, dev):
    model = Model.load(tiny_model_dir)
    layers = model_layers(model)
    before = sparsity(layers)
    retrain(model, treebank, dev[:5], 1, [L1Constraint(layers, strength=20.0, lr=1e-2)], lr=1e-2,
            log=lambda m: None)
    assert sparsity(layers) > before + 0.2


def test_distillation_soft_targets_match_the_teacher(tiny_model_dir, treebank):
    from deplab.parser.examples import oracle_examples
    teacher = Model.load(tiny_model_dir)
    ex = oracle_examples(treebank, teacher)
    targets = SoftTargets(teacher, treebank, temperature=2.0, alpha=0.5)
    idx = [3, 0, 5]
    sel = np.concatenate([np.arange(ex.offsets[i], ex.offsets[i + 1]) for i in idx])
    local = np.repeat(np.arange(len(idx)), [ex.offsets[i + 1] - ex.offsets[i] for i in idx])
    got = targets._teacher_logits(idx, local, ex.pos[sel], ex.labs[sel])
    with torch.no_grad():
        for j, i in enumerate(idx):
            s = np.arange(ex.offsets[i], ex.offsets[i + 1])
            ctx = teacher.parser.context(teacher.encode([treebank.forms[i]]))
            ref = teacher.parser.scores(ctx, torch.zeros(len(s), dtype=torch.long), torch.from_numpy(ex.pos[s]),
                                        torch.from_numpy(ex.labs[s]))
            assert torch.allclose(got[local == j], ref, atol=0.02)
    # the loss: soft part is zero when the student equals the teacher, and alpha=0 is plain cross-entropy
    gold = torch.from_numpy(ex.actions[sel])
    same = SoftTargets(teacher, treebank, 1.0, 1.0)(got.clone(), gold, idx, local, ex.pos[sel], ex.labs[sel])
    assert same.item() == pytest.approx(0.0, abs=1e-5)
    hard = SoftTargets(teacher, treebank, 2.0, 0.0)(got, gold, idx, local, ex.pos[sel], ex.labs[sel])
    assert hard.item() == pytest.approx(torch.nn.functional.cross_entropy(got, gold).item())


def test_student_is_smaller_and_shares_the_vocabularies(tiny_model_dir):
    teacher = Model.load(tiny_model_dir)
    student = make_student(teacher, {"lstm_hidden": 8, "word_dim": 8, "mlp_hidden": 16})
    assert student.n_parameters() < teacher.n_parameters() / 2
    assert student.words is teacher.words and student.labels == teacher.labels


# -- the experiment runner and the command ---------------------------------------------------

def test_lab_results_are_measured_from_the_written_folder(tiny_model_dir, tmp_path):
    lab = Lab(tiny_model_dir, DEV, TRAIN, tmp_path / "work", log=lambda m: None)
    base = lab.original()
    r = lab.deep(0.8, bits=4, retrain_epochs=1, finetune_epochs=1, lr=1e-2)
    assert r.weight_bytes == folder_bytes(r.path)["weights"]
    assert r.ratio == pytest.approx(base.weight_bytes / r.weight_bytes)
    assert r.sparsity == pytest.approx(0.8, abs=0.01)
    assert r.nonzeros < base.nonzeros * 0.3
    assert 0 <= r.LAS <= 100 and r.sentences_per_s > 0
    assert r.LAS == pytest.approx(
        Lab(r.path, DEV, log=lambda m: None).original().LAS)  # what deplab parse gets from the folder
    points = lab.sensitivity([0.5, 0.9], layers=["output layer", "word embeddings"])
    assert [(p.layer, p.sparsity) for p in points[1:]] == [("word embeddings", 0.5), ("word embeddings", 0.9),
                                                           ("output layer", 0.5), ("output layer", 0.9)]
    assert points[0].layer == "" and points[0].setting.startswith("no layer pruned")
    csv_text = results_csv([base, r, *points])
    assert csv_text.count("\n") == 1 + 2 + len(points) and csv_text.startswith("method,setting")


def test_deep_with_bits_per_layer_quantizes_each_layer_to_its_own_bits(tiny_model_dir, tmp_path):
    lab = Lab(tiny_model_dir, DEV, TRAIN, tmp_path / "work", log=lambda m: None)
    names = [l.name for l in model_layers(Model.load(tiny_model_dir))]
    bits = {name: (6 if name == "output layer" else 2) for name in names}
    r = lab.deep(0.5, bits=bits, retrain_epochs=0, finetune_epochs=1, lr=1e-2)
    assert r.setting.endswith("2 bits (output layer 6) +1 ep")
    loaded = Model.load(r.path)  # decoded from model.dlc
    for layer in model_layers(loaded):
        values = torch.cat([p.detach().flatten() for _, p in layer.params])
        assert len(torch.unique(values[values != 0])) <= 2 ** bits[layer.name], layer.name
    lstm = loaded.parser.tagger.encoder.lstm
    assert all(torch.count_nonzero(p) == 0 for n, p in lstm.named_parameters() if n.startswith("bias_hh"))


def test_retraining_can_learn_from_the_original_models_soft_targets(tiny_model_dir):
    lab = Lab(tiny_model_dir, DEV, TRAIN, log=lambda m: None)
    lab.teacher_alpha = 0.5
    r = lab.prune(0.5, retrain_epochs=1, lr=1e-2)
    assert "soft targets a=0.5" in r.setting
    assert lab._soft is not None and len(lab._soft.cache) == len(lab.treebank())  # every sentence got targets
    assert Model.load(r.path).extra["compression"]["teacher_alpha"] == 0.5


def test_gold_only_student_never_sees_soft_targets(tiny_model_dir, monkeypatch):
    from deplab.parser.compression import experiments
    seen = []
    real = experiments.retrain
    monkeypatch.setattr(experiments, "retrain", lambda *a, **k: seen.append(k["objective"]) or real(*a, **k))
    lab = Lab(tiny_model_dir, DEV, TRAIN, log=lambda m: None)
    lab.teacher_alpha = 0.7  # left over from a pruning run: must not leak into the baseline student
    distilled, gold = lab.distill({"lstm_hidden": 8, "word_dim": 8, "mlp_hidden": 16}, epochs=1)
    assert isinstance(seen[0], SoftTargets) and seen[0].alpha == 0.5 and seen[1] is None
    assert (distilled.method, gold.method) == ("distill", "student")
    assert distilled.parameters == gold.parameters < lab.original().parameters


def test_student_can_start_from_the_teachers_weights(tiny_model_dir):
    from deplab.parser.compression.distill import init_from_teacher
    teacher = Model.load(tiny_model_dir)
    student = make_student(teacher, {"lstm_hidden": 8, "word_dim": 8, "mlp_hidden": 16})
    done = init_from_teacher(student, teacher)
    t_enc, s_enc = teacher.parser.tagger.encoder, student.parser.tagger.encoder
    assert torch.equal(s_enc.chars.conv.weight, t_enc.chars.conv.weight)  # same shape: copied
    assert torch.equal(student.parser.labels.weight, teacher.parser.labels.weight)
    assert "parser/tagger.encoder.lstm.weight_ih_l0" not in done  # other shapes keep their random start
    # the narrower word table is the teacher's projected on its principal components: distances are kept
    # as far as 8 dimensions allow, so nearest neighbours mostly agree
    t_w, s_w = t_enc.words.weight.detach(), s_enc.words.weight.detach()
    assert torch.count_nonzero(s_w[0]) == 0 and "parser/tagger.encoder.words.weight" in done
    centred = t_w - t_w.mean(0)
    _, _, v = torch.linalg.svd(centred, full_matrices=False)
    proj = centred @ v[:8].T
    assert torch.allclose(torch.corrcoef(torch.stack([proj[1:].flatten(), s_w[1:].flatten()]))[0, 1],
                          torch.tensor(1.0), atol=1e-4)


def test_distillation_can_start_from_the_teacher_but_the_baseline_never_does(tiny_model_dir, monkeypatch):
    from deplab.parser.compression import experiments
    calls = []
    monkeypatch.setattr(experiments, "init_from_teacher_weights", lambda s, t: calls.append(s) or [])
    lab = Lab(tiny_model_dir, DEV, TRAIN, log=lambda m: None)
    distilled, gold = lab.distill({"lstm_hidden": 8, "word_dim": 8, "mlp_hidden": 16}, epochs=1,
                                  init_from_teacher=True)
    assert len(calls) == 1 and "init from teacher" in distilled.setting and "init" not in gold.setting
    only_gold = lab.distill({"lstm_hidden": 8, "word_dim": 8, "mlp_hidden": 16}, alpha=0.0, epochs=1,
                            compare=False, init_from_teacher=True)
    assert [r.method for r in only_gold] == ["student"] and len(calls) == 1


def test_lab_cancel_leaves_no_model(tiny_model_dir, tmp_path):
    from deplab.parser.progress import Cancelled  # the one Cancelled of the engine
    flag = {"n": 0}

    def cancelled():
        flag["n"] += 1
        return flag["n"] > 3

    lab = Lab(tiny_model_dir, DEV, TRAIN, tmp_path / "work", log=lambda m: None, cancelled=cancelled)
    with pytest.raises(Cancelled):
        lab.prune(0.5, retrain_epochs=3)
    assert list((tmp_path / "work").iterdir()) == []


def test_compress_command_writes_a_model_that_deplab_parse_uses(tiny_model_dir, tmp_path, capsys):
    from deplab.parser.cli import main
    out, csv_file, parsed = tmp_path / "small", tmp_path / "results.csv", tmp_path / "parsed.conllu"
    code = main(["compress", "deep", "--model", str(tiny_model_dir), "--dev", str(DEV), "--sparsity", "0.7",
                 "--bits", "4", "--finetune", "0", "--out", str(out), "--csv", str(csv_file)])
    stdout = capsys.readouterr().out
    assert code == 0
    assert "deep" in stdout and "global |w|/σ 70%, 4 bits" in stdout
    assert json.loads((out / "config.json").read_text())["compression"]["bits"] == 4
    assert csv_file.read_text().count("\n") == 3  # header, original, deep
    assert main(["parse", str(DEV), "--model", str(out), "-o", str(parsed)]) == 0
    system = read_conllu(parsed)
    assert len(system) == len(read_conllu(DEV))
    expected = predictions(Model.load(out), read_conllu(DEV))
    assert [[int(w.head) for w in s.words] for s in system] == [p[1] for p in expected]


def test_compress_command_passes_the_retraining_schedule_on(tiny_model_dir, tmp_path, capsys):
    """deplab compress deep reproduces the benchmark's recipes: ramp, learning-rate decay, averaging,
    fine-tuning learning rate and 1-bit layers reach the Lab and are recorded with the model."""
    from deplab.parser.cli import main
    out = tmp_path / "small"
    code = main(["compress", "deep", "--model", str(tiny_model_dir), "--dev", str(DEV), "--train", str(TRAIN),
                 "--scope", "layer", "--sparsity", "0.6", "--retrain", "2", "--ramp", "1.5", "--lr-decay", "0.8",
                 "--average", "0.9", "--bits", "3", "--layer-bits", "word embeddings=1", "--finetune", "1",
                 "--finetune-lr", "0.5", "--qat", "--out", str(out)])
    assert code == 0
    info = json.loads((out / "config.json").read_text())["compression"]
    assert "gradual over 1.5" in info["setting"] and "word embeddings 1" in info["setting"]
    assert (info["ramp_epochs"], info["lr_decay"], info["average"], info["finetune_lr"]) == (1.5, 0.8, 0.9, 0.5)
    words = next(l for l in model_layers(Model.load(out)) if l.name == "word embeddings")
    assert len(torch.unique(torch.cat([p.detach().flatten() for _, p in words.params]))) <= 3  # 2 values + zero
    # uniform quantization at a fractional rate
    assert main(["compress", "share", "--model", str(tiny_model_dir), "--dev", str(DEV), "--uniform", "--bits", "1.5",
                 "--layer-bits", "output layer=4", "--finetune", "0", "--out", str(tmp_path / "u")]) == 0
    info = json.loads((tmp_path / "u" / "config.json").read_text())["compression"]
    assert info["uniform"] and info["bits"]["output layer"] == 4 and info["bits"]["char CNN"] == 1.5
    # rare words' rows and the biases at their own rates
    assert main(["compress", "share", "--model", str(tiny_model_dir), "--dev", str(DEV), "--uniform", "--bits", "3",
                 "--rare-bits", "3=1.5", "--vector-bits", "5", "--finetune", "0", "--out", str(tmp_path / "r")]) == 0
    info = json.loads((tmp_path / "r" / "config.json").read_text())["compression"]
    assert info["rare_rates"] == {"3": 1.5} and info["vector_rate"] == 5


@pytest.mark.parametrize("args, message", [
    (["deep", "--bits", "9"], "--bits must be a whole number between 1 and 8"),
    (["deep", "--bits", "2.5"], "--bits must be a whole number"),
    (["deep", "--ramp", "0"], "--ramp must be a positive number"),
    (["deep", "--lr-decay", "1.5"], "--lr-decay between 0 and 1"),
    (["prune", "--sparsity", "1.5"], "--sparsity"),
    (["prune", "--retrain", "2"], "--train"),
    (["prune", "--layer-sparsity", "nonsense=0.5"], "unknown layer 'nonsense'"),
    (["distill"], "--train"),
    (["deep", "--teacher-alpha", "2"], "--teacher-alpha"),
    (["deep", "--rare-bits", "3=1"], "--rare-bits needs --uniform"),
    (["deep", "--uniform", "--rare-bits", "x=1"], "COUNT must be a whole number"),
    (["deep", "--vector-bits", "0.5"], "--vector-bits must be between 1 and 8"),
])
def test_compress_command_reports_bad_options(tiny_model_dir, args, message):
    from deplab.parser.cli import main
    import io
    from contextlib import redirect_stderr
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["compress", *args, "--model", str(tiny_model_dir), "--dev", str(DEV)])
    assert code == 1 and message in err.getvalue()


def test_vocabulary_pruning_drops_rare_rows_and_keeps_the_rest(tiny_model_dir):
    from deplab.parser.compression.vocabulary import kept_words, prune_vocabulary
    from deplab.parser.vocab import UNK_ID
    model = Model.load(tiny_model_dir)
    counts = model.words.counts
    min_count = sorted(set(counts.values()))[1]  # drops the rarest words, keeps the others
    pruned = prune_vocabulary(model, min_count)
    kept = kept_words(model.words, min_count)
    assert 0 < len(kept) < len(model.words) - 3 and len(pruned.words) == len(kept) + 3
    assert all(counts[w] >= min_count for w in kept)
    old_w = model.parser.tagger.encoder.words.weight
    new_w = pruned.parser.tagger.encoder.words.weight
    assert new_w.shape == (len(pruned.words), old_w.shape[1])
    assert pruned.n_parameters() == model.n_parameters() - (len(model.words) - len(pruned.words)) * old_w.shape[1]
    for w in kept:  # a surviving word keeps exactly its vector; a dropped one is read as UNK
        assert torch.equal(new_w[pruned.words.id(w)], old_w[model.words.id(w)])
    rare = next(w for w in model.words.itos[3:] if counts[w] < min_count)
    assert pruned.words.id(rare) == UNK_ID
    # a sentence of surviving words is parsed exactly as before; the original model is untouched
    forms = [kept[:7]]
    a, b = parse_batch(pruned, forms)[0], parse_batch(model, forms)[0]
    assert (a.tags, a.heads, a.labels) == (b.tags, b.heads, b.labels)
    assert len(Model.load(tiny_model_dir).words) == len(model.words)
    assert len(prune_vocabulary(model, 1).words) == len(model.words)


def test_deep_and_distill_can_drop_rare_words(tiny_model_dir, tmp_path):
    lab = Lab(tiny_model_dir, DEV, TRAIN, tmp_path / "work", log=lambda m: None)
    words = len(Model.load(tiny_model_dir).words)
    min_count = sorted(set(Model.load(tiny_model_dir).words.counts.values()))[1]
    stages = []
    r = lab.deep(0.0, bits=4, retrain_epochs=1, finetune_epochs=0, min_count=min_count, on_stage=stages.append)
    small = Model.load(r.path)
    assert len(small.words) < words and f"words seen < {min_count}x dropped" in r.setting
    assert stages and stages[0].method == "prune" and r.parameters < lab.original().parameters
    distilled, gold = lab.distill({"lstm_hidden": 8, "word_dim": 8, "mlp_hidden": 16}, epochs=1,
                                  min_count=min_count, init_from_teacher=True)
    assert len(Model.load(distilled.path).words) == len(Model.load(gold.path).words) == len(small.words)
    assert f"words seen >= {min_count}x" in distilled.setting


def test_the_benchmark_runs_its_headline_recipes_on_a_tiny_model(capsys):
    """benchmarks/compression.py --quick: every row of the headline table, on the fixture model."""
    import importlib.util
    from conftest import ROOT
    spec = importlib.util.spec_from_file_location("compression_benchmark", ROOT / "benchmarks" / "compression.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--quick", "--only", "int8,share,deep,uniform,distill,student"]) == 0
    out = capsys.readouterr().out
    for method in ("original", "int8", "share", "prune", "deep", "distill", "student"):
        assert f"| {method} |" in out, method
    assert "quantization-aware" in out and "Distilled student:" in out
    assert "| deep | " in out and ", uniform, " in out and out.count("Deep Compression") == 2  # k-means, uniform


def test_the_benchmark_refuses_uniform_rates_for_a_layer_it_does_not_have():
    import importlib.util
    from conftest import ROOT
    spec = importlib.util.spec_from_file_location("compression_benchmark", ROOT / "benchmarks" / "compression.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    with pytest.raises(SystemExit, match="--uniform-bits: no layer BiLSTM 3 W_ih"):
        bench.main(["--quick", "--only", "uniform", "--uniform-bits", "BiLSTM 3 W_ih=1.5;output layer=4"])


def test_compressed_folders_record_model_and_data_by_name_and_sha256(tiny_model_dir, tmp_path):
    import json
    from deplab.parser.provenance import sha256
    lab = Lab(tiny_model_dir, DEV, TRAIN, tmp_path / "work", log=lambda m: None)
    r = lab.int8()
    info = json.loads((Path(r.path) / "config.json").read_text())["compression"]
    assert info["original"]["name"] == tiny_model_dir.name
    assert info["original"]["files"]["config.json"] == sha256(tiny_model_dir / "config.json")
    assert info["data"]["dev"]["name"] == DEV.name and info["data"]["dev"]["sha256"] == sha256(DEV)
    assert info["data"]["train"]["name"] == TRAIN.name
    text = json.dumps(info)
    assert str(tiny_model_dir) not in text and str(FIXTURES) not in text


def test_split_halves_are_disjoint_seeded_and_keep_the_order():
    from deplab.parser.selection import split_halves
    sentences = read_conllu(TRAIN)[:41]
    select, report = split_halves(sentences, 1)
    assert len(select) == 21 and len(report) == 20
    ids = lambda half: [id(s) for s in half]
    assert not set(ids(select)) & set(ids(report)) and set(ids(select)) | set(ids(report)) == set(ids(sentences))
    position = {id(s): i for i, s in enumerate(sentences)}
    assert [position[i] for i in ids(select)] == sorted(position[i] for i in ids(select))
    assert ids(split_halves(sentences, 1)[0]) == ids(select) and ids(split_halves(sentences, 2)[0]) != ids(select)
    with pytest.raises(ValueError):
        split_halves(sentences[:1])


def test_lab_with_a_split_chooses_epochs_on_one_half_and_scores_on_the_other(tiny_model_dir, tmp_path, monkeypatch):
    from deplab.parser.compression import experiments
    from deplab.parser.compression.measure import measure_folder
    from deplab.parser.selection import split_halves
    select, report = split_halves(read_conllu(DEV), 1)
    lab = Lab(tiny_model_dir, DEV, TRAIN, tmp_path / "work", log=lambda m: None, split=1)
    assert [s.text for s in lab.select] == [s.text for s in select]
    assert [s.text for s in lab.dev] == [s.text for s in report]
    chosen_on = []
    real = experiments.retrain
    monkeypatch.setattr(experiments, "retrain", lambda model, train, dev, *a, **k: (chosen_on.append(dev),
                                                                                    real(model, train, dev, *a, **k)))
    r = lab.deep(0.5, bits=3, retrain_epochs=1, finetune_epochs=1)
    assert chosen_on and all(d is lab.select for d in chosen_on)  # every epoch choice: the selection half
    original = lab.original()
    assert original.LAS == measure_folder(tiny_model_dir, report)["LAS"]  # the original: on the report half too
    assert r.LAS == measure_folder(r.path, report)["LAS"]
    split = json.loads((Path(r.path) / "config.json").read_text())["compression"]["data"]["dev"]["split"]
    assert split["seed"] == 1 and split["select_sentences"] == len(select) and split["report_sentences"] == len(report)
    plain = Lab(tiny_model_dir, DEV, TRAIN, tmp_path / "plain", log=lambda m: None)
    assert plain.select is plain.dev  # without a split: as before, chosen and scored on --dev


def test_compress_command_can_split_the_dev_file(tiny_model_dir, tmp_path, capsys):
    from deplab.parser.cli import main
    from deplab.parser.compression.measure import measure_folder
    from deplab.parser.selection import split_halves
    csv_file = tmp_path / "r.csv"
    assert main(["compress", "original", "--model", str(tiny_model_dir), "--dev", str(DEV), "--split-dev",
                 "--csv", str(csv_file)]) == 0
    import csv
    las = float(next(csv.DictReader(csv_file.open(encoding="utf-8")))["LAS"])
    assert las == round(measure_folder(tiny_model_dir, split_halves(read_conllu(DEV), 1)[1])["LAS"], 2)
    assert main(["compress", "original", "--model", str(tiny_model_dir), "--dev", str(DEV), "--split-dev", "1",
                 "--select", str(DEV)]) != 0
