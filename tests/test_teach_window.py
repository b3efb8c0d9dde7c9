"""The window for teaching: layouts (each restoring its own dock arrangement), readable minimum widths,
the Sentences list driving the stepper, Help ▸ Keyboard Shortcuts and How the Stepper Works."""
import pytest
import torch
from PySide6.QtCore import QSettings

from deplab.app.qt.main_window import MainWindow
from deplab.app.qt.shortcuts_help import STEPPER_HELP, ShortcutsDialog, StepperHelpDialog, shortcut_rows

from conftest import FIXTURES


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "deplab.ini"), QSettings.Format.IniFormat)


def make(qtbot, settings):
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    return w


def visible_docks(w):
    return {name for name, d in w.docks.items() if d.isVisible()} | ({"LabDock"} if w.lab.isVisible() else set())


def test_layouts_switch_and_each_keeps_its_arrangement(qtbot, settings):
    w = make(qtbot, settings)
    L = w.layouts
    assert L.current == "teach" and w.centralWidget().isVisible() and not visible_docks(w)
    w.actions_by_name["layout_annotate"].trigger()
    assert L.current == "annotate" and not w.centralWidget().isVisible()
    assert {"navigatorDock", "annotationDock", "tokenTableDock"} <= visible_docks(w)
    w.docks["tokenTableDock"].hide()  # the user's own arrangement of Annotate
    w.actions_by_name["layout_lab"].trigger()
    assert L.current == "lab" and w.lab.isVisible() and w.centralWidget().isVisible()
    assert "navigatorDock" not in visible_docks(w)
    w.actions_by_name["layout_teach"].trigger()
    assert not visible_docks(w) and w.centralWidget().isVisible()
    w.actions_by_name["practice"].setEnabled(True)
    w.docks["dock_practice"].show()  # Teach with the Practice panel
    w.actions_by_name["layout_annotate"].trigger()
    assert "tokenTableDock" not in visible_docks(w) and "navigatorDock" in visible_docks(w)  # restored
    w.actions_by_name["layout_teach"].trigger()
    assert visible_docks(w) == {"dock_practice"}
    w.actions_by_name["layout_lab"].trigger()
    w.close()
    # the next start comes back in the Lab layout; Teach still has its Practice panel
    w2 = make(qtbot, settings)
    assert w2.layouts.current == "lab" and w2.actions_by_name["layout_lab"].isChecked()
    assert w2.lab.isVisible()
    w2.actions_by_name["layout_teach"].trigger()
    assert visible_docks(w2) == {"dock_practice"}
    assert w2.layouts.toolbar.actions() == [w2.actions_by_name[f"layout_{n}"] for n in ("teach", "annotate", "lab")]


def test_minimum_widths_keep_the_text_readable(qtbot, settings, tiny_cm_model_dir):
    torch.set_num_threads(1)
    w = make(qtbot, settings)
    w.load_model(tiny_cm_model_dir)
    qtbot.waitUntil(lambda: w.pipeline is not None, timeout=30000)
    w.parse_text("The old farmer sold three small horses to a young woman .", wait=True)
    w.layouts.switch("lab")  # the Lab dock beside the stepper
    w.resize(1000, 700)  # narrower than the panels want
    qtbot.wait(50)
    table = w.view.table
    fm = table.fontMetrics()
    widest = max((r[1] for r in table.table_model.rows), key=len)
    assert table.columnWidth(1) >= fm.horizontalAdvance(widest)
    assert table.width() >= table.columnWidth(0) + table.columnWidth(1)  # the names are never cut
    for sp in w.view.splitters():
        assert not sp.childrenCollapsible()
        for k in range(sp.count()):
            assert sp.widget(k).width() >= sp.widget(k).minimumSizeHint().width() or sp.widget(k).width() >= \
                sp.widget(k).minimumWidth()


def test_selecting_a_sentence_in_the_list_updates_the_stepper(qtbot, settings):
    w = make(qtbot, settings)
    w.annotation.open_path(str(FIXTURES / "annotation_small.conllu"), wait=True)
    qtbot.waitUntil(lambda: w.annotation.doc is not None, timeout=10000)
    doc = w.annotation.doc
    assert len(doc) >= 2
    w.layouts.switch("teach")  # opening went to Annotate, where the stepper is hidden (it follows once shown)
    w.annotation.navigator.selectSentence(1)
    qtbot.waitUntil(lambda: w.workspace.forms == [t.form for t in doc[1].words], timeout=5000)
    assert w.workspace.gold is not None or w.workspace.gold_note
    w.annotation.navigator.selectSentence(0)
    qtbot.waitUntil(lambda: w.workspace.forms == [t.form for t in doc[0].words], timeout=5000)


def test_help_lists_every_shortcut(qtbot, settings):
    w = make(qtbot, settings)
    rows = shortcut_rows(w)
    by_what = {what: keys for keys, what, _ in rows}
    for name, a in w.actions_by_name.items():
        if not a.shortcut().isEmpty():
            text = a.text().replace("&", "").rstrip("…").rstrip(".")
            assert by_what.get(text) == a.shortcut().toString(), name
    assert any(what.startswith("Practice: SHIFT") and keys == "S" for keys, what, _ in rows)
    assert by_what["Keyboard Shortcuts"] == "F1"
    d = ShortcutsDialog(w)
    assert d.table.rowCount() == len(rows) > 20
    h = StepperHelpDialog(w)
    assert "stack" in h.browser.toPlainText() and "Ctrl+P" in STEPPER_HELP
    help_texts = [a.text() for a in w.menus["help"].actions()]
    assert "How the &Stepper Works" in help_texts and "&Keyboard Shortcuts" in help_texts


def test_screenshot_script_renders_every_layout(qtbot, tiny_cm_model_dir, tmp_path):
    import importlib.util

    from PySide6.QtGui import QImage

    from conftest import ROOT
    spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--model", str(tiny_cm_model_dir), "--layouts", str(tmp_path)]) == 0
    for name in ("teach", "annotate", "lab"):
        for width, height in mod.SIZES:
            img = QImage(str(tmp_path / f"layout-{name}-{width}x{height}.png"))
            assert (img.width(), img.height()) == (width, height)
    for name in ("long-1400x900", "cjk-1400x900"):
        assert not QImage(str(tmp_path / f"layout-{name}.png")).isNull()
    for name in ("teach", "annotate", "lab", "long", "rtl", "cjk"):  # every panel open on a laptop screen
        img = QImage(str(tmp_path / "screenshots" / f"narrow-{name}-1280x720.png"))
        assert (img.width(), img.height()) == mod.NARROW
