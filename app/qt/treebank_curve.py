"""Parse ▸ Learning Curve of This Treebank… (issue 17): held-out LAS against the number of gold sentences.

The document's gold sentences are split once, seeded (:func:`deplab.parser.selection.hold_out`), into a
pool and a held-out part; for 50 / 100 / 200 / 500 / all pool sentences the engine's
:func:`deplab.parser.learning_curve.learning_curve` fine-tunes the current model and trains the same
architecture from scratch, and scores both on the held-out sentences.  It runs in the background
(:mod:`.workers`) with progress and Cancel; each point is plotted as soon as it is done
(:class:`.charts.LineChart`), so an annotator sees what the next 100 sentences will buy.
"""
from __future__ import annotations

import threading

from PySide6.QtWidgets import (QDialog, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar,
                               QPushButton, QSpinBox, QVBoxLayout)

from deplab.app.model.parser_training import gold_sentences

from .charts import LineChart
from .workers import TaskCallbacks, run_task, show_progress

DEFAULT_SIZES = "50, 100, 200, 500"


class TreebankCurveDialog(QDialog):
    """``TreebankCurveDialog(ctl)``; ``start()`` computes the curve; ``points`` holds the engine's points.
    ``base_factory()`` gives the model to start from (default: the window's, else the bundled one)."""

    def __init__(self, ctl, parent=None):
        super().__init__(parent or ctl.window)
        self.ctl = ctl
        self.setWindowTitle("Learning Curve of This Treebank")
        self.task = None
        self.points: list[dict] = []
        self._arrived: list[dict] = []
        self._lock = threading.Lock()
        self.base_factory = self._default_base
        self.finetune_options: dict = {}  # FinetuneConfig fields the form does not show (tests: batch_size)
        self.gold = gold_sentences(ctl.doc) if ctl.doc is not None else []
        self.sizes = QLineEdit(DEFAULT_SIZES)
        self.sizes.setToolTip("Numbers of gold sentences; 'all' of them is always added")
        self.heldout = QDoubleSpinBox()
        self.heldout.setRange(0.05, 0.5)
        self.heldout.setSingleStep(0.05)
        self.heldout.setValue(0.2)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 200)
        from deplab.parser.finetune import FinetuneConfig
        self.epochs.setValue(FinetuneConfig().epochs)
        form = QFormLayout()
        form.addRow("Gold sentences:", QLabel(str(len(self.gold))))
        form.addRow("Sizes:", self.sizes)
        form.addRow("Held out (seeded):", self.heldout)
        form.addRow("Epochs per run:", self.epochs)
        self.chart = LineChart("Held-out LAS against gold sentences", "gold sentences trained on", "LAS")
        self.chart.add_series("finetuned", "fine-tuned from the current model", "#0072B2")
        self.chart.add_series("scratch", "from scratch", "#D55E00", dashed=True)
        self.progress = QProgressBar()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.start_button = QPushButton("Compute")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        close = QPushButton("Close")
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.chart, 1)
        lay.addWidget(self.progress)
        lay.addWidget(self.message)
        lay.addLayout(row)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        close.clicked.connect(self.close)
        self.resize(720, 560)

    def _default_base(self):
        pipeline = getattr(self.ctl.window, "pipeline", None) or self.ctl.pipeline
        if pipeline is not None:
            return pipeline.model
        from deplab.parser.model import Model
        return Model.load(None)

    def size_list(self, pool: int) -> list[int]:
        from deplab.parser.learning_curve import parse_sizes
        text = self.sizes.text().replace("all", "")
        sizes = parse_sizes(text) if text.strip(" ,") else []
        return sorted({n for n in sizes if n < pool} | {pool})

    def start(self) -> None:
        from deplab.parser.errors import UserError
        from deplab.parser.finetune import FinetuneConfig
        from deplab.parser.learning_curve import learning_curve
        from deplab.parser.selection import hold_out
        if len(self.gold) < 4:
            self.message.setText(f"A learning curve needs at least 4 gold sentences; this treebank has {len(self.gold)}.")
            return
        pool, held = hold_out(self.gold, self.heldout.value(), 1)
        try:
            sizes = self.size_list(len(pool))
        except UserError as e:
            self.message.setText(str(e))
            return
        cfg = FinetuneConfig(epochs=self.epochs.value(), **self.finetune_options)
        factory = self.base_factory
        self.points, self._arrived = [], []
        self.chart.clear_points()
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.message.setText(f"training on {', '.join(map(str, sizes))} of {len(pool)} sentences; "
                             f"{len(held)} held out…")

        def on_point(p):
            with self._lock:
                self._arrived.append(p)

        def work(ctx):
            base = factory()
            return learning_curve(base, pool, held, sizes, cfg, scratch=True, callbacks=TaskCallbacks(ctx),
                                  on_point=on_point)

        self.task = run_task(work, on_done=self._done, on_error=self._failed, on_progress=self._progress,
                             on_cancelled=self._cancelled, name="learning curve")

    def _take_points(self) -> None:
        with self._lock:
            new, self._arrived = self._arrived, []
        for p in new:
            self.points.append(p)
            self.chart.append("finetuned", p["sentences"], p["finetuned"]["LAS"])
            self.chart.append("scratch", p["sentences"], p["scratch"]["LAS"])

    def _progress(self, done: int, total: int, message: str) -> None:
        show_progress(self.progress, done, total)
        self._take_points()
        if message:
            self.message.setText(message)

    def _finish(self) -> None:
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _done(self, points) -> None:
        self._finish()
        self._arrived = []
        self.chart.clear_points()
        self.points = []
        with self._lock:
            self._arrived = list(points)
        self._take_points()
        last = points[-1]
        self.message.setText(f"{len(points)} points; with all {last['sentences']} sentences: fine-tuned LAS "
                             f"{last['finetuned']['LAS']:.2f}, from scratch {last['scratch']['LAS']:.2f}")
        show_progress(self.progress, 1, 1)

    def _failed(self, message: str) -> None:
        self._finish()
        self.message.setText(f"the learning curve failed: {message}")

    def _cancelled(self) -> None:
        self._finish()
        self._take_points()
        self.message.setText(f"cancelled after {len(self.points)} point{'s' if len(self.points) != 1 else ''}")

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()


def install_treebank_curve(ctl):
    """Parse ▸ Learning Curve of This Treebank…; returns the action."""
    from .annotation_actions import _action, _menu

    def open_dialog():
        ctl.curve_dialog = TreebankCurveDialog(ctl)
        ctl.curve_dialog.show()
        return ctl.curve_dialog

    ctl.curve_dialog = None
    ctl.open_curve = open_dialog
    return _action(ctl, _menu(ctl, "&Parse"), "&Learning Curve of This Treebank…", open_dialog, None,
                   "Held-out LAS against 50 / 100 / 200 / 500 / all gold sentences, in the background")
