"""Parse ▸ New Parser from This Treebank… and File ▸ Models (issue 17).

:class:`NewParserDialog` trains a parser on the document's gold sentences (or on any CoNLL-U file),
by default both from scratch and fine-tuning the bundled model, keeping the one with the better held-out
(selection) LAS (the engine's auto start, :mod:`deplab.parser.auto_start`), or from scratch, or starting
from an existing model, in the background (the app's one task type,
:mod:`.workers`) with progress, an ETA and Cancel; a cancelled run writes nothing.  The engine holds
out a seeded part of the sentences for model selection.  The result is a model folder in
:func:`deplab.parser.paths.models_dir`, switched to with one click (*Use this parser*).  The work is
:func:`deplab.app.model.parser_training.train_new_parser`; File ▸ Models lists the user's models with
their language, data, size and held-out scores (:func:`~deplab.app.model.parser_training.user_models`).
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QMenu, QPlainTextEdit, QProgressBar, QPushButton,
                               QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from deplab.app.model.parser_training import (AUTO, SCRATCH, NewParserSpec, describe, gold_sentences,
                                              guess_language, model_folder, train_new_parser, user_models)
from deplab.parser.train_config import few_sentences_warning

from .workers import run_task, show_progress


class NewParserDialog(QDialog):
    """``NewParserDialog(ctl)``.  Signals ``trained(record)`` (the new model's :func:`model_record`),
    ``useRequested(path)``.  ``extra`` holds engine settings the form does not show (tests make the
    model tiny with ``sizes`` / ``tagger_sizes`` / ``tagger_epochs`` / ``batch_size`` / ``lr``)."""

    trained = Signal(dict)
    useRequested = Signal(str)

    def __init__(self, ctl, parent=None):
        super().__init__(parent or ctl.window)
        self.ctl = ctl
        self.setWindowTitle("New Parser from This Treebank")
        self.task = None
        self.record: dict | None = None
        self.extra: dict = {}
        self.models_root: Path | None = None  # None: deplab.parser.paths.models_dir()

        doc = ctl.doc
        self.gold = gold_sentences(doc) if doc is not None else []
        self.from_doc = QRadioButton(f"this treebank's gold sentences ({len(self.gold)})")
        self.from_file = QRadioButton("a CoNLL-U file:")
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("every sentence with a complete tree is used")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        group = QButtonGroup(self)
        group.addButton(self.from_doc)
        group.addButton(self.from_file)
        (self.from_doc if self.gold else self.from_file).setChecked(True)
        self.from_doc.setEnabled(bool(self.gold))
        file_row = QHBoxLayout()
        file_row.addWidget(self.from_file)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)

        self.start = QComboBox()
        from deplab.parser.auto_start import bundled_base
        bundled = bundled_base()
        if bundled is not None:  # the default: both starts trained, the better one on the held-out part kept
            self.start.addItem(f"best of scratch, {bundled.name} and both as an ensemble (chosen on the held-out part)",
                               AUTO)
        self.start.addItem("from scratch", SCRATCH)
        current = getattr(getattr(ctl.window, "pipeline", None), "model", None)
        if current is not None and getattr(current, "path", None):
            self.start.addItem(f"fine-tune the current model ({Path(current.path).name})", str(current.path))
        self.language = QLineEdit(guess_language(ctl.doc, getattr(ctl.window, "pipeline", None)))
        self.language.setPlaceholderText("ISO 639 code, e.g. nl, fr, zh")
        self.name = QLineEdit(self._guess_name())
        self.heldout = QDoubleSpinBox()
        self.heldout.setRange(0.05, 0.5)
        self.heldout.setSingleStep(0.05)
        self.heldout.setValue(0.1)
        self.seed = QSpinBox()
        self.seed.setRange(0, 10**6)
        self.seed.setValue(1)
        self.epochs = QSpinBox()
        self.epochs.setRange(0, 500)
        self.epochs.setSpecialValueText("default")
        self.epochs.setValue(0)

        few = few_sentences_warning(len(self.gold)) if self.gold else None
        self.few_note = QLabel(f"<i>{few[0].upper() + few[1:]}.</i>" if few else "")
        self.few_note.setWordWrap(True)
        self.few_note.setVisible(bool(few))
        self.from_doc.toggled.connect(lambda on: self.few_note.setVisible(bool(few) and on))

        form = QFormLayout()
        form.addRow("Train on:", self.from_doc)
        form.addRow("", self._wrap(file_row))
        form.addRow("Start:", self.start)
        form.addRow("Language:", self.language)
        form.addRow("Model name:", self.name)
        form.addRow("Held out for selection:", self.heldout)
        form.addRow("Seed of the split:", self.seed)
        form.addRow("Epochs:", self.epochs)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.eta = QLabel("")
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.train_button = QPushButton("Train")
        self.cancel_button = QPushButton("Cancel training")
        self.cancel_button.setEnabled(False)
        self.use_button = QPushButton("Use this parser")
        self.use_button.setEnabled(False)
        close = QPushButton("Close")
        buttons = QHBoxLayout()
        for b in (self.train_button, self.cancel_button, self.use_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.few_note)
        lay.addWidget(self.progress)
        lay.addWidget(self.eta)
        lay.addWidget(self.log, 1)
        lay.addWidget(self.message)
        lay.addLayout(buttons)
        self.train_button.clicked.connect(self.train)
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button.clicked.connect(self.use)
        close.clicked.connect(self.close)
        self.resize(640, 560)

    @staticmethod
    def _wrap(layout) -> QWidget:
        w = QWidget()
        layout.setContentsMargins(0, 0, 0, 0)
        w.setLayout(layout)
        return w

    def _guess_name(self) -> str:
        doc = self.ctl.doc
        stem = os.path.splitext(doc.name)[0] if doc is not None else "parser"
        return f"{stem}-parser"

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Training treebank", "", "CoNLL-U (*.conllu *.conll);;All files (*)")
        if path:
            self.file_edit.setText(path)
            self.from_file.setChecked(True)

    # -- the run ------------------------------------------------------------------------------
    def spec(self) -> NewParserSpec:
        source = self.ctl.doc.name if self.from_doc.isChecked() and self.ctl.doc else self.file_edit.text().strip()
        spec = NewParserSpec(name=self.name.text().strip(), language=self.language.text().strip().lower(),
                             source=os.path.basename(source), source_is_document=self.from_doc.isChecked(),
                             start=self.start.currentData(), heldout=self.heldout.value(),
                             seed=self.seed.value(), epochs=self.epochs.value() or None)
        for k, v in self.extra.items():
            setattr(spec, k, v)
        return spec

    def _sentences(self):
        if self.from_doc.isChecked():
            return list(self.gold)
        from deplab.parser.conllu import read_conllu
        return read_conllu(self.file_edit.text().strip())

    def train(self, wait: bool = False) -> None:
        from deplab.parser.language import is_language_code
        spec = self.spec()
        if not is_language_code(spec.language):
            self.message.setText("Give the treebank's language as an ISO 639 code (e.g. nl, fr, zh): it is recorded "
                                 "in the model and used to tokenize typed text.")
            self.language.setFocus()
            return
        if not spec.name:
            self.message.setText("Give the model a name.")
            return
        if self.from_file.isChecked() and not os.path.isfile(self.file_edit.text().strip()):
            self.message.setText("Choose the CoNLL-U file to train on.")
            return
        out = model_folder(spec.name, self.models_root)
        if out.exists() and self.ctl.ask("Replace the model?", f"A model named {out.name} exists. Replace it?",
                                         ("Replace", "Cancel")) != "Replace":
            return
        read = self._sentences if self.from_file.isChecked() else (lambda gold=list(self.gold): gold)
        self.log.clear()
        self.message.setText(f"training {out.name}…")
        self.progress.setValue(0)
        self._running(True)

        def work(ctx):
            lines = []

            def log(msg):
                lines.append(msg)
                ctx.progress(-1, -1, msg)  # a log line (the progress bar keeps its value)

            return train_new_parser(read(), spec, out, log=log, progress=ctx.progress, cancelled=ctx.cancelled)

        self.task = run_task(work, on_done=self._done, on_error=self._failed, on_progress=self._progress,
                             on_cancelled=self._cancelled, name="train")
        if wait:
            self.task.wait()

    def _progress(self, done: int, total: int, message: str) -> None:
        if done < 0:
            self.log.appendPlainText(message)
            return
        show_progress(self.progress, done, total)
        self.eta.setText(message)

    def _running(self, on: bool) -> None:
        self.train_button.setEnabled(not on)
        self.cancel_button.setEnabled(on)

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.message.setText("cancelling…")

    def _done(self, record: dict) -> None:
        self._running(False)
        self.record = record
        self.progress.setValue(1000)
        self.eta.setText("done")
        self.message.setText("Saved " + describe(record) + f" in {os.path.dirname(record['path'])}")
        self.use_button.setEnabled(True)
        self.trained.emit(record)

    def _failed(self, message: str) -> None:
        self._running(False)
        self.message.setText(f"training failed: {message}")

    def _cancelled(self) -> None:
        self._running(False)
        self.eta.setText("")
        self.message.setText("training cancelled: nothing was written")

    def use(self) -> None:
        """Switches the window to the new parser (one click)."""
        if self.record is None:
            return
        self.useRequested.emit(self.record["path"])
        load = getattr(self.ctl.window, "load_model", None)
        if callable(load):
            load(self.record["path"])


class NewParser:
    """The actions: Parse ▸ New Parser from This Treebank…, File ▸ Models."""

    def __init__(self, ctl):
        from .annotation_actions import _action, _menu
        self.ctl = ctl
        self.dialog: NewParserDialog | None = None
        p = _menu(ctl, "&Parse")
        self.action = _action(ctl, p, "&New Parser from This Treebank…", self.open_dialog, None,
                              "Train a parser on the gold sentences (or a CoNLL-U file), in the background")
        f = _menu(ctl, "&File")
        self.models_menu = QMenu("&Models", f)
        self.models_menu.aboutToShow.connect(self.fill_models)
        first = f.actions()[0] if f.actions() else None
        f.insertMenu(first, self.models_menu) if first is not None else f.addMenu(self.models_menu)

    def open_dialog(self) -> NewParserDialog:
        if self.dialog is not None and self.dialog.task is not None and self.dialog.task.running:
            self.dialog.show()
            self.dialog.raise_()
            return self.dialog
        self.dialog = NewParserDialog(self.ctl)
        self.dialog.show()
        return self.dialog

    def fill_models(self, root: Path | None = None) -> list[dict]:
        """File ▸ Models: one entry per model folder (click: use it)."""
        self.models_menu.clear()
        records = user_models(root)
        pipeline = getattr(self.ctl.window, "pipeline", None)
        in_use = (pipeline.describe() or {}).get("path") if pipeline is not None else None
        in_use = Path(in_use).resolve() if in_use else None
        for r in records:
            a = self.models_menu.addAction(describe(r))
            a.setToolTip(r["path"])
            a.setCheckable(True)  # the model in use is checked, as in File ▸ Bundled models
            a.setChecked(Path(r["path"]).resolve() == in_use)
            load = getattr(self.ctl.window, "load_model", None)
            if callable(load):
                a.triggered.connect(lambda _=False, p=r["path"]: load(p))
        if not records:
            a = self.models_menu.addAction("No models yet: Parse ▸ New Parser from This Treebank…")
            a.setEnabled(False)
        return records
