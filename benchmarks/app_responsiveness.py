"""The longest time the window's event loop is held up during everyday treebank actions (offscreen).

    QT_QPA_PLATFORM=offscreen python benchmarks/app_responsiveness.py --file TREEBANK [--model DIR]

A 5 ms heartbeat timer runs on the GUI thread; the longest gap between two beats while an action
runs is how long the window could not repaint or take input.  The actions: opening the treebank,
moving between sentences (opening and moving last until the stepper, when shown, shows the current sentence
with its model trace, computed in the background), an edit, an autosave (after every sentence was
changed, as after Parse All, so the recovery copy holds them all), saving, typing a sentence to
parse, opening a 200 MB file that is not CoNLL-U, and Parse All Unannotated on a treebank
stripped of its annotation.  The target is under 100 ms for each.

``--stalls MS`` also prints, per action, where the GUI thread was (a sampling of its Python stack
every millisecond while no beat came for MS ms) and the garbage collections that ran: what to fix.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gc  # noqa: E402

import torch  # noqa: E402
from PySide6.QtCore import QEvent, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from deplab.app.qt.main_window import MainWindow  # noqa: E402
from deplab.parser.conllu import read_conllu  # noqa: E402
from deplab.parser.pipeline import Pipeline  # noqa: E402


class Heartbeat:
    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)
        self.last = time.perf_counter()
        self.worst = 0.0

    def _beat(self):
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def measure(self, app, action, until=lambda: True, timeout_s: float = 300) -> tuple[float, float]:
        """(longest stall in ms, wall time in s) of ``action()`` and the event loop until ``until()``."""
        for _ in range(3):
            app.processEvents()
        self.worst, self.last = 0.0, time.perf_counter()
        self.running = True
        self.timer.start()
        t0 = time.perf_counter()
        action()
        self._beat()
        deadline = time.monotonic() + timeout_s
        while not until() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)
        wall = time.perf_counter() - t0
        for _ in range(3):
            app.processEvents()
        self.timer.stop()
        self.running = False
        return self.worst * 1000, wall


class TimedApplication(QApplication):
    """A QApplication that times the events it delivers (``--stalls``): Qt's own layout and painting
    show up as the events that took long, which a Python stack cannot show."""

    def __init__(self, args):
        super().__init__(args)
        self.depth = 0
        self.slow: Counter = Counter()  # (event type, receiver class) -> ms, outermost events only
        self.count: Counter = Counter()
        self.paints: Counter = Counter()  # widget class -> ms painting it (over 1 ms at a time)
        self.paint_max: Counter = Counter()

    def notify(self, receiver, event):
        self.depth += 1
        t0 = time.perf_counter()
        try:
            return super().notify(receiver, event)
        finally:
            self.depth -= 1
            ms = (time.perf_counter() - t0) * 1000
            t = event.type()
            if t == QEvent.Type.Paint and ms > 1:
                w = receiver.parent() if type(receiver).__name__ == "QWidget" else receiver
                owner = w.parent()
                while owner is not None and type(owner).__name__.startswith("Q"):
                    owner = owner.parent()
                key = type(w).__name__ + (f" in {type(owner).__name__}" if owner is not None else "")
                self.paints[key] += ms
                self.paint_max[key] = max(self.paint_max[key], ms)
            if self.depth == 0 and ms > 2:
                parent = receiver.parent() if hasattr(receiver, "parent") else None
                where = type(receiver).__name__ + (f" {receiver.objectName()}" if receiver.objectName() else "")
                if parent is not None:
                    where += f" in {type(parent).__name__} {parent.objectName()}".rstrip()
                key = (getattr(t, "name", str(t)), where)
                self.slow[key] = max(self.slow[key], ms)
                self.count[key] += 1

    def report(self) -> None:
        for (etype, cls), ms in self.slow.most_common(6):
            print(f"    event {etype} to {cls}: longest {ms:.1f} ms ({self.count[(etype, cls)]} over 2 ms)")
        if self.paints:
            print("    painting (total, longest): " + ", ".join(f"{c} {ms:.0f}, {self.paint_max[c]:.0f} ms"
                                                        for c, ms in self.paints.most_common(6)))
        self.slow.clear()
        self.count.clear()
        self.paints.clear()
        self.paint_max.clear()


class StallSampler(threading.Thread):
    """Samples the GUI thread's Python stack every millisecond while the heartbeat is late by more
    than ``threshold_ms``, and times the garbage collections; :meth:`report` prints and resets them."""

    def __init__(self, hb: Heartbeat, threshold_ms: float):
        super().__init__(daemon=True)
        self.hb, self.threshold = hb, threshold_ms / 1000
        self.main = threading.main_thread().ident
        self.samples: Counter = Counter()
        self.collections: list = []
        self._gc_start = 0.0
        hb.running = False
        sys.setswitchinterval(0.0005)
        gc.callbacks.append(self._gc)

    def _gc(self, phase, info) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            ms = (time.perf_counter() - self._gc_start) * 1000
            if ms > 2:
                self.collections.append((info["generation"], ms, threading.current_thread().name))

    def run(self) -> None:
        while True:
            time.sleep(0.001)
            if not self.hb.running or time.perf_counter() - self.hb.last < self.threshold:
                continue
            frame = sys._current_frames().get(self.main)
            stack = []
            while frame is not None and len(stack) < 8:
                code = frame.f_code
                if "deplab" in code.co_filename or "/app/" in code.co_filename or "benchmarks" in code.co_filename:
                    stack.append(f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}")
                frame = frame.f_back
            self.samples[" < ".join(stack) or "?"] += 1

    def report(self) -> None:
        for stack, n in self.samples.most_common(8):
            print(f"    {n:5d} ms  {stack}")
        for gen, ms, thread in sorted(self.collections, key=lambda c: -c[1])[:5]:
            print(f"    gc generation {gen}: {ms:.1f} ms ({thread})")
        self.samples.clear()
        self.collections.clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default=str(ROOT.parent / "shared/data/ud/en_ewt/en_ewt-ud-train.conllu"))
    ap.add_argument("--model", help="model folder (default: the bundled model)")
    ap.add_argument("--unannotated", default=str(ROOT.parent / "shared/data/ud/en_ewt/en_ewt-ud-dev.conllu"),
                    help="a treebank whose sentences, stripped of their annotation, are pre-annotated by Parse All")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default: 1)")
    ap.add_argument("--stalls", type=float, metavar="MS",
                    help="print where the GUI thread was while no beat came for MS ms, and the collections")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tmp = tempfile.mkdtemp()
    os.environ["DEPLAB_DATA_DIR"] = tmp
    copy = os.path.join(tmp, Path(args.file).name)
    with open(args.file, "rb") as f, open(copy, "wb") as g:
        g.write(f.read())
    junk = os.path.join(tmp, "junk.conllu")
    with open(junk, "wb") as g:
        line = b"This is a long line of prose that is certainly not a CoNLL-U token line at all.\n"
        g.write(line * (200 * 1024 * 1024 // len(line)))
    app = QApplication.instance() or (TimedApplication([]) if args.stalls else QApplication([]))
    window = MainWindow(QSettings(os.path.join(tmp, "bench.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    pipeline = Pipeline.load(args.model)
    pipeline.warm_up()  # as File ▸ Open model does, in its background task
    window.set_pipeline(pipeline)
    settle = time.monotonic() + 1.0  # the window on screen and idle, as when a user chooses File ▸ Open:
    while time.monotonic() < settle:  # its first paint is not part of opening the treebank
        app.processEvents()
        time.sleep(0.005)
    ctl = window.annotation
    ctl.ask = lambda *a: "Save Anyway" if "error" in a[1] else "Don't Save"
    errors = []
    ctl.show_error = lambda title, text: errors.append(text)
    hb = Heartbeat()
    sampler = StallSampler(hb, args.stalls) if args.stalls else None
    if sampler:
        sampler.start()
    rows = []

    def row(name, result):
        rows.append((name, *result))
        print(f"{name:<52} longest stall {result[0]:7.1f} ms   (took {result[1]:.2f} s)", flush=True)
        if sampler:
            sampler.report()
            app.report()

    shown = window.sentences

    def stepper_follows() -> bool:
        """The current treebank sentence is shown, and the stepper (Teach) shows it with its trace (computed in
        the background); in Annotate the stepper is hidden and follows only when it is shown again."""
        d, i = ctl.doc, ctl.current
        if not (ctl.idle() and d is not None and i is not None and not shown.is_busy()):
            return False
        central = window.centralWidget()
        return (central is not None and central.isHidden()) or window.workspace.forms == [t.form for t in d[i].words]
    row(f"open {Path(args.file).name}", hb.measure(app, lambda: ctl.open_path(copy), stepper_follows))
    print(f"  {len(ctl.doc)} sentences")
    row("next sentence (x20)", hb.measure(app, lambda: [ctl.step_sentence(1) for _ in range(20)], stepper_follows))
    ctl.ask_relation_after_attach = False
    row("an edit (re-attach a word)", hb.measure(app, lambda: ctl.attach(1, 0), lambda: not shown.is_busy()))
    doc = ctl.doc
    for i in range(len(doc)):  # every sentence changed, as after Parse All Unannotated
        doc._modified.add(i)
    doc.revision += 1
    saver = ctl.autosaver
    row("autosave, every sentence changed", hb.measure(app, saver.tick, lambda: saver._task is None or not saver._task.running))
    row("save (all sentences re-serialised)", hb.measure(app, lambda: ctl.save(wait=False),
                                                         lambda: not ctl.files.save_task.running))
    row("type a 20-word sentence and parse it", hb.measure(app, lambda: window.parse_text(
        "The old farmer who lives near the river sold three small horses to a young woman from the city yesterday"),
        lambda: not window.is_parsing()))
    ctl.doc.mark_clean()
    row("open a 200 MB file that is not CoNLL-U", hb.measure(app, lambda: ctl.open_path(junk), lambda: ctl.idle()))
    print(f"  refused: {errors[-1] if errors else '(not refused!)'}; document kept: {ctl.doc is doc}")
    bare = os.path.join(tmp, "unannotated.conllu")
    with open(bare, "w", encoding="utf-8") as g:
        for sent in read_conllu(args.unannotated):
            for w in sent.words:
                w.upos, w.head, w.deprel = "_", "_", "_"
            g.write(sent.to_text() + "\n")
    ctl.doc.mark_clean()
    ctl.open_path(bare, wait=True)
    finished = []
    ctl.parseFinished.connect(finished.append)
    row(f"Parse All Unannotated ({len(ctl.doc)} sentences)", hb.measure(app, ctl.parse_all_action.trigger,
                                                                    lambda: bool(finished)))
    worst = max(r[1] for r in rows)
    print(f"longest stall over all actions: {worst:.1f} ms")
    ctl.doc.mark_clean()
    window.close()


if __name__ == "__main__":
    main()
