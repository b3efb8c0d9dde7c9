"""A treebank all day: the settings and data folders, no leak on re-open, stale temporaries removed,
a bad file refused in the background with file:line (the open document kept), saves and autosaves
off the GUI thread."""
from __future__ import annotations

import gc
import os
import tracemalloc
import weakref

import pytest
from PySide6.QtCore import QSettings

from deplab.app.model.document import GOLD, Document
from deplab.app.qt import recovery
from deplab.app.qt.settings import RecentFiles, app_settings
from deplab.parser.conllu import ConlluError

from test_annotation_ui import SMALL, app_dirs, small, win  # noqa: F401  (fixtures)

DEAD_PID = 2 ** 22 + 12345  # above Linux's default pid_max: no such process


def test_settings_and_data_folders_follow_deplab_data_dir(app_dirs):  # noqa: F811
    data = app_dirs / "data"
    s = app_settings()
    assert s.format() == QSettings.Format.IniFormat and s.fileName() == str(data / "settings.ini")
    assert recovery.recovery_dir() == str(data / "recovery") and os.path.isdir(data / "recovery")
    recent = RecentFiles(s, limit=3)
    for p in ("/a.conllu", "/b.conllu", "/a.conllu", "/c.conllu", "/d.conllu"):
        recent.add(p)
    assert recent.paths() == ["/d.conllu", "/c.conllu", "/a.conllu"]
    assert RecentFiles(app_settings(), limit=3).paths() == recent.paths()  # on disk, one list
    recent.clear()
    assert recent.paths() == []


def test_the_annotation_recent_list_lives_in_the_window_settings(qtbot, win, small):  # noqa: F811
    w, ctl = win
    ctl.open_path(str(small), wait=True)
    assert ctl.recent_files() == [str(small)]
    assert RecentFiles(w.settings).paths() == [str(small)]  # the window's one settings store


def test_reopening_releases_the_previous_document(qtbot, win, small):  # noqa: F811
    w, ctl = win
    ctl.open_path(str(small), wait=True)
    ctl.ask_relation_after_attach = False
    ctl.attach(1, 3)  # an undo command holds the document too
    ctl.eval_panel.setMode("corrections")
    ctl.eval_panel.run(wait=True)
    old = weakref.ref(ctl.doc)
    ctl.asked.append("Don't Save")
    ctl.open_path(str(small), wait=True)
    assert ctl.doc is not None and ctl.doc is not old()
    qtbot.wait(10)  # deleteLater of the old undo stack
    gc.collect()
    assert old() is None, [type(r).__name__ for r in gc.get_referrers(old())]


def test_stale_temporaries_are_removed_on_open_and_save(qtbot, win, small):  # noqa: F811
    w, ctl = win
    stale = small.parent / f".{small.name}.tmp-{DEAD_PID}"
    stale.write_bytes(b"half a save")
    ctl.open_path(str(small), wait=True)
    assert not stale.exists() and ctl.doc is not None
    stale.write_bytes(b"half a save")
    ctl.go_to(1)
    ctl.toggle_gold()
    assert ctl.save()
    assert not stale.exists()
    assert [f for f in os.listdir(small.parent) if ".tmp-" in f] == []


def test_a_bad_file_is_refused_in_the_background_and_the_document_kept(qtbot, win, small, app_dirs):  # noqa: F811
    w, ctl = win
    errors = []
    ctl.show_error = lambda title, text: errors.append(text)
    ctl.open_path(str(small), wait=True)
    ctl.go_to(1)
    ctl.toggle_gold()
    doc = ctl.doc
    prose = app_dirs / "notes.conllu"
    prose.write_text("This is prose, not CoNLL-U.\n" * 200_000)  # 5.6 MB
    ctl.asked.append("Cancel")  # keep the unsaved edit: nothing is asked, the open goes ahead without it
    ctl.asked.clear()
    doc.mark_clean()
    ctl.open_path(str(prose))
    assert ctl.task.running or errors  # in the background: the call returned at once
    ctl.task.wait()
    assert errors and errors[0].startswith(f"{prose}:1:"), errors
    assert ctl.doc is doc and doc.status(1) == GOLD  # the open document stays


def test_a_bad_file_is_read_only_up_to_its_first_bad_line(tmp_path):
    big = tmp_path / "big.conllu"
    big.write_bytes(b"1\tok\t_\t_\t_\t_\t0\troot\t_\t_\n\n" + b"not a token line at all\n" * 1_000_000)  # 24 MB
    tracemalloc.start()
    with pytest.raises(ConlluError) as e:
        Document.open(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert e.value.line == 3 and str(e.value).startswith(f"{big}:3:")
    assert peak < 2_000_000, peak  # the file is not read whole (24 MB) before it is refused


def test_saving_writes_in_a_worker_and_edits_made_meanwhile_stay_unsaved(qtbot, win, small):  # noqa: F811
    w, ctl = win
    ctl.open_path(str(small), wait=True)
    ctl.go_to(1)
    ctl.toggle_gold()
    assert ctl.save(wait=False)  # returns at once
    task = ctl.files.save_task
    ctl.go_to(2)
    ctl.toggle_gold()  # an edit while the file is written
    task.wait()
    on_disk = Document.open(small)
    # the worker reads the document when it starts, so whether the file caught the second edit depends on
    # timing; what must hold is that nothing is lost: the first edit is on disk, and the second is either on
    # disk too or still counts as unsaved
    assert on_disk.status(1) == GOLD
    assert on_disk.status(2) == GOLD or ctl.doc.dirty
    assert ctl.save()
    assert Document.open(small).status(2) == GOLD and not ctl.doc.dirty


def test_autosave_serialises_changed_sentences_once_and_writes_in_a_worker(qtbot, app_dirs, small):  # noqa: F811
    doc = Document.open(small)
    saver = recovery.Autosaver(interval_ms=60_000)
    saver.setDocument(doc)
    doc.set_status(1, GOLD)
    saver.tick()
    assert saver._task is not None
    saver._task.wait()
    assert os.path.exists(saver.path) and set(saver._texts) == {1}
    cached = saver._texts[1]
    doc.set_status(2, GOLD)
    assert 2 not in saver._texts
    saver.tick(wait=True)
    assert saver._texts[1] is cached  # not serialised again
    info = Document.read_recovery_info(saver.path)
    assert info.n_changed == 2
    restored = Document.from_recovery(saver.path)
    assert restored.status(1) == GOLD and restored.status(2) == GOLD
    saver.setDocument(None)
    assert not os.path.exists(info.path)


def test_a_failed_save_names_the_users_file_and_keeps_the_edits(qtbot, win, small, monkeypatch):  # noqa: F811
    w, ctl = win
    errors = []
    ctl.show_error = lambda title, text: errors.append(text)
    ctl.open_path(str(small), wait=True)
    ctl.go_to(1)
    ctl.toggle_gold()

    def full_disk(*a):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    assert not ctl.save()
    assert errors and str(small) in errors[0] and ".tmp-" not in errors[0], errors
    assert ctl.doc.dirty and small.read_bytes() == SMALL.read_bytes()
    assert [f for f in os.listdir(small.parent) if ".tmp-" in f] == []


def test_opening_can_be_cancelled(tmp_path):
    from deplab.parser.progress import Cancelled
    seen = []
    with pytest.raises(Cancelled):
        Document.open(SMALL, progress=seen.append, cancelled=lambda: True)
    doc = Document.open(SMALL, progress=seen.append)
    assert len(doc) == 4 and seen[-1] == 1.0
