import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EWT_TRAIN = SHARED / "data/ud/en_ewt/en_ewt-ud-train.conllu"
EWT_DEV = SHARED / "data/ud/en_ewt/en_ewt-ud-dev.conllu"
GUM_DEV = SHARED / "data/ud/en_gum/en_gum-ud-dev.conllu"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def need(path: Path) -> Path:
    """Skips the test when a ../shared data file is absent (CI has it)."""
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path
