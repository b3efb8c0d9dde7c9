"""Lab ▸ Fine-tuning: adapt the parser to gold data, compare with training from scratch, parser in the loop.

The front end of :mod:`parser.active_learning` (fine-tune and save; retrain on the gold sentences,
re-parse and re-rank the rest), :mod:`parser.learning_curve` and :mod:`parser.uncertainty`; nothing
here trains, saves or scores by itself.  The training data are :mod:`app.qt.finetune_data`'s, the
options :mod:`app.qt.finetune_form`'s, the plots :mod:`app.qt.charts`', the wiring into the window
:mod:`app.qt.finetune_install`'s.  Fine-tuning needs none of the base model's training data: a guard against
forgetting (L2-SP by default) stands in for rehearsal unless the user chooses that file.  Every
run happens in a worker thread (:mod:`app.qt.workers`) with progress and
Cancel, on a copy of the model: a cancelled run saves nothing and the
current model stays in use.  A finished run is saved as a new model folder
(with the record of its base model, data and options); "Use this model"
switches the app to it and "Back to previous model" switches back.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QScrollArea, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from .charts import BASE_COLOR, FT_COLOR, SCRATCH_COLOR, LineChart
from .finetune_curve import LearningCurveWorkflow
from .finetune_data import TrainingData
from .finetune_form import FinetuneOptions
from .finetune_loop import ParserInTheLoopWorkflow
from .run_row import add_run_row
from .workers import Task, TaskCallbacks, run_task, show_progress


def models_folder() -> Path:
    """Where fine-tuned models go: the data folder's models (``deplab.parser.paths``; DEPLAB_DATA_DIR overrides)."""
    from deplab.parser.paths import models_dir
    return Path(models_dir())


def _as_model(obj):
    """A parser.model.Model from a Model, a Pipeline (``.model``) or None."""
    return getattr(obj, "model", obj) if obj is not None else None


class _Relay(QObject):
    """Carries per-epoch / per-point results from the worker thread to the GUI thread."""

    epoch = Signal(int, str, int, object)   # run id, kind, epoch, scores
    point = Signal(int, object)             # run id, learning-curve point


# -- the tab -------------------------------------------------------------------------------------------

