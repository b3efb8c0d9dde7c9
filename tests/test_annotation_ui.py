"""Annotation through the real widgets: re-attach, relabel, undo, redo, refused cycle, save, reopen."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from deplab.app.model.document import EDITED, GOLD, PARSED, STATUS_KEY, UNANNOTATED, Document
from deplab.app.qt.annotation import ChoiceMenu, install_annotation
from deplab.app.qt.token_table import COL_DEPREL, COL_HEAD, COL_UPOS
from deplab.parser.conllu import read_conllu

from conftest import FIXTURES

SMALL = FIXTURES / "annotation_small.conllu"


def make_window():
    """The app's MainWindow when it exists (it installs the annotation UI), else a bare one."""
    try:
        from deplab.app.qt.main_window import MainWindow
    except ImportError:
        MainWindow = None
    if MainWindow is not None:
        from PySide6.QtCore import QSettings
        settings = QSettings(os.path.join(os.environ["DEPLAB_DATA_DIR"], "window.ini"), QSettings.Format.IniFormat)
        w = MainWindow(settings)
        ctl = install_annotation(w)  # returns the already-installed controller
    else:
        w = QMainWindow()
        for m in ("&File", "&Edit", "&View", "&Parse", "&Help"):
            w.menuBar().addMenu(m)
        w.setCentralWidget(QLabel("central"))
        ctl = install_annotation(w)
    # these tests correct parser output: files without DepLab status comments open as "parsed" here
    # (the default, gold, is tested in test_gold_reading.py)
    ctl.files.set_default_reading("parsed")
    return w, ctl


