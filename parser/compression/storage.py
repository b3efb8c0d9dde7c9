"""The compressed model format on disk: one ``model.dlc`` file next to ``config.json``.

Every tensor is stored in the smallest of these encodings (sizes computed
exactly from the Huffman code lengths before writing):

* ``raw``     float32 values (biases, small or unquantized tensors);
* ``dense``   a codebook of its distinct values (at most 256, e.g. after
  k-means or int8) and the Huffman-coded index of every weight (0 = zero);
* ``sparse``  the positions of the non-zero weights as Huffman-coded gaps
  (Han, Mao & Dally 2016, sec. 4: relative indices; a gap longer than ``G``
  is an escape symbol that skips ``G`` positions) and their values, either
  Huffman-coded codebook indices or raw float32;
* ``blocks``  consecutive blocks of rows, each in its own smallest encoding
  (rows quantized with different codebooks, e.g. frequent and rare words).

Decoding rebuilds the exact float32 tensors from these streams; there is no
dense copy in the file.  The vocabulary (items, and their training counts as a list) is
stored as lzma-compressed JSON.
Layout: ``MAGIC``, header length (uint32 LE), zlib-compressed JSON header,
then the data blob that the header's offsets point into.  Nothing is
unpickled, so a model file cannot run code.
"""
from __future__ import annotations

import json
import lzma
import struct
import zlib
from pathlib import Path

import numpy as np
import torch

from ..errors import ModelError
from ..fileio import atomic_folder
from ..vocab import Vocabulary
from . import huffman
from .int8 import quantize_dynamic
from .layers import counts

MAGIC = b"DEPLABC1"
FILE = "model.dlc"
FORMAT = "deplab-compressed/1"
GAP_LIMITS = (15, 31, 63, 127, 255)
MAX_CODEBOOK = 256


class _Blob:
    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, data: bytes) -> list[int]:
        self.parts.append(data)
        self.size += len(data)
        return [self.size - len(data), len(data)]


def _stream(blob: _Blob, symbols: np.ndarray, alphabet: int) -> dict:
    s = huffman.encode(symbols, alphabet)
    off, _ = blob.add(s.data)
    return {"o": off, "n": s.n, "b": s.bits, "L": s.lengths.tolist()}


def _huff_bytes(symbols: np.ndarray, alphabet: int) -> int:
    counts = np.bincount(symbols, minlength=alphabet)
    return (huffman.encoded_bits(counts, huffman.code_lengths(counts)) + 7) // 8 + alphabet // 2


def _gaps(positions: np.ndarray, limit: int) -> np.ndarray:
    """Gap symbols: 1..limit = advance that many and place a value; 0 = advance ``limit``, no value."""
    gaps = np.diff(np.concatenate([[-1], positions]))
    n_esc = (gaps - 1) // limit
    last = gaps - n_esc * limit
    out = np.zeros(int(n_esc.sum()) + len(gaps), dtype=np.int64)
    ends = np.cumsum(n_esc + 1) - 1
    out[ends] = last
    return out


def _positions(symbols: np.ndarray, limit: int) -> np.ndarray:
    advance = np.where(symbols == 0, limit, symbols)
    return (np.cumsum(advance) - 1)[symbols != 0]


def _encodings(v: np.ndarray):
    """The bytes of every encoding that fits the float32 values ``v``, and what encoding them needs."""
    n = v.size
    nz = np.nonzero(v != 0)[0]
    uniq, inverse = np.unique(v[nz].view(np.uint32), return_inverse=True)
    codebook = uniq.view(np.float32)
    options = {"raw": 4 * n}
    dense_sym = None
    if len(codebook) <= MAX_CODEBOOK and n >= 64:
        dense_sym = np.zeros(n, dtype=np.int64)
        dense_sym[nz] = inverse + 1
        options["dense"] = 4 * len(codebook) + _huff_bytes(dense_sym, len(codebook) + 1)
    best_limit = None
    if len(nz) < n and n >= 64:
        gap_cost = {g: _huff_bytes(_gaps(nz, g), g + 1) for g in GAP_LIMITS}
        best_limit = min(gap_cost, key=gap_cost.get)
        if len(codebook) <= MAX_CODEBOOK:
            options["sparse"] = gap_cost[best_limit] + 4 * len(codebook) + _huff_bytes(inverse, len(codebook))
        else:
            options["sparse-raw"] = gap_cost[best_limit] + 4 * len(nz)
    return options, nz, inverse, codebook, dense_sym, best_limit


def tensor_bytes(values) -> int:
    """The bytes :func:`encode_tensor` will write for these values (the smallest encoding, without its header)."""
    v = np.ascontiguousarray(np.asarray(values, dtype=np.float32).ravel())
    return min(_encodings(v)[0].values())


