"""The app's charts: one module, on Qt Charts, for the Lab's plots.

Qt Charts ships with PySide6 (no extra dependency) and draws crisp, interactive (hover)
scatter and line plots with log axes; it is deprecated since Qt 6.10 in favour of Qt Graphs,
but still shipped by the PySide6 versions DepLab supports (< 6.12).  Everything that touches it
is in this file, so moving to Qt Graphs or pyqtgraph later changes one module.

* :class:`LineChart` -- series by key, axes that follow the data (training curves, learning curves);
* :class:`SparsityChart`, :class:`SizeChart` -- compressed models: LAS against sparsity and against
  size on disk (log scale) with the Pareto front.
"""
from __future__ import annotations

import math

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QLogValueAxis, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QLabel, QToolTip, QWidget

from deplab.parser.compression.results import pareto_front

# Okabe & Ito, then more distinguishable colours for up to a dozen layer curves
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
           "#882255", "#44AA99", "#999933", "#AA4499", "#6699CC", "#888888"]
METHOD_COLORS = {"original": "#000000", "prune": "#0072B2", "l1": "#56B4E9", "share": "#E69F00",
                 "deep": "#D55E00", "int8": "#CC79A7", "distill": "#009E73", "student": "#999933"}


# the fine-tuning plots: fine-tuned, from scratch, the base model (Okabe & Ito)
FT_COLOR, SCRATCH_COLOR, BASE_COLOR = "#0072B2", "#D55E00", "#7A7A7A"


def new_chart(title: str) -> QChart:
    """A chart with the app's look: small bold-free title, tight margins, square corners, legend below."""
    chart = QChart()
    chart.setTitle(title)
    f = QFont()
    f.setPointSizeF(9)
    chart.setTitleFont(f)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


