"""The Fine-tuning tab's learning curve: fine-tuned vs from scratch vs base, one run, plotted as it grows.

A workflow of :class:`app.qt.finetune_tab.FinetuneTab` (it uses the tab's options, data and task
helpers); the curve itself is :func:`parser.learning_curve.learning_curve`'s.  The sizes default to
``benchmarks/finetune.py``'s ATIS curve (25 ... 1,000 sentences).
"""
from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from .charts import BASE_COLOR, FT_COLOR, SCRATCH_COLOR, LineChart
from .workers import Task, TaskCallbacks



class LearningCurveWorkflow:
    def _build_curve(self, col) -> None:
        # learning curve
        lc = QGroupBox("Learning curve")
        lv = QVBoxLayout(lc)
        row = QHBoxLayout()
        row.addWidget(QLabel("Sentences:"))
        self.sizes_edit = QLineEdit("25, 50, 100, 250, 500, 1000")
        self.sizes_edit.setToolTip("training sizes; each is fine-tuned and trained from scratch, "
                                   "and scored on the held-out data")
        row.addWidget(self.sizes_edit, 1)
        self.curve_button = QPushButton("Run learning curve")
        self.curve_button.clicked.connect(self.start_curve)
        row.addWidget(self.curve_button)
        lv.addLayout(row)
        self.curve_chart = LineChart("Held-out LAS by amount of training data", "training sentences (log scale)",
                                     "LAS", log_x=True)
        self.curve_chart.add_series("ft", "fine-tuned", FT_COLOR)
        self.curve_chart.add_series("scratch", "from scratch", SCRATCH_COLOR)
        self.curve_chart.add_series("base", "base model", BASE_COLOR, dashed=True, markers=False)
        self.curve_chart.min_x_span = 10
        self.curve_chart.clear_points()  # axes for an empty chart
        lv.addWidget(self.curve_chart)
        col.addWidget(lc)


    # -- learning curve -------------------------------------------------------------------------------------
    def start_curve(self) -> Task | None:
        if self.busy():
            return None
        self.refresh()
        base = self.base_model()
        if base is None:
            self._error("Load a model first")
            return None
        from deplab.parser.errors import UserError
        from deplab.parser.learning_curve import parse_sizes
        try:
            sizes = parse_sizes(self.sizes_edit.text())
            read = self._inputs()
        except (ValueError, UserError) as e:
            self._error(str(e))
            return None
        cfg = self.config()
        scratch = self.options.baseline.isChecked()
        run_id = self._run_id + 1
        relay = self._relay
        self.curve_chart.clear_points()

        def work(ctx):
            from deplab.parser.learning_curve import learning_curve
            train, held, _ = read()
            if not held:
                raise ValueError("a learning curve needs held-out data (a percentage above 0 or a file)")
            return learning_curve(base, train, held, sizes, cfg, scratch=scratch, callbacks=TaskCallbacks(ctx),
                                  on_point=lambda p: relay.point.emit(run_id, p))

        def done(points):
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
            if points is None:
                self._cancelled()
                return
            self.status.setText("Learning curve: " + "; ".join(
                f"{p['sentences']}: {p['finetuned']['LAS']:.1f}"
                + (f" vs {p['scratch']['LAS']:.1f}" if p.get("scratch") else "") for p in points)
                + " (held-out LAS, fine-tuned vs from scratch)")
            self.runFinished.emit({"curve": points})
            self._update_buttons()
        return self._start(work, "Learning curve", done)

    def _on_point(self, run_id: int, p: dict) -> None:
        if run_id != self._run_id:
            return
        self.curve_chart.set_line("base", p["base"]["LAS"])
        self.curve_chart.append("ft", p["sentences"], p["finetuned"]["LAS"])
        if p.get("scratch"):
            self.curve_chart.append("scratch", p["sentences"], p["scratch"]["LAS"])
