"""The longest time the window's event loop is held up by two teaching actions (offscreen):
"Why this transition?" while stepping through a parse, and exporting the whole run as PNG frames,
SVG frames and an animated GIF.

    QT_QPA_PLATFORM=offscreen python benchmarks/teach_responsiveness.py [--model DIR] [--threads 1]

A 5 ms heartbeat timer runs on the GUI thread (as in ``benchmarks/app_responsiveness.py``); the longest gap
between two beats while an action runs is how long the window could not repaint or take input.  The
sentence has 20 words (written for this benchmark); the model is the bundled one unless ``--model`` names
another.  The target is under 100 ms for each action.  Copied into an older checkout (before these actions
ran in background tasks) it times the calls made there on the GUI thread: the figures "before".
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from deplab.app.qt.main_window import MainWindow  # noqa: E402
from deplab.parser.pipeline import Pipeline  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from app_responsiveness import Heartbeat  # noqa: E402  (the same 5 ms heartbeat)

SENTENCE = ("The old farmer who lives near the river sold three small horses to a young woman from the city "
            "yesterday")  # 20 words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model folder (default: the bundled model)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default: 1)")
    ap.add_argument("--steps", type=int, default=0, help="explain only the first N steps (default: all)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tmp = tempfile.mkdtemp()
    os.environ["DEPLAB_DATA_DIR"] = tmp
    app = QApplication.instance() or QApplication([])
    window = MainWindow(QSettings(os.path.join(tmp, "bench.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    pipeline = Pipeline.load(args.model)
    pipeline.warm_up()
    window.set_pipeline(pipeline)
    window.parse_text(SENTENCE, wait=True)
    ws = window.workspace
    print(f"{len(ws.forms)} words, {ws.n_steps} steps, model {pipeline.describe().get('arch')}", flush=True)
    hb = Heartbeat()
    fv = window.view.features
    from deplab.app.qt import teach_actions
    explaining = getattr(fv, "explaining", lambda: False)  # a background explanation still running

    def row(name, result):
        print(f"{name:<52} longest stall {result[0]:7.1f} ms   (took {result[1]:.2f} s)", flush=True)

    n = args.steps or ws.n_steps

    def stepping(name, until=lambda: True):
        """Steps 1 … n-1 one at a time (each explanation seen before the next step): the longest stall of all."""
        ws.set_step(0)
        stalls, wall = [], 0.0
        for _ in range(1, n):
            stall, took = hb.measure(app, ws.forward, until)
            stalls.append(stall)
            wall += took
        row(f"{name} (x{n - 1})", (max(stalls), wall))
        print(f"  per step: median {statistics.median(stalls):.1f} ms, "
              f"90th percentile {statistics.quantiles(stalls, n=10)[-1]:.1f} ms", flush=True)

    stepping("step without the explanation")  # what stepping costs anyway
    ws.set_step(0)
    row("tick 'Why this transition?'", hb.measure(app, lambda: fv.why_box.setChecked(True),
                                                  lambda: not explaining()))
    stepping("step with the explanation shown", lambda: not explaining())
    fv.why_box.setChecked(False)
    ws.set_step(ws.n_steps // 2)
    runner = getattr(teach_actions, "export_run", None)
    for what, fmt in (("PNG frames", "png"), ("SVG frames", "svg"), ("an animated GIF", "gif")):
        target = os.path.join(tmp, f"out_{fmt}") + (".gif" if fmt == "gif" else "")
        if runner is not None:  # in the background, with a progress dialog
            holder = {}
            result = hb.measure(app, lambda: holder.setdefault("job", runner(window, fmt, target)),
                                lambda: holder.get("job") is None or not holder["job"].running)
        else:
            from deplab.app.qt import export
            result = hb.measure(app, lambda: export.export_gif(ws, target, True) if fmt == "gif"
                                else export.export_frames(ws, target, fmt, True))
        row(f"export the run as {what} ({ws.n_steps + 1} frames)", result)
    window.close()


if __name__ == "__main__":
    main()
