"""Lab ▸ Compression in the main window: the tab in the Lab dock (closed until opened), wired to
the loaded model, model switching and the open document (for "the open document" as data)."""
from __future__ import annotations

from .compression_tab import CompressionTab


def install_compression(window) -> CompressionTab:
    """Adds the Compression tab to the window's Lab dock, wired to the loaded model and model switching."""
    from .lab import lab_dock
    existing = getattr(window, "compression_tab", None)
    if isinstance(existing, CompressionTab):
        return existing
    tab = CompressionTab()
    had_dock = getattr(window, "lab", None) is not None
    dock = lab_dock(window)
    if not had_dock:  # closed until opened from View ▸ Panels ▸ Lab; the saved window state reopens it
        dock.hide()
    dock.add_tab(tab, "Compression")
    window.compression_tab = tab

    def current_model_dir():
        p = getattr(window, "pipeline", None)
        d = getattr(p, "model_dir", None) if p is not None else None
        return str(d) if d else None
    tab.model_provider = current_model_dir

    def switch(path: str):
        load = getattr(window, "load_model", None)
        if load is not None:
            load(path)
    tab.useModelRequested.connect(switch)

    def document():  # the treebank open in the window, for "the open document"
        ann = getattr(window, "annotation", None)
        return getattr(ann, "doc", None) if ann is not None else None
    tab.ask_for_data = True
    tab.dev_data.set_document_provider(document)
    tab.train_data.set_document_provider(document)
    if hasattr(window, "pipelineChanged"):
        window.pipelineChanged.connect(lambda *_: tab.refresh())
    tab.refresh()
    return tab
