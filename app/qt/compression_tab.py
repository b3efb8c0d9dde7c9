"""Lab ▸ Compression: prune, share weights, Huffman-code, int8, distill — and measure.

The front end of :mod:`parser.compression` (the same :class:`~parser.compression.experiments.Lab`
as ``deplab compress``); nothing here compresses or scores by itself.  A run
happens in a worker thread (:mod:`app.qt.workers`) with progress and Cancel;
the compressed model is written (atomically) only when the run completes,
then loaded back and measured.  Results accumulate in a table (CSV export)
and two plots: LAS against sparsity (with per-layer sensitivity curves) and
LAS against size on disk, log scale, with the Pareto front.
"""
from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Callable

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QLogValueAxis, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QProgressBar,
                               QPushButton, QScrollArea, QSlider, QSpinBox, QTableWidget,
                               QTableWidgetItem, QToolTip, QVBoxLayout, QWidget)

from .workers import Task, run_task, show_progress

# Okabe & Ito, then more distinguishable colours for up to a dozen layer curves
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
           "#882255", "#44AA99", "#999933", "#AA4499", "#6699CC", "#888888"]
METHOD_COLORS = {"original": "#000000", "prune": "#0072B2", "l1": "#56B4E9", "share": "#E69F00",
                 "deep": "#D55E00", "int8": "#CC79A7", "distill": "#009E73", "student": "#999933"}
METHODS = [  # (key, label)
    ("prune", "Magnitude pruning"),
    ("sensitivity", "Layer sensitivity"),
    ("l1", "L1-regularised retraining"),
    ("share", "Weight sharing (k-means + Huffman)"),
    ("deep", "Deep Compression (prune + share + Huffman)"),
    ("int8", "int8 dynamic quantization"),
    ("distill", "Knowledge distillation"),
]
COLUMNS = ["Method", "Setting", "LAS", "UAS", "Bytes", "Ratio", "Sparsity", "Sent/s", "Params", "Non-zero", "Data"]


def default_data() -> dict[str, Path]:
    """EWT train/dev if this machine has them (next to the repository, as in the tests)."""
    root = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ud" / "en_ewt"
    out = {}
    for kind in ("train", "dev"):
        p = root / f"en_ewt-ud-{kind}.conllu"
        if p.is_file():
            out[kind] = p
    return out


