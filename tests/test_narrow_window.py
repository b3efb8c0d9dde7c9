"""A laptop screen (1280×720) holds the window with every panel open, in each layout; the text stays
readable (transition names whole, the stack's top in view); the transition table keeps the current row
in view."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QTabBar

from conftest import FIXTURES, make_window

LAYOUTS = ("teach", "annotate", "lab")
SCREEN = (1280, 720)


@pytest.fixture
def window(qtbot, tmp_path):
    # the bundled model: its ~100 transitions (e.g. RIGHT-ARC(compound:prt)) set the readable widths
    w = make_window(qtbot, tmp_path, None)
    w.annotation.open_path(str(FIXTURES / "annotation_small.conllu"), wait=True)
    qtbot.waitUntil(lambda: w.annotation.doc is not None, timeout=10000)
    w.parse_text("After the long meeting on Tuesday, the committee members finally agreed that the new bridge "
                 "should be built before the winter rains.", wait=True)
    w.workspace.set_step(w.workspace.n_steps // 2)
    return w


def docks(w):
    return [d for d in w.findChildren(QDockWidget) if d.parent() is w]


def open_every_panel(w, qtbot):
    for d in docks(w):
        d.show()
    qtbot.wait(20)


def on_screen(w, d) -> bool:
    """The dock is drawn with a non-zero size, or it is a tab of a group whose shown dock is."""
    if d.isVisible() and not d.visibleRegion().isEmpty() and d.width() > 0 and d.height() > 0:
        return True
    return any(o.isVisible() and not o.visibleRegion().isEmpty() and o.width() > 0 and o.height() > 0
               for o in w.tabifiedDockWidgets(d))


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_panel_open_fits_a_1280_by_720_screen(window, qtbot, name):
    w = window
    w.layouts.switch(name)
    open_every_panel(w, qtbot)
    hint = w.minimumSizeHint()
    assert hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1], (name, hint)
    w.resize(*SCREEN)
    qtbot.wait(50)
    assert (w.width(), w.height()) == SCREEN
    shown = docks(w)
    assert len(shown) >= 10  # Practice, Lab, the treebank panels and tools
    for d in shown:
        assert d.isVisibleTo(w) and on_screen(w, d), (name, d.objectName())
    if name != "annotate":
        assert w.centralWidget().isVisible() and w.centralWidget().width() >= w.centralWidget().minimumSizeHint().width()
    # the stepper's text stays whole at that size: every transition name fits its column, and the
    # transition table is wide enough for the step, the names and the stack column's heading
    table = w.view.table
    fm = table.fontMetrics()
    names = [table.table_model.data(table.table_model.index(r, 1)) for r in range(table.table_model.rowCount())]
    assert table.columnWidth(1) >= max(fm.horizontalAdvance(n) for n in names)
    if name != "annotate":
        assert table.viewport().width() >= table.columnWidth(0) + table.columnWidth(1) + table._stack_floor() - 1
        scores = w.view.scores
        assert scores.width() >= scores.minimumWidth()


def test_no_tab_bar_of_an_earlier_arrangement_stays_on_screen(window, qtbot):
    w = window
    for name in LAYOUTS + LAYOUTS:
        w.layouts.switch(name)
        open_every_panel(w, qtbot)
        inside = [b for b in w.findChildren(QTabBar) if b.parent() is w and b.isVisible()
                  and w.rect().intersects(b.geometry())]
        groups = []
        for b in inside:
            titles = {b.tabText(i) for i in range(b.count())}
            assert b.elideMode() == Qt.TextElideMode.ElideNone  # whole titles, scroll arrows if need be
            groups.append(titles)
        # one bar per tab group of shown docks, each where its group is
        expected = []
        for d in docks(w):
            group = {d.windowTitle()} | {o.windowTitle() for o in w.tabifiedDockWidgets(d) if o.isVisible()}
            if len(group) > 1 and group not in expected:
                expected.append(group)
        assert sorted(map(sorted, groups)) == sorted(map(sorted, expected)), name


def test_each_layout_shows_its_own_panel_in_front(window, qtbot):
    w = window
    w.layouts.switch("lab")
    assert w.lab.isVisible() and not w.lab.visibleRegion().isEmpty()
    w.layouts.switch("annotate")
    editor = w.docks["annotationDock"]
    assert editor.isVisible() and not editor.visibleRegion().isEmpty()
    assert not w.centralWidget().isVisible()
    # opening a panel from View ▸ Panels brings it to the front of its tab group
    practice = w.docks["dock_practice"]
    practice.toggleViewAction().trigger()
    qtbot.wait(20)
    assert practice.isVisible() and not practice.visibleRegion().isEmpty()


def visible_rows(table):
    top = table.rowAt(0)
    bottom = table.rowAt(table.viewport().height() - 1)
    return top, (bottom if bottom >= 0 else table.table_model.rowCount() - 1)


def test_the_current_row_of_the_transition_table_stays_in_view(window, qtbot):
    w = window
    table = w.view.table
    ws = w.workspace
    for step in (0, 5, ws.n_steps - 1, ws.n_steps // 2, ws.n_steps):
        ws.set_step(step)
        qtbot.wait(10)
        top, bottom = visible_rows(table)
        assert top <= step <= bottom, (step, top, bottom)
    # also when the table gets shorter (a layout switch, a dock opened below the stepper)
    ws.set_step(ws.n_steps - 2)
    w.layouts.switch("lab")
    open_every_panel(w, qtbot)
    w.resize(*SCREEN)
    w.view.main_split.setSizes([10_000, 1])  # the lower half as short as it may be
    qtbot.wait(30)
    top, bottom = visible_rows(table)
    assert top <= ws.step <= bottom, (ws.step, top, bottom)
    # stepping with the keys/buttons moves the view along
    for button in (w.view.controls.back_btn, w.view.controls.back_btn, w.view.controls.first_btn,
                   w.view.controls.last_btn):
        button.click()
        qtbot.wait(5)
        top, bottom = visible_rows(table)
        assert top <= ws.step <= bottom


def test_the_stack_column_ends_on_the_top_of_the_stack(window, qtbot):
    """A narrow table fits the stack column into what is visible (the buffer scrolls), so the left-elided
    stack shows its top, never a column cut off by the view's edge."""
    w = window
    w.layouts.switch("lab")
    open_every_panel(w, qtbot)
    w.resize(*SCREEN)
    qtbot.wait(30)
    table = w.view.table
    visible = table.viewport().width()
    assert table.columnViewportPosition(2) + table.columnWidth(2) <= visible + 1


