"""Under a long job's form: the start button and Cancel, the progress bar, and the status line.

The Lab's tabs (compression, fine-tuning) build it the same way; the job itself runs in a
:class:`workers.Task`, which drives the bar and the status line.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton


def add_run_row(owner, layout: QBoxLayout, text: str, run: Callable[[], object], cancel: Callable[[], object],
                status: str = "") -> None:
    """Adds the row and the status line to ``layout`` and sets ``owner.run_button``, ``cancel_button``,
    ``progress`` and ``status``."""
    row = QHBoxLayout()
    owner.run_button = QPushButton(text)
    owner.run_button.setDefault(True)
    owner.run_button.clicked.connect(run)
    owner.cancel_button = QPushButton("Cancel")
    owner.cancel_button.clicked.connect(cancel)
    owner.progress = QProgressBar()
    owner.progress.setTextVisible(True)
    row.addWidget(owner.run_button)
    row.addWidget(owner.cancel_button)
    row.addStretch(1)
    layout.addLayout(row)
    layout.addWidget(owner.progress)  # its own line: the row stays narrow
    owner.status = QLabel(status)
    owner.status.setWordWrap(True)
    layout.addWidget(owner.status)
