"""The parser's weight "layers", with readable names, for pruning and quantization.

A layer is the weight matrix (or matrices) of one embedding table, convolution,
LSTM input/recurrent projection or linear layer; the two directions of a
BiLSTM layer form one layer.  Biases and other vectors are small and are
left as they are (Han et al. 2015 also prune only the weights).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import torch
import torch.nn as nn

# "Model" in the annotations is parser.model.Model, not imported: the model file format (storage) uses
# this module, and parser.model reads that format, so an import here would close a cycle

# readable names of kg2016 / cm2014 / weiss2015 modules (path inside the module, without ".weight")
_NAMES = {
    "tagger.encoder.words": "word embeddings",
    "tagger.encoder.chars.emb": "char embeddings",
    "tagger.encoder.chars.conv": "char CNN",
    "tagger.out": "tagger output",
    "encoder.words": "word embeddings",
    "encoder.chars.emb": "char embeddings",
    "encoder.chars.conv": "char CNN",
    "out": "output layer",
    "slots": "MLP slots s1,s2,s3,b1",
    "labels": "label embeddings",
    "label_hidden": "MLP child labels",
    "features.words": "word embeddings",
    "features.tags": "POS embeddings",
    "features.labels": "label embeddings",
    "hidden": "hidden layer",
    "mlp.0": "hidden layer 1",
    "mlp.3": "hidden layer 2",
}
_LSTM = re.compile(r"weight_(ih|hh)_l(\d+)(_reverse)?$")


@dataclass
class Layer:
    name: str                 # readable, unique within the model
    kind: str                 # embedding | conv | lstm | linear
    params: list[tuple[str, torch.nn.Parameter]]  # (full name "module/path.weight", tensor)

    @property
    def numel(self) -> int:
        return sum(p.numel() for _, p in self.params)

    def nonzeros(self) -> int:
        return sum(int(torch.count_nonzero(p)) for _, p in self.params)


def model_layers(model: Model) -> list[Layer]:
    """The weight layers of all networks of ``model`` (parser, and the separate tagger if any)."""
    layers: dict[str, Layer] = {}
    for key, net in model.modules().items():
        prefix = "" if key == "parser" else f"{key} "
        for path, mod in net.named_modules():
            if isinstance(mod, nn.LSTM):
                for pname, p in mod.named_parameters(recurse=False):
                    m = _LSTM.match(pname)
                    if not m:
                        continue
                    owner = "BiLSTM" if mod.bidirectional else "LSTM"
                    name = f"{prefix}{owner} {int(m.group(2)) + 1} W_{m.group(1)}"
                    _add(layers, name, "lstm", f"{key}/{path}.{pname}", p)
            elif isinstance(mod, (nn.Embedding, nn.Linear, nn.Conv1d)):
                kind = {nn.Embedding: "embedding", nn.Linear: "linear", nn.Conv1d: "conv"}[type(mod)]
                name = prefix + _NAMES.get(path, path)
                _add(layers, name, kind, f"{key}/{path}.weight", mod.weight)
    return list(layers.values())


def _add(layers: dict, name: str, kind: str, full: str, p: torch.nn.Parameter) -> None:
    if name not in layers:
        layers[name] = Layer(name, kind, [])
    layers[name].params.append((full, p))


def find_layer(layers: list[Layer], name: str) -> Layer:
    for layer in layers:
        if layer.name == name:
            return layer
    raise KeyError(f"no layer named {name!r} (layers: {', '.join(l.name for l in layers)})")


def get_parameter(model: Model, full: str) -> torch.nn.Parameter:
    key, _, path = full.partition("/")
    return model.modules()[key].get_parameter(path)


@torch.no_grad()
def fold_lstm_biases(model: Model) -> int:
    """Adds every LSTM ``bias_hh`` into its ``bias_ih`` and zeroes it; returns the number of values folded.

    An LSTM gate computes W_ih x + b_ih + W_hh h + b_hh, so only the sum of the two biases matters:
    folding changes no output (up to float rounding) and the zero vectors cost almost nothing on disk.
    """
    folded = 0
    for net in model.modules().values():
        for mod in net.modules():
            if not isinstance(mod, nn.LSTM):
                continue
            for name, p in mod.named_parameters(recurse=False):
                if name.startswith("bias_hh"):
                    getattr(mod, "bias_ih" + name[len("bias_hh"):]).add_(p)
                    p.zero_()
                    folded += p.numel()
    return folded


def counts(model: "Model") -> dict:
    """Parameters and non-zeros of all tensors, and of the weight layers (the ones compression works on)."""
    tensors = [t for m in model.modules().values() for t in m.state_dict().values()
               if isinstance(t, torch.Tensor) and t.is_floating_point()]
    layers = model_layers(model)
    weights = sum(l.numel for l in layers)
    weight_nz = sum(l.nonzeros() for l in layers)
    return {"parameters": sum(t.numel() for t in tensors),
            "nonzeros": sum(int(torch.count_nonzero(t)) for t in tensors),
            "weights": weights, "weight_nonzeros": weight_nz,
            "sparsity": 1.0 - weight_nz / weights if weights else 0.0}
