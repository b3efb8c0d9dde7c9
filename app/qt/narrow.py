"""Widgets that ask for little width, so the docks fit a laptop screen with every panel open."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def narrow_combo(box: QComboBox, chars: int = 18) -> QComboBox:
    """A combo box that asks for ``chars`` characters, not for its longest item (shown whole in the list that
    opens, and as the tooltip), so a long choice does not widen the Lab."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(chars)

    def tip(_=None) -> None:
        box.setToolTip(box.currentText() if not box.property("ownTip") else box.property("ownTip"))
    box.currentIndexChanged.connect(tip)
    tip()
    return box
