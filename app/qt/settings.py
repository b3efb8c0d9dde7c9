"""The app's one settings store and its one recent-files list.

:func:`app_settings` is the only place a QSettings is made: with ``$DEPLAB_DATA_DIR`` set it is
``$DEPLAB_DATA_DIR/settings.ini`` (tests, portable installs), else Qt's native store for
organisation and application "DepLab" (``~/.config/DepLab/DepLab.conf`` on Linux, the registry
on Windows, ``~/Library/Preferences/com.deplab.DepLab.plist`` on macOS).  Files the app writes
(autosave and recovery copies, models, Lab outputs) go to the data folder of
:mod:`deplab.parser.paths`, never beside the settings.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from deplab.parser.paths import ENV_VAR

RECENT_KEY = "annotation/recent"
MAX_RECENT = 10


def app_settings() -> QSettings:
    """The settings store (window layout, recent files, remembered folders and data files)."""
    override = os.environ.get(ENV_VAR)
    if override:
        os.makedirs(override, exist_ok=True)
        return QSettings(os.path.join(override, "settings.ini"), QSettings.Format.IniFormat)
    return QSettings("DepLab", "DepLab")


class RecentFiles:
    """The treebanks opened or saved lately, newest first, kept in ``settings`` under one key.

    No explicit ``sync()``: every QSettings of this process on the same store sees a change at once,
    and Qt writes it to disk from the event loop soon after (and when the store is destroyed).  That
    write (with its fsync, ~15 ms) then runs in an event-loop pass of its own instead of inside the
    open or save that changed the list."""

    def __init__(self, settings: QSettings | None = None, key: str = RECENT_KEY, limit: int = MAX_RECENT):
        self.settings = settings if settings is not None else app_settings()
        self.key, self.limit = key, limit

    def paths(self) -> list[str]:
        v = self.settings.value(self.key, [])
        if isinstance(v, str):
            v = [v]
        return [p for p in (v or []) if isinstance(p, str) and p]

    def add(self, path: str | None) -> None:
        if not path:
            return
        items = [p for p in self.paths() if p != path]
        items.insert(0, path)
        self.settings.setValue(self.key, items[:self.limit])

    def clear(self) -> None:
        self.settings.setValue(self.key, [])
