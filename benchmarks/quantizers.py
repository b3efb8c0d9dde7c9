"""k-means against uniform weight sharing at the same bytes, without fine-tuning (EWT dev).

    python benchmarks/quantizers.py                 # the bundled model, words seen < 7x dropped, 2 bits
    python benchmarks/quantizers.py --bits 3 --min-count 1
    python benchmarks/quantizers.py --sensitivity   # also: each big layer alone, uniform at 1.0-2.2 bits/weight
    python benchmarks/quantizers.py --rare          # only: rare words' rows and the biases, the rest float32

For each big layer, k-means with 2^bits shared values (Han et al. 2016) and a uniform quantizer whose
encoded size is at most the k-means layer's (Choi et al. 2017) are applied to the same model; the bytes
are what the storage writes for the layer (Huffman-coded indices, dense or sparse), the error is the
mean squared error of the weights, and LAS is measured with every big layer quantized.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEV = ROOT.parent / "shared" / "data" / "ud" / "en_ewt" / "en_ewt-ud-dev.conllu"
BIG = ("word embeddings", "BiLSTM 1 W_ih", "BiLSTM 1 W_hh", "BiLSTM 2 W_ih", "BiLSTM 2 W_hh",
       "MLP slots s1,s2,s3,b1", "MLP child labels")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="model folder (default: the bundled model)")
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--bits", type=int, default=2, help="k-means bits per weight index")
    ap.add_argument("--min-count", type=int, default=7, help="drop the word rows of words seen fewer times")
    ap.add_argument("--sensitivity", action="store_true", help="also quantize each big layer alone (uniform)")
    ap.add_argument("--rare", action="store_true",
                    help="only the rare words' rows (dropped, zeroed or at low rates) and the biases (5 bits), "
                         "everything else float32, from the model with every word")
    args = ap.parse_args(argv)

    import torch
    from deplab.parser.compression.kmeans import quantize_layer
    from deplab.parser.compression.layers import model_layers
    from deplab.parser.compression.storage import tensor_bytes
    from deplab.parser.compression.uniform import quantize_layer_uniform
    from deplab.parser.compression.vocabulary import prune_vocabulary
    from deplab.parser.conllu import read_conllu
    from deplab.parser.model import DEFAULT_MODEL_DIR, Model
    from deplab.parser.selection import dev_scores
    torch.set_num_threads(1)
    dev = read_conllu(args.dev)

    def load():
        m = Model.load(args.model or DEFAULT_MODEL_DIR)
        return prune_vocabulary(m, args.min_count) if args.min_count > 1 else m

    def big(model):
        return {l.name: l for l in model_layers(model) if l.name in BIG}

    def layer_bytes(layer):
        return sum(tensor_bytes(p.detach().numpy()) for _, p in layer.params)

    def flat(layer):
        return torch.cat([p.detach().flatten() for _, p in layer.params])

    if args.rare:
        return rare_words(args, dev)
    base = load()
    print(f"{args.model or DEFAULT_MODEL_DIR}, words seen < {args.min_count}x dropped: "
          f"LAS {dev_scores(base, dev)['LAS']:.2f} unquantized")
    kmeans, uniform = load(), load()
    k_layers, u_layers, originals = big(kmeans), big(uniform), {n: flat(l) for n, l in big(base).items()}
    print(f"{'layer':<24} {'k-means kB':>10} {'mse':>9} {'uniform kB':>10} {'mse':>9}")
    totals = [0, 0]
    for name in BIG:
        if name not in k_layers:
            continue
        quantize_layer(k_layers[name], args.bits)
        kb = layer_bytes(k_layers[name])
        quantize_layer_uniform(u_layers[name], 8 * kb / k_layers[name].numel)
        ub = layer_bytes(u_layers[name])
        totals[0] += kb
        totals[1] += ub
        mse = [float(((flat(l[name]) - originals[name]) ** 2).mean()) for l in (k_layers, u_layers)]
        print(f"{name:<24} {kb / 1000:>10.1f} {mse[0]:>9.2e} {ub / 1000:>10.1f} {mse[1]:>9.2e}")
    print(f"all big layers: k-means ({args.bits} bits) {totals[0] / 1000:.0f} kB, LAS "
          f"{dev_scores(kmeans, dev)['LAS']:.2f}; uniform {totals[1] / 1000:.0f} kB, LAS "
          f"{dev_scores(uniform, dev)['LAS']:.2f}")
    if args.sensitivity:
        print("\none layer alone, uniform (LAS):")
        for name in BIG:
            scores = []
            for rate in (1.0, 1.4, 1.8, 2.2):
                m = load()
                quantize_layer_uniform(big(m)[name], rate)
                scores.append(f"{rate:g} b/w {dev_scores(m, dev)['LAS']:.2f}")
            print(f"{name:<24} " + "   ".join(scores))
    return 0


def rare_words(args, dev) -> int:
    """What the rows of rare words are worth: LAS with them dropped, zeroed, or at low uniform rates;
    one rate for the whole word table against more bits for frequent words; the biases at 5-8 bits."""
    import torch
    from deplab.parser.compression.layers import Layer, fold_lstm_biases, model_layers
    from deplab.parser.compression.storage import tensor_bytes
    from deplab.parser.compression.uniform import quantize_layer_uniform, quantize_vectors, vector_layers
    from deplab.parser.compression.vocabulary import first_row_below, prune_vocabulary, rare_row_rates
    from deplab.parser.model import DEFAULT_MODEL_DIR, Model
    from deplab.parser.selection import dev_scores
    path = args.model or DEFAULT_MODEL_DIR
    las = lambda m: f"{dev_scores(m, dev)['LAS']:.2f}"
    model = Model.load(path)
    print(f"{path}, every word, float32: LAS {las(model)}")
    for count in (3, 5):
        print(f"words seen < {count}x dropped (read as unknown words): LAS {las(prune_vocabulary(model, count))}")
    # (rows of words seen 2x, 3-4x): None = float32, 0 = zeroed, else a uniform rate in bits/weight
    for two, three_four in ((0, 0), (0, 0.5), (0, 1.0), (0, None), (0.5, None)):
        m = Model.load(path)
        w = next(l for l in model_layers(m) if l.name == "word embeddings").params[0][1]
        blocks = ((first_row_below(m.words, 3), None, two), (first_row_below(m.words, 5), first_row_below(m.words, 3),
                                                            three_four))
        size = 0
        with torch.no_grad():
            for start, end, rate in blocks:
                if rate == 0:
                    w[start:end] = 0
                elif rate is not None:
                    quantize_layer_uniform(Layer("rows", "embedding", [("rows", w[start:end])]), rate)
                if rate is not None:
                    size += tensor_bytes(w[start:end].detach().numpy())
        text = lambda r: "float32" if r is None else ("zero" if r == 0 else f"{r:g} bits/weight")
        print(f"rows of words seen 2x {text(two)}, 3-4x {text(three_four)} ({size / 1000:.1f} kB quantized): "
              f"LAS {las(m)}")
    # the words seen >= 5x: one rate for every row, or more bits for the frequent words' rows
    for label, rate, tiers in (("one rate", 1.6, None), ("one rate", 2.0, None),
                               ("seen >= 20x 2.3, 5-19x 1.4", 2.3, {20: 1.4})):
        m = prune_vocabulary(Model.load(path), 5)
        layer = next(l for l in model_layers(m) if l.name == "word embeddings")
        row_rates = rare_row_rates(m.words, tiers) if tiers else None
        quantize_layer_uniform(layer, rate, row_rates)
        w = layer.params[0][1].detach().numpy()
        starts = [0] + [r for r, _ in row_rates or []] + [w.shape[0]]
        size = sum(tensor_bytes(w[a:b]) for a, b in zip(starts, starts[1:]))
        print(f"words seen < 5x dropped, the word table at {label if tiers else f'{label} {rate:g}'} bits/weight "
              f"({size / 1000:.1f} kB): LAS {las(m)}")
    for bits in (5, 6, 8):
        m = Model.load(path)
        fold_lstm_biases(m)  # as deep does before it quantizes the biases
        size = lambda: sum(tensor_bytes(p.detach().numpy()) for l in vector_layers(m) for _, p in l.params)
        before = size()
        quantize_vectors(m, bits)
        print(f"the biases at {bits} bits/value ({before / 1000:.1f} kB -> {size() / 1000:.1f} kB), no fine-tuning: "
              f"LAS {las(m)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