def encode_tensor(t: torch.Tensor, blob: _Blob, rows: list[int] | None = None) -> dict:
    """Writes one tensor in its smallest encoding; ``rows`` (first rows of blocks, from 0) writes each
    block of rows as a tensor of its own (``blocks``), e.g. rows quantized with different codebooks."""
    if rows and len(rows) > 1 and rows[0] == 0 and list(rows) == sorted(set(rows)) and rows[-1] < t.shape[0]:
        ends = list(rows[1:]) + [t.shape[0]]
        return {"shape": list(t.shape), "enc": "blocks",
                "blocks": [encode_tensor(t[a:b], blob) for a, b in zip(rows, ends)]}
    v = t.detach().contiguous().view(-1).to(torch.float32).numpy()
    entry: dict = {"shape": list(t.shape)}
    options, nz, inverse, codebook, dense_sym, best_limit = _encodings(v)
    values = v[nz]
    kind = min(options, key=options.get)
    entry["enc"] = kind
    if kind == "raw":
        entry["raw"] = blob.add(v.tobytes())
        return entry
    if kind in ("dense", "sparse"):
        entry["cb"] = blob.add(codebook.tobytes())
    if kind == "dense":
        entry["vals"] = _stream(blob, dense_sym, len(codebook) + 1)
        return entry
    entry["G"] = best_limit
    entry["gaps"] = _stream(blob, _gaps(nz, best_limit), best_limit + 1)
    if kind == "sparse":
        entry["vals"] = _stream(blob, inverse, len(codebook))
    else:
        entry["raw"] = blob.add(values.tobytes())
    return entry


def _read_stream(data: memoryview, d: dict) -> np.ndarray:
    nbytes = (d["b"] + 7) // 8
    s = huffman.Stream(np.asarray(d["L"], dtype=np.int64), bytes(data[d["o"]:d["o"] + nbytes]), d["n"], d["b"])
    return huffman.decode(s)


def decode_tensor(entry: dict, data: memoryview) -> torch.Tensor:
    shape = entry["shape"]
    n = int(np.prod(shape)) if shape else 1
    kind = entry["enc"]

    def floats(span):
        off, size = span
        return np.frombuffer(bytes(data[off:off + size]), dtype=np.float32)

    if kind == "blocks":
        v = np.concatenate([decode_tensor(b, data).numpy().ravel() for b in entry["blocks"]])
    elif kind == "raw":
        v = floats(entry["raw"]).copy()
    elif kind == "dense":
        table = np.concatenate([[0.0], floats(entry["cb"])]).astype(np.float32)
        v = table[_read_stream(data, entry["vals"])]
    elif kind in ("sparse", "sparse-raw"):
        pos = _positions(_read_stream(data, entry["gaps"]), entry["G"])
        vals = floats(entry["cb"])[_read_stream(data, entry["vals"])] if kind == "sparse" else floats(entry["raw"])
        v = np.zeros(n, dtype=np.float32)
        v[pos] = vals
    else:
        raise ValueError(f"unknown tensor encoding {kind!r}")
    if v.size != n:
        raise ValueError(f"tensor has {v.size} values, its shape {shape} needs {n}")
    return torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)).view(shape)


# -- model folders -------------------------------------------------------------------

def write_model_file(model, file: Path) -> dict:
    """Writes ``model.dlc``; returns the encoding chosen for every tensor (for reports)."""
    blob = _Blob()
    vocab = {"words": _columns(model.words.to_json()), "chars": _columns(model.chars.to_json()),
             "tags": _columns(model.tags.to_json()), "labels": model.transitions.labels}
    header = {"format": FORMAT, "vocab": blob.add(lzma.compress(json.dumps(vocab, ensure_ascii=False).encode(),
                                                                 preset=9 | lzma.PRESET_EXTREME)),
              "modules": {}}
    blocks = model.extra.get("row_blocks", {})
    for key, module in model.modules().items():
        header["modules"][key] = {name: encode_tensor(t, blob, blocks.get(f"{key}/{name}"))
                                  for name, t in _float_state(module).items()}
    head = zlib.compress(json.dumps(header, separators=(",", ":")).encode(), 9)
    with open(file, "wb") as f:
        f.write(MAGIC + struct.pack("<I", len(head)) + head)
        for part in blob.parts:
            f.write(part)
    return {f"{k}/{n}": e["enc"] for k, m in header["modules"].items() for n, e in m.items()}


def _columns(vocab: dict) -> dict:
    """A vocabulary's counts as a list aligned with its items (they are sorted by count: lzma packs it well)."""
    counts = vocab.get("counts") or {}
    return {"itos": vocab["itos"], "count_list": [counts.get(w) for w in vocab["itos"]]}


