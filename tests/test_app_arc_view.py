"""The arc view widget: drawing state, diff, flags, mouse gestures, zoom and export."""
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from deplab.app.qt.arc_view import ArcView, is_rtl
from deplab.app.qt.export import content_rect, export_png, export_svg
from deplab.parser.lecture import latex_escape, tikz_dependency
from deplab.parser.conllu import read_conllu

from conftest import FIXTURES


@pytest.fixture
def view(qtbot):
    v = ArcView()
    qtbot.addWidget(v)
    v.resize(900, 320)
    v.show()
    return v


def tree(i=0):
    s = read_conllu(FIXTURES / "tiny.conllu")[i]
    w = s.words
    return [x.form for x in w], [x.upos for x in w], [x.head_index for x in w], [x.deprel for x in w]


def test_draws_one_arc_per_attached_word(view):
    forms, tags, heads, labels = tree(0)
    view.setTree(forms, tags, heads, labels)
    arcs = view.drawnArcs()
    assert len(arcs) == len(forms)
    assert {(h, d) for h, d, _, _ in arcs} == {(h, d + 1) for d, h in enumerate(heads)}
    assert ("root", "root") in {(l, k) for _, _, l, k in arcs}
    assert dict(((h, d), k) for h, d, _, k in arcs)[(2, 1)] == "function"  # det
    # partial trees: None heads are simply not drawn
    view.setTree(forms, tags, [None] * 3 + heads[3:], labels)
    assert len(view.drawnArcs()) == len(forms) - 3
    with pytest.raises(ValueError):
        view.setTree(forms, tags[:-1], heads, labels)


def test_diff_against_gold(view):
    forms, tags, heads, labels = tree(0)
    pred_heads, pred_labels = list(heads), list(labels)
    pred_heads[3] = 3  # 'on': wrong head
    pred_labels[1] = "obj"  # 'cat': right head, wrong label
    view.setTree(forms, tags, pred_heads, pred_labels)
    view.setDiff(heads, labels)
    kinds = {(h, d): (l, k) for h, d, l, k in view.drawnArcs()}
    assert kinds[(3, 4)][1] == "head"
    assert kinds[(3, 2)] == ("obj ≠ nsubj", "label")
    assert kinds[(7, 4)][1] == "missing"  # the gold arc mat -> on, drawn dashed
    assert kinds[(2, 1)][1] == "correct"
    assert sum(k == "correct" for _, _, _, k in view.drawnArcs()) == len(forms) - 2
    assert "wrong head" in view.legendText() and "dashed" in view.legendText()
    view.clearDiff()
    assert all(k not in ("head", "label", "missing", "correct") for *_, k in view.drawnArcs())


def test_non_projective_crossings_in_legend(view):
    forms = "A hearing is scheduled on the issue today".split()
    view.setTree(forms, ["X"] * 8, [2, 4, 4, 0, 7, 7, 2, 4], ["det", "nsubj", "aux", "root", "case", "det", "nmod", "obl"])
    assert view.arcLayout().crossings
    assert "crossing" in view.legendText()


def click(qtbot, view, i, button=Qt.MouseButton.LeftButton):
    p = view.word_center(i).toPoint()
    qtbot.mouseClick(view.canvas(), button, pos=p)


def test_click_and_drag_signals(qtbot, view):
    forms, tags, heads, labels = tree(1)
    view.setTree(forms, tags, heads, labels)
    with qtbot.waitSignal(view.wordClicked) as sig:
        click(qtbot, view, 4)
    assert sig.args == [4]
    with qtbot.waitSignal(view.wordClicked) as sig:
        click(qtbot, view, 0)
    assert sig.args == [0]
    # dragging does nothing until the view is editable
    got = []
    view.attachRequested.connect(lambda d, h: got.append((d, h)))
    canvas = view.canvas()

    def drag(src, dst):
        a, b = view.word_center(src).toPoint(), view.word_center(dst).toPoint()
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=a)
        mid = QPoint((a.x() + b.x()) // 2, a.y())
        qtbot.mouseMove(canvas, mid)
        qtbot.mouseMove(canvas, b)
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=b)
    drag(1, 6)
    assert got == []
    view.setEditable(True)
    drag(1, 6)
    drag(3, 0)  # onto ROOT
    assert got == [(1, 6), (3, 0)]