@pytest.fixture
def app_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("DEPLAB_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def win(qtbot, app_dirs):  # noqa: F811
    w, ctl = make_window()
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    answers = []
    ctl.ask = lambda title, text, buttons: answers.pop(0) if answers else "Cancel"
    ctl.asked = answers
    ctl.show_error = lambda title, text: (_ for _ in ()).throw(AssertionError(f"{title}: {text}"))
    yield w, ctl
    if ctl.doc is not None:
        ctl.doc.mark_clean()  # no close prompt at teardown
    ctl.autosaver.timer.stop()


@pytest.fixture
def small(app_dirs):
    p = app_dirs / "small.conllu"
    p.write_bytes(SMALL.read_bytes())
    return p


def _canvas_point(ctl, word: int) -> QPoint:
    p: QPointF = ctl.annotator.arcs.word_center(word)
    return QPoint(int(p.x()), int(p.y()))


def drag(qtbot, ctl, dependent: int, head: int) -> None:
    canvas = ctl.annotator.arcs.canvas()
    a, b = _canvas_point(ctl, dependent), _canvas_point(ctl, head)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=a)
    for k in range(1, 6):
        qtbot.mouseMove(canvas, QPoint(a.x() + (b.x() - a.x()) * k // 5, a.y()))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=b)


def click(qtbot, ctl, word: int) -> None:
    canvas = ctl.annotator.arcs.canvas()
    pos = _canvas_point(ctl, word)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=pos)


def pick(qtbot, menu: ChoiceMenu, text: str) -> None:
    assert menu is not None and menu.isVisible()
    qtbot.keyClicks(menu.filter, text)
    qtbot.keyClick(menu.filter, Qt.Key.Key_Return)


def words(ctl, i=None):
    return ctl.doc[ctl.current if i is None else i].words


def test_drag_reattach_relabel_undo_redo_save_reopen(qtbot, win, small):
    w, ctl = win
    ctl.open_path(str(small), wait=True)
    assert ctl.doc is not None and ctl.current == 0
    # "The" (1) currently hangs from "cat" (2); drag it onto "sleeps" (3)
    drag(qtbot, ctl, 1, 3)
    assert (words(ctl)[0].head, words(ctl)[0].deprel) == ("3", "det")
    assert ctl.doc.status(0) == EDITED and w.isWindowModified()
    pick(qtbot, ctl.menu, "nsubj")
    assert words(ctl)[0].deprel == "nsubj"
    assert ctl.annotator.arcs.drawnArcs()  # the view shows the new tree
    assert (3, 1) in {(h, d) for h, d, _, _ in ctl.annotator.arcs.drawnArcs()}
    assert ctl.stack.count() == 2
    ctl.undo_action.trigger()
    assert words(ctl)[0].deprel == "det"
    ctl.undo_action.trigger()
    assert words(ctl)[0].head == "2" and ctl.stack.count() == 2
    ctl.redo_action.trigger()
    ctl.redo_action.trigger()
    assert (words(ctl)[0].head, words(ctl)[0].deprel) == ("3", "nsubj")
    ctl.go_to(2)
    ctl.undo_action.trigger()  # undo shows the sentence it changes
    assert ctl.current == 0 and words(ctl)[0].deprel == "det"
    ctl.redo_action.trigger()
    assert "sleeps" in ctl.undo_action.text() or "nsubj" in ctl.undo_action.text()
    ctl.save_action.trigger()
    ctl.files.save_task.wait()  # saving runs in the background
    assert not ctl.doc.dirty and not w.isWindowModified()
    again = read_conllu(small)
    assert (again[0].words[0].head, again[0].words[0].deprel) == ("3", "nsubj")
    assert again[0].get_meta(STATUS_KEY) == EDITED
    assert small.read_bytes().split(b"\n\n")[1:] == SMALL.read_bytes().split(b"\n\n")[1:]
    # reopen through the UI: the edit and the status survive
    ctl.open_path(str(small), wait=True)
    assert ctl.doc.status(0) == EDITED and words(ctl)[0].deprel == "nsubj"


def test_click_then_head_and_refused_cycle(qtbot, win, small):
    w, ctl = win
    ctl.ask_relation_after_attach = False
    ctl.open_path(str(small), wait=True)
    before = ctl.doc[0].to_text()
    click(qtbot, ctl, 3)  # "sleeps" (the root) ...
    assert ctl.pending == 3
    click(qtbot, ctl, 2)  # ... onto "cat", which depends on it: a cycle
    assert "cycle" in ctl.annotator.message.text()
    assert ctl.doc[0].to_text() == before and ctl.stack.count() == 0 and not ctl.doc.dirty
    # click dependent, then head: "." (4) under "cat" (2)
    click(qtbot, ctl, 4)
    click(qtbot, ctl, 2)
    assert words(ctl)[3].head == "2" and ctl.stack.count() == 1
    assert ctl.annotator.message.text() == ""
    # clicking a word twice cancels
    click(qtbot, ctl, 1)
    click(qtbot, ctl, 1)
    assert ctl.pending is None and ctl.stack.count() == 1


def test_keyboard_only_editing(qtbot, win, small):
    w, ctl = win
    ctl.open_path(str(small), wait=True)
    canvas = ctl.annotator.arcs.canvas()
    # window shortcuts on the same keys (the stepper's ←/→) must not steal them from the focused arc view
    stolen = []
    for seq in ("Left", "Right", "Return"):
        a = QAction(w)
        a.setShortcut(QKeySequence(seq))
        a.triggered.connect(lambda _=False, s=seq: stolen.append(s))
        w.addAction(a)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)  # word 1 "The"
    assert ctl.word == 1
    qtbot.keyClick(canvas, Qt.Key.Key_Return)  # head mode, starting at its head (2)
    assert ctl.head_cursor == 2
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)  # attach to 3
    assert words(ctl)[0].head == "3"
    pick(qtbot, ctl.menu, "nsu")  # type-ahead: the first match
    assert words(ctl)[0].deprel == "nsubj"
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    pick(qtbot, ctl.menu, "PRON")
    assert words(ctl)[0].upos == "PRON"
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_G)
    assert ctl.doc.status(0) == GOLD
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    assert ctl.current == 1
    assert ctl.stack.count() == 4
    assert stolen == []