def _human_bytes(n: int | None) -> str:
    if n is None:
        return "–"
    for unit, size in (("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}" if n < 100 * size else f"{n / size:.0f} {unit}"
    return f"{n} B"


class _Relay(QObject):
    result = Signal(object)   # a Result, emitted from the worker; delivered on the GUI thread
    message = Signal(str)     # a training log line (epoch scores)


class _Chart(QChartView):
    def __init__(self, title: str, parent: QWidget | None = None):
        chart = QChart()
        chart.setTitle(title)
        f = QFont()
        f.setPointSizeF(9)
        chart.setTitleFont(f)
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.setBackgroundRoundness(0)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        small = QFont()
        small.setPointSizeF(7.5)
        chart.legend().setFont(small)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        self.y_axis = QValueAxis()
        self.y_axis.setTitleText("dev LAS")
        self.y_axis.setLabelFormat("%.0f")
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)

    def _attach(self, s, color: str, size: float = 9.0):
        if isinstance(s, QScatterSeries):
            s.setColor(QColor(color))
            s.setBorderColor(QColor(color).darker(130))
            s.setMarkerSize(size)
        else:
            pen = QPen(QColor(color))
            pen.setWidthF(1.6)
            s.setPen(pen)
        self.chart().addSeries(s)
        s.attachAxis(self.x_axis)
        s.attachAxis(self.y_axis)
        s.hovered.connect(lambda p, on, s=s: self._tip(s, p, on))
        return s

    def _tip(self, series, point: QPointF, on: bool) -> None:
        if on:
            QToolTip.showText(self.cursor().pos(), f"{series.name()}\n{self.describe_point(point)}")

    def describe_point(self, p: QPointF) -> str:
        return f"({p.x():.3g}, LAS {p.y():.2f})"

    def _fit_y(self, ys: list[float]) -> None:
        if ys:
            lo, hi = min(ys), max(ys)
            pad = max(1.0, (hi - lo) * 0.08)
            self.y_axis.setRange(max(0.0, math.floor(lo - pad)), min(100.0, math.ceil(hi + pad)))
            self.y_axis.applyNiceNumbers()


class SparsityChart(_Chart):
    """LAS against sparsity: compressed models as points, one line per layer for sensitivity runs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("LAS against sparsity", parent)
        self.x_axis = QValueAxis()
        self.x_axis.setTitleText("sparsity (% of weights that are zero)")
        self.x_axis.setRange(0, 100)
        self.x_axis.setLabelFormat("%d")
        self.chart().addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.models: dict[str, QScatterSeries] = {}
        self.layers: dict[str, QLineSeries] = {}
        self.colors: dict[str, str] = {}
        # up to a dozen layer curves: a wrapping legend under the chart reads better than QChart's one-line legend
        self.chart().legend().setVisible(False)
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)

    def _update_legend(self) -> None:
        items = [(f"{k} model" if k == "original" else f"{k} models", self.colors[k], "●") for k in self.models]
        items += [(name, self.colors[name], "━") for name in self.layers]
        self.legend_label.setText(" &nbsp; ".join(
            f'<span style="color:{c}">{mark}</span>&nbsp;{name.replace(" ", "&nbsp;")}' for name, c, mark in items))

    def add(self, r) -> None:
        if r.method == "sensitivity" and not r.layer:
            return  # the unpruned reference: each layer's curve starts there
        if r.method == "sensitivity":
            s = self.layers.get(r.layer)
            if s is None:
                s = QLineSeries()
                s.setName(r.layer)
                s.setPointsVisible(True)
                color = PALETTE[len(self.layers) % len(PALETTE)]
                self._attach(s, color)
                self.layers[r.layer] = s
                self.colors[r.layer] = color
                if "baseline_LAS" in r.extra:  # the curve starts at the unpruned model
                    s.append(0.0, r.extra["baseline_LAS"])
                self._update_legend()
            s.append(100 * r.sparsity, r.LAS)
        else:
            key = r.method
            s = self.models.get(key)
            if s is None:
                s = QScatterSeries()
                s.setName("original" if key == "original" else f"{key} models")
                self.colors[key] = METHOD_COLORS.get(key, "#444444")
                self._attach(s, self.colors[key], 11 if key == "original" else 9)
                self.models[key] = s
                self._update_legend()
            s.append(100 * r.sparsity, r.LAS)
        self._fit_y([p.y() for s in [*self.models.values(), *self.layers.values()] for p in s.points()])

    def describe_point(self, p: QPointF) -> str:
        return f"sparsity {p.x():.1f}%, LAS {p.y():.2f}"

    def points(self) -> list[tuple[float, float]]:
        return [(p.x(), p.y()) for s in [*self.models.values(), *self.layers.values()] for p in s.points()]

    def clear(self) -> None:
        for s in [*self.models.values(), *self.layers.values()]:
            self.chart().removeSeries(s)
        self.models.clear()
        self.layers.clear()
        self.colors.clear()
        self._update_legend()


class SizeChart(_Chart):
    """LAS against bytes on disk (log scale); the Pareto front joins the models nothing beats."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("LAS against size on disk", parent)
        self.x_axis = QLogValueAxis()
        self.x_axis.setBase(10)
        self.x_axis.setMinorTickCount(8)
        self.x_axis.setLabelFormat("%g")
        self.x_axis.setTitleText("weights file size (kB, log scale)")
        self.chart().addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.front = QLineSeries()
        self.front.setName("Pareto front")
        self._attach(self.front, "#555555")
        pen = QPen(QColor("#555555"))
        pen.setWidthF(1.4)
        pen.setStyle(Qt.PenStyle.DashLine)
        self.front.setPen(pen)
        self.models: dict[str, QScatterSeries] = {}
        self._points: list[tuple[float, float]] = []

    def add(self, r) -> None:
        if not r.weight_bytes:
            return
        kb = r.weight_bytes / 1000
        s = self.models.get(r.method)
        if s is None:
            s = QScatterSeries()
            s.setName(r.method)
            self._attach(s, METHOD_COLORS.get(r.method, "#444444"), 11 if r.method == "original" else 9)
            self.models[r.method] = s
        s.append(kb, r.LAS)
        self._points.append((kb, r.LAS))
        from deplab.parser.compression.experiments import pareto_front
        self.front.replace([QPointF(x, y) for x, y in pareto_front(self._points)])
        xs = [x for x, _ in self._points]
        lo, hi = 10 ** math.floor(math.log10(min(xs) * 0.8)), 10 ** math.ceil(math.log10(max(xs) * 1.25))
        self.x_axis.setRange(lo, hi)
        self._fit_y([y for _, y in self._points])

    def describe_point(self, p: QPointF) -> str:
        return f"{p.x():,.1f} kB, LAS {p.y():.2f}"

    def points(self) -> list[tuple[float, float]]:
        return list(self._points)

    def front_points(self) -> list[tuple[float, float]]:
        return [(p.x(), p.y()) for p in self.front.points()]

    def clear(self) -> None:
        for s in self.models.values():
            self.chart().removeSeries(s)
        self.models.clear()
        self._points.clear()
        self.front.clear()


def _spin(lo: int, hi: int, value: int, suffix: str = "") -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    if suffix:
        s.setSuffix(suffix)
    return s


def _dspin(lo: float, hi: float, value: float, step: float, decimals: int = 2) -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSingleStep(step)
    s.setValue(value)
    return s


class CompressionTab(QWidget):
    """Signals: ``useModelRequested(path)`` (switch the app to a result's model), ``resultAdded(Result)``."""

    useModelRequested = Signal(str)
    resultAdded = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("CompressionTab")
        self.model_provider: Callable[[], str | None] = lambda: None   # folder of the app's model
        self.results: list = []
        self.task: Task | None = None
        self.work_dir = Path(tempfile.mkdtemp(prefix="deplab-compress-"))
        self._lab = None
        self._lab_key = None
        self._relay = _Relay()
        self._relay.result.connect(self._add_result)
        self._relay.message.connect(lambda m: self.busy() and self.status.setText(m))
        self._build()
        self._method_changed()
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
        defaults = default_data()
        self.model_edit, row = self._file_row("the app's current model", folder=True)
        form.addRow("Model", row)
        self.dev_edit, row = self._file_row("CoNLL-U file to measure on")
        self.dev_edit.setText(str(defaults.get("dev", "")))
        form.addRow("Evaluate on", row)
        self.train_edit, row = self._file_row("CoNLL-U treebank (for retraining)")
        self.train_edit.setText(str(defaults.get("train", "")))
        form.addRow("Retrain on", row)
        col.addWidget(data)

        box = QGroupBox("Experiment")
        v = QVBoxLayout(box)
        self.method = QComboBox()
        for key, label in METHODS:
            self.method.addItem(label, key)
        self.method.currentIndexChanged.connect(self._method_changed)
        v.addWidget(self.method)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setStyleSheet("color: palette(mid);")
        v.addWidget(self.about)
        self.params = QFormLayout()
        self.params.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        v.addLayout(self.params)
        self._build_params()
        runrow = QHBoxLayout()
        self.run_button = QPushButton("Run")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        runrow.addWidget(self.run_button)
        runrow.addWidget(self.cancel_button)
        runrow.addWidget(self.progress, 1)
        v.addLayout(runrow)
        self.status = QLabel("Ready.")
        self.status.setWordWrap(True)
        v.addWidget(self.status)
        col.addWidget(box)

        res = QGroupBox("Results (measured on the saved model)")
        rv = QVBoxLayout(res)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setMinimumHeight(190)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        h.resizeSection(1, 150)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        rv.addWidget(self.table)
        buttons = QHBoxLayout()
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(self.export_csv)
        self.save_button = QPushButton("Save model…")
        self.save_button.clicked.connect(self.save_model)
        self.use_button = QPushButton("Use in app")
        self.use_button.clicked.connect(self.use_model)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear_results)
        for b in (self.csv_button, self.save_button, self.use_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
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

    def _build_params(self) -> None:
        p = self.params
        self.sparsity = QSlider(Qt.Orientation.Horizontal)
        self.sparsity.setRange(0, 95)
        self.sparsity.setValue(80)
        self.sparsity.setTickInterval(5)
        self.sparsity.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.sparsity_label = QLabel()
        self.sparsity_label.setMinimumWidth(36)
        self.sparsity.valueChanged.connect(lambda v: self.sparsity_label.setText(f"{v}%"))
        self.sparsity_label.setText(f"{self.sparsity.value()}%")
        srow = QWidget()
        sh = QHBoxLayout(srow)
        sh.setContentsMargins(0, 0, 0, 0)
        sh.addWidget(self.sparsity, 1)
        sh.addWidget(self.sparsity_label)
        self.scope = QComboBox()
        self.scope.addItem("global, |w| / σ of the layer (Han et al.)", "std")
        self.scope.addItem("global, |w|", "global")
        self.scope.addItem("same sparsity in every layer", "layer")
        self.layer_sparsity = QLineEdit("output layer=0; label embeddings=0")
        self.layer_sparsity.setToolTip("Per-layer sparsities that replace the slider's for those layers, "
                                       "separated by ';' (e.g. 'output layer=0; word embeddings=95%'); "
                                       "use the sensitivity curves to choose them")
        self.retrain = _spin(0, 20, 1, " epoch(s)")
        self.gradual = QCheckBox("raise the sparsity gradually while retraining")
        self.gradual.setChecked(True)
        self.gradual.setToolTip("Prune a little every few steps during the first epoch (Zhu & Gupta 2017) "
                                "instead of all at once before retraining")
        self.min_count = _spin(1, 1000, 1)
        self.min_count.setPrefix("words seen < ")
        self.min_count.setSuffix("× in training")
        self.min_count.setSpecialValueText("keep every word")
        self.min_count.setToolTip("Structured pruning of the word embeddings: rare words lose their row and are "
                                  "read as unknown words, described by their characters")
        self.quantizer = QComboBox()
        self.quantizer.addItem("k-means: 2^bits shared values per layer (Han et al.)", "kmeans")
        self.quantizer.addItem("uniform: a rate in bits per weight on disk (Choi et al.)", "uniform")
        self.quantizer.setToolTip("Uniform levels whose Huffman-coded indices cost the rate lose less than "
                                  "k-means' levels for the same bytes; the rate may be fractional")
        self.bits = _spin(1, 8, 5, " bits")
        self.rate = _dspin(0.1, 8.0, 2.0, 0.1, 2)
        self.rate.setSuffix(" bits/weight")
        self.quantizer.currentIndexChanged.connect(self._method_changed)
        self.rare_count = _spin(1, 1000, 1)
        self.rare_count.setPrefix("words seen < ")
        self.rare_count.setSuffix("×")
        self.rare_count.setSpecialValueText("no separate rate")
        self.rare_rate = _dspin(0.0, 8.0, 1.0, 0.1, 2)
        self.rare_rate.setSuffix(" bits/weight")
        rare = QWidget()
        rh = QHBoxLayout(rare)
        rh.setContentsMargins(0, 0, 0, 0)
        rh.addWidget(self.rare_count, 1)
        rh.addWidget(self.rare_rate)
        rare.setToolTip("The word-embedding rows of rare words get their own (lower) rate and codebook: "
                        "they matter less than frequent words")
        self.rare = rare
        self.vector_bits = _spin(0, 8, 0, " bits/value")
        self.vector_bits.setSpecialValueText("float32")
        self.vector_bits.setToolTip("Also quantize the biases uniformly, before the fine-tuning, which then "
                                    "trains them too (on the bundled model 5 bits take them from 16 to 2.5 kB)")
        self.finetune = _spin(0, 20, 1, " epoch(s)")
        self.qat = QCheckBox("quantization-aware: every weight may change cluster")
        self.qat.setToolTip("Train every weight through its shared value (straight-through estimator) instead of "
                            "the centroids alone")
        self.l1 = _dspin(0.0, 100.0, 1.0, 0.1)
        self.l1.setToolTip("soft threshold per step = learning rate × strength")
        self.epochs = _spin(1, 50, 1, " epoch(s)")
        self.sparsities = QLineEdit("50, 70, 80, 90, 95")
        self.sparsities.setToolTip("sparsities in percent, comma-separated")
        self.dev_limit = _spin(0, 100000, 500, " sentences")
        self.dev_limit.setSpecialValueText("all sentences")
        self.student_hidden = _spin(8, 1024, 64)
        self.student_word = _spin(8, 512, 16)
        self.student_layers = _spin(1, 4, 2)
        self.student_mlp = _spin(8, 1024, 128)
        self.temperature = _dspin(0.5, 20.0, 2.0, 0.5, 1)
        self.alpha = _dspin(0.0, 1.0, 0.5, 0.1)
        self.compare = QCheckBox("also train the same student on gold only")
        self.compare.setChecked(True)
        self.lr = _dspin(1e-5, 0.1, 1e-3, 1e-4, 5)
        self.teacher_alpha = _dspin(0.0, 1.0, 0.0, 0.1)
        self.teacher_alpha.setToolTip("While retraining, mix in the original model's soft targets with this weight "
                                      "(temperature T below for distillation: 2); 0 = gold transitions only")
        self.rows = {
            "sparsity": ("Sparsity", srow), "scope": ("Threshold", self.scope),
            "layer_sparsity": ("Per-layer sparsity", self.layer_sparsity), "retrain": ("Retrain", self.retrain),
            "gradual": ("", self.gradual), "min_count": ("Drop word rows", self.min_count),
            "quantizer": ("Weight sharing", self.quantizer), "bits": ("Bits per weight", self.bits),
            "rate": ("Rate", self.rate), "rare": ("Rare words' rows", self.rare),
            "vector_bits": ("Biases", self.vector_bits), "finetune": ("Fine-tune centroids", self.finetune),
            "qat": ("", self.qat),
            "l1": ("L1 strength", self.l1), "epochs": ("Epochs", self.epochs),
            "sparsities": ("Sparsities (%)", self.sparsities), "dev_limit": ("Measure on first", self.dev_limit),
            "student_hidden": ("Student LSTM units", self.student_hidden),
            "student_word": ("Student word dim", self.student_word),
            "student_layers": ("Student BiLSTM layers", self.student_layers),
            "student_mlp": ("Student MLP units", self.student_mlp),
            "temperature": ("Temperature T", self.temperature), "alpha": ("Soft-target weight α", self.alpha),
            "compare": ("", self.compare), "lr": ("Learning rate", self.lr),
            "teacher_alpha": ("Soft targets of original", self.teacher_alpha),
        }
        self.row_labels = {}
        for key, (label, widget) in self.rows.items():
            lab = QLabel(label)
            self.row_labels[key] = lab
            p.addRow(lab, widget)

    VISIBLE = {
        "prune": ["sparsity", "scope", "layer_sparsity", "retrain", "gradual", "lr", "teacher_alpha"],
        "sensitivity": ["sparsities", "dev_limit"],
        "l1": ["l1", "epochs", "lr", "teacher_alpha"],
        "share": ["quantizer", "bits", "rate", "rare", "vector_bits", "finetune", "qat", "lr", "teacher_alpha"],
        "deep": ["min_count", "sparsity", "scope", "layer_sparsity", "retrain", "gradual", "quantizer", "bits", "rate",
                 "rare", "vector_bits", "finetune", "qat", "lr", "teacher_alpha"],
        "int8": [],
        "distill": ["student_hidden", "student_word", "student_layers", "student_mlp", "min_count", "temperature",
                    "alpha", "epochs", "compare", "lr"],
    }
    ABOUT = {
        "prune": "Remove the weights of smallest magnitude, then retrain the rest with the mask fixed "
                 "(Han et al. 2015).",
        "sensitivity": "Prune one layer at a time and measure LAS: which layers can lose weights?",
        "l1": "Retrain with an L1 penalty whose proximal step sets weights to exactly zero; reports the sparsity.",
        "share": "k-means: each layer keeps 2^bits shared values, centroids fine-tuned; Huffman-coded on disk "
                 "(Han, Mao & Dally 2016).",
        "deep": "Prune + retrain, k-means (or uniform) weight sharing + fine-tuning, Huffman coding "
                "(Deep Compression).",
        "int8": "Weights as 8-bit integers; Linear and LSTM layers run with torch's int8 dynamic quantization.",
        "distill": "Train a small student on the teacher's soft targets at temperature T mixed with the gold "
                   "transitions (Hinton et al. 2015).",
    }

    def _method_changed(self) -> None:
        key = self.method.currentData()
        show = set(self.VISIBLE[key])
        show -= {"bits"} if self.quantizer.currentData() == "uniform" else {"rate", "rare"}
        for k, (_, widget) in self.rows.items():
            widget.setVisible(k in show)
            self.row_labels[k].setVisible(k in show)
        self.about.setText(self.ABOUT[key])
        if key == "distill" and abs(self.lr.value() - 1e-3) < 1e-9:
            self.lr.setValue(2e-3)
        elif key != "distill" and abs(self.lr.value() - 2e-3) < 1e-9:
            self.lr.setValue(1e-3)
        if key == "distill" and self.epochs.value() == 1:
            self.epochs.setValue(5)
        elif key == "l1" and self.epochs.value() == 5:
            self.epochs.setValue(1)

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
        self.method.setEnabled(not busy)
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

    def spec(self) -> dict:
        """The experiment the form describes (method + parameters)."""
        key = self.method.currentData()
        s = {"method": key, "lr": self.lr.value()}
        if "teacher_alpha" in self.VISIBLE[key]:
            s["teacher_alpha"] = self.teacher_alpha.value()
        if key in ("prune", "deep"):
            s.update(sparsity=self.sparsity.value() / 100, scope=self.scope.currentData(),
                     retrain=self.retrain.value(), gradual=self.gradual.isChecked(),
                     per_layer=self._layer_sparsities())
        if key in ("share", "deep"):
            uniform = self.quantizer.currentData() == "uniform"
            s.update(bits=self.rate.value() if uniform else self.bits.value(), uniform=uniform,
                     finetune=self.finetune.value(), qat=self.qat.isChecked())
            if uniform and self.rare_count.value() > 1:
                s["rare_rates"] = {self.rare_count.value(): self.rare_rate.value()}
            if self.vector_bits.value():
                s["vector_rate"] = self.vector_bits.value()
        if key in ("deep", "distill"):
            s["min_count"] = self.min_count.value()
        if key == "l1":
            s.update(strength=self.l1.value(), epochs=self.epochs.value())
        if key == "sensitivity":
            s.update(sparsities=self._sparsities(), dev_limit=self.dev_limit.value())
        if key == "distill":
            s.update(sizes={"lstm_hidden": self.student_hidden.value(), "word_dim": self.student_word.value(),
                            "layers": self.student_layers.value(), "mlp_hidden": self.student_mlp.value()},
                     temperature=self.temperature.value(), alpha=self.alpha.value(), epochs=self.epochs.value(),
                     compare=self.compare.isChecked())
        return s

    def _layer_sparsities(self) -> dict[str, float]:
        out = {}
        for part in self.layer_sparsity.text().split(";"):
            if not part.strip():
                continue
            name, sep, value = part.rpartition("=")
            if not sep or not name.strip():
                raise ValueError(f"per-layer sparsity: write LAYER=SPARSITY, not {part.strip()!r}")
            value = value.strip()
            v = float(value.rstrip("%"))
            if value.endswith("%") or v > 1:  # percent (like the slider) or a fraction
                v /= 100
            if not 0 <= v < 1:
                raise ValueError(f"per-layer sparsity of {name.strip()} must be below 100%")
            out[name.strip()] = v
        return out

    def _sparsities(self) -> list[float]:
        out = []
        for part in self.sparsities.text().replace(";", ",").split(","):
            part = part.strip().rstrip("%")
            if not part:
                continue
            v = float(part)
            if not 0 <= v < 100:
                raise ValueError(f"sparsity {v}% is not between 0 and 99")
            out.append(v / 100)
        if not out:
            raise ValueError("give at least one sparsity")
        return out

    @staticmethod
    def needs_training(spec: dict) -> bool:
        m = spec["method"]
        return m in ("l1", "distill") or (m in ("prune", "deep") and spec.get("retrain", 0) > 0) or \
            (m in ("share", "deep") and spec.get("finetune", 0) > 0)

    # -- running -------------------------------------------------------------------------------------
    def run(self) -> Task | None:
        if self.busy():
            return None
        try:
            spec = self.spec()
        except ValueError as e:
            return self._error(str(e))
        model_dir = self.model_dir()
        if not model_dir:
            return self._error("No model: load one in the app or choose a model folder.")
        dev = self.dev_edit.text().strip()
        if not dev or not Path(dev).is_file():
            return self._error("Choose the CoNLL-U file to measure on (e.g. EWT dev).")
        train = self.train_edit.text().strip() or None
        if self.needs_training(spec) and (not train or not Path(train).is_file()):
            return self._error("This experiment retrains the model: choose a training treebank "
                               "(or set the retraining epochs to 0).")
        key = (os.path.abspath(model_dir), os.path.abspath(dev), os.path.abspath(train) if train else None)
        lab = self._lab if self._lab_key == key else None
        relay, work_dir = self._relay, self.work_dir

        def work(ctx):
            from deplab.parser.compression.experiments import Lab
            nonlocal lab
            if lab is None:
                ctx.progress(0, 0, "reading the evaluation data")
                lab = Lab(key[0], dev, train, work_dir, log=lambda m: None)
            lab._progress, lab.cancelled = ctx.progress, ctx.cancelled
            lab.log = relay.message.emit
            fresh = lab._original is None
            original = lab.original()
            if fresh:
                relay.result.emit(original)
            return lab, _run_spec(lab, spec, relay.result.emit)

        self.status.setText(f"Running: {self.method.currentText()}…")
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
                                f"{_human_bytes(last.weight_bytes)} ({last.ratio:.1f}× smaller).")
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
        if r.method == "original" and any(x.method == "original" and x.path == r.path and
                                          x.extra.get("dev") == self.dev_edit.text() for x in self.results):
            return
        r.extra.setdefault("dev", self.dev_edit.text())
        self.results.append(r)
        row = self.table.rowCount()
        self.table.insertRow(row)
        setting = r.setting if not r.layer else f"{r.layer}: {r.sparsity:.0%}"
        cells = {"Method": r.method, "Setting": setting, "LAS": f"{r.LAS:.2f}", "UAS": f"{r.UAS:.2f}",
                 "Bytes": _human_bytes(r.weight_bytes), "Ratio": f"{r.ratio:.1f}×" if r.ratio else "–",
                 "Sparsity": f"{r.sparsity:.1%}", "Sent/s": f"{r.sentences_per_s:.0f}",
                 "Params": f"{r.parameters:,}", "Non-zero": f"{r.nonzeros:,}", "Data": Path(r.extra["dev"]).name}
        for c, name in enumerate(COLUMNS):
            item = QTableWidgetItem(cells[name])
            if name not in ("Method", "Setting", "Data"):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = f"{r.method}: {setting}\n{r.path or ''}"
            if r.total_bytes:
                tip += f"\nwhole folder: {r.total_bytes:,} bytes ({r.total_ratio:.1f}× smaller)"
            if r.weight_bytes:
                tip += f"\nweights: {r.weight_bytes:,} bytes"
            item.setToolTip(tip.strip())
            self.table.setItem(row, c, item)
        self.table.scrollToBottom()
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
        from deplab.parser.compression.experiments import results_csv
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


