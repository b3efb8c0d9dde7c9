"""Never lose work: autosave while dirty, and restore after the app is killed (kill -9) mid-edit."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from deplab.app.model.document import GOLD, Document
from deplab.app.qt import recovery
from deplab.parser.conllu import read_conllu

from conftest import ROOT
from test_annotation_ui import SMALL, app_dirs, make_window, small, win  # noqa: F401  (fixtures)

CHILD = r"""
import os, sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from deplab.app.qt.main_window import MainWindow
w = MainWindow(QSettings(os.path.join(os.environ["DEPLAB_DATA_DIR"], "window.ini"), QSettings.Format.IniFormat))
w.show()
ctl = w.annotation
ctl.ask_relation_after_attach = False
ctl.files.set_default_reading("parsed")  # the fixture is parser output being corrected
ctl.open_path(sys.argv[1], wait=True)
ctl.attach(1, 3)              # The -> sleeps
ctl.set_relation(1, "nsubj")
ctl.toggle_gold()
ctl.go_to(2)
ctl.set_upos(5, "PROPN")      # birds
rev = ctl.doc.revision
deadline = time.time() + 30
while time.time() < deadline and ctl.autosaver._written_revision != rev:
    app.processEvents()
    time.sleep(0.02)
print("READY", ctl.autosaver.path, flush=True)
while True:                   # still editing when the kill comes
    app.processEvents()
    time.sleep(0.05)
"""


def _read_line(proc, timeout: float) -> str:
    out = []
    t = threading.Thread(target=lambda: out.append(proc.stdout.readline()), daemon=True)
    t.start()
    t.join(timeout)
    return out[0] if out else ""


def test_kill_9_mid_edit_then_restore(qtbot, app_dirs, small):  # noqa: F811
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DEPLAB_DATA_DIR=str(app_dirs / "data"),
               DEPLAB_AUTOSAVE_MS="300")
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(small)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _read_line(proc, 60)
        assert line.startswith("READY"), f"child failed: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"
        rec_path = line.split(None, 1)[1].strip()
        assert os.path.exists(rec_path)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    assert small.read_bytes() == SMALL.read_bytes()  # nothing was saved
    orphans = recovery.find_orphans()
    assert [o.source for o in orphans] == [str(small)] and orphans[0].n_changed == 2

    # the next start offers to restore
    w, ctl = make_window()
    qtbot.addWidget(w)
    ctl.ask = lambda *a: "Cancel"
    asked = []
    restored = ctl.offer_recovery(ask=lambda info: asked.append(info.source) or "restore")
    assert asked == [str(small)] and len(restored) == 1 and ctl.doc is restored[0]
    doc = ctl.doc
    assert doc.dirty and doc.path == str(small)
    assert (doc[0].words[0].head, doc[0].words[0].deprel) == ("3", "nsubj") and doc.status(0) == GOLD
    assert doc[2].words[4].upos == "PROPN"
    assert not os.path.exists(rec_path)
    assert ctl.save()
    saved = read_conllu(small)
    assert saved[0].words[0].deprel == "nsubj" and saved[2].words[4].upos == "PROPN"
    assert saved[0].get_meta("deplab_status") == GOLD
    assert small.read_bytes().split(b"\n\n")[3:] == SMALL.read_bytes().split(b"\n\n")[3:]
    assert recovery.find_orphans() == []
    assert [f for f in os.listdir(recovery.recovery_dir()) if f.endswith(recovery.SUFFIX)] == []


def test_autosaver_writes_only_while_dirty(qtbot, app_dirs, small):  # noqa: F811
    doc = Document.open(small)
    saver = recovery.Autosaver(interval_ms=50)
    saver.setDocument(doc)
    assert not saver.timer.isActive() and not os.path.exists(saver.path)
    doc.set_deprel(1, 3, "obl")
    assert saver.timer.isActive()
    with qtbot.waitSignal(saver.written, timeout=3000):
        pass
    mtime = os.stat(saver.path).st_mtime_ns
    saver.tick()  # nothing new since: not rewritten
    assert os.stat(saver.path).st_mtime_ns == mtime
    info = Document.read_recovery_info(saver.path)
    assert info.source == str(small) and info.pid == os.getpid()
    assert recovery.find_orphans() == []  # our own, live process: not an orphan
    doc.save()
    assert not os.path.exists(saver.path) and not saver.timer.isActive()


def test_changed_source_restores_as_new_document(qtbot, app_dirs, small):  # noqa: F811
    doc = Document.open(small)
    doc.set_status(1, GOLD)
    rec = os.path.join(recovery.recovery_dir(), "x" + recovery.SUFFIX)
    doc.write_recovery(rec)
    # pretend the writer died: rewrite the pid to one that is not running
    import json
    record = json.loads(open(rec, encoding="utf-8").read())
    record["pid"] = 2 ** 22 + 12345
    open(rec, "w", encoding="utf-8").write(json.dumps(record))
    small.write_bytes(SMALL.read_bytes().replace(b"Dogs bark", b"Dogs barked"))
    [info] = recovery.find_orphans()
    got, note = recovery.restore(info)
    assert got.path is None and len(got) == 1 and got.status(0) == GOLD
    assert "changed on disk" in note
    recovery.discard(info)
    assert recovery.find_orphans() == []
