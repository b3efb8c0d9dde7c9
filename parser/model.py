"""A trained model on disk and in memory: vocabularies, transitions and networks.

A model folder holds ``config.json`` (architecture and sizes, training
record), ``vocab.json`` (words, characters, UPOS tags, relation labels) and
the weights as safetensors (``parser.safetensors`` and, for architectures
that read POS tags, ``tagger.safetensors``).  Loading never unpickles
anything, so a model file cannot run code.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from .bundled import DEFAULT_MODEL_DIR
from .compression.storage import load_compressed
from .fileio import atomic_folder
from .errors import ModelError
from .models import ARCHITECTURES, EncodedBatch, KG2016, Tagger
from .transition import TransitionSet
from .vocab import ROOT_ID, UNK_ID, Vocabulary, normalize

MAX_CHARS = 20
ROOT_CHAR = "\x02"
ENSEMBLE = "ensemble"  # config key: {"partners": ["partner-1", ...]}, sub-folders holding the other members


def _long_tensor(rows: list) -> torch.Tensor:
    """An int64 tensor from a list of equally long lists of ints (through numpy: faster than torch.tensor)."""
    return torch.from_numpy(np.array(rows, dtype=np.int64))


@dataclass
class Model:
    config: dict
    words: Vocabulary
    chars: Vocabulary
    tags: Vocabulary
    transitions: TransitionSet
    parser: torch.nn.Module
    tagger: Tagger | None = None   # None when the parser has its own tagging head (kg2016)
    path: Path | None = None
    extra: dict = field(default_factory=dict)
    partners: list["Model"] = field(default_factory=list)  # an ensemble's other members (parser.ensemble)

    # -- construction ---------------------------------------------------------
    @classmethod
    def create(cls, config: dict, words: Vocabulary, chars: Vocabulary, tags: Vocabulary,
               labels: Sequence[str]) -> "Model":
        transitions = TransitionSet(labels, config.get("system"))  # no "system": arc-standard
        arch = config["arch"]
        n_lab = len(transitions.labels)
        sizes = config.setdefault("sizes", {})
        if arch == "kg2016":
            parser = KG2016(len(words), len(chars), len(tags), n_lab, len(transitions), **sizes)
            tagger = None
        else:
            parser = ARCHITECTURES[arch](len(words), len(tags), n_lab, len(transitions), **sizes)
            tagger = Tagger(len(words), len(chars), len(tags), **config.setdefault("tagger_sizes", {}))
        return cls(config, words, chars, tags, transitions, parser, tagger)

    @property
    def arch(self) -> str:
        return self.config["arch"]

    @property
    def labels(self) -> list[str]:
        return self.transitions.labels

    def the_tagger(self) -> Tagger:
        return self.tagger if self.tagger is not None else self.parser.tagger

    def modules(self) -> dict[str, torch.nn.Module]:
        out = {"parser": self.parser}
        if self.tagger is not None:
            out["tagger"] = self.tagger
        return out

    def eval(self) -> "Model":
        for m in self.modules().values():
            m.eval()
        return self

    def n_parameters(self) -> int:
        return sum(p.numel() for m in self.modules().values() for p in m.parameters())

    # -- tensors ---------------------------------------------------------------
    def encode(self, forms_list: Sequence[Sequence[str]], tags_list: Sequence[Sequence[str]] | None = None,
               word_ids: Sequence[Sequence[int]] | None = None) -> EncodedBatch:
        """Pads sentences into id tensors (ROOT at column 0, NULL in the last column).

        Characters are encoded once per distinct form in the batch.
        """
        B = len(forms_list)
        N = max((len(f) for f in forms_list), default=0)
        types = {"": 0, ROOT_CHAR: 1}
        words, tags, char_index = [], [], []
        for i, forms in enumerate(forms_list):
            pad = [0] * (N + 1 - len(forms))  # up to and including the NULL column
            ids = word_ids[i] if word_ids is not None else self.words.ids(normalize(f) for f in forms)
            words.append([ROOT_ID, *ids, *pad])
            if tags_list is not None:
                tags.append([ROOT_ID, *self.tags.ids(tags_list[i]), *pad])
            char_index.append([1, *(types.setdefault(f, len(types)) for f in forms), *pad])
        words = _long_tensor(words).view(B, N + 2)
        char_index = _long_tensor(char_index).view(B, N + 2)
        if tags_list is not None:
            tags = _long_tensor(tags).view(B, N + 2)
        else:
            tags = torch.zeros(B, N + 2, dtype=torch.long)
            tags[:, 0] = ROOT_ID
        lengths = torch.tensor([len(f) for f in forms_list], dtype=torch.long)
        cid, pad = self.chars.stoi.get, [0] * MAX_CHARS  # Vocabulary.id, without a call per character
        rows = [([cid(ch, UNK_ID) for ch in form[:MAX_CHARS]] + pad)[:MAX_CHARS] for form in types]  # dicts keep order
        chars = _long_tensor(rows).view(len(types), MAX_CHARS)
        return EncodedBatch(words, chars, char_index, tags, lengths)

    # -- disk -------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Writes the model folder atomically (a temporary folder, then a rename)."""
        config = self.config  # the record of the partners is kept in step with them
        config.pop(ENSEMBLE, None)
        if self.partners:
            config[ENSEMBLE] = {"partners": partner_folders(len(self.partners))}
        with atomic_folder(path) as tmp:
            (tmp / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False))
            vocab = {"words": self.words.to_json(), "chars": self.chars.to_json(),
                     "tags": self.tags.to_json(), "labels": self.transitions.labels}
            (tmp / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
            for name, module in self.modules().items():
                state = {k: v.contiguous() for k, v in module.state_dict().items()}
                save_file(state, str(tmp / f"{name}.safetensors"))
            for name, partner in zip(config.get(ENSEMBLE, {}).get("partners", []), self.partners):
                partner.save(tmp / name)
        self.path = Path(path)
        for name, partner in zip(config.get(ENSEMBLE, {}).get("partners", []), self.partners):
            partner.path = self.path / name
        return self.path

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "Model":
        path = Path(path) if path is not None else DEFAULT_MODEL_DIR
        if not (path / "config.json").is_file():
            raise ModelError(f"{path}: not a DepLab model folder (no config.json)")
        try:
            config = json.loads((path / "config.json").read_text())
            if isinstance(config, dict) and config.get("compression"):  # decoded by parser.compression.storage
                return load_compressed(cls, path, config)
            vocab = json.loads((path / "vocab.json").read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise ModelError(f"{path}: cannot read the model: {e}") from None
        model = cls.create(config, Vocabulary.from_json(vocab["words"]), Vocabulary.from_json(vocab["chars"]),
                           Vocabulary.from_json(vocab["tags"]), vocab["labels"])
        for name, module in model.modules().items():
            f = path / f"{name}.safetensors"
            if not f.is_file():
                raise ModelError(f"{f}: missing weights")
            try:
                module.load_state_dict(load_file(str(f)))
            except Exception as e:  # a corrupt or mismatched file
                raise ModelError(f"{f}: cannot load weights: {e}") from None
        model.path = path
        model.partners = [_partner(cls, path, name) for name in _partner_names(path, config)]
        return model.eval()


def partner_folders(n: int) -> list[str]:
    """The sub-folder names of an ensemble's ``n`` partners: ``partner-1`` ... ``partner-n``."""
    return [f"partner-{k}" for k in range(1, n + 1)]


def _partner_names(path: Path, config: dict) -> list[str]:
    """The sub-folders of an ensemble's partners (``config["ensemble"]["partners"]``), checked to be plain
    ``partner-N`` names, so a model file cannot point outside its folder."""
    names = (config.get(ENSEMBLE) or {}).get("partners", []) if isinstance(config.get(ENSEMBLE), dict) else []
    for name in names:
        if not (isinstance(name, str) and name.startswith("partner-") and name[8:].isdigit()):
            raise ModelError(f"{path}/config.json: ensemble partner {name!r} is not a partner-N folder name")
    return names


def _partner(cls, path: Path, name: str) -> "Model":
    partner = cls.load(path / name)
    if partner.partners:
        raise ModelError(f"{path / name}: an ensemble partner cannot itself be an ensemble")
    return partner