class FinetuneTab(QWidget, LearningCurveWorkflow, ParserInTheLoopWorkflow):
    """Signals: ``useModelRequested(path)`` (switch the app's model), ``sentenceRequested(index)``
    (show a document sentence), ``scoresChanged(dict)`` (uncertainty per document sentence index)."""

    useModelRequested = Signal(str)
    sentenceRequested = Signal(int)
    scoresChanged = Signal(object)
    runFinished = Signal(object)      # the run's summary dict (None if it failed or was cancelled)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("FinetuneTab")
        # providers, set by install_finetune (or tests)
        self.base_provider: Callable[[], Any] = lambda: None
        self.doc_provider: Callable[[], Any] = lambda: None
        self.apply_parses: Callable[[dict], list] | None = None
        self.models_dir: Path = models_folder()
        self.task: Task | None = None
        self._run_id = 0
        self.result: dict | None = None          # the last finished run
        self.result_path: str | None = None
        self.previous_path: str | None = None
        self.scores: dict[int, float] = {}
        self._relay = _Relay()
        self._relay.epoch.connect(self._on_epoch)
        self._relay.point.connect(self._on_point)
        self._build()
        self._update_buttons()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        inner = QWidget()
        col = QVBoxLayout(inner)
        col.setContentsMargins(6, 6, 6, 6)
        col.setSpacing(8)

        self.base_label = QLabel("Base model: none loaded")
        self.base_label.setWordWrap(True)
        col.addWidget(self.base_label)

        # data
        self.data = TrainingData()
        d = self.data  # its fields, by the names the workflows and tests use
        self.src_doc, self.src_file, self.train_edit, self.doc_count = d.src_doc, d.src_file, d.train_edit, d.doc_count
        self.held_pct_radio, self.held_file_radio, self.held_pct, self.held_edit = (
            d.held_pct_radio, d.held_file_radio, d.held_pct, d.held_edit)
        col.addWidget(self.data)

        # options
        opts = QGroupBox("Options")
        ov = QVBoxLayout(opts)
        self.options = FinetuneOptions()
        self.options.changed.connect(self._update_buttons)
        ov.addWidget(self.options)
        col.addWidget(opts)

        # run row
        add_run_row(self, col, "Fine-tune", self.start_finetune, self.cancel)

        # live charts
        self.loss_chart = LineChart("Training loss", "epoch", "loss")
        self.loss_chart.add_series("ft", "fine-tuned", FT_COLOR)
        self.loss_chart.add_series("scratch", "from scratch", SCRATCH_COLOR)
        self.score_chart = LineChart("Held-out LAS (solid) and UAS (dashed)", "epoch", "%")
        self.score_chart.add_series("ft_LAS", "fine-tuned", FT_COLOR)
        self.score_chart.add_series("ft_UAS", "fine-tuned UAS", FT_COLOR, dashed=True, markers=False, legend=False)
        self.score_chart.add_series("scratch_LAS", "from scratch", SCRATCH_COLOR)
        self.score_chart.add_series("scratch_UAS", "scratch UAS", SCRATCH_COLOR, dashed=True, markers=False,
                                    legend=False)
        self.score_chart.add_series("base_LAS", "base model LAS", BASE_COLOR, dashed=True, markers=False)
        col.addWidget(self.loss_chart)
        col.addWidget(self.score_chart)

        # before / after
        self.table = QTableWidget(3, 4)
        self.table.setHorizontalHeaderLabels(["UPOS", "UAS", "LAS", "Δ LAS"])
        self.table.setVerticalHeaderLabels(["Base model", "Fine-tuned", "From scratch"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeRowsToContents()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + sum(self.table.rowHeight(r) for r in range(3)) + 2 * self.table.frameWidth())
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        col.addWidget(self.table)

        # result
        res = QHBoxLayout()
        self.use_button = QPushButton("Use this model")
        self.use_button.setToolTip("Switch the app to the fine-tuned model (the current one stays available)")
        self.use_button.clicked.connect(self.use_result)
        self.back_button = QPushButton("Back to previous model")
        self.back_button.clicked.connect(self.use_previous)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        res.addWidget(self.use_button)
        res.addWidget(self.back_button)
        res.addStretch(1)
        col.addLayout(res)
        col.addWidget(self.result_label)

        self._build_curve(col)
        self._build_loop(col)
        col.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # -- helpers ----------------------------------------------------------------------------------
    def base_model(self):
        return _as_model(self.base_provider())

    def busy(self) -> bool:
        return self.task is not None and self.task.running

    def refresh(self) -> None:
        """Re-reads the base model and the document (call when either changed)."""
        m = self.base_model()
        if m is None:
            self.base_label.setText("Base model: none loaded (File ▸ Open model…)")
        else:
            where = Path(m.path).name if m.path else "in memory"
            n = m.n_parameters()
            self.base_label.setText(f"Base model: <b>{where}</b> ({m.arch}, {n:,} parameters, "
                                    f"{len(m.words):,} words, {len(m.labels)} relations)")
            self.base_label.setToolTip(str(m.path or ""))
        self.data.show_document(self.doc_provider())
        self._update_buttons()

    def showEvent(self, e) -> None:
        self.refresh()
        super().showEvent(e)

    def _update_buttons(self) -> None:
        busy = self.busy()
        any_part = self.options.any_part()
        for b in (self.run_button, self.curve_button, self.retrain_button):
            b.setEnabled(not busy and any_part)
        self.rank_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.use_button.setEnabled(not busy and self.result_path is not None)
        self.back_button.setEnabled(self.previous_path is not None)

    def config(self):
        return self.options.config()

    def _gold_of_document(self) -> tuple[list, dict]:
        return self.data.gold_of_document(self.doc_provider())

    def _inputs(self) -> Callable[[], tuple[list, list, dict]]:
        """Validates the form on the GUI thread; returns a function the worker calls to read the data."""
        return self.data.inputs(self.doc_provider())

    def _start(self, fn, label: str, on_done, total_hint: int = 0) -> Task | None:
        self._run_id += 1
        self.status.setText(label + "…")
        self.status.setStyleSheet("")
        self.progress.setRange(0, total_hint)
        self.progress.setValue(0)
        task = run_task(fn, on_done=on_done, on_error=self._failed, on_progress=self._on_progress, name="finetune")
        task.cancelledSignal.connect(self._cancelled)
        self.task = task
        self._update_buttons()
        return task

    def _error(self, msg: str) -> None:
        self.status.setText(msg)
        self.status.setStyleSheet("color: #B00020")

    def _on_progress(self, done: int, total: int, text: str) -> None:
        show_progress(self.progress, done, total)
        if text:
            self.progress.setFormat(f"{text} — %p%")

    def _failed(self, msg: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._error(f"Failed: {msg}. The current model is unchanged.")
        self.runFinished.emit(None)
        self._update_buttons()

    def _cancelled(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.status.setText("Cancelled: nothing was saved and the current model is unchanged.")
        self.runFinished.emit(None)
        self._update_buttons()

    def cancel(self) -> None:
        if self.busy():
            self.task.cancel()
            self.status.setText("Cancelling…")

    def _new_folder(self, base) -> Path:
        name = Path(base.path).name if base.path else "model"
        name = name.split("-ft-")[0]
        return self.models_dir / f"{name}-ft-{time.strftime('%Y%m%d-%H%M%S')}"

    # -- fine-tuning -------------------------------------------------------------------------------
    def start_finetune(self) -> Task | None:
        if self.busy():
            return None
        self.refresh()
        base = self.base_model()
        if base is None:
            self._error("Load a model first: it is the starting point of fine-tuning")
            return None
        try:
            read = self._inputs()
        except ValueError as e:
            self._error(str(e))
            return None
        cfg = self.config()
        baseline = self.options.baseline.isChecked()
        out = self._new_folder(base)
        run_id = self._run_id + 1
        relay = self._relay
        self._reset_run_view()

        def work(ctx):  # a cancelled run raises Cancelled: the task reports it, nothing is saved
            from deplab.parser.active_learning import summary
            from deplab.parser.finetune import finetune_to_folder
            train, held, info = read()
            epochs = TaskCallbacks(ctx, lambda kind, e, s: relay.epoch.emit(run_id, kind, e, s))
            result = finetune_to_folder(base, train, held, cfg, out, baseline=baseline, data=info, callbacks=epochs)
            return summary(result, out, len(train), len(held))
        return self._start(work, "Fine-tuning", self._finished)

    def _reset_run_view(self) -> None:
        self.loss_chart.clear_points()
        self.score_chart.clear_points()
        for r in range(3):
            for c in range(4):
                self.table.setItem(r, c, QTableWidgetItem(""))

    def _on_epoch(self, run_id: int, kind: str, epoch: int, scores: dict) -> None:
        if run_id != self._run_id:
            return  # a stale run
        if kind == "base":  # epoch 0 of the fine-tuned model is the base model
            self.score_chart.set_line("base_LAS", scores["LAS"])
            self.score_chart.append("ft_LAS", 0, scores["LAS"])
            self.score_chart.append("ft_UAS", 0, scores["UAS"])
            self._set_row(0, scores, None)
            return
        key = "ft" if kind == "finetuned" else "scratch"
        self.loss_chart.append(key, epoch, scores["loss"])
        self.score_chart.append(f"{key}_LAS", epoch, scores["LAS"])
        self.score_chart.append(f"{key}_UAS", epoch, scores["UAS"])
        self.status.setText(f"{'Fine-tuning' if key == 'ft' else 'From scratch'}: epoch {epoch}, "
                            f"held-out LAS {scores['LAS']:.2f}")

    def _set_row(self, row: int, s: dict | None, base: dict | None) -> None:
        if not s:
            return
        vals = [f"{s['UPOS']:.2f}", f"{s['UAS']:.2f}", f"{s['LAS']:.2f}",
                f"{s['LAS'] - base['LAS']:+.2f}" if base else ""]
        for c, v in enumerate(vals):
            item = QTableWidgetItem(v)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, c, item)

    def _finished(self, summary: dict | None) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat("done")
        if summary is None:
            self._cancelled()
            return
        self.result = summary
        self.result_path = summary["path"]
        base = summary["base"] or None
        self._set_row(0, base, None)
        self._set_row(1, summary["finetuned"], base)
        self._set_row(2, summary["scratch"], base)
        g = summary["growth"]
        gain = ""
        if base and summary["finetuned"]:
            gain = f" Held-out LAS {base['LAS']:.2f} → {summary['finetuned']['LAS']:.2f}."
        self.status.setText(f"Fine-tuned on {summary['train']} sentences ({summary['epochs']} epochs); "
                            f"{g['words']} new words" + (f", new relations {', '.join(g['labels'])}" if g['labels'] else "")
                            + "." + gain)
        self.result_label.setText(f"Saved as <tt>{summary['path']}</tt>")
        self.runFinished.emit(summary)
        self._update_buttons()

    # -- switching models ------------------------------------------------------------------------------
    def use_result(self) -> None:
        if self.result_path is None:
            return
        base = self.base_model()
        if base is not None and base.path and str(base.path) != self.result_path:
            self.previous_path = str(base.path)
        self.useModelRequested.emit(self.result_path)
        self.result_label.setText(f"Now using <tt>{self.result_path}</tt>"
                                  + (f"; the previous model <tt>{self.previous_path}</tt> is still available."
                                     if self.previous_path else ""))
        self._update_buttons()

    def use_previous(self) -> None:
        if self.previous_path is None:
            return
        current = self.base_model()
        prev = self.previous_path
        self.previous_path = str(current.path) if current is not None and current.path else None
        self.useModelRequested.emit(prev)
        self.result_label.setText(f"Back to <tt>{prev}</tt>")
        self._update_buttons()
