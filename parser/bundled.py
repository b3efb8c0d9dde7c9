"""The models shipped with DepLab in ``resources/models`` (read without loading torch)."""
from __future__ import annotations

import json
from pathlib import Path

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "resources" / "models" / "en_ewt"


def bundled_models() -> list[tuple[Path, str]]:
    """The model folders shipped in ``resources/models``, the default first, each with a one-line summary
    read from its ``config.json`` alone (architecture, sizes, dev scores of its training record)."""
    out = []
    for d in sorted(DEFAULT_MODEL_DIR.parent.iterdir(), key=lambda d: (d != DEFAULT_MODEL_DIR, d.name)):
        try:
            config = json.loads((d / "config.json").read_text())
        except (OSError, json.JSONDecodeError):
            continue
        sizes = config.get("sizes", {})
        text = config.get("arch", "?") + (f", BiLSTM {sizes['lstm_hidden']}" if "lstm_hidden" in sizes else "")
        best = config.get("training", {}).get("best", {})
        if "LAS" in best:
            text += f", dev UAS {best['UAS']:.2f} LAS {best['LAS']:.2f}"
        out.append((d, text))
    return out
