"""Lab ▸ Fine-tuning in the main window: the tab in the Lab dock, wired to the loaded model, the
open document (``window.annotation``: its gold sentences, its parses, the navigator's uncertainty
column) and model switching (File ▸ Open model's loader)."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication

from .finetune_tab import FinetuneTab


def install_finetune(window) -> FinetuneTab:
    """Adds the Fine-tuning tab to the window's Lab dock and wires it to the loaded model, the open
    document (``window.annotation``), the navigator and model switching; returns the tab."""
    from .lab import lab_dock
    existing = getattr(window, "finetune_tab", None)
    if isinstance(existing, FinetuneTab):
        return existing
    tab = FinetuneTab()
    lab_dock(window).add_tab(tab, "Fine-tuning")
    window.finetune_tab = tab

    def annotation():
        return getattr(window, "annotation", None)

    def base():
        p = getattr(window, "pipeline", None)
        if p is None and annotation() is not None:
            p = annotation().pipeline
        return p
    tab.base_provider = base
    tab.doc_provider = lambda: annotation().doc if annotation() is not None else None

    def apply(results):
        ann = annotation()
        editor = getattr(ann, "editor", None) if ann is not None else None
        return editor.apply_parses(results) if editor is not None else ann.doc.apply_parses(results)
    tab.apply_parses = apply

    def switch(path: str):
        load = getattr(window, "load_model", None)
        if load is None:
            return
        task = load(path)
        ann = annotation()
        if task is not None and ann is not None:  # the annotation parser follows the switch
            task.finished.connect(lambda p: setattr(ann, "pipeline", p))
    tab.useModelRequested.connect(switch)

    def go_to(i: int):
        ann = annotation()
        if ann is not None and hasattr(ann, "go_to"):
            ann.go_to(i)
    tab.sentenceRequested.connect(go_to)

    def show_scores(scores):
        ann = annotation()
        nav = getattr(ann, "navigator", None) if ann is not None else None
        if nav is not None and hasattr(nav, "setScores"):
            nav.setScores(scores)
    tab.scoresChanged.connect(show_scores)
    if hasattr(window, "pipelineChanged"):
        window.pipelineChanged.connect(lambda *_: tab.refresh())
    app = QApplication.instance()
    if app is not None:  # a run still going when the app quits stops at its next batch
        app.aboutToQuit.connect(tab.cancel)
    return tab
