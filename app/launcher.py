"""The ``deplab`` console script: no arguments opens the app, otherwise the engine's subcommands.

``DEPLAB_QUIT_AFTER=N`` makes the app quit after N seconds with exit code 0 (a smoke test of an
installed copy: ``QT_QPA_PLATFORM=offscreen DEPLAB_QUIT_AFTER=5 deplab``).
"""
from __future__ import annotations

import os
import sys


def quit_after() -> float | None:
    """Seconds from ``DEPLAB_QUIT_AFTER``, or None when it is unset or not a positive number."""
    value = os.environ.get("DEPLAB_QUIT_AFTER", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds > 0 else None


def run_app() -> int:
    from deplab.app.main import run
    seconds = quit_after()
    if seconds is not None:  # the app reuses this QApplication
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance() or QApplication(sys.argv[:1])
        QTimer.singleShot(int(seconds * 1000), app.quit)
    return run()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        try:
            return run_app()
        except ModuleNotFoundError as e:
            if e.name != "deplab.app.main":
                raise
    from deplab.parser.cli import main as cli_main
    return cli_main(argv)  # with no arguments and no app in this build: the help


if __name__ == "__main__":
    sys.exit(main())
