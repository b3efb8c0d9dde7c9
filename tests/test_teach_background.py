"""The teaching actions that take long run in background tasks (app/qt/workers.py), never on the GUI thread:
"Why this transition?" (the engine's occlusion attributions) and the export of a whole run as frames or an
animated GIF (painted on QImages in a worker, with a progress dialog; Cancel leaves no file)."""
import threading

import pytest
from PySide6.QtWidgets import QPushButton

from deplab.app.qt import export, teach_actions
from deplab.parser import attribution


@pytest.fixture
def window(tiny_window):
    tiny_window.parse_text("Dogs bark loudly at the cat .", wait=True)
    assert tiny_window.workspace.trace is not None
    return tiny_window


class Gate:
    """Wraps ``fn``: records the thread of each call, and the call numbered ``hold`` waits until ``open()``."""

    def __init__(self, fn, hold=None):
        self.fn, self.hold = fn, hold
        self.calls, self.threads, self.opened = [], [], threading.Event()
        if hold is None:
            self.opened.set()

    def __call__(self, *args, **kwargs):
        self.calls.append(args)
        self.threads.append(threading.current_thread())
        if len(self.calls) == self.hold:
            assert self.opened.wait(20), "the test never opened the gate"
        return self.fn(*args, **kwargs)

    def open(self):
        self.opened.set()

    def off_the_gui_thread(self) -> bool:
        return bool(self.threads) and all(t is not threading.main_thread() for t in self.threads)


def test_the_explanation_is_computed_off_the_gui_thread(qtbot, window, monkeypatch):
    gate = Gate(attribution.explain, hold=1)
    monkeypatch.setattr(attribution, "explain", gate)
    fv, ws = window.view.features, window.workspace
    ws.set_step(2)
    fv.why_box.setChecked(True)
    # the window goes on while the attribution runs: it says so and shows nothing yet
    qtbot.waitUntil(lambda: len(gate.calls) == 1, timeout=10000)
    assert fv.explaining() and fv.explanation is None
    assert "computing" in fv.why_note.text() and not fv.bars.rows and window.arc_view.shades() == {}
    gate.open()
    qtbot.waitUntil(lambda: fv.explanation is not None, timeout=10000)
    assert gate.off_the_gui_thread()
    expected = attribution.explain.fn(window.pipeline.model, ws.trace, 2)
    assert fv.explanation.chosen == expected.chosen == ws.trace.steps[2].chosen
    assert fv.explanation.margin == pytest.approx(expected.margin, abs=1e-5)
    assert window.arc_view.shades() and fv.bars.rows
    # the next step: its bars are empty until its explanation arrives (their place is kept: no jump)
    gate.hold, gate.opened = len(gate.calls) + 1, threading.Event()
    ws.set_step(3)
    qtbot.waitUntil(lambda: len(gate.calls) == gate.hold, timeout=10000)
    assert fv.explanation is None and not fv.bars.isHidden() and fv.bars.rows == [] and window.arc_view.shades() == {}
    gate.open()
    # an explanation already computed is shown at once when the user steps back to it
    qtbot.waitUntil(lambda: fv.explanation is not None and not fv.explaining(), timeout=10000)
    n = len(gate.calls)
    ws.set_step(2)
    assert fv.explanation is not None and not fv.explaining() and len(gate.calls) == n


def test_a_superseded_explanation_is_never_shown(qtbot, window, monkeypatch):
    gate = Gate(attribution.explain, hold=1)
    monkeypatch.setattr(attribution, "explain", gate)
    fv, ws = window.view.features, window.workspace
    made = {}  # id of each explanation -> the step it explains

    def explain(model, trace, k):
        e = gate(model, trace, k)
        made[id(e)] = k
        return e
    monkeypatch.setattr(attribution, "explain", explain)
    shown = []  # (step on screen, step explained) whenever the view shows an explanation
    fv.sharesChanged.connect(lambda _: shown.append((ws.step, made.get(id(fv.explanation)))) if fv.explanation
                             is not None else None)
    ws.set_step(1)
    fv.why_box.setChecked(True)
    qtbot.waitUntil(lambda: len(gate.calls) == 1, timeout=10000)  # step 1's attribution is running
    ws.set_step(4)  # the user steps on meanwhile
    assert fv.explanation is None and "computing" in fv.why_note.text() and window.arc_view.shades() == {}
    assert not fv.bars.rows
    gate.open()
    qtbot.waitUntil(lambda: fv.explanation is not None and not fv.explaining(), timeout=10000)
    assert gate.calls[0][2] == 1 and gate.calls[-1][2] == 4  # step 1 was computed, then step 4
    assert made[id(fv.explanation)] == 4 and fv.explanation.chosen == ws.trace.steps[4].chosen
    assert shown and all(on_screen == explained for on_screen, explained in shown)
    assert 1 not in {explained for _, explained in shown}  # step 1's result was dropped
    # another sentence while an explanation runs: nothing of the old sentence is shown
    gate.hold, gate.opened = len(gate.calls) + 1, threading.Event()
    ws.set_step(5)
    qtbot.waitUntil(lambda: len(gate.calls) == gate.hold, timeout=10000)
    old = ws.trace
    window.parse_text("Cats sleep .", wait=True)
    ws.set_step(1)
    assert fv.explanation is None
    gate.open()
    qtbot.waitUntil(lambda: fv.explanation is not None and not fv.explaining(), timeout=10000)
    assert ws.trace is not old and gate.calls[-1][1] is ws.trace and made[id(fv.explanation)] == 1
    assert all(on_screen == explained for on_screen, explained in shown)