def _run_spec(lab, spec: dict, emit) -> list:
    """Runs one experiment on ``lab`` (in the worker thread); every result is also ``emit``-ted."""
    m = spec["method"]
    lr = spec.get("lr", 1e-3)
    if m != "distill":
        lab.teacher_alpha = spec.get("teacher_alpha", 0.0)
    if m == "prune":
        out = [lab.prune(spec["sparsity"], spec["scope"], spec["retrain"], lr, spec["per_layer"],
                         gradual=spec["gradual"])]
    elif m == "deep":
        out = [lab.deep(spec["sparsity"], spec["scope"], spec["bits"], spec["retrain"], spec["finetune"], lr,
                        spec["per_layer"], gradual=spec["gradual"], min_count=spec.get("min_count", 1),
                        qat=spec.get("qat", False), uniform=spec.get("uniform", False),
                        rare_rates=spec.get("rare_rates"), vector_rate=spec.get("vector_rate"))]
    elif m == "share":
        out = [lab.share(spec["bits"], spec["finetune"], lr, qat=spec.get("qat", False),
                         uniform=spec.get("uniform", False), rare_rates=spec.get("rare_rates"),
                         vector_rate=spec.get("vector_rate"))]
    elif m == "l1":
        out = [lab.l1(spec["strength"], spec["epochs"], lr)]
    elif m == "int8":
        out = [lab.int8()]
    elif m == "sensitivity":
        return lab.sensitivity(spec["sparsities"], dev_limit=spec["dev_limit"], on_result=emit)
    elif m == "distill":
        return lab.distill(spec["sizes"], spec["temperature"], spec["alpha"], spec["epochs"], lr, spec["compare"],
                           on_result=emit, min_count=spec.get("min_count", 1))
    else:
        raise ValueError(f"unknown method {m!r}")
    for r in out:
        emit(r)
    return out


# -- installation into the main window ------------------------------------------------------------------------

def install_compression(window) -> CompressionTab:
    """Adds the Compression tab to the window's Lab dock, wired to the loaded model and model switching."""
    from .lab import lab_dock
    existing = getattr(window, "compression_tab", None)
    if isinstance(existing, CompressionTab):
        return existing
    tab = CompressionTab()
    had_dock = getattr(window, "lab", None) is not None
    dock = lab_dock(window)
    if not had_dock:  # closed until opened from View ▸ Panels ▸ Lab; the saved window state reopens it
        dock.hide()
    dock.add_tab(tab, "Compression")
    window.compression_tab = tab

    def current_model_dir():
        p = getattr(window, "pipeline", None)
        d = getattr(p, "model_dir", None) if p is not None else None
        return str(d) if d else None
    tab.model_provider = current_model_dir

    def switch(path: str):
        load = getattr(window, "load_model", None)
        if load is not None:
            load(path)
    tab.useModelRequested.connect(switch)
    if hasattr(window, "pipelineChanged"):
        window.pipelineChanged.connect(lambda *_: tab.refresh())
    tab.refresh()
    return tab