def test_right_to_left_words_keep_the_stack_order(qapp):
    """Each Arabic word of a stack is laid out as its own run, left to right like the stack (bottom to top):
    the cell looks like the words drawn one after the other, not like the words of a right-to-left run."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTextLayout, QTextOption

    from deplab.app.qt.transition_table import isolate_words
    assert isolate_words("[ROOT sold woman]") == "[ROOT sold woman]"  # nothing added to left-to-right text
    assert isolate_words("[מה קרה …]").replace("\u200e", "") == "[מה קרה …]"
    font = QFont()

    def draw(parts):
        img = QImage(300, 30, QImage.Format.Format_RGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        p.setPen(QColor("black"))
        x = 0.0
        for part in parts:
            lay = QTextLayout(part, font)
            option = QTextOption()
            option.setTextDirection(Qt.LayoutDirection.LeftToRight)
            lay.setTextOption(option)
            lay.beginLayout()
            line = lay.createLine()
            line.setLineWidth(300)
            lay.endLayout()
            lay.draw(p, QPointF(x, 5))
            x += line.naturalTextWidth()
        p.end()
        return img

    def differ(a, b):
        return sum(a.pixel(x, y) != b.pixel(x, y) for x in range(300) for y in range(30))

    one_by_one = draw(["[ROOT ", "ذهب", " ", "في", "]"])
    raw = "[ROOT ذهب في]"
    assert differ(draw([isolate_words(raw)]), one_by_one) < differ(draw([raw]), one_by_one) / 3


def test_a_dock_scrolls_its_panel_instead_of_widening_the_window(window, qtbot):
    from deplab.app.qt.main_window import DOCK_MIN_WIDTH, DockScroll
    w = window
    search = w.docks["searchDock"]
    assert isinstance(search.widget(), DockScroll)
    panel = search.widget().widget()
    assert panel.minimumSizeHint().width() > DOCK_MIN_WIDTH  # the search form needs more ...
    assert search.widget().minimumSizeHint().width() <= DOCK_MIN_WIDTH  # ... and scrolls in a narrower dock
    w.layouts.switch("teach")
    search.show()
    search.raise_()
    w.resize(*SCREEN)
    qtbot.wait(30)
    assert panel.width() >= panel.minimumSizeHint().width()  # never squeezed below its own minimum


def test_opening_a_treebank_is_the_annotate_layout_and_studying_a_sentence_is_teach(qtbot, tmp_path):
    """The stepper is never squeezed between Annotate's docks: hiding it for a treebank switches to Annotate,
    bringing it back (Study in the stepper) switches to Teach; both fit the laptop screen."""
    w = make_window(qtbot, tmp_path, None)
    assert w.layouts.current == "teach"
    w.annotation.open_path(str(FIXTURES / "annotation_small.conllu"), wait=True)
    qtbot.waitUntil(lambda: w.annotation.doc is not None, timeout=10000)
    assert w.layouts.current == "annotate" and w.actions_by_name["layout_annotate"].isChecked()
    assert not w.centralWidget().isVisible()
    for name in ("navigatorDock", "annotationDock", "tokenTableDock"):
        assert w.docks[name].isVisible()
    assert w.minimumSizeHint().width() <= SCREEN[0]
    w.annotation.study_current()
    qtbot.waitUntil(lambda: w.workspace.trace is not None, timeout=10000)
    assert w.layouts.current == "teach" and w.centralWidget().isVisible()
    assert w.minimumSizeHint().width() <= SCREEN[0]


def test_the_practice_panel_holds_its_rows_whole_at_its_minimum_width(qtbot):
    """Its rows (system, buttons, moves, exercise buttons) fit in the panel's own minimum width, so a narrow
    dock cuts none of them ("Practise this sentence" was cut at 320 px)."""
    from PySide6.QtWidgets import QScrollArea

    from deplab.app.qt.quiz_view import PracticeView
    v = PracticeView()
    qtbot.addWidget(v)
    inner = v.findChild(QScrollArea).widget()
    assert inner.minimumSizeHint().width() <= v.minimumWidth()
    for b in (v.start_button, v.add_button, v.export_results_button, *v.move_buttons.values()):
        assert b.minimumSizeHint().width() <= v.minimumWidth() // 2 + 40, b.text()


def test_the_lab_tabs_fit_a_narrow_dock(qtbot):
    """The Lab's forms ask for little width (two buttons a row, combo boxes narrower than their longest item,
    short suffixes): each tab's contents fit 295 px, the Lab dock's viewport at 1280 px, so the Lab does not
    scroll sideways."""
    from PySide6.QtWidgets import QScrollArea

    from deplab.app.qt.compression_tab import CompressionTab
    from deplab.app.qt.finetune_tab import FinetuneTab
    from deplab.app.qt.lab_data import DataFileRow
    for tab in (CompressionTab(), FinetuneTab()):
        qtbot.addWidget(tab)
        for row in tab.findChildren(DataFileRow):  # as in the window: "use the open document" shown
            row.set_document_provider(lambda: None)
        inner = tab.findChild(QScrollArea).widget()
        assert inner.minimumSizeHint().width() <= 295, type(tab).__name__


def test_annotate_gives_a_wider_window_to_the_tree(qtbot, tmp_path):
    """In Annotate (the stepper hidden) the Sentences list starts at about a quarter of the window and keeps
    its width when the window grows: the extra width goes to the tree (Qt alone gave it to the list)."""
    w = make_window(qtbot, tmp_path, None)
    w.resize(1400, 900)
    w.annotation.open_path(str(FIXTURES / "annotation_small.conllu"), wait=True)
    qtbot.waitUntil(lambda: w.layouts.current == "annotate", timeout=10000)
    nav = w.annotation.navigator_dock
    editor = w.annotation.editor_dock
    qtbot.waitUntil(lambda: nav.width() < 500, timeout=5000)
    before = nav.width()
    assert before < editor.width() / 2
    w.resize(1900, 900)
    qtbot.wait(50)
    assert abs(nav.width() - before) <= 2 and editor.width() > 1300
