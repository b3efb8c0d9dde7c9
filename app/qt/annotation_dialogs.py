"""The annotation controller's questions to the user, as plain functions of the window (the
controller keeps them as replaceable attributes: tests and scripts answer without a dialog)."""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget


def ask_dialog(parent: QWidget, title: str, text: str, buttons: tuple[str, ...]) -> str:
    """A question with the given buttons; the text of the one clicked ("Cancel" when closed)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    made = {}
    for b in buttons:
        role = {"Cancel": QMessageBox.ButtonRole.RejectRole, "Discard": QMessageBox.ButtonRole.DestructiveRole,
                "Don't Save": QMessageBox.ButtonRole.DestructiveRole}.get(b, QMessageBox.ButtonRole.AcceptRole)
        made[box.addButton(b, role)] = b
    box.exec()
    return made.get(box.clickedButton(), "Cancel")


def ask_text_dialog(parent: QWidget, title: str, label: str, default: str = "") -> str | None:
    """A line of text, or None when cancelled."""
    text, ok = QInputDialog.getText(parent, title, label, text=default)
    return text if ok else None
