"""Weight sharing of a whole model: k-means (:mod:`.kmeans`) or uniform (:mod:`.uniform`) per layer."""
from __future__ import annotations

from typing import Sequence

from .codebook import Sharing
from .kmeans import quantize_layer
from .layers import Layer
from .uniform import quantize_layer_uniform


def share_weights(layers: Sequence[Layer], bits: int | float | dict, uniform: bool = False,
                  row_rates: dict[str, list[tuple[int, float]]] | None = None) -> list[Sharing]:
    """Quantizes every layer (``bits`` for all, or a bits-per-layer-name dict).

    k-means with 2^bits shared values, or with ``uniform`` a uniform quantizer whose encoding on disk
    costs ``bits`` bits per weight (which may be fractional; :mod:`~parser.compression.uniform`), and
    ``row_rates`` {layer name: [(first row, rate), ...]} gives blocks of a layer's rows their own rates.
    """
    if row_rates and not uniform:
        raise ValueError("rates per block of rows need uniform weight sharing")
    chosen = [l for l in layers if not isinstance(bits, dict) or l.name in bits]
    rate = (lambda l: bits[l.name]) if isinstance(bits, dict) else (lambda l: bits)
    if not uniform:
        return [quantize_layer(l, rate(l)) for l in chosen]
    return [quantize_layer_uniform(l, rate(l), (row_rates or {}).get(l.name)) for l in chosen]
