"""The Lab's data files: a CoNLL-U file chosen by the user, with what it is for, remembered in the settings.

Nothing in the Lab looks for data anywhere by itself: compression asks for its evaluation and
retraining treebanks, fine-tuning for the base model's training data (rehearsal) when the user
has it.  Each choice is kept in QSettings under ``lab/<key>`` and offered again next time; the
open document can stand in for a treebank (:meth:`DataFileRow.set_document_provider`).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from .settings import app_settings


class DataFileRow(QWidget):
    """A path field with Browse…, a one-line explanation of what the data is for, and (optionally)
    "use the open document" instead of a file.  ``changed()`` fires when the choice changes."""

    changed = Signal()

    def __init__(self, key: str, purpose: str, placeholder: str = "CoNLL-U file", parent: QWidget | None = None):
        super().__init__(parent)
        self.key, self.purpose = key, purpose
        self._document: Callable[[], object] | None = None
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setToolTip(purpose)
        self.edit.editingFinished.connect(self._remember)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setToolTip(purpose)
        self.browse_button.clicked.connect(self.browse)
        self.use_document = QCheckBox("use the open document")
        self.use_document.setToolTip("Use the gold sentences of the treebank open in the app")
        self.use_document.setVisible(False)
        self.use_document.toggled.connect(self._document_toggled)
        row.addWidget(self.edit, 1)
        row.addWidget(self.browse_button)
        v.addLayout(row)
        v.addWidget(self.use_document)  # under the file: the row stays narrow
        self.note = QLabel(purpose)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid); font-size: small;")
        v.addWidget(self.note)
        saved = app_settings().value(f"lab/{key}", "")
        if saved and Path(str(saved)).is_file():
            self.edit.setText(str(saved))

    def set_document_provider(self, provider: Callable[[], object]) -> None:
        """``provider()`` returns the open document (or None); the row then offers it instead of a file."""
        self._document = provider
        self.use_document.setVisible(True)

    def _document_toggled(self, on: bool) -> None:
        self.edit.setEnabled(not on)
        self.browse_button.setEnabled(not on)
        self.changed.emit()

    def browse(self) -> None:
        start = self.edit.text() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.purpose.split(". ")[0], start,
                                              "CoNLL-U (*.conllu *.conll);;All files (*)")
        if path:
            self.set_path(path)

    def set_path(self, path: str | os.PathLike) -> None:
        self.use_document.setChecked(False)
        self.edit.setText(str(path))
        self._remember()

    def _remember(self) -> None:
        text = self.edit.text().strip()
        if text:
            app_settings().setValue(f"lab/{self.key}", text)
        self.changed.emit()

    def path(self) -> str | None:
        """The chosen file, or None (also None while "the open document" is checked)."""
        if self.use_document.isChecked():
            return None
        text = self.edit.text().strip()
        return text or None

    def sentences(self):
        """The data as a list of Sentences (the open document's gold ones, or the file read), or None."""
        if self.use_document.isChecked() and self._document is not None:
            doc = self._document()
            if doc is None:
                raise ValueError("No document is open")
            gold = [doc[i].copy() for i, st in enumerate(doc.statuses()) if st == "gold"]
            if not gold:
                raise ValueError("The open document has no gold sentences yet")
            return gold
        return None

    def source(self):
        """What the lab reads: a path, a list of the document's gold sentences, or None when nothing is chosen."""
        doc = self.sentences()
        return doc if doc is not None else self.path()

    def describe(self) -> str:
        if self.use_document.isChecked():
            return "the open document"
        p = self.path()
        return Path(p).name if p else "nothing chosen"