def test_hover_highlights_head_and_dependents(qtbot, view):
    forms, tags, heads, labels = tree(0)
    view.setTree(forms, tags, heads, labels)
    # a real move event to the canvas (QTest's cursor may rest on another test's window)
    move = QMouseEvent(QEvent.Type.MouseMove, view.word_center(3), view.canvas().mapToGlobal(view.word_center(3)),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(view.hoveredChanged) as sig:
        QApplication.sendEvent(view.canvas(), move)
    assert sig.args == [3] and view.hoveredWord() == 3
    assert "sleeps (VERB) — head: ROOT, root" in view.tooltip_at(view.word_center(3))
    img = view.grab().toImage()
    assert not img.isNull()


def test_flags_show_in_tooltips(view):
    forms, tags, heads, labels = tree(0)
    view.setTree(forms, tags, heads, labels)
    view.setFlags({2: "two subjects"})
    assert "two subjects" in view.tooltip_at(view.word_center(2))
    assert "two subjects" not in view.tooltip_at(view.word_center(3))


def test_zoom_and_fit(view):
    forms = [f"word{i}" for i in range(100)]
    heads = [0] + [1] * 99
    view.setTree(forms, ["NOUN"] * 100, heads, ["root"] + ["dep"] * 99)
    natural = view.sceneSize().width()
    assert view.canvas().width() == natural
    view.zoomIn()
    assert view.zoom() == pytest.approx(1.25) and view.canvas().width() > natural
    view.fitToWidth()
    assert view.zoom() < 1 and view.canvas().width() <= view._scroll.viewport().width()
    view.resetZoom()
    view.setZoom(100)
    assert view.zoom() == 4.0


def test_ctrl_wheel_zooms(qtbot, view):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    forms, tags, heads, labels = tree(0)
    view.setTree(forms, tags, heads, labels)
    vp = view._scroll.viewport()
    ev = QWheelEvent(QPointF(50, 50), QPointF(vp.mapToGlobal(QPoint(50, 50))), QPoint(0, 0), QPoint(0, 120),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                     False)
    QApplication.sendEvent(vp, ev)
    assert view.zoom() == pytest.approx(1.15)


def test_rtl_and_cjk():
    assert is_rtl(["הילד", "אכל", "."])
    assert is_rtl(["ذهب", "الولد"])
    assert not is_rtl(["我", "爱", "北京"])
    assert not is_rtl(["The", "cat"])


def test_rtl_view_puts_root_on_the_right(view):
    view.setTree(["הילד", "אכל", "את", "התפוח"], ["NOUN", "VERB", "ADP", "NOUN"], [2, 0, 4, 2],
                 ["nsubj", "root", "case", "obj"])
    lay = view.arcLayout()
    assert view.isRightToLeft() and lay.centers[0] == max(lay.centers) and lay.centers[1] > lay.centers[2]
    view.setRightToLeft(False)
    assert not view.isRightToLeft()


def test_export_svg_png_and_latex(view, tmp_path):
    forms, tags, heads, labels = tree(0)
    view.setTree(forms, tags, heads, labels)
    svg = tmp_path / "t.svg"
    export_svg(view, svg)
    root = ET.parse(svg).getroot()
    text = ET.tostring(root, encoding="unicode")
    assert root.tag.endswith("svg")
    for w in ("sleeps", "nsubj", "ROOT"):
        assert w in text
    png = tmp_path / "t.png"
    export_png(view, png, scale=1.0)
    img = QImage(str(png))
    r = content_rect(view)  # the scene from just above the highest arc label down: no empty top margin
    assert img.width() == view.sceneSize().width() and img.height() == int(r.height())
    assert 0 < r.top() and r.bottom() == view.sceneSize().height()
    tex = tikz_dependency(forms, tags, heads, labels)
    assert r"\begin{deptext}" in tex and r"The \& cat \& sleeps" in tex
    assert r"\deproot{3}{root}" in tex and r"\depedge{2}{1}{det}" in tex
    assert tex.count(r"\depedge") == len(forms) - 1
    assert latex_escape("a_b & 50%") == r"a\_b \symbol{38} 50\%"  # & inside deptext is a column separator


def test_a_tree_taller_than_the_view_shows_its_words(qtbot):
    """A deep tree (a chain of nested arcs) in a short view scrolls to the words, not only to the arrow
    tips above them: the word row is whole in the viewport after ensureWordsVisible."""
    v = ArcView()
    qtbot.addWidget(v)
    v.resize(500, 200)
    v.show()
    n = 12
    v.setTree([f"w{i}" for i in range(1, n + 1)], ["X"] * n, [0] + [1] * (n - 1), ["root"] + ["dep"] * (n - 1))
    v.ensureWordsVisible([n - 1])
    qtbot.wait(50)
    lay, z = v._layout, v._zoom
    bar = v._scroll.verticalScrollBar()
    assert bar.maximum() > 0  # taller than the view
    top, bottom = bar.value(), bar.value() + v._scroll.viewport().height()
    assert top <= lay.baseline * z and bottom >= lay.height * z - 2
