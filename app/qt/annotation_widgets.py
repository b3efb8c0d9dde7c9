"""The annotation window area's widgets: the editor (header, arc view, message line), the
type-ahead choice menu (relations, UPOS) and the New-from-text dialog.  No logic: the
controllers (:mod:`.annotation`, :mod:`.edit_controller`) drive them."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QMenu,
                               QPlainTextEdit, QPushButton, QToolButton, QVBoxLayout, QWidget, QWidgetAction)

from .arc_view import ArcView

class ChoiceMenu(QMenu):
    """A popup menu of choices with a type-ahead filter: type, then Enter picks the first match."""

    chosen = Signal(str)

    def __init__(self, title: str, choices: list[str], current: str | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("choiceMenu")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"{title}: type to filter, Enter to pick")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(240)
        wa = QWidgetAction(self)
        wa.setDefaultWidget(self.filter)
        self.addAction(wa)
        self.addSeparator()
        self.choice_actions: list[QAction] = []
        for c in choices:
            a = self.addAction(c)
            a.setCheckable(True)
            a.setChecked(c == current)
            a.triggered.connect(lambda _=False, c=c: self.chosen.emit(c))
            self.choice_actions.append(a)
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self._pick_first)
        self.filter.installEventFilter(self)
        self.setStyleSheet("QMenu { menu-scrollable: 1; }")

    def _filter(self, text: str) -> None:
        t = text.strip().lower()
        for a in self.choice_actions:
            a.setVisible(not t or t in a.text().lower())

    def visibleChoices(self) -> list[str]:
        return [a.text() for a in self.choice_actions if a.isVisible()]

    def _pick_first(self) -> None:
        t = self.filter.text().strip()
        vis = self.visibleChoices()
        exact = [c for c in vis if c.lower() == t.lower()]
        pick = exact[0] if exact else (vis[0] if vis else None)
        if pick is not None:
            self.chosen.emit(pick)
            self.close()

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.filter and ev.type() == QEvent.Type.KeyPress and ev.key() == Qt.Key.Key_Down:
            vis = [a for a in self.choice_actions if a.isVisible()]
            if vis:
                self.setFocus()
                self.setActiveAction(vis[0])
            return True
        return super().eventFilter(obj, ev)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        self.filter.setFocus()


class UnmarkedNotice(QFrame):
    """The question asked once per file without DepLab status comments: how to read its complete trees.

    Not modal: the file is already open with the remembered (or default) reading; a click on another
    reading emits ``chosen(policy)`` (``gold``, ``parsed`` or ``unannotated``)."""

    chosen = Signal(str)
    LABELS = (("gold", "Gold"), ("parsed", "Parser output"), ("unannotated", "Unannotated"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("UnmarkedNotice { background: #FFF8E1; border: 1px solid #E0C060; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.buttons: dict[str, QPushButton] = {}
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 3, 6, 3)
        lay.addWidget(self.label, 1)
        for policy, text in self.LABELS:
            b = QPushButton(text)
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, p=policy: self._choose(p))
            self.buttons[policy] = b
            lay.addWidget(b)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Keep this reading")
        self.close_button.clicked.connect(self.hide)
        lay.addWidget(self.close_button)
        self.hide()

    def ask(self, name: str, count: int, policy: str) -> None:
        self.label.setText(f"<b>{name}</b> has no DepLab status comments: its {count} complete "
                           f"tree{'s' if count != 1 else ''} are read as:")
        self._check(policy)
        self.show()

    def _check(self, policy: str) -> None:
        for p, b in self.buttons.items():
            b.setChecked(p == policy)

    def _choose(self, policy: str) -> None:
        self._check(policy)
        self.chosen.emit(policy)


class AnnotationEditor(QWidget):
    """Header (sentence, status, buttons), the editable arc view, and a message line."""

    keyPressed = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.prev_button = QToolButton()
        self.prev_button.setText("◀")
        self.prev_button.setToolTip("Previous sentence")
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip("Next sentence")
        self.title = QLabel("No document — File ▸ Open… (or drop a .conllu file here)")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.status_badge = QLabel()
        self.gold_button = QPushButton("Mark gold")
        self.gold_button.setToolTip("Mark this sentence gold (G / Ctrl+G); recorded in the file")
        self.parse_button = QPushButton("Parse")
        self.parse_button.setToolTip("Parse this sentence with the parser (not allowed on gold sentences)")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.prev_button)
        top.addWidget(self.next_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.status_badge)
        top.addWidget(self.parse_button)
        top.addWidget(self.gold_button)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color:#333; font-size: 13px")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.arcs = ArcView()
        self.arcs.setEditable(True)
        self.arcs.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.arcs.setMinimumHeight(230)
        self.arcs.canvas().installEventFilter(self)
        self.arcs.installEventFilter(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.hint = QLabel("Drag from a word to its new head, or click the word then its head.  "
                           "Keys: ←/→ word · Enter head mode · R relation · U UPOS · G gold · Esc cancel")
        self.hint.setStyleSheet("color:#666; font-size: 11px")
        self.hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(3)
        lay.addLayout(top)
        self.unmarked_notice = UnmarkedNotice()
        lay.addWidget(self.unmarked_notice)
        lay.addWidget(self.text)
        lay.addWidget(self.arcs, 1)
        self.multiword = QLabel()  # the sentence's multiword tokens over their words (du = de + le)
        self.multiword.setStyleSheet("color:#555")
        self.multiword.setWordWrap(True)
        self.multiword.hide()
        lay.addWidget(self.multiword)
        lay.addWidget(self.message)
        lay.addWidget(self.hint)

    EDIT_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home,
                 Qt.Key.Key_End, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_PageUp,
                 Qt.Key.Key_PageDown, Qt.Key.Key_0, Qt.Key.Key_H, Qt.Key.Key_R, Qt.Key.Key_L, Qt.Key.Key_U,
                 Qt.Key.Key_G}

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.ShortcutOverride and obj in (self.arcs.canvas(), self.arcs):
            # the editing keys belong to the focused arc view, not to window shortcuts (the stepper's ←/→)
            plain = not (ev.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                           | Qt.KeyboardModifier.MetaModifier))
            if plain and ev.key() in self.EDIT_KEYS:
                ev.accept()
                return True
        if ev.type() == QEvent.Type.KeyPress and obj in (self.arcs.canvas(), self.arcs):
            self.keyPressed.emit(ev)
            if ev.isAccepted():
                return True
        return super().eventFilter(obj, ev)

    def keyPressEvent(self, ev) -> None:
        self.keyPressed.emit(ev)
        if not ev.isAccepted():
            super().keyPressEvent(ev)

    def showMessage(self, text: str, error: bool = False) -> None:
        color = "#B00000" if error else "#1F5F8B"
        self.message.setText(f"<span style='color:{color}'>{text}</span>" if text else "")


class NewFromTextDialog(QDialog):
    def __init__(self, parent=None, can_parse: bool = True):
        super().__init__(parent)
        self.setWindowTitle("New treebank from text")
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText("Type or paste text; it is split into sentences and words.")
        self.parse = QCheckBox("Pre-annotate with the parser (tags and trees)")
        self.parse.setChecked(can_parse)
        self.parse.setEnabled(can_parse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.parse)
        lay.addWidget(buttons)
        self.resize(560, 360)