class LineChart(QChartView):
    """A small line chart whose axes follow the data; series are addressed by key."""

    def __init__(self, title: str, x_title: str, y_title: str, parent: QWidget | None = None, log_x: bool = False):
        chart = new_chart(title)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(210)
        self.log_x = log_x  # e.g. training sizes 25 ... 1,000: equal ratios at equal distances
        self.x_axis, self.y_axis = (QLogValueAxis() if log_x else QValueAxis()), QValueAxis()
        if log_x:
            self.x_axis.setBase(10)
            self.x_axis.setMinorTickCount(8)
        self.x_axis.setTitleText(x_title)
        self.y_axis.setTitleText(y_title)
        self.x_axis.setLabelFormat("%d")
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series: dict[str, QLineSeries] = {}
        self._lines: dict[str, float] = {}  # horizontal reference lines: key -> y
        self.min_x_span = 1.0
        self._rescale()  # integer ticks from the start, also while empty

    def add_series(self, key: str, name: str, color: str, dashed: bool = False, markers: bool = True,
                   legend: bool = True) -> QLineSeries:
        s = QLineSeries()
        s.setName(name)
        pen = QPen(QColor(color))
        pen.setWidthF(2.0)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        s.setPen(pen)
        s.setPointsVisible(markers)
        self.chart().addSeries(s)
        s.attachAxis(self.x_axis)
        s.attachAxis(self.y_axis)
        if not legend:
            for m in self.chart().legend().markers(s):
                m.setVisible(False)
        self.series[key] = s
        return s

    def clear_points(self) -> None:
        for s in self.series.values():
            s.clear()
        self._lines.clear()
        self._rescale()

    def append(self, key: str, x: float, y: float) -> None:
        self.series[key].append(QPointF(float(x), float(y)))
        self._rescale()

    def set_line(self, key: str, y: float) -> None:
        """A horizontal line at ``y`` across the data's x range (e.g. the base model's LAS)."""
        self._lines[key] = float(y)
        self._rescale()

    def points(self, key: str) -> list[tuple[float, float]]:
        return [(p.x(), p.y()) for p in self.series[key].points()]

    def _rescale(self) -> None:
        pts = [p for k, s in self.series.items() if k not in self._lines for p in s.points()]
        xs = [p.x() for p in pts] or [0.0]
        ys = [p.y() for p in pts] + list(self._lines.values())
        x0, x1 = min(xs), max(max(xs), min(xs) + self.min_x_span)
        if self.log_x:
            x0, x1 = (min(xs) * 0.8, max(xs) * 1.25) if pts else (1.0, 10.0)
        for key, y in self._lines.items():
            s = self.series[key]
            s.replace([QPointF(x0, y), QPointF(x1, y)])
        self.x_axis.setRange(x0, x1)
        if self.log_x:
            return self._rescale_y(ys)
        step = max(_nice_step((x1 - x0) / 8), 1.0)  # integer ticks (epochs, sentences): labels are "%d"
        self.x_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.x_axis.setTickAnchor(0.0)
        self.x_axis.setTickInterval(step)
        self._rescale_y(ys)

    def _rescale_y(self, ys: list[float]) -> None:
        if ys:
            lo, hi = min(ys), max(ys)
            pad = max((hi - lo) * 0.08, 0.5)
            self.y_axis.setRange(max(lo - pad, 0.0) if lo >= 0 else lo - pad, hi + pad)
            self.y_axis.applyNiceNumbers()
        else:
            self.y_axis.setRange(0, 1)


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is >= raw (integer ticks for epochs and sizes)."""
    step = 1.0
    while step < raw:
        for m in (2, 2.5, 2):
            step *= m
            if step >= raw:
                break
    return step


class _Chart(QChartView):
    """A LAS chart of compressed models (y: dev LAS); subclasses set the x axis."""

    def __init__(self, title: str, parent: QWidget | None = None):
        chart = new_chart(title)
        small = QFont()
        small.setPointSizeF(7.5)
        chart.legend().setFont(small)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        self.y_axis = QValueAxis()
        self.y_axis.setTitleText("dev LAS")
        self.y_axis.setLabelFormat("%.0f")
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)

    def _attach(self, s, color: str, size: float = 9.0):
        if isinstance(s, QScatterSeries):
            s.setColor(QColor(color))
            s.setBorderColor(QColor(color).darker(130))
            s.setMarkerSize(size)
        else:
            pen = QPen(QColor(color))
            pen.setWidthF(1.6)
            s.setPen(pen)
        self.chart().addSeries(s)
        s.attachAxis(self.x_axis)
        s.attachAxis(self.y_axis)
        s.hovered.connect(lambda p, on, s=s: self._tip(s, p, on))
        return s

    def _tip(self, series, point: QPointF, on: bool) -> None:
        if on:
            QToolTip.showText(self.cursor().pos(), f"{series.name()}\n{self.describe_point(point)}")

    def describe_point(self, p: QPointF) -> str:
        return f"({p.x():.3g}, LAS {p.y():.2f})"

    def _fit_y(self, ys: list[float]) -> None:
        if ys:
            lo, hi = min(ys), max(ys)
            pad = max(1.0, (hi - lo) * 0.08)
            self.y_axis.setRange(max(0.0, math.floor(lo - pad)), min(100.0, math.ceil(hi + pad)))
            self.y_axis.applyNiceNumbers()


class SparsityChart(_Chart):
    """LAS against sparsity: compressed models as points, one line per layer for sensitivity runs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("LAS against sparsity", parent)
        self.x_axis = QValueAxis()
        self.x_axis.setTitleText("sparsity (% of weights that are zero)")
        self.x_axis.setRange(0, 100)
        self.x_axis.setLabelFormat("%d")
        self.chart().addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.models: dict[str, QScatterSeries] = {}
        self.layers: dict[str, QLineSeries] = {}
        self.colors: dict[str, str] = {}
        # up to a dozen layer curves: a wrapping legend under the chart reads better than QChart's one-line legend
        self.chart().legend().setVisible(False)
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)

    def _update_legend(self) -> None:
        items = [(f"{k} model" if k == "original" else f"{k} models", self.colors[k], "●") for k in self.models]
        items += [(name, self.colors[name], "━") for name in self.layers]
        self.legend_label.setText(" &nbsp; ".join(
            f'<span style="color:{c}">{mark}</span>&nbsp;{name.replace(" ", "&nbsp;")}' for name, c, mark in items))

    def add(self, r) -> None:
        if r.method == "sensitivity" and not r.layer:
            return  # the unpruned reference: each layer's curve starts there
        if r.method == "sensitivity":
            s = self.layers.get(r.layer)
            if s is None:
                s = QLineSeries()
                s.setName(r.layer)
                s.setPointsVisible(True)
                color = PALETTE[len(self.layers) % len(PALETTE)]
                self._attach(s, color)
                self.layers[r.layer] = s
                self.colors[r.layer] = color
                if "baseline_LAS" in r.extra:  # the curve starts at the unpruned model
                    s.append(0.0, r.extra["baseline_LAS"])
                self._update_legend()
            s.append(100 * r.sparsity, r.LAS)
        else:
            key = r.method
            s = self.models.get(key)
            if s is None:
                s = QScatterSeries()
                s.setName("original" if key == "original" else f"{key} models")
                self.colors[key] = METHOD_COLORS.get(key, "#444444")
                self._attach(s, self.colors[key], 11 if key == "original" else 9)
                self.models[key] = s
                self._update_legend()
            s.append(100 * r.sparsity, r.LAS)
        self._fit_y([p.y() for s in [*self.models.values(), *self.layers.values()] for p in s.points()])

    def describe_point(self, p: QPointF) -> str:
        return f"sparsity {p.x():.1f}%, LAS {p.y():.2f}"

    def points(self) -> list[tuple[float, float]]:
        return [(p.x(), p.y()) for s in [*self.models.values(), *self.layers.values()] for p in s.points()]

    def clear(self) -> None:
        for s in [*self.models.values(), *self.layers.values()]:
            self.chart().removeSeries(s)
        self.models.clear()
        self.layers.clear()
        self.colors.clear()
        self._update_legend()


