"""The stepper's controls: first / back / play-pause / forward / last, a speed slider, a step
slider, the position and the first divergence between model and oracle.

A new trace (any of the workspace's ``trace_signals``) sets the slider's range and the divergence;
a step (``step_changed``) only moves the slider, the position and the buttons' states.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QVBoxLayout, QWidget

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import Workspace


def _button(icon: QStyle.StandardPixmap, text: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setIcon(b.style().standardIcon(icon))
    b.setText(text)
    b.setToolTip(tip)
    b.setMinimumWidth(34)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b


class StepControls(QWidget):
    """Playback controls; the keyboard shortcuts are window actions (see MainWindow)."""

    SPEEDS_MS = [1600, 1100, 750, 500, 320, 200, 120, 60]
    playingChanged = Signal(bool)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        SP = QStyle.StandardPixmap
        self.first_btn = _button(SP.SP_MediaSkipBackward, "First", "First step (Home)")
        self.back_btn = _button(SP.SP_MediaSeekBackward, "Back", "Step back (Left)")
        self.play_btn = _button(SP.SP_MediaPlay, "Play", "Play / pause (Space)")
        self.forward_btn = _button(SP.SP_MediaSeekForward, "Forward", "Step forward (Right)")
        self.last_btn = _button(SP.SP_MediaSkipForward, "Last", "Last step (End)")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(self.SPEEDS_MS) - 1)
        self.speed.setValue(3)
        self.speed.setFixedWidth(90)
        self.speed.setToolTip("Playback speed")
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Step")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.position = QLabel()
        self.position.setMinimumWidth(110)
        self.divergence = QLabel()
        self.divergence.setTextFormat(Qt.TextFormat.RichText)
        self.divergence.setOpenExternalLinks(False)
        self.divergence.linkActivated.connect(lambda *_: self.goto_divergence())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 2, 6, 2)
        outer.setSpacing(0)
        lay = QHBoxLayout()
        outer.addLayout(lay)
        self.slider.setMinimumWidth(160)
        for b in (self.first_btn, self.back_btn, self.play_btn, self.forward_btn, self.last_btn):
            lay.addWidget(b)
        sp = QLabel("speed")
        sp.setStyleSheet("color:#666")
        lay.addSpacing(6)
        lay.addWidget(sp)
        lay.addWidget(self.speed)
        lay.addSpacing(10)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.position)
        outer.addWidget(self.divergence)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.first_btn.clicked.connect(workspace.first)
        self.back_btn.clicked.connect(workspace.back)
        self.forward_btn.clicked.connect(workspace.forward)
        self.last_btn.clicked.connect(workspace.last)
        self.play_btn.clicked.connect(self.toggle_play)
        self.slider.valueChanged.connect(workspace.set_step)
        self.speed.valueChanged.connect(lambda v: self.timer.setInterval(self.SPEEDS_MS[v]))
        connect_all(workspace.trace_signals, self.refresh)
        workspace.step_changed.connect(lambda *_: self.refresh_step())  # the divergence stays
        self.refresh()

    def is_playing(self) -> bool:
        return self.timer.isActive()

    def toggle_play(self) -> None:
        if self.timer.isActive():
            self.stop()
            return
        if self.ws.trace is None:
            return
        if self.ws.step >= self.ws.n_steps:
            self.ws.first()
        self.timer.start(self.SPEEDS_MS[self.speed.value()])
        self.play_btn.setText("Pause")
        self.play_btn.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause))
        self.playingChanged.emit(True)

    def stop(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.playingChanged.emit(False)
        self.play_btn.setText("Play")
        self.play_btn.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))

    def _tick(self) -> None:
        if self.ws.step >= self.ws.n_steps:
            self.stop()
        else:
            self.ws.forward()

    def goto_divergence(self) -> None:
        d = self.ws.divergence()
        if d is not None:
            self.ws.set_step(d)

    def refresh(self) -> None:
        """Another trace: its length, the first divergence, and the step."""
        ws = self.ws
        has = ws.trace is not None
        for w in (self.play_btn, self.slider):
            w.setEnabled(has)
        self.slider.blockSignals(True)
        self.slider.setRange(0, ws.n_steps)
        self.slider.setTickInterval(max(1, ws.n_steps // 20))
        self.slider.blockSignals(False)
        self.refresh_step()
        self._show_divergence()

    def refresh_step(self) -> None:
        """The step moved: the slider, the position and the buttons."""
        ws = self.ws
        has = ws.trace is not None
        self.slider.blockSignals(True)
        self.slider.setValue(ws.step)
        self.slider.blockSignals(False)
        self.position.setText(f"step {ws.step} / {ws.n_steps}" if has else "")
        self.back_btn.setEnabled(has and ws.step > 0)
        self.first_btn.setEnabled(has and ws.step > 0)
        self.forward_btn.setEnabled(has and ws.step < ws.n_steps)
        self.last_btn.setEnabled(has and ws.step < ws.n_steps)
        if has and ws.step >= ws.n_steps and self.timer.isActive():
            self.stop()

    def _show_divergence(self) -> None:
        ws = self.ws
        d = ws.divergence()
        if ws.model_trace is not None and ws.oracle_trace is not None:
            if d is None:
                self.divergence.setText("<span style='color:#0072B2'>model = oracle at every step</span>")
            else:
                m = ws.model_trace.transition_at(d) if d < len(ws.model_trace) else "stop"
                o = ws.oracle_trace.transition_at(d) if d < len(ws.oracle_trace) else "stop"
                self.divergence.setText(
                    f"<span style='background:#FBE3D6'>&nbsp;first divergence: <a href='#div'>step {d}</a> "
                    f"(model {m}, oracle {o})&nbsp;</span>")
                self.divergence.setToolTip("Before this step model and oracle are in the same configuration.")
        else:
            self.divergence.setText("")
        self.divergence.setVisible(bool(self.divergence.text()))


