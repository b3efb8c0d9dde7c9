"""Parse ▸ Parse All Unannotated in the real window (offscreen) against the engine, on the same sentences.

    QT_QPA_PLATFORM=offscreen python benchmarks/preannotate_speed.py --file TREEBANK [--model DIR] [--threads 1]

The treebank's sentences are stripped of their annotation (UPOS, HEAD, DEPREL become ``_``) and
written to a temporary CoNLL-U file.  The engine: ``Pipeline.parse`` over all of them (tagging
included).  The app: that file opened in the annotation controller, then Parse All Unannotated
timed from the action to ``parseFinished`` (the parse in the background, then applying the
results as one undoable step, the navigator and the current sentence redrawn).  Sentences/s is
the median of three runs of each, interleaved, after a warm-up run; model loading excluded.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from deplab.app.qt.main_window import MainWindow  # noqa: E402
from deplab.parser.conllu import read_conllu  # noqa: E402
from deplab.parser.pipeline import Pipeline  # noqa: E402


def unannotated(sentences):
    out = []
    for s in sentences:
        s = s.copy()
        for w in s.words:
            w.upos, w.head, w.deprel = "_", "_", "_"
        out.append(s)
    return out


def app_run(app, ctl, path: str) -> float:
    ctl.ask = lambda *a: "Don't Save"
    ctl.open_path(path, wait=True)
    loop = QEventLoop()
    done = []
    ctl.parseFinished.connect(lambda changed: (done.append(changed), loop.quit()))
    t0 = time.perf_counter()
    ctl.parse_all_action.trigger()
    QTimer.singleShot(600_000, loop.quit)
    loop.exec()
    seconds = time.perf_counter() - t0
    ctl.parseFinished.disconnect()
    assert done and done[0] and len(done[0]) == len(ctl.doc), "not every sentence was parsed"
    return len(ctl.doc) / seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default=str(ROOT.parent / "shared/data/ud/en_ewt/en_ewt-ud-dev.conllu"))
    ap.add_argument("--model", help="model folder (default: the bundled model)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default: 1)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("DEPLAB_DATA_DIR", tmp)
    sentences = unannotated(read_conllu(args.file))
    path = os.path.join(tmp, "unannotated.conllu")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(s.to_text() + "\n" for s in sentences))
    pipeline = Pipeline.load(args.model)

    def engine_run() -> float:
        t0 = time.perf_counter()
        pipeline.parse(sentences)
        return len(sentences) / (time.perf_counter() - t0)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(QSettings(os.path.join(tmp, "bench.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    ctl = window.annotation
    ctl.pipeline = pipeline
    engine_run()  # warm-up
    app_run(app, ctl, path)
    engine, in_app = [], []
    for _ in range(args.runs):  # interleaved: a busy machine slows both alike
        engine.append(engine_run())
        in_app.append(app_run(app, ctl, path))
    engine, in_app = statistics.median(engine), statistics.median(in_app)
    ctl.doc.mark_clean()
    print(f"{len(sentences)} sentences of {Path(args.file).name}, torch threads {torch.get_num_threads()}, "
          f"median of {args.runs} runs:")
    print(f"  engine (Pipeline.parse):         {engine:7.0f} sentences/s")
    print(f"  app (Parse All Unannotated):     {in_app:7.0f} sentences/s  ({in_app / engine:.0%} of the engine)")
    window.close()


if __name__ == "__main__":
    main()
