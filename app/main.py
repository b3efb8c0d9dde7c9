"""``deplab`` with no arguments: the desktop app with the bundled model (or the last one opened)."""
from __future__ import annotations

import os
import sys


def run(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from deplab.app.qt.main_window import MainWindow

    app = QApplication.instance() or QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName("DepLab")
    app.setApplicationName("DepLab")
    from deplab import __version__
    app.setApplicationVersion(__version__)
    window = MainWindow()
    window.show()
    from PySide6.QtCore import QTimer
    QTimer.singleShot(0, window.annotation.offer_recovery)  # edits left by a crash (kill -9)?
    last = window.last_model_dir()
    window.load_model(last if last and os.path.isdir(last) else None)  # in a worker thread
    return app.exec()


if __name__ == "__main__":
    sys.exit(run())
