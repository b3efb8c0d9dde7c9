"""The Fine-tuning tab's options: what to train, the recipe, the guard against forgetting -> a FinetuneConfig.

Only presentation: the defaults are :class:`parser.finetune.FinetuneConfig`'s (the recipe chosen on a
held-out slice of ATIS train, ``benchmarks/finetune.py --tune``), and what a guard does is
:mod:`parser.forgetting`'s.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QLabel, QSpinBox, QVBoxLayout,
                               QWidget)

from deplab.parser.finetune import FinetuneConfig

from .lab_data import DataFileRow

GUARDS = [  # (key, label, what it does)
    ("l2sp", "L2-SP: stay near the base weights",
     "An L2 penalty towards the base model's weights (Li, Grandvalet & Davoine 2018); needs no data"),
    ("lwf", "LwF: keep the base model's predictions",
     "Distillation from the base model on the new sentences (Li & Hoiem 2016); needs no data"),
    ("lwf+l2sp", "LwF + L2-SP", "Both terms"),
    ("none", "none", "Plain fine-tuning: the model may forget what it knew"),
]
REHEARSAL_PURPOSE = ("Rehearsal data (optional): the base model's own training treebank, if you have it. Some of its "
                     "sentences are mixed into every epoch so the model forgets less of its first domain (Robins "
                     "1995); when chosen it replaces the guard. Without it, the guard above needs no data.")


class FinetuneOptions(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        f = QGridLayout(self)
        f.setContentsMargins(0, 0, 0, 0)
        d = FinetuneConfig()
        self.train_emb = QCheckBox("embeddings")
        self.train_hidden = QCheckBox("hidden layers")
        self.train_out = QCheckBox("output layer")
        for c, tip in ((self.train_emb, "word, character and relation embeddings (unchecked: frozen; "
                        "new words still get trained embeddings)"),
                       (self.train_hidden, "BiLSTM and hidden layers"),
                       (self.train_out, "transition and tag softmax layers")):
            c.setChecked(True)
            c.setToolTip(tip)
            c.toggled.connect(self.changed)
        parts = QVBoxLayout()
        parts.setSpacing(2)
        for c in (self.train_emb, self.train_hidden, self.train_out):
            parts.addWidget(c)
        f.addWidget(QLabel("Train"), 0, 0, Qt.AlignmentFlag.AlignTop)
        f.addLayout(parts, 0, 1)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(1e-5, 0.1)
        self.lr.setSingleStep(1e-4)
        self.lr.setValue(d.lr)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 200)
        self.epochs.setValue(d.epochs)
        self.batch = QSpinBox()
        self.batch.setRange(1, 512)
        self.batch.setValue(d.batch_size)
        self.patience = QSpinBox()
        self.patience.setRange(0, 50)
        self.patience.setValue(d.patience)
        self.patience.setSpecialValueText("off")
        self.patience.setToolTip("stop after this many epochs without a better held-out LAS")
        # one setting a row (label, field): the form stays narrow enough for the Lab beside the stepper
        for k, (lab, w) in enumerate((("Learning rate", self.lr), ("Epochs", self.epochs),
                                      ("Batch size", self.batch), ("Early stop", self.patience))):
            f.addWidget(QLabel(lab), 1 + k, 0)
            f.addWidget(w, 1 + k, 1)
        self.guard = QComboBox()
        for key, label, tip in GUARDS:
            self.guard.addItem(label, key)
            self.guard.setItemData(self.guard.count() - 1, tip, 3)  # Qt.ToolTipRole
        self.guard.setCurrentIndex(self.guard.findData(d.guard))
        self.guard.setToolTip("How fine-tuning avoids forgetting the base model's domain without its data")
        self.guard.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.guard.setMinimumContentsLength(12)  # the list that opens shows each choice whole
        f.addWidget(QLabel("Forgetting guard"), 5, 0)
        f.addWidget(self.guard, 5, 1)
        self.rehearsal_data = DataFileRow("finetune_rehearsal", REHEARSAL_PURPOSE,
                                          "the base model's training treebank (optional)")
        self.rehearsal_data.changed.connect(self._rehearsal_changed)
        self.rehearsal = QSpinBox()
        self.rehearsal.setRange(1, 100000)
        self.rehearsal.setSingleStep(100)
        self.rehearsal.setValue(d.rehearsal)
        self.rehearsal.setSuffix(" per epoch")
        self.rehearsal.setToolTip("Sentences of the base model's training data mixed into each epoch")
        f.addWidget(QLabel("Rehearsal"), 6, 0)
        f.addWidget(self.rehearsal, 6, 1)
        f.addWidget(self.rehearsal_data, 7, 0, 1, 2)
        self.baseline = QCheckBox("Baseline: also train from scratch")
        self.baseline.setToolTip("Also train a model from scratch on the same data, to compare with the fine-tuned one")
        self.baseline.setChecked(True)
        f.addWidget(self.baseline, 8, 0, 1, 2)
        f.setColumnStretch(1, 1)
        self._rehearsal_changed()

    def _rehearsal_changed(self) -> None:
        chosen = self.rehearsal_data.path() is not None
        self.rehearsal.setEnabled(chosen)
        self.guard.setEnabled(not chosen)
        self.changed.emit()

    def any_part(self) -> bool:
        return self.train_emb.isChecked() or self.train_hidden.isChecked() or self.train_out.isChecked()

    def config(self) -> FinetuneConfig:
        freeze = tuple(p for p, c in (("embeddings", self.train_emb), ("hidden", self.train_hidden),
                                      ("output", self.train_out)) if not c.isChecked())
        return FinetuneConfig(epochs=self.epochs.value(), lr=self.lr.value(), batch_size=self.batch.value(),
                              freeze=freeze, patience=self.patience.value(), guard=self.guard.currentData(),
                              rehearsal=self.rehearsal.value(), rehearsal_data=self.rehearsal_data.path())