class SizeChart(_Chart):
    """LAS against bytes on disk (log scale); the Pareto front joins the models nothing beats."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("LAS against size on disk", parent)
        self.x_axis = QLogValueAxis()
        self.x_axis.setBase(10)
        self.x_axis.setMinorTickCount(8)
        self.x_axis.setLabelFormat("%g")
        self.x_axis.setTitleText("weights file size (kB, log scale)")
        self.chart().addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.front = QLineSeries()
        self.front.setName("Pareto front")
        self._attach(self.front, "#555555")
        pen = QPen(QColor("#555555"))
        pen.setWidthF(1.4)
        pen.setStyle(Qt.PenStyle.DashLine)
        self.front.setPen(pen)
        self.models: dict[str, QScatterSeries] = {}
        self._points: list[tuple[float, float]] = []

    def add(self, r) -> None:
        if not r.weight_bytes:
            return
        kb = r.weight_bytes / 1000
        s = self.models.get(r.method)
        if s is None:
            s = QScatterSeries()
            s.setName(r.method)
            self._attach(s, METHOD_COLORS.get(r.method, "#444444"), 11 if r.method == "original" else 9)
            self.models[r.method] = s
        s.append(kb, r.LAS)
        self._points.append((kb, r.LAS))
        self.front.replace([QPointF(x, y) for x, y in pareto_front(self._points)])
        xs = [x for x, _ in self._points]
        lo, hi = 10 ** math.floor(math.log10(min(xs) * 0.8)), 10 ** math.ceil(math.log10(max(xs) * 1.25))
        self.x_axis.setRange(lo, hi)
        self._fit_y([y for _, y in self._points])

    def describe_point(self, p: QPointF) -> str:
        return f"{p.x():,.1f} kB, LAS {p.y():.2f}"

    def points(self) -> list[tuple[float, float]]:
        return list(self._points)

    def front_points(self) -> list[tuple[float, float]]:
        return [(p.x(), p.y()) for p in self.front.points()]

    def clear(self) -> None:
        for s in self.models.values():
            self.chart().removeSeries(s)
        self.models.clear()
        self._points.clear()
        self.front.clear()
