"""Lab ▸ Fine-tuning's training data: the gold sentences of the open document or a CoNLL-U file,
and the held-out data (a seeded share of it, or a file of its own).  The form is checked on the GUI
thread (:meth:`TrainingData.inputs`); the files are read by the function it returns, in the worker."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import (QButtonGroup, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QRadioButton, QSpinBox, QWidget)


def _file_row(placeholder: str) -> tuple[QWidget, QLineEdit, QPushButton]:
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    button = QPushButton("Browse…")
    lay.addWidget(edit, 1)
    lay.addWidget(button)
    return w, edit, button


class TrainingData(QGroupBox):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("Training data", parent)
        g = QGridLayout(self)
        self.src_doc = QRadioButton("Gold of the open document")
        self.src_doc.setToolTip("The gold sentences of the treebank open in the app")
        self.src_file = QRadioButton("CoNLL-U file:")
        self.src_doc.setChecked(True)
        bg = QButtonGroup(self)
        bg.addButton(self.src_doc)
        bg.addButton(self.src_file)
        fw, self.train_edit, b = _file_row("gold treebank to fine-tune on")
        b.clicked.connect(lambda: self._browse(self.train_edit, self.src_file))
        self.doc_count = QLabel("")
        self.doc_count.setStyleSheet("color: #555")
        g.addWidget(self.src_doc, 0, 0, 1, 2)
        g.addWidget(self.doc_count, 0, 2)
        self.doc_count.setWordWrap(True)
        g.addWidget(self.src_file, 1, 0)
        g.addWidget(fw, 1, 1, 1, 2)
        self.held_pct_radio = QRadioButton("Held out:")
        self.held_file_radio = QRadioButton("Held-out file:")
        self.held_pct_radio.setChecked(True)
        hb = QButtonGroup(self)
        hb.addButton(self.held_pct_radio)
        hb.addButton(self.held_file_radio)
        self.held_pct = QSpinBox()
        self.held_pct.setRange(0, 90)
        self.held_pct.setValue(20)
        self.held_pct.setSuffix(" % (seeded)")
        self.held_pct.setToolTip("This share of the training data, drawn with a fixed seed, is held out for "
                                 "scores and early stopping")
        hw, self.held_edit, hb2 = _file_row("held-out CoNLL-U for scores and early stopping")
        hb2.clicked.connect(lambda: self._browse(self.held_edit, self.held_file_radio))
        g.addWidget(self.held_pct_radio, 2, 0)
        g.addWidget(self.held_pct, 2, 1, 1, 2)
        g.addWidget(self.held_file_radio, 3, 0)
        g.addWidget(hw, 3, 1, 1, 2)
        g.setColumnStretch(1, 1)

    def _browse(self, edit: QLineEdit, radio: QRadioButton) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a CoNLL-U file", edit.text() or str(Path.home()),
                                              "CoNLL-U (*.conllu *.conll);;All files (*)")
        if path:
            edit.setText(path)
            radio.setChecked(True)

    def show_document(self, doc) -> None:
        """How many gold sentences the open document (or None) offers."""
        if doc is None:
            self.doc_count.setText("no document open")
        else:
            c = doc.status_counts()
            self.doc_count.setText(f"{c.get('gold', 0)} gold of {len(doc)}")

    @staticmethod
    def gold_of_document(doc) -> tuple[list, dict]:
        """Copies of the document's gold sentences and the record of where they come from."""
        if doc is None:
            raise ValueError("No document is open: open a treebank, or choose a CoNLL-U file")
        gold = [doc[i].copy() for i, st in enumerate(doc.statuses()) if st == "gold"]
        if not gold:
            raise ValueError("The document has no gold sentences yet: mark corrected sentences gold, "
                             "or choose a CoNLL-U file")
        name = Path(doc.path).name if getattr(doc, "path", None) else None
        return gold, {"source": "document", "name": name, "sentences": len(gold),
                      "words": sum(len(s.words) for s in gold)}

    def inputs(self, doc) -> Callable[[], tuple[list, list, dict]]:
        """Validates the form on the GUI thread; returns a function the worker calls to read the data:
        (training sentences, held-out sentences, the record of both)."""
        use_doc = self.src_doc.isChecked()
        gold = info = None
        if use_doc:
            gold, info = self.gold_of_document(doc)
        train_path = self.train_edit.text().strip()
        if not use_doc and not train_path:
            raise ValueError("Choose the CoNLL-U file to fine-tune on")
        held_path = self.held_edit.text().strip() if self.held_file_radio.isChecked() else None
        if self.held_file_radio.isChecked() and not held_path:
            raise ValueError("Choose the held-out CoNLL-U file")
        pct = self.held_pct.value()

        def read():
            from deplab.parser.conllu import read_conllu
            from deplab.parser.finetune import file_record, split_heldout
            nonlocal info
            sentences = gold if use_doc else read_conllu(train_path)
            if not use_doc:
                info = file_record(train_path, sentences)
            if held_path:
                held = read_conllu(held_path)
                info["heldout"] = file_record(held_path, held)
                return list(sentences), held, info
            train, held = split_heldout(sentences, pct, seed=1)
            info["heldout"] = {"source": "split", "percent": pct, "seed": 1}
            return train, held, info
        return read
