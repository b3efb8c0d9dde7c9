"""The typed inputs the window remembers: File ▸ Recent inputs and the input line's completer,
kept in the settings (``inputs/recent``), newest first."""
from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter

MAX_RECENT = 20


class RecentInputs:
    def __init__(self, window):
        self.w = window
        self.items: list[str] = []
        self.model = QStringListModel()
        completer = QCompleter(self.model, window)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        window.view.input.setCompleter(completer)

    def restore(self) -> None:
        recent = self.w.settings.value("inputs/recent")
        if isinstance(recent, str):
            recent = [recent]
        self.items = [str(r) for r in (recent or []) if str(r).strip()][:MAX_RECENT]
        self._refresh()

    def save(self) -> None:
        self.w.settings.setValue("inputs/recent", list(self.items))

    def remember(self, text: str) -> None:
        if text in self.items:
            self.items.remove(text)
        self.items.insert(0, text)
        del self.items[MAX_RECENT:]
        self.save()
        self._refresh()

    def _refresh(self) -> None:
        self.model.setStringList(self.items)
        menu = self.w.recent_menu
        menu.clear()
        for text in self.items:
            label = text if len(text) <= 60 else text[:57] + "…"
            act = menu.addAction(label.replace("&", "&&"))
            act.triggered.connect(lambda *_, t=text: self._use(t))
        menu.setEnabled(bool(self.items))

    def _use(self, text: str) -> None:
        self.w.view.input.setText(text)
        self.w.sentences.parse_text(text)