def test_token_table_edits_and_flags(qtbot, win, small):
    w, ctl = win
    ctl.ask_relation_after_attach = False
    ctl.open_path(str(small), wait=True)
    view, model = ctl.token_table.view, ctl.token_table.model
    refused = []
    model.editRefused.connect(refused.append)

    def edit_cell(row, col, text):
        idx = model.index(row, col)
        view.setCurrentIndex(idx)
        view.edit(idx)
        editor = QApplication.focusWidget()
        editor.selectAll() if hasattr(editor, "selectAll") else editor.lineEdit().selectAll()
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        QApplication.processEvents()  # the delegate commits on a queued call
        assert view.state() != view.State.EditingState

    edit_cell(0, COL_UPOS, "PRON")
    assert words(ctl)[0].upos == "PRON"
    edit_cell(2, COL_HEAD, "2")  # sleeps -> cat: cycle, refused
    assert refused and "cycle" in refused[-1] and words(ctl)[2].head == "0"
    edit_cell(1, COL_HEAD, "0")  # cat -> ROOT: a second root, allowed but flagged
    assert words(ctl)[1].head == "0" and words(ctl)[1].deprel == "root"
    flagged = ctl.annotator.arcs._flags
    assert {2, 3} <= set(flagged) and "root" in flagged[2]
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert "error" in ctl.token_table.summary.text()
    edit_cell(3, COL_DEPREL, "nmod")  # "." as nmod: PUNCT with a non-punct relation
    assert words(ctl)[3].deprel == "nmod"
    assert any(x.code == "punct-rel" for x in model.issues[4])
    # saving with errors asks first; cancelling keeps the file untouched
    ctl.asked.append("Cancel")
    assert not ctl.save()
    assert small.read_bytes() == SMALL.read_bytes()
    ctl.asked.append("Save Anyway")
    assert ctl.save()
    assert read_conllu(small)[0].words[1].head == "0"


def test_navigator_filters_and_unfinished(qtbot, win, small):
    w, ctl = win
    ctl.open_path(str(small), wait=True)
    nav = ctl.navigator
    assert nav.model.rowCount() == 4
    nav.setFilters(form="birds")
    assert nav.model.rows == [2, 3]
    nav.setFilters(deprel="obl")
    assert nav.model.rows == [2]
    nav.setFilters(status=UNANNOTATED)
    assert nav.model.rows == [3]
    nav.setFilters(upos="AUX")
    assert nav.model.rows == [2]
    nav.clearFilters()
    nav.view.setCurrentIndex(nav.model.index(1, 0))
    assert ctl.current == 1
    ctl.gold_action.trigger()
    assert ctl.doc.status(1) == GOLD
    assert nav.model.data(nav.model.index(1, 2)).startswith("gold")
    ctl.go_to(0)
    ctl.next_unfinished_action.trigger()
    assert ctl.current == 2  # sentence 2 (index 1) is gold: skipped
    ctl.prev_unfinished_action.trigger()
    assert ctl.current == 0


