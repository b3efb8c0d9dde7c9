"""Where DepLab keeps its files: one data folder per user, for the app and the commands alike.

``$DEPLAB_DATA_DIR`` when set, else the platform's user data folder (``platformdirs``:
``~/.local/share/deplab`` on Linux, ``~/Library/Application Support/deplab`` on macOS,
``%LOCALAPPDATA%\\deplab`` on Windows).  Inside it: ``models/`` (parsers the user trained or
fine-tuned), ``lab/`` (compression and fine-tuning outputs), ``recovery/`` (autosaved edits).
Settings (recent files, remembered data files, window layouts) are the app's QSettings.
"""
from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "DEPLAB_DATA_DIR"


def data_dir() -> Path:
    """The user's DepLab data folder (created on first use)."""
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override).expanduser()
    else:
        from platformdirs import user_data_dir
        path = Path(user_data_dir("deplab", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sub(name: str) -> Path:
    path = data_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    """Models the user trained or fine-tuned."""
    return _sub("models")


def lab_dir() -> Path:
    """Outputs of compression and fine-tuning experiments."""
    return _sub("lab")


def recovery_dir() -> Path:
    """Autosaved edits, offered back after a crash."""
    return _sub("recovery")