def _from_columns(vocab: dict) -> dict:
    if "count_list" not in vocab:
        return vocab
    return {"itos": vocab["itos"], "counts": {w: c for w, c in zip(vocab["itos"], vocab["count_list"])
                                              if c is not None}}


def _float_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    state = module.state_dict()
    for name, t in state.items():
        if not isinstance(t, torch.Tensor) or t.dtype != torch.float32:
            raise ValueError(f"cannot store {name}: only float32 tensors are supported (got {type(t).__name__})")
    return state


def _header(raw: bytes) -> tuple[dict, memoryview]:
    if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 4:
        raise ValueError("not a DepLab compressed model file")
    (hlen,) = struct.unpack("<I", raw[len(MAGIC):len(MAGIC) + 4])
    start = len(MAGIC) + 4
    return json.loads(zlib.decompress(raw[start:start + hlen])), memoryview(raw)[start + hlen:]


def _blocks(header: dict) -> dict[str, list[int]]:
    return {f"{key}/{name}": [int(x) for x in np.cumsum([0] + [b["shape"][0] for b in e["blocks"][:-1]])]
            for key, tensors in header["modules"].items() for name, e in tensors.items() if e["enc"] == "blocks"}


def _read(file: Path) -> tuple[dict, dict[str, dict[str, torch.Tensor]], dict[str, list[int]]]:
    header, data = _header(Path(file).read_bytes())
    off, size = header["vocab"]
    vocab = json.loads(lzma.decompress(bytes(data[off:off + size])))
    vocab = {k: (_from_columns(v) if isinstance(v, dict) else v) for k, v in vocab.items()}
    states = {key: {name: decode_tensor(e, data) for name, e in tensors.items()}
              for key, tensors in header["modules"].items()}
    return vocab, states, _blocks(header)


def read_model_file(file: Path) -> tuple[dict, dict[str, dict[str, torch.Tensor]]]:
    """(vocabulary JSON, {module: state dict}) decoded from ``model.dlc``."""
    vocab, states, _ = _read(file)
    return vocab, states


def row_blocks(file: Path) -> dict[str, list[int]]:
    """The first rows of the blocks of every tensor written in blocks (so that saving again keeps them)."""
    return _blocks(_header(Path(file).read_bytes())[0])


def save_compressed(model, path, info: dict) -> Path:
    """Writes a compressed model folder atomically (``config.json`` + ``model.dlc``).

    ``info`` (method, settings, runtime ...) goes to config["compression"]. A failure or
    cancellation while writing leaves no folder behind.
    """
    with atomic_folder(path) as tmp:
        encodings = write_model_file(model, tmp / FILE)
        config = {k: v for k, v in model.config.items() if k != "compression"}
        config["compression"] = {"format": FORMAT, "file": FILE, **info}
        (tmp / "config.json").write_text(json.dumps(config, indent=1, ensure_ascii=False))
    model.extra["encodings"] = encodings
    return Path(path)


def load_compressed(cls, path: Path, config: dict):
    """Rebuilds a :class:`~parser.model.Model` from a compressed folder (called by ``Model.load``)."""
    info = config.pop("compression")
    if info.get("format") != FORMAT:
        raise ModelError(f"{path}: unknown compressed format {info.get('format')!r}")
    file = path / info.get("file", FILE)
    if not file.is_file():
        raise ModelError(f"{file}: missing compressed weights")
    try:
        vocab, states, blocks = _read(file)
    except Exception as e:  # a truncated or corrupt file
        raise ModelError(f"{file}: cannot decode the compressed model: {e}") from None
    model = cls.create(config, Vocabulary.from_json(vocab["words"]), Vocabulary.from_json(vocab["chars"]),
                       Vocabulary.from_json(vocab["tags"]), vocab["labels"])
    for name, module in model.modules().items():
        if name not in states:
            raise ModelError(f"{file}: no weights for the {name}")
        try:
            module.load_state_dict(states[name])
        except Exception as e:
            raise ModelError(f"{file}: weights do not fit the {name}: {e}") from None
    model.extra["compression"] = info
    model.extra["row_blocks"] = blocks
    model.path = path
    model.extra["counts"] = counts(model)   # before int8 conversion hides the weights in packed params
    if info.get("runtime") == "int8-dynamic":
        quantize_dynamic(model)
    return model.eval()


def folder_bytes(path) -> dict:
    """Bytes of the files of a model folder: weights files, the rest (config, vocabulary), total."""
    weights = other = 0
    for f in Path(path).iterdir():
        if not f.is_file():
            continue
        if f.suffix in (".safetensors", ".dlc"):
            weights += f.stat().st_size
        else:
            other += f.stat().st_size
    return {"weights": weights, "other": other, "total": weights + other}
