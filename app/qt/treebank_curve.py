"""Parse ▸ Learning Curve of This Treebank… (issue 17): held-out LAS against the number of gold sentences.

The document's gold sentences are split once, seeded (:func:`deplab.parser.selection.hold_out`), into a
pool and a held-out part; for 50 / 100 / 200 / 500 / all pool sentences the engine's
:func:`deplab.parser.learning_curve.treebank_curve` trains what Parse ▸ New Parser would train on that many
sentences -- from scratch and fine-tuned from the bundled model, each with its own recipe and selected on a
part of the n -- and scores both on the held-out sentences; the start New Parser would keep is marked.  It
runs in the background (:mod:`.workers`) with progress and Cancel; each point is plotted as soon as it is done
(:class:`.charts.LineChart`), so an annotator sees what the next 100 sentences will buy.
"""
from __future__ import annotations

import threading

from PySide6.QtWidgets import (QCheckBox, QDialog, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout)

from deplab.app.model.parser_training import gold_sentences, guess_language

from .charts import LineChart
from .workers import TaskCallbacks, run_task, show_progress

DEFAULT_SIZES = "50, 100, 200, 500"


class TreebankCurveDialog(QDialog):
    """``TreebankCurveDialog(ctl)``; ``start()`` computes the curve; ``points`` holds the engine's points.
    ``base`` is the model folder the fine-tuned start begins from (default: the bundled model);
    ``train_options`` holds TrainConfig fields the form does not show (tests make the models tiny)."""

    def __init__(self, ctl, parent=None):
        super().__init__(parent or ctl.window)
        self.ctl = ctl
        self.setWindowTitle("Learning Curve of This Treebank")
        self.task = None
        self.points: list[dict] = []
        self._arrived: list[dict] = []
        self._lock = threading.Lock()
        from deplab.parser.auto_start import bundled_base
        self.base = bundled_base()
        self.train_options: dict = {}
        self.parallel: bool | None = None  # None: the engine's choice (two processes on two cores)
        self.gold = gold_sentences(ctl.doc) if ctl.doc is not None else []
        self.sizes = QLineEdit(DEFAULT_SIZES)
        self.sizes.setToolTip("Numbers of gold sentences; 'all' of them is always added")
        self.heldout = QDoubleSpinBox()
        self.heldout.setRange(0.05, 0.5)
        self.heldout.setSingleStep(0.05)
        self.heldout.setValue(0.2)
        self.heldout.setToolTip("The seeded part of the gold sentences that scores every point and is never "
                                "trained on")
        self.language = QLineEdit(guess_language(ctl.doc, getattr(ctl.window, "pipeline", None)))
        self.language.setPlaceholderText("ISO 639 code, e.g. nl, fr, zh")
        name = self.base.name if self.base is not None else "the bundled model"
        self.finetuned = QCheckBox(f"also fine-tune {name}, as New Parser does")
        self.finetuned.setChecked(self.base is not None)
        self.finetuned.setEnabled(self.base is not None)
        self.epochs = QSpinBox()
        self.epochs.setRange(0, 500)
        self.epochs.setSpecialValueText("default")
        self.epochs.setValue(0)
        form = QFormLayout()
        form.addRow("Gold sentences:", QLabel(str(len(self.gold))))
        form.addRow("Sizes:", self.sizes)
        form.addRow("Held out to score (seeded):", self.heldout)
        form.addRow("Language:", self.language)
        form.addRow("Starts:", self.finetuned)
        form.addRow("Epochs per run:", self.epochs)
        self.chart = LineChart("Held-out LAS against gold sentences", "gold sentences", "LAS")
        self.chart.add_series("scratch", "from scratch", "#D55E00", dashed=True)
        self.chart.add_series("finetuned", f"fine-tuned from {name}", "#0072B2", dashed=True)
        self.chart.add_series("ensemble", "both, as an ensemble", "#009E73", dashed=True)
        # drawn last, so on top of the start it keeps
        self.chart.add_series("default", "New Parser's parser (the better start on selection)", "#000000")
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
        self.resize(720, 600)

    def size_list(self, pool: int) -> list[int]:
        from deplab.parser.learning_curve import curve_sizes
        return curve_sizes(self.sizes.text(), pool)

    def start(self) -> None:
        from deplab.parser.errors import UserError
        from deplab.parser.language import is_language_code
        from deplab.parser.learning_curve import treebank_curve
        from deplab.parser.selection import hold_out
        from deplab.parser.train_config import TrainConfig
        if len(self.gold) < 4:
            self.message.setText(f"A learning curve needs at least 4 gold sentences; this treebank has {len(self.gold)}.")
            return
        language = self.language.text().strip().lower()
        if not is_language_code(language):
            self.message.setText("Give the treebank's language as an ISO 639 code (e.g. nl, fr, zh): the fine-tuned "
                                 "start's recipe depends on it, as in New Parser.")
            self.language.setFocus()
            return
        pool, held = hold_out(self.gold, self.heldout.value(), 1)
        try:
            sizes = self.size_list(len(pool))
        except UserError as e:
            self.message.setText(str(e))
            return
        cfg = TrainConfig(language=language, epochs=self.epochs.value() or None, **self.train_options)
        kinds = ("scratch", "finetuned") if self.finetuned.isChecked() and self.base is not None else ("scratch",)
        base, parallel = self.base, self.parallel
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
            return treebank_curve(pool, held, sizes, cfg, base, callbacks=TaskCallbacks(ctx), on_point=on_point,
                                  parallel=parallel, kinds=kinds)

        self.task = run_task(work, on_done=self._done, on_error=self._failed, on_progress=self._progress,
                             on_cancelled=self._cancelled, name="learning curve")

    def _take_points(self) -> None:
        with self._lock:
            new, self._arrived = self._arrived, []
        for p in new:
            self.points.append(p)
            self.chart.append("default", p["sentences"], p["default"]["LAS"])
            for kind, scores in p["runs"].items():
                self.chart.append(kind, p["sentences"], scores["LAS"])

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
        names = {"scratch": "from scratch", "finetuned": "fine-tuned", "ensemble": "both as an ensemble"}
        runs = ", ".join(f"{names.get(k, k)} {s['LAS']:.2f}" for k, s in last["runs"].items())
        kept = {"scratch": "scratch", "finetuned": "the fine-tuned start", "ensemble": "the ensemble of both"}
        self.message.setText(f"{len(points)} points; with all {last['sentences']} sentences, held-out LAS {runs}: "
                             f"New Parser would keep {kept.get(last['chosen'], last['chosen'])}"
                             f" ({last['default']['LAS']:.2f})")
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
