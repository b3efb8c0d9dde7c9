"""Lab ▸ Compression: prune, share weights, Huffman-code, int8, distill — and measure.

The front end of :mod:`parser.compression`: the form (:mod:`app.qt.compression_form`) describes a
:class:`~parser.compression.spec.CompressionSpec`, which runs on the same
:class:`~parser.compression.experiments.Lab` as ``deplab compress``; nothing here compresses, scores or
decides what data an experiment needs.  The evaluation and retraining treebanks are the user's
(:mod:`app.qt.lab_data`: a file, remembered, or the open document), asked for with what they are for.  A run
happens in a worker thread (:mod:`app.qt.workers`) with progress and Cancel;
the compressed model is written (atomically) only when the run completes,
then loaded back and measured.  Results accumulate in a table (:mod:`app.qt.compression_results`;
CSV export) and two plots: LAS against sparsity (with per-layer sensitivity curves) and
LAS against size on disk, log scale, with the Pareto front.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLineEdit, QMessageBox,
                               QPushButton, QScrollArea, QVBoxLayout, QWidget)

from deplab.parser.compression.spec import DEV_PURPOSE, TRAIN_PURPOSE
from deplab.parser.selection import SPLIT_SEED

from .charts import SizeChart, SparsityChart
from .compression_form import CompressionForm
from .compression_results import COLUMNS, ResultsTable, human_bytes  # noqa: F401  (COLUMNS re-exported)
from .lab_data import DataFileRow
from .run_row import add_run_row
from .workers import Task, run_task, show_progress

class _Relay(QObject):
    result = Signal(object)   # a Result, emitted from the worker; delivered on the GUI thread
    message = Signal(str)     # a training log line (epoch scores)


class CompressionTab(QWidget):
    """Signals: ``useModelRequested(path)`` (switch the app to a result's model), ``resultAdded(Result)``."""

    useModelRequested = Signal(str)
    resultAdded = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("CompressionTab")
        self.model_provider: Callable[[], str | None] = lambda: None   # folder of the app's model
        self.ask_for_data = False  # True in the window: Run opens a file dialog for missing data
        self.results: list = []
        self.task: Task | None = None
        self.work_dir = Path(tempfile.mkdtemp(prefix="deplab-compress-"))
        self._lab = None
        self._lab_key = None
        self._relay = _Relay()
        self._relay.result.connect(self._add_result)
        self._relay.message.connect(lambda m: self.busy() and self.status.setText(m))
        self._build()
        self._update_buttons()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        inner = QWidget()
        col = QVBoxLayout(inner)
        col.setContentsMargins(6, 6, 6, 6)
        col.setSpacing(6)

        data = QGroupBox("Model and data")
        form = QFormLayout(data)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: the label above its field
        self.model_edit, row = self._file_row("the app's current model", folder=True)
        form.addRow("Model", row)
        self.dev_data = DataFileRow("compression_dev", DEV_PURPOSE, "CoNLL-U treebank to measure on")
        form.addRow("Evaluate on", self.dev_data)
        self.split_box = QCheckBox("choose on one half, score on the other")
        self.split_box.setToolTip("Retraining keeps the epoch with the best LAS on one seeded half of the evaluation "
                                  "data (parser.selection.split_halves) and every row, the original model's "
                                  "included, is scored on the other half: the reported figures are free of the "
                                  "choice. Unchecked: chosen and scored on the same sentences (optimistic).")
        self.split_box.setChecked(True)
        form.addRow(self.split_box)
        self.train_data = DataFileRow("compression_train", TRAIN_PURPOSE,
                                      "CoNLL-U treebank to retrain on (only some experiments need it)")
        form.addRow("Retrain on", self.train_data)
        col.addWidget(data)

        box = QGroupBox("Experiment")
        v = QVBoxLayout(box)
        self.form = CompressionForm()
        self.form.changed.connect(self._update_buttons)
        v.addWidget(self.form)
        add_run_row(self, v, "Run", self.run, self.cancel, "Ready.")
        col.addWidget(box)

        res = QGroupBox("Results (measured on the saved model)")
        rv = QVBoxLayout(res)
        self.table = ResultsTable()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        rv.addWidget(self.table)
        buttons = QGridLayout()  # two per row: the Lab dock stays narrow
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(self.export_csv)
        self.save_button = QPushButton("Save model…")
        self.save_button.clicked.connect(self.save_model)
        self.use_button = QPushButton("Use in app")
        self.use_button.clicked.connect(self.use_model)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear_results)
        for k, b in enumerate((self.csv_button, self.save_button, self.use_button, self.clear_button)):
            buttons.addWidget(b, k // 2, k % 2)
        buttons.setColumnStretch(2, 1)
        rv.addLayout(buttons)
        col.addWidget(res)

        self.sparsity_chart = SparsityChart()
        self.size_chart = SizeChart()
        col.addWidget(self.sparsity_chart)
        col.addWidget(self.sparsity_chart.legend_label)
        col.addWidget(self.size_chart)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _file_row(self, placeholder: str, folder: bool = False) -> tuple[QLineEdit, QWidget]:
        w = QWidget()
        h = QHBoxLayout(w)
        h.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        b = QPushButton("…")
        b.setFixedWidth(28)
        b.setToolTip("Choose a folder" if folder else "Choose a CoNLL-U file")
        b.clicked.connect(lambda: self._browse(edit, folder))
        h.addWidget(edit, 1)
        h.addWidget(b)
        return edit, w

    def _browse(self, edit: QLineEdit, folder: bool) -> None:
        start = edit.text() or str(Path.home())
        if folder:
            path = QFileDialog.getExistingDirectory(self, "Choose a DepLab model folder", start)
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Choose a CoNLL-U file", start,
                                                  "CoNLL-U (*.conllu *.conll);;All files (*)")
        if path:
            edit.setText(path)

    # -- state -------------------------------------------------------------------------------------
    def busy(self) -> bool:
        return self.task is not None and self.task.running

    def selected_result(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.results[rows[0].row()]

    def _update_buttons(self) -> None:
        busy = self.busy()
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.form.method.setEnabled(not busy)
        r = self.selected_result()
        has_model = r is not None and bool(r.path) and Path(r.path).is_dir()
        self.save_button.setEnabled(has_model and r.method != "original")
        self.use_button.setEnabled(has_model)
        self.csv_button.setEnabled(bool(self.results))
        self.clear_button.setEnabled(bool(self.results) and not busy)
        if not busy:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)

    def model_dir(self) -> str | None:
        text = self.model_edit.text().strip()
        if text:
            return text
        provided = self.model_provider()
        if provided:
            return str(provided)
        from deplab.parser.model import DEFAULT_MODEL_DIR
        return str(DEFAULT_MODEL_DIR) if (DEFAULT_MODEL_DIR / "config.json").is_file() else None

    def refresh(self) -> None:
        provided = self.model_provider()
        self.model_edit.setPlaceholderText(f"the app's model: {provided}" if provided else "the app's current model")

    def spec(self):
        """The experiment the form describes (a :class:`parser.compression.spec.CompressionSpec`)."""
        return self.form.spec()

    # -- running -------------------------------------------------------------------------------------
    def run(self) -> Task | None:
        if self.busy():
            return None
        from deplab.parser.errors import UserError
        try:
            spec = self.spec()
            spec.validate()
            if self.ask_for_data:  # the window: a file dialog for what is missing, with what it is for
                if self.dev_data.source() is None:
                    self.dev_data.browse()
                if spec.needs_training() and self.train_data.source() is None:
                    self.train_data.browse()
            dev, train = self.dev_data.source(), self.train_data.source()
            spec.check_data(dev, train)
        except (ValueError, UserError) as e:
            return self._error(str(e))
        model_dir = self.model_dir()
        if not model_dir:
            return self._error("No model: load one in the app or choose a model folder.")
        if isinstance(dev, str) and not Path(dev).is_file():
            return self._error(f"The evaluation data {dev} does not exist. " + DEV_PURPOSE)
        if isinstance(train, str) and spec.needs_training() and not Path(train).is_file():
            return self._error(f"The training data {train} does not exist. " + TRAIN_PURPOSE)
        named = lambda x: os.path.abspath(x) if isinstance(x, str) else ("document", id(x)) if x else None
        split = SPLIT_SEED if self.split_box.isChecked() else None
        key = (os.path.abspath(model_dir), named(dev), named(train), split)
        lab = self._lab if self._lab_key == key else None
        relay, work_dir = self._relay, self.work_dir
        self.dev_name = self.dev_data.describe() + (" (the half not used for choices)" if split is not None else "")

        def work(ctx):
            from deplab.parser.compression.experiments import Lab
            nonlocal lab
            if lab is None:
                ctx.progress(0, 0, "reading the evaluation data")
                lab = Lab(key[0], dev, train if spec.needs_training() or train else None, work_dir, log=lambda m: None,
                          split=split)
            lab._progress, lab.cancelled = ctx.progress, ctx.cancelled
            lab.log = relay.message.emit
            fresh = lab._original is None
            original = lab.original()
            if fresh:
                relay.result.emit(original)
            return lab, spec.run(lab, on_result=relay.result.emit)

        self.status.setText(f"Running: {self.form.method.currentText()}…")
        self.progress.setRange(0, 0)
        self.task = run_task(work, on_done=lambda out: self._done(out, key), on_error=self._failed,
                             on_progress=self._on_progress, name="compression")
        self.task.cancelledSignal.connect(self._cancelled)
        self._update_buttons()
        return self.task

    def cancel(self) -> None:
        if self.busy():
            self.task.cancel()
            self.status.setText("Cancelling… (at the next batch)")

    def _on_progress(self, done: int, total: int, text: str) -> None:
        show_progress(self.progress, done, total)
        if text:
            self.status.setText(text)

    def _done(self, out, key) -> None:
        lab, results = out
        self._lab, self._lab_key = lab, key
        self._update_buttons()
        last = results[-1] if results else None
        if last is not None and last.method != "sensitivity":
            self.status.setText(f"Done: {last.method} {last.setting} — LAS {last.LAS:.2f}, "
                                f"{human_bytes(last.weight_bytes)} ({last.ratio:.1f}× smaller).")
        else:
            self.status.setText(f"Done: {len(results)} measurements.")

    def _failed(self, message: str) -> None:
        self._update_buttons()
        self.status.setText(f"Failed: {message}")

    def _cancelled(self) -> None:
        self._update_buttons()
        self.status.setText("Cancelled: no model was written.")

    def _error(self, message: str) -> None:
        self.status.setText(message)
        return None

    # -- results ------------------------------------------------------------------------------------
    def _add_result(self, r) -> None:
        dev_name = getattr(self, "dev_name", self.dev_data.describe())
        if r.method == "original" and any(x.method == "original" and x.path == r.path and
                                          x.extra.get("dev") == dev_name for x in self.results):
            return
        r.extra.setdefault("dev", dev_name)
        self.results.append(r)
        self.table.add_result(r)
        self.sparsity_chart.add(r)
        self.size_chart.add(r)
        self._update_buttons()
        self.resultAdded.emit(r)

    def clear_results(self) -> None:
        self.results.clear()
        self.table.setRowCount(0)
        self.sparsity_chart.clear()
        self.size_chart.clear()
        if self._lab is not None:
            self._lab._original = None  # the original's row comes back with the next run
        self._update_buttons()

    def csv_text(self) -> str:
        from deplab.parser.compression.results import results_csv
        return results_csv(self.results)

    def export_csv(self, path: str | None = None) -> str | None:
        if not self.results:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export the results", str(Path.home() / "compression.csv"),
                                                  "CSV (*.csv)")
            if not path:
                return None
        try:
            Path(path).write_text(self.csv_text(), encoding="utf-8")
        except OSError as e:
            QMessageBox.warning(self, "Export failed", f"Cannot write {path}: {e}")
            return None
        self.status.setText(f"Results written to {path}.")
        return path

    def save_model(self, path: str | None = None) -> str | None:
        r = self.selected_result()
        if r is None or not r.path:
            return None
        if path is None:
            path = QFileDialog.getExistingDirectory(self, "Save the compressed model into a folder",
                                                    str(Path.home()))
            if not path:
                return None
            path = str(Path(path) / Path(r.path).name.split("-", 1)[-1])
        from deplab.parser.compression.experiments import copy_model_folder
        try:
            out = copy_model_folder(r.path, path)
        except OSError as e:
            QMessageBox.warning(self, "Save failed", f"Cannot write {path}: {e}")
            return None
        r.path = str(out)
        self.status.setText(f"Model saved to {out} (load it with deplab parse --model, or File ▸ Open model).")
        return str(out)

    def use_model(self) -> None:
        r = self.selected_result()
        if r is not None and r.path:
            self.useModelRequested.emit(r.path)
            self.status.setText(f"Switching the app to {r.path}")
