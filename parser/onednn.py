"""Linear layers through oneDNN's matrix product when decoding.

torch multiplies float matrices on the CPU with MKL's ``sgemm``; MKL picks its code by processor, and on
processors it does not favour it runs well below oneDNN (Intel's deep-learning kernel library, built into
torch), which generates its kernels from the instruction set it finds (AVX-512 and so on).  On the
2-core AMD EPYC (AVX-512) that DepLab's speed figures come from, oneDNN computes the kg2016 word
projections of EWT dev (``[34013, 400] x [400, 1024]``) in 251 ms against MKL's 551 ms
(``python benchmarks/parse_speed.py --kernels 5 --model resources/models/en_ewt``, one thread).  :func:`linear` uses it for inference only (no gradients,
eval mode), when this torch has the operator; otherwise, and in training, it is the layer itself.  The
two give the same values to float rounding (~1e-6 relative); parses are checked to be the same
(tests/test_parser_model.py).
"""
from __future__ import annotations

import torch
import torch.nn as nn


def _probe():
    """oneDNN's linear operator (as torch's compiler uses it), or None when this torch build lacks it."""
    try:
        op = torch.ops.mkldnn._linear_pointwise
        with torch.no_grad():
            x, w = torch.ones(2, 3), torch.ones(4, 3)
            if torch.equal(op(x, w, torch.zeros(4), "none", [], ""), torch.full((2, 4), 3.0)):
                return op
    except (AttributeError, RuntimeError):
        pass
    return None


_LINEAR = _probe() if torch.backends.mkldnn.is_available() else None


def available() -> bool:
    return _LINEAR is not None


def linear(layer: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``layer(x)`` for an ``nn.Linear``, by oneDNN when decoding (float32, no gradients, eval mode)."""
    if (_LINEAR is None or type(layer) is not nn.Linear or layer.training or torch.is_grad_enabled()
            or x.dtype != torch.float32 or layer.weight.dtype != torch.float32 or x.device.type != "cpu"):
        return layer(x)
    return _LINEAR(x, layer.weight, layer.bias, "none", [], "")
