"""Memory of the real window (offscreen) over re-opens of one treebank: the previous document must be freed.

    QT_QPA_PLATFORM=offscreen python benchmarks/app_memory.py [--file TREEBANK] [--reopens 3]

Opens the file through the annotation controller (as File ▸ Open does), visits a few sentences,
runs the evaluation panel once, then re-opens it; prints the process's resident set size (RSS,
from /proc/self/status) after each open.  A leak shows as RSS growing by about one document per
re-open, and in the count of the documents opened that are still alive (1 when nothing leaks; RSS also moves with
the C allocator's per-thread arenas, which the count does not).  The default file is UD English-EWT train (12,544 sentences), given on the command line.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import weakref
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from deplab.app.qt.main_window import MainWindow  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default=str(ROOT.parent / "shared/data/ud/en_ewt/en_ewt-ud-train.conllu"))
    ap.add_argument("--reopens", type=int, default=3)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("DEPLAB_DATA_DIR", tmp)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(QSettings(os.path.join(tmp, "bench.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    ctl = window.annotation
    ctl.ask = lambda *a: "Don't Save"
    ctl.show_error = lambda title, text: print(f"{title}: {text}", file=sys.stderr)
    app.processEvents()
    print(f"started: RSS {rss_mb():.0f} MB")
    figures = []
    opened = []  # a weak reference to every document opened
    for k in range(args.reopens + 1):
        ctl.open_path(args.file, wait=True)
        for i in (1, 2, 3, 100):
            ctl.go_to(i)
        ctl.eval_panel.setMode("corrections")  # nothing to score yet: the panel says so
        ctl.eval_panel.run(wait=True)
        for _ in range(5):
            app.processEvents()
        gc.collect()
        figures.append(rss_mb())
        what = "opened" if k == 0 else f"re-open {k}"
        opened.append(weakref.ref(ctl.doc))
        alive = sum(r() is not None for r in opened)
        print(f"{what}: {len(ctl.doc)} sentences, RSS {figures[-1]:.0f} MB, Document objects alive: {alive}")
    print(f"growth over {args.reopens} re-opens: {figures[-1] - figures[0]:+.0f} MB "
          f"({', '.join(f'{x:.0f}' for x in figures)} MB)")
    ctl.doc.mark_clean()
    window.close()


if __name__ == "__main__":
    main()