def run_export(qtbot, window, fmt, target):
    task = teach_actions.export_run(window, fmt, str(target), decorations=True)
    dialog = window.export_dialog
    seen = []
    task.progressed.connect(lambda done, total, _: seen.append((dialog.value(), dialog.maximum(), done, total)))
    qtbot.waitUntil(lambda: not task.running, timeout=30000)
    return task, seen


@pytest.mark.parametrize("fmt", ["gif", "png", "svg"])
def test_the_run_is_exported_in_the_background_with_progress(qtbot, window, tmp_path, monkeypatch, fmt):
    if fmt == "gif":
        pytest.importorskip("PIL")
    ws = window.workspace
    ws.set_step(3)
    n = ws.n_steps + 1
    # the same files as the synchronous export (the code of the GUI thread before)
    reference = tmp_path / "reference"
    if fmt == "gif":
        export.export_gif(ws, reference, decorations=True)
    else:
        export.export_frames(ws, reference, fmt, decorations=True)
    gate = Gate(export.frame_scene)
    monkeypatch.setattr(export, "frame_scene", gate)
    target = tmp_path / ("run.gif" if fmt == "gif" else "frames")
    task, seen = run_export(qtbot, window, fmt, target)
    assert gate.off_the_gui_thread()  # every frame was laid out and painted in the worker
    assert window.export_task is None and "nothing" not in window.statusBar().currentMessage()
    # progress: the dialog followed the frames, one by one, to the end
    assert [done for *_, done, _ in seen][:n] == list(range(1, n + 1)), seen
    assert all(value == done and maximum == total for value, maximum, done, total in seen), seen
    if fmt == "gif":
        assert target.read_bytes() == reference.read_bytes()
    else:
        made = sorted(p.name for p in target.iterdir())
        assert made == sorted(p.name for p in reference.iterdir()) and len(made) == n
        for name in made:
            assert (target / name).read_bytes() == (reference / name).read_bytes(), name
        assert window.settings.value("export/dir") == str(target)


@pytest.mark.parametrize("fmt", ["gif", "png"])
def test_cancel_leaves_no_file(qtbot, window, tmp_path, monkeypatch, fmt):
    if fmt == "gif":
        pytest.importorskip("PIL")
    gate = Gate(export.frame_scene, hold=4)  # the layout for the frame size, then frames 0, 1 done: hold at 2
    monkeypatch.setattr(export, "frame_scene", gate)
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "step_000.png").write_bytes(b"an older export")
    (folder / "notes.txt").write_text("the user's")
    target = tmp_path / "run.gif" if fmt == "gif" else folder
    task = teach_actions.export_run(window, fmt, str(target), decorations=False)
    dialog = window.export_dialog
    qtbot.waitUntil(lambda: len(gate.calls) == 4, timeout=10000)
    qtbot.waitUntil(dialog.isVisible, timeout=10000)  # a long export shows its progress dialog
    assert 0 < dialog.value() < dialog.maximum()
    assert teach_actions.export_run(window, fmt, str(tmp_path / "other.gif"), decorations=False) is None  # one at a time
    assert "still running" in window.statusBar().currentMessage()
    cancel = [b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"]
    cancel[0].click()  # the user's Cancel
    assert task.is_cancelled()
    gate.open()
    qtbot.waitUntil(lambda: not task.running, timeout=30000)
    assert window.export_task is None and "cancelled" in window.statusBar().currentMessage()
    assert not (tmp_path / "run.gif").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "step_000.png"]  # no frame, no hidden folder
    assert (folder / "step_000.png").read_bytes() == b"an older export"
    assert not [p.name for p in tmp_path.iterdir() if p.name not in ("deplab.ini", "frames")]


def test_a_failed_export_leaves_no_file_and_says_why(qtbot, window, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(teach_actions.QMessageBox, "warning", lambda *a: warnings.append(a[2]))

    def broken(*_):
        raise OSError("disk full")
    monkeypatch.setattr(export, "_png_bytes", broken)
    folder = tmp_path / "new folder"
    task, _ = run_export(qtbot, window, "png", folder)
    assert warnings == ["disk full"] and window.export_task is None
    assert not folder.exists()  # made for the export, removed with it
