"""The Compression tab's form: which experiment, with which settings -> a CompressionSpec.

Only presentation: the rules (valid ranges, what needs training data, which Lab method runs) are
:class:`parser.compression.spec.CompressionSpec`'s.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QSlider, QSpinBox, QVBoxLayout, QWidget)

from deplab.parser.compression.spec import CompressionSpec

from .narrow import narrow_combo

METHODS = [  # (key, label)
    ("prune", "Magnitude pruning"),
    ("sensitivity", "Layer sensitivity"),
    ("l1", "L1-regularised retraining"),
    ("share", "Weight sharing (k-means + Huffman)"),
    ("deep", "Deep Compression (prune + share + Huffman)"),
    ("int8", "int8 dynamic quantization"),
    ("distill", "Knowledge distillation"),
]


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


class CompressionForm(QWidget):
    """The method and its settings; ``spec()`` is the experiment they describe."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        self.method = QComboBox()
        for key, label in METHODS:
            self.method.addItem(label, key)
        self.method.currentIndexChanged.connect(self._method_changed)
        narrow_combo(self.method, 18)
        v.addWidget(self.method)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setStyleSheet("color: palette(mid);")
        v.addWidget(self.about)
        self.params = QFormLayout()
        self.params.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.params.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: the label above its field
        v.addLayout(self.params)
        self._build_params()
        self._method_changed()

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
        narrow_combo(self.scope)
        self.layer_sparsity = QLineEdit("output layer=0; label embeddings=0")
        self.layer_sparsity.setToolTip("Per-layer sparsities that replace the slider's for those layers, "
                                       "separated by ';' (e.g. 'output layer=0; word embeddings=95%'); "
                                       "use the sensitivity curves to choose them")
        self.retrain = _spin(0, 20, 1, " epoch(s)")
        self.gradual = QCheckBox("prune gradually")
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
        self.quantizer.setProperty("ownTip", "Uniform levels whose Huffman-coded indices cost the rate lose less "
                                   "than k-means' levels for the same bytes; the rate may be fractional")
        narrow_combo(self.quantizer)
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
        self.changed.emit()

    def spec(self) -> CompressionSpec:
        """The experiment the form describes (ValueError on a malformed per-layer or sparsity list)."""
        key = self.method.currentData()
        shown = self.VISIBLE[key]
        s = CompressionSpec(method=key, lr=self.lr.value())
        if "teacher_alpha" in shown:
            s.teacher_alpha = self.teacher_alpha.value()
        if key in ("prune", "deep"):
            s.sparsity, s.scope = self.sparsity.value() / 100, self.scope.currentData()
            s.retrain, s.gradual, s.per_layer = self.retrain.value(), self.gradual.isChecked(), self._layer_sparsities()
        if key in ("share", "deep"):
            s.uniform = self.quantizer.currentData() == "uniform"
            s.bits = self.rate.value() if s.uniform else self.bits.value()
            s.finetune, s.qat = self.finetune.value(), self.qat.isChecked()
            if s.uniform and self.rare_count.value() > 1:
                s.rare_rates = {self.rare_count.value(): self.rare_rate.value()}
            if self.vector_bits.value():
                s.vector_rate = self.vector_bits.value()
        if key in ("deep", "distill"):
            s.min_count = self.min_count.value()
        if key == "l1":
            s.strength, s.epochs = self.l1.value(), self.epochs.value()
        if key == "sensitivity":
            s.sparsities, s.dev_limit = tuple(self._sparsities()), self.dev_limit.value()
        if key == "distill":
            s.sizes = {"lstm_hidden": self.student_hidden.value(), "word_dim": self.student_word.value(),
                       "layers": self.student_layers.value(), "mlp_hidden": self.student_mlp.value()}
            s.temperature, s.alpha = self.temperature.value(), self.alpha.value()
            s.epochs, s.compare = self.epochs.value(), self.compare.isChecked()
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
