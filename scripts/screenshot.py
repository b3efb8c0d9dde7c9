"""Renders DepLab's main window offscreen to docs/screenshot.png (for the README).

    python scripts/screenshot.py [--model DIR] [--sentence TEXT] [--step K] [--out PATH]

Uses the bundled model unless --model is given; the window is the real one,
with a typed sentence parsed and stepped to a configuration in the middle of
the parse, so the stack, buffer, scores and features are all visible.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SENTENCE = "The old farmer sold three small horses to a young woman from the city."


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model folder (default: the bundled model)")
    ap.add_argument("--sentence", default=DEFAULT_SENTENCE)
    ap.add_argument("--step", type=int, default=None, help="step to show (default: two thirds of the way)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    ap.add_argument("--size", default="1400x900", help="window size WxH")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from deplab.app.qt.main_window import MainWindow, wait_for

    app = QApplication.instance() or QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory() as tmp:  # never touch the user's settings
        settings = QSettings(os.path.join(tmp, "screenshot.ini"), QSettings.Format.IniFormat)
        w = MainWindow(settings)
        width, height = (int(x) for x in args.size.lower().split("x"))
        w.resize(width, height)
        w.show()
        wait_for(w.load_model(args.model), timeout_s=300)
        if w.pipeline is None:
            print(f"screenshot: could not load the model: {w.model_error}", file=sys.stderr)
            return 1
        w.view.input.setText(args.sentence)
        w.parse_text(args.sentence, wait=True)
        ws = w.workspace
        ws.set_step(args.step if args.step is not None else (2 * ws.n_steps) // 3)
        w.view.features.table.selectRow(0)
        app.processEvents()
        view = w.arc_view
        if view.sceneSize().width() > view._scroll.viewport().width():
            view.fitToWidth()  # the whole tree in the picture
        app.processEvents()
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not w.grab().save(str(out)):
            print(f"screenshot: could not write {out}", file=sys.stderr)
            return 1
        w.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
