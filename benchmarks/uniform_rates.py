"""Rates per layer for the "uniform" row, chosen on the selection half of EWT dev only.

    python benchmarks/uniform_rates.py            # sensitivity, allocation, check (~15 min on one core)

benchmarks/compression.py's uniform row stores every big layer with a uniform quantizer at a rate (bits per
weight on disk) of its own, UNIFORM["bits"].  Those rates came from benchmarks/quantizers.py --sensitivity,
which scores on all of dev, the report half included.  This script redoes the choice on the selection half
(parser.selection.split_halves, seed SPLIT_SEED) and never parses the report half:

1. the model as the uniform row starts it (words seen < UNIFORM min_count dropped, the LSTM biases folded);
2. each layer quantized alone at its current rate x 0.7 ... 1.5 (the rows of rare words at their own rate, as in
   the row): the bytes the storage writes for it and the selection-half LAS it loses;
3. the rates with the smallest summed loss within the bytes the current rates take
   (parser.compression.allocation.allocate; each layer's losses first made non-increasing in the rate);
4. both allocations with every layer (and the biases) quantized, no fine-tuning: selection-half LAS and bytes.

It prints the chosen rates as a --uniform-bits argument for benchmarks/compression.py.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EWT = ROOT.parent / "shared" / "data" / "ud" / "en_ewt"
FACTORS = (0.7, 0.85, 1.0, 1.15, 1.3, 1.5)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="model folder (default: the bundled model)")
    ap.add_argument("--dev", default=str(EWT / "en_ewt-ud-dev.conllu"))
    ap.add_argument("--factors", default=",".join(map(str, FACTORS)), help="candidate rates, x the current one")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)

    import numpy as np
    import torch
    from compression import SPLIT_SEED, UNIFORM
    from deplab.parser.compression.allocation import allocate, monotone
    from deplab.parser.compression.layers import fold_lstm_biases, model_layers
    from deplab.parser.compression.measure import accuracy_and_speed
    from deplab.parser.compression.sharing import share_weights
    from deplab.parser.compression.storage import tensor_bytes
    from deplab.parser.compression.uniform import quantize_vectors, vector_layers
    from deplab.parser.compression.vocabulary import prune_vocabulary, rare_row_rates
    from deplab.parser.conllu import read_conllu
    from deplab.parser.model import DEFAULT_MODEL_DIR, Model
    from deplab.parser.selection import split_halves
    torch.set_num_threads(args.threads)
    select, _ = split_halves(read_conllu(args.dev), SPLIT_SEED)
    rates = dict(UNIFORM["bits"])
    factors = [float(f) for f in args.factors.split(",")]

    def start():
        """The model as the uniform row quantizes it, and the row blocks of its word table."""
        m = Model.load(args.model or DEFAULT_MODEL_DIR)
        m = prune_vocabulary(m, UNIFORM["min_count"]) if UNIFORM["min_count"] > 1 else m
        fold_lstm_biases(m)
        rows = {"word embeddings": rare_row_rates(m.words, UNIFORM["rare_rates"])} if UNIFORM.get("rare_rates") else {}
        return m, {l.name: l for l in model_layers(m)}, rows

    def layer_bytes(layer, rows):
        """Bytes of the layer as the storage writes it (each block of rows with its own codebook)."""
        total = 0
        for _, p in layer.params:
            w = p.detach().numpy()
            starts = [0] + [r for r, _ in rows.get(layer.name, [])] + [w.shape[0]]
            total += sum(tensor_bytes(w[a:b]) for a, b in zip(starts, starts[1:]))
        return total

    las = lambda m: accuracy_and_speed(m, select)["LAS"]
    model, layers, rows = start()
    base = las(model)
    print(f"selection half ({len(select)} sentences), words seen < {UNIFORM['min_count']}x dropped, float32: "
          f"LAS {base:.2f}\n\none layer quantized alone: rate (bits/weight) bytes LAS lost", flush=True)
    options = {}
    for name, current in rates.items():
        layer = layers[name]
        saved = [p.detach().clone() for _, p in layer.params]
        options[name] = []
        for f in factors:
            r = round(current * f, 2)
            share_weights([layer], {name: r}, uniform=True, row_rates=rows)
            options[name].append((r, layer_bytes(layer, rows), base - las(model)))
            with torch.no_grad():
                for (_, p), w in zip(layer.params, saved):
                    p.copy_(w)
        print(f"  {name:<24}" + "  ".join(f"{r:g} {b / 1000:.1f}kB {d:+.2f}" for r, b, d in options[name]),
              flush=True)
    budget = sum(b for name in rates for r, b, _ in options[name] if r == round(rates[name], 2))
    chosen = allocate(monotone(options), budget)

    def quantized(bits):
        m, ls, rw = start()
        share_weights(list(ls.values()), bits, uniform=True, row_rates=rw)
        if UNIFORM.get("vector_rate"):
            quantize_vectors(m, UNIFORM["vector_rate"])
        size = sum(layer_bytes(ls[n], rw) for n in bits) + \
            sum(tensor_bytes(p.detach().numpy()) for l in vector_layers(m) for _, p in l.params)
        return las(m), size

    print(f"\nbudget: {budget:,} bytes (the big layers at the current rates)")
    for label, bits in (("current", rates), ("allocated", chosen)):
        score, size = quantized(bits)
        print(f"{label:<9} every layer and the biases quantized, no fine-tuning: LAS {score:.2f} "
              f"({score - base:+.2f}), {size:,} bytes")
    changed = {n: r for n, r in chosen.items() if not np.isclose(r, rates[n])}
    print("\nchanged: " + (", ".join(f"{n} {rates[n]:g} -> {r:g}" for n, r in changed.items()) or "nothing"))
    print("--uniform-bits " + repr(";".join(f"{n}={r:g}" for n, r in chosen.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
