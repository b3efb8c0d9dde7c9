"""Time from Enter to a drawn tree in the real window (offscreen), for typed 20-word sentences.

    QT_QPA_PLATFORM=offscreen python benchmarks/app_latency.py [--model DIR] [--threads N]

The window's own timer covers tokenization (spaCy rules), tagging, parsing, the
trace for the stepper and the repaint of the arc view; model loading is excluded.
The sentences are the 20-word sentences of EWT dev, typed as plain text.
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
from deplab.parser.conllu import read_conllu  # noqa: E402
from deplab.parser.pipeline import Pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model folder (default: the bundled model)")
    ap.add_argument("--dev", default=str(ROOT.parent / "shared/data/ud/en_ewt/en_ewt-ud-dev.conllu"))
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    app = QApplication.instance() or QApplication([])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(1400, 900)
    window.show()
    window.set_pipeline(Pipeline.load(args.model))
    texts = [s.text for s in read_conllu(args.dev) if len(s.words) == 20]
    window.parse_text(texts[0], wait=True)  # warm-up (spaCy, torch)
    times = []
    for t in texts:
        window.parse_text(t, wait=True)
        app.processEvents()
        times.append(window.last_parse_ms)
    print(f"{len(times)} typed sentences of 20 words (torch threads {torch.get_num_threads()}): "
          f"median {statistics.median(times):.1f} ms, 90th percentile {sorted(times)[int(0.9 * len(times))]:.1f} ms "
          f"from Enter to the drawn tree")


if __name__ == "__main__":
    main()
