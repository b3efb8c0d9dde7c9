"""int8: weights stored as 8-bit integers, Linear and LSTM layers run with int8 kernels.

On disk every weight matrix is rounded to 255 levels of a per-tensor scale
(symmetric: w = q * max|w| / 127, q in -127..127).  At run time the parser's
Linear and LSTM layers are converted with torch's dynamic quantization
(``torch.ao.quantization.quantize_dynamic``; Jacob et al. 2018): weights in
int8, activations quantized on the fly per batch.  Embeddings and the
character CNN run in float32 from their int8-rounded values.
"""
from __future__ import annotations

import warnings
from typing import Sequence

import torch
import torch.nn as nn

from .layers import Layer

RUNTIME = "int8-dynamic"


@torch.no_grad()
def round_to_int8(layers: Sequence[Layer]) -> None:
    """Rounds every weight to its tensor's symmetric int8 grid, in place."""
    for layer in layers:
        for _, p in layer.params:
            scale = p.abs().max() / 127
            if scale > 0:
                p.copy_((p / scale).round().clamp(-127, 127) * scale)


def quantize_dynamic(model) -> None:
    """Converts the networks of ``model`` to dynamically quantized int8 Linear/LSTM modules (inference only)."""
    torch.backends.quantized.engine = _engine()
    with warnings.catch_warnings():  # torch 2.x announces that torch.ao.quantization moves to torchao
        warnings.simplefilter("ignore")
        model.parser = torch.ao.quantization.quantize_dynamic(model.parser, {nn.Linear, nn.LSTM}, dtype=torch.qint8)
        if model.tagger is not None:
            model.tagger = torch.ao.quantization.quantize_dynamic(model.tagger, {nn.Linear, nn.LSTM},
                                                                  dtype=torch.qint8)
    model.extra["runtime"] = RUNTIME
    model.eval()


def _engine() -> str:
    engines = torch.backends.quantized.supported_engines
    for e in ("x86", "fbgemm", "qnnpack"):
        if e in engines:
            return e
    raise RuntimeError("this torch build has no quantized engine")
