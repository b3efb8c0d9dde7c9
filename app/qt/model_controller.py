"""The parser model of the window: File ▸ Open model… and Bundled models, loading in a worker
(with a warm-up), and installing a loaded ``parser.pipeline.Pipeline``: the window's ``pipeline``
and ``pipelineChanged``, the status bar, the panels that describe the model, and the workspace's
``set_model`` (the sentence on screen is traced by the new model in the background; typed text is
parsed again)."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from .workers import Task, run_task


class ModelController:
    def __init__(self, window):
        self.w = window
        self.task: Task | None = None
        self.pending_text: str | None = None  # typed while the model loads: parsed once it is ready

    def last_model_dir(self) -> str | None:
        v = self.w.settings.value("model/last_dir")
        return str(v) if v else None

    def choose_model(self) -> None:
        start = self.last_model_dir() or str(Path.home())
        d = QFileDialog.getExistingDirectory(self.w, "Open a DepLab model folder", start)
        if d:
            self.load_model(d)

    def load_model(self, model_dir: str | os.PathLike | None = None) -> Task:
        """Loads a model folder (None: the bundled model) in a worker thread."""
        w = self.w
        if self.task is not None and self.task.running:
            self.task.cancel()
        name = "the bundled model" if model_dir is None else os.fspath(model_dir)
        w.model_label.setText(f"Loading {Path(name).name if model_dir else name}…")
        w._busy(True, f"Loading {name}…")

        def work(ctx):
            from deplab.parser.pipeline import Pipeline
            p = Pipeline.load(model_dir)
            ctx.progress(1, 2, "warming up")
            p.warm_up(stop=ctx.cancelled)  # so that the first sentences typed are as fast as the others
            return p

        task = run_task(work, on_done=lambda p: self._loaded(p, model_dir),
                        on_error=lambda msg: self._failed(msg, name),
                        on_progress=w._on_progress, name="load")
        task.cancelledSignal.connect(lambda: w._busy(False))
        self.task = task
        return task

    def is_loading(self) -> bool:
        return self.task is not None and self.task.running

    def _loaded(self, pipeline, model_dir) -> None:
        w = self.w
        w._busy(False)
        if model_dir is not None:
            w.settings.setValue("model/last_dir", os.fspath(model_dir))
        else:
            w.settings.remove("model/last_dir")
        self.set_pipeline(pipeline)
        w.statusBar().showMessage("Model loaded.", 4000)
        if self.pending_text:
            text, self.pending_text = self.pending_text, None
            w.sentences.parse_text(text)

    def _failed(self, message: str, name: str) -> None:
        w = self.w
        w._busy(False)
        w.model_error = message
        w.model_label.setText("No model")
        w.model_label.setToolTip(message)
        w.arc_view.setPlaceholder(f"No model loaded ({message}). Use File ▸ Open model…")
        w.statusBar().showMessage(f"Could not load {name}: {message}")
        self.pending_text = None

    def set_pipeline(self, pipeline, wait: bool = False) -> None:
        """Installs a loaded ``parser.pipeline.Pipeline`` (GUI thread); the sentence on screen is traced
        by it in the background (``wait=True`` returns once that trace is shown)."""
        w = self.w
        w.pipeline = pipeline
        w.model_error = ""
        info = pipeline.describe() if pipeline is not None else None
        w.view.explain.set_model_info(info)
        w.view.features.set_architecture(info.get("arch") if info else None,
                                         info.get("features_read") if info else None)
        self._check_bundled(info.get("path") if info else None)
        if info:
            where = Path(info["path"]).name if info.get("path") else "in memory"
            members = info.get("members", 1)
            ensemble = f"an ensemble of {members} " if members > 1 else ""
            w.model_label.setText(f"Model: {where} ({ensemble}{info.get('arch')}, {info.get('parameters', 0):,} parameters)")
            w.model_label.setToolTip(str(info.get("path") or ""))
            w.arc_view.setPlaceholder("Type a sentence above and press Enter.")
        else:
            w.model_label.setText("No model")
        # the sentence on screen gets the new model's trace (typed text: its parse, from the same run),
        # computed in the background like any other trace; the workspace takes the model with it
        w.sentences.trace_for_model(pipeline, wait=wait)
        w.pipelineChanged.emit(pipeline)

    def _check_bundled(self, path) -> None:
        """File ▸ Bundled models: a check mark on the model in use (none for another model)."""
        key = Path(path).resolve() if path else None
        for p, act in self.w.bundled_actions.items():
            act.setChecked(p == key)