def test_close_asks_and_drag_drop_opens(qtbot, win, small):
    w, ctl = win
    ev_mime = QMimeData()
    ev_mime.setUrls([QUrl.fromLocalFile(str(small))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, ev_mime, Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, ev_mime, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w, drop)
    qtbot.waitUntil(lambda: ctl.doc is not None and ctl.doc.path == str(small), timeout=5000)
    ctl.go_to(1)
    ctl.toggle_gold()
    assert ctl.doc.dirty
    ctl.autosaver.tick(wait=True)  # the recovery file is written in the background
    assert os.path.exists(ctl.autosaver.path)
    ctl.asked.append("Cancel")
    w.close()
    assert w.isVisible() and ctl.doc.dirty
    ctl.asked.append("Don't Save")
    w.close()
    assert not w.isVisible()
    assert not os.path.exists(ctl.autosaver.path)  # discarding removes the recovery copy
    assert small.read_bytes() == SMALL.read_bytes()


def test_new_from_text_save_as(qtbot, win, app_dirs):
    w, ctl = win
    ctl.tokenizer = None  # the model's simple tokenizer; spaCy's is used in the app
    assert ctl.new_from_text("The dog barked. It ran away!")
    assert len(ctl.doc) == 2 and ctl.doc.status(0) == UNANNOTATED
    ctl.ask_relation_after_attach = False
    ctl.attach(2, 3)
    ctl.attach(3, 0)
    out = app_dirs / "typed.conllu"
    ctl.get_save_path = lambda: str(out)
    ctl.asked.append("Save Anyway")  # words 1 and 4 have no head yet: flagged
    assert ctl.save_action.trigger() is None
    ctl.files.save_task.wait()  # saving runs in the background
    assert out.exists()
    assert ctl.doc.path == str(out) and not ctl.doc.dirty
    assert str(out) in ctl.recent_files()
    ctl._fill_recent()
    recent = [a for a in ctl.recent_menu.actions() if a.toolTip() == str(out)]
    assert recent and recent[0].text() == "typed.conllu"
    s = read_conllu(out)[0]
    assert [w.form for w in s.words] == ["The", "dog", "barked", "."] and s.words[2].head == "0"


def test_bad_file_is_a_message_and_dirty_document_is_kept(qtbot, win, small, app_dirs):
    w, ctl = win
    errors = []
    ctl.show_error = lambda title, text: errors.append(text)
    bad = app_dirs / "bad.conllu"
    bad.write_text("# sent_id = x\n1\tA\t_\tX\t_\t_\t0\troot\t_\t_\n2\tB\t_\tX\t_\t_\t5\tdep\t_\t_\n\n")
    ctl.open_path(str(bad), wait=True)
    assert errors and "bad.conllu:3" in errors[0] and "out of range" in errors[0] and ctl.doc is None
    ctl.open_path(str(small), wait=True)
    ctl.ask_relation_after_attach = False
    ctl.attach(4, 2)
    ctl.asked.append("Cancel")  # opening another file asks first; Cancel keeps the edits
    ctl.open_path(str(SMALL), wait=True)
    assert ctl.doc.path == str(small) and ctl.doc.dirty


def test_open_large_treebank_through_the_ui(qtbot, win, capsys):
    """Loose measurement (shared CPUs, no timing assert): open EWT train in the window, browse it."""
    import time
    from conftest import EWT_TRAIN, need
    path = need(EWT_TRAIN)
    w, ctl = win
    t0 = time.perf_counter()
    gaps, last = [], time.perf_counter()
    ctl.open_path(str(path))  # in a worker thread: the event loop keeps running
    while ctl.doc is None:
        QApplication.processEvents()
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        time.sleep(0.002)
    shown = time.perf_counter() - t0
    # the docks appear first, the list of sentences an event-loop pass later (issue 16)
    qtbot.waitUntil(lambda: ctl.navigator.model.rowCount() == len(ctl.doc), timeout=5000)
    assert len(ctl.doc) > 12000
    t1 = time.perf_counter()
    ctl.navigator.setFilters(deprel="nsubj:pass")
    filtered = time.perf_counter() - t1
    assert 0 < len(ctl.navigator.model.rows) < len(ctl.doc)
    ctl.navigator.view.setCurrentIndex(ctl.navigator.model.index(5, 0))
    assert ctl.current == ctl.navigator.model.rows[5]
    with capsys.disabled():
        print(f"\n[UI open {path.name}: {len(ctl.doc)} sentences shown in {shown:.2f} s; longest GUI stall "
              f"{max(gaps) * 1000:.0f} ms; relation filter {filtered * 1000:.0f} ms]")
