"""The models shipped with DepLab as package data (``deplab.resources``, the folder ``resources/models``).

They are found with :mod:`importlib.resources`, so they load from a source checkout, an installed wheel
and a zipped install alike (a zip is extracted once, to a temporary folder, for the life of the process).
Nothing here imports torch.
"""
from __future__ import annotations

import atexit
import contextlib
import json
from importlib import resources
from pathlib import Path

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def _models_root() -> Path:
    """The folder that holds the bundled model folders, as a real path on disk."""
    models = resources.files("deplab.resources") / "models"
    if isinstance(models, Path):
        return models
    return _extracted.enter_context(resources.as_file(models))  # a zip: extracted once


MODELS_ROOT = _models_root()
DEFAULT_MODEL_DIR = MODELS_ROOT / "en_ewt"


def bundled_models() -> list[tuple[Path, str]]:
    """The model folders shipped in ``resources/models``, the default first, each with a one-line summary
    read from its ``config.json`` alone (architecture, sizes, dev scores of its training record)."""
    out = []
    measured = measurements()
    for d in sorted((d for d in MODELS_ROOT.iterdir() if d.is_dir()), key=lambda d: (d != DEFAULT_MODEL_DIR, d.name)):
        try:
            config = json.loads((d / "config.json").read_text())
        except (OSError, json.JSONDecodeError):
            continue
        sizes = config.get("sizes", {})
        text = config.get("arch", "?") + (f", BiLSTM {sizes['lstm_hidden']}" if "lstm_hidden" in sizes else "")
        best = config.get("training", {}).get("best", {})
        if "LAS" in best:
            text += f", dev UAS {best['UAS']:.2f} LAS {best['LAS']:.2f}"
        m = measured.get(d.name)
        if m and "sentences_per_s" in m:
            text += f", {m['sentences_per_s']} sentences/s"
            if "ratio_to_spacy" in m:
                text += f" ({m['ratio_to_spacy']:.1f}× spaCy's CNN)"
        out.append((d, text))
    return out


def measurements() -> dict:
    """``measurements.json`` beside the model folders: per model, the batched speed (and the ratio to spaCy's
    pipeline) that ``benchmarks/parse_speed.py --rounds N --record`` measured, with its data, machine and
    command; empty when absent."""
    try:
        data = json.loads((MODELS_ROOT / "measurements.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
