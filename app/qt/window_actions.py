"""The main window's menus and its own actions: building them (File, Edit, View, Parse, Help),
enabling them from the workspace, and the slots that are no controller's (export the tree, copy
the sentence, About).  Other areas add theirs through ``window.menus`` and ``window._action``."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from deplab.app.model.workspace import MODEL, ORACLE
from deplab.parser.bundled import DEFAULT_MODEL_DIR, bundled_models

from deplab import __version__

from . import export


def make_action(window, name: str, text: str, slot=None, shortcut=None, menu: str | None = None,
                checkable: bool = False, tip: str = "") -> QAction:
    """An action of the window (its shortcut window-wide), in ``window.actions_by_name[name]`` and
    in ``window.menus[menu]``; a checkable one calls ``slot`` when toggled."""
    a = QAction(text, window)
    if shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    a.setCheckable(checkable)
    if slot is not None:
        (a.toggled if checkable else a.triggered).connect(slot)
    window.addAction(a)
    if menu:
        window.menus[menu].addAction(a)
    window.actions_by_name[name] = a
    return a


def build_menus(window) -> None:
    w = window
    bar = w.menuBar()
    for key, title in (("file", "&File"), ("edit", "&Edit"), ("view", "&View"), ("parse", "&Parse"),
                       ("help", "&Help")):
        w.menus[key] = bar.addMenu(title)

    def A(*args, **kw):
        return make_action(w, *args, **kw)
    A("open_model", "Open &model…", w.choose_model, QKeySequence.StandardKey.Open, "file",
      tip="Load a DepLab model folder")
    w.bundled_menu = w.menus["file"].addMenu("Bundled mo&dels")
    w.bundled_group = QActionGroup(w)  # the model in use is checked
    w.bundled_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
    w.bundled_actions = {}
    for path, summary in bundled_models():
        label = f"{path.name}{' (default)' if path == DEFAULT_MODEL_DIR else ''}: {summary}"
        act = w.bundled_menu.addAction(label, lambda p=path: w.load_model(None if p == DEFAULT_MODEL_DIR else p))
        act.setCheckable(True)
        w.bundled_group.addAction(act)
        w.bundled_actions[Path(path).resolve()] = act
    w.recent_menu = w.menus["file"].addMenu("&Recent inputs")
    w.menus["file"].addSeparator()
    w.menus["export"] = w.menus["file"].addMenu("&Export tree")
    A("export_svg", "As &SVG…", lambda: export_dialog(w, "svg"), None, "export")
    A("export_png", "As &PNG…", lambda: export_dialog(w, "png"), None, "export")
    A("export_tex", "As &LaTeX (tikz-dependency)…", lambda: export_dialog(w, "tex"), None, "export")
    w.menus["file"].addSeparator()
    A("quit", "&Quit", w.close, QKeySequence.StandardKey.Quit, "file")

    A("focus_input", "&Focus the input line", w.focus_input, "Ctrl+L", "edit")
    A("copy_conllu", "&Copy sentence as CoNLL-U", lambda: copy_conllu(w), "Ctrl+Shift+C", "edit")

    av = w.arc_view
    A("zoom_in", "Zoom &in", av.zoomIn, QKeySequence.StandardKey.ZoomIn, "view")
    A("zoom_out", "Zoom &out", av.zoomOut, QKeySequence.StandardKey.ZoomOut, "view")
    A("fit_width", "&Fit tree to width", av.fitToWidth, "Ctrl+0", "view")
    A("actual_size", "&Actual size", av.resetZoom, "Ctrl+Shift+0", "view")
    w.menus["view"].addSeparator()
    A("compare_gold", "&Compare with gold tree", w.view.compare_box.setChecked, "Ctrl+G", "view",
      checkable=True, tip="Colour arcs by agreement with the gold tree")
    w.view.compare_box.toggled.connect(w.actions_by_name["compare_gold"].setChecked)
    w.menus["view"].addSeparator()
    w.panels_menu = w.menus["view"].addMenu("&Panels")
    w.menus["panels"] = w.panels_menu

    A("parse", "&Parse the input", lambda: w.view._request_parse(), None, "parse",
      tip="Tokenize, tag and parse the input line (Enter)")
    w.menus["parse"].addSeparator()
    group = QActionGroup(w)
    # the user's choice (triggered), not the check mark the workspace's mode sets (toggled)
    m = A("mode_model", "&Model mode", None, "Ctrl+1", "parse", True)
    o = A("mode_oracle", "&Oracle mode", None, "Ctrl+2", "parse", True)
    m.triggered.connect(lambda *_: w.set_mode(MODEL))
    o.triggered.connect(lambda *_: w.set_mode(ORACLE))
    group.addAction(m)
    group.addAction(o)
    w.menus["parse"].addSeparator()
    ws = w.workspace
    A("first", "&First step", ws.first, "Home", "parse")
    A("back", "Step &back", ws.back, "Left", "parse")
    A("forward", "Step f&orward", ws.forward, "Right", "parse")
    A("last", "&Last step", ws.last, "End", "parse")
    A("play", "Pl&ay", w.view.controls.toggle_play, "Space", "parse")
    A("divergence", "Go to first &divergence", w.view.controls.goto_divergence, "Ctrl+D", "parse")

    A("how", "&How the parser works", w.show_explanation, None, "help")
    A("about", "&About DepLab", lambda: QMessageBox.about(w, "About DepLab", about_text()), None, "help")


def update_actions(window) -> None:
    """Enables the window's actions for what the workspace holds (after any of its ``trace_signals``;
    stepping changes none)."""
    ws = window.workspace
    a = window.actions_by_name
    has = ws.trace is not None
    for name in ("first", "back", "forward", "last", "play"):
        a[name].setEnabled(has)
    a["divergence"].setEnabled(ws.divergence() is not None)
    a["mode_model"].setEnabled(MODEL in ws.available_modes())
    a["mode_oracle"].setEnabled(ORACLE in ws.available_modes())
    a["mode_model"].setChecked(ws.mode == MODEL)
    a["mode_oracle"].setChecked(ws.mode == ORACLE)
    a["compare_gold"].setEnabled(ws.gold is not None)
    for name in ("export_svg", "export_png", "export_tex", "copy_conllu"):
        a[name].setEnabled(ws.sentence is not None)


def copy_conllu(window) -> None:
    s = window.workspace.sentence
    if s is not None:
        QApplication.clipboard().setText(s.to_text())
        window.statusBar().showMessage("Copied the sentence as CoNLL-U.", 3000)


def about_text() -> str:
    """The About box: version, licences, where the bundled models come from."""
    return (f"<h3>DepLab {__version__}</h3><p>A lab for dependency syntax: watch a neural arc-standard "
            "transition parser (Chen &amp; Manning 2014) work step by step, annotate CoNLL-U "
            "treebanks, compress and fine-tune the parser.</p>"
            "<p>The code is released under the MIT licence.</p>"
            "<p>The bundled models (<tt>en_ewt</tt>, <tt>en_ewt_h128</tt>, <tt>en_ewt_cm2014</tt>) were "
            "trained by DepLab's own code on the Universal Dependencies English Web Treebank "
            "(UD English-EWT, train for training, dev for model selection); as works derived from it they "
            "are licensed under CC BY-SA 4.0 "
            "(<a href='https://creativecommons.org/licenses/by-sa/4.0/'>creativecommons.org/licenses/by-sa/4.0</a>). "
            "UD English-EWT: Silveira et al. (2014), <i>A Gold Standard Dependency Corpus for English</i>; "
            "<a href='https://github.com/UniversalDependencies/UD_English-EWT'>"
            "github.com/UniversalDependencies/UD_English-EWT</a>.</p>")


def export_to(window, path: str | os.PathLike, fmt: str | None = None, decorations: bool | None = None) -> None:
    """Writes the tree of the current step as ``svg``, ``png`` or ``tex``; without the stepper's
    decorations unless ``decorations`` (default: File ▸ Export ▸ With the Stepper's Decorations)."""
    ws = window.workspace
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if decorations is None:
        act = window.actions_by_name.get("export_decorations")
        decorations = bool(act is not None and act.isChecked())
    if fmt in ("svg", "png"):
        view = export.step_view(ws, decorations=decorations)
    if fmt == "svg":
        export.export_svg(view, path)
    elif fmt == "png":
        export.export_png(view, path)
    elif fmt in ("tex", "latex"):
        heads, labels = ws.tree_at()
        export.export_latex(ws.forms, ws.tags, heads, labels, path)
    else:
        raise ValueError(f"unknown export format {fmt!r} (svg, png or tex)")


def export_dialog(window, fmt: str) -> None:
    if window.workspace.sentence is None:
        return
    filters = {"svg": "SVG image (*.svg)", "png": "PNG image (*.png)", "tex": "LaTeX (*.tex)"}
    start = str(Path(window.settings.value("export/dir", str(Path.home()))) / f"tree.{fmt}")
    path, _ = QFileDialog.getSaveFileName(window, "Export the tree", start, filters[fmt])
    if not path:
        return
    if not path.lower().endswith("." + fmt):
        path += "." + fmt
    try:
        export_to(window, path, fmt)
    except OSError as e:
        QMessageBox.warning(window, "Export failed", str(e))
        return
    window.settings.setValue("export/dir", str(Path(path).parent))
    window.statusBar().showMessage(f"Exported {path}", 5000)
