"""The current configuration of the stepper: stack (top on the right, as in Chen & Manning's
figures), buffer (first word on the left) and the arcs built so far, drawn as word chips.

After a SWAP the word it moved back is marked in the buffer; for arc-eager and arc-hybrid the
view lists the transitions that are still optimal (the dynamic oracle's cost-0 moves) and what
the next one costs.  It shows the step: it refreshes after any of the workspace's
``trace_signals`` and after ``step_changed``.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QLabel, QListWidget, QListWidgetItem,
                               QScrollArea, QSizePolicy, QWidget)

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import MODEL, Workspace

from .relations import family_color


class ChipRow(QWidget):
    """A row of word chips (text, small index) painted left to right."""

    def __init__(self, align_right: bool = False):
        super().__init__()
        self._chips: list[tuple[str, str, str]] = []  # text, caption, style
        self._align_right = align_right
        self._font = QFont()
        self._font.setPixelSize(14)
        self._small = QFont()
        self._small.setPixelSize(9)
        self._empty = "empty"
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)

    def setChips(self, chips: list[tuple[str, str, str]], empty: str = "empty") -> None:
        self._chips, self._empty = chips, empty
        self.updateGeometry()
        self.resize(self.sizeHint())
        self.update()

    def chips(self) -> list[tuple[str, str, str]]:
        return list(self._chips)

    def _widths(self) -> list[float]:
        fm = QFontMetricsF(self._font)
        return [fm.horizontalAdvance(t) + 16 for t, _, _ in self._chips]

    def sizeHint(self) -> QSize:
        return QSize(int(sum(self._widths()) + 6 * len(self._chips) + 8), 44)

    minimumSizeHint = sizeHint

    def paintEvent(self, e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self._chips:
            p.setPen(QColor("#999999"))
            f = QFont(self._font)
            f.setItalic(True)
            p.setFont(f)
            p.drawText(QRectF(4, 0, self.width() - 8, 30),
                       (Qt.AlignmentFlag.AlignRight if self._align_right else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter, self._empty)
            return
        widths = self._widths()
        total = sum(widths) + 6 * (len(widths) - 1)
        x = (self.width() - 4 - total) if self._align_right else 4.0
        x = max(4.0, x)
        for (text, cap, style), w in zip(self._chips, widths):
            r = QRectF(x, 4, w, 24)
            fill, border, fg = {
                "top": ("#0072B2", "#005A8C", "#FFFFFF"),
                "first": ("#FFFFFF", "#0072B2", "#0072B2"),
                "root": ("#F0F0F0", "#555555", "#333333"),
                "swapped": ("#FBE3D6", "#D55E00", "#111111"),
            }.get(style, ("#F4F7FA", "#9DB4C8", "#111111"))
            p.setPen(QPen(QColor(border), 1.2))
            p.setBrush(QColor(fill))
            p.drawRoundedRect(r, 5, 5)
            p.setFont(self._font)
            p.setPen(QColor(fg))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
            if cap:
                p.setFont(self._small)
                p.setPen(QColor("#666666"))
                p.drawText(QRectF(x, 29, w, 12), Qt.AlignmentFlag.AlignCenter, cap)
            x += w + 6


def _scroller(w: QWidget) -> QScrollArea:
    s = QScrollArea()
    s.setWidget(w)
    s.setWidgetResizable(True)
    s.setFrameShape(QFrame.Shape.NoFrame)
    s.setFixedHeight(60)
    s.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    s.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return s


class ConfigurationView(QWidget):
    """Stack, buffer and arcs of the current configuration."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.stack = ChipRow(align_right=True)
        self.buffer = ChipRow()
        self.arcs = QListWidget()
        self.arcs.setAlternatingRowColors(True)
        self.arcs.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.arcs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # two rows at the least (the newest arc is scrolled to): the stepper fits a 720-pixel-high screen
        self.arcs.setMinimumHeight(2 * self.arcs.fontMetrics().height() + 14)
        self._stack_scroll = _scroller(self.stack)
        self._buffer_scroll = _scroller(self.buffer)
        g = QGridLayout(self)
        g.setContentsMargins(6, 4, 6, 4)
        g.setVerticalSpacing(2)

        def head(text: str, tip: str) -> QLabel:
            l = QLabel(f"<b>{text}</b>")
            l.setToolTip(tip)
            return l
        g.addWidget(self.title, 0, 0, 1, 2)
        g.addWidget(head("Stack", "Words being processed; s1 (the top) is on the right, ROOT at the bottom."), 1, 0)
        self.stack_note = QLabel("top (s1) →")
        self.stack_note.setStyleSheet("color:#666")
        self.stack_note.setAlignment(Qt.AlignmentFlag.AlignRight)
        g.addWidget(self.stack_note, 1, 1)
        g.addWidget(self._stack_scroll, 2, 0, 1, 2)
        g.addWidget(head("Buffer", "Words not read yet; b1 (the next word) is on the left."), 3, 0)
        self.buffer_note = QLabel("← next (b1)")
        self.buffer_note.setStyleSheet("color:#666")
        g.addWidget(self.buffer_note, 3, 1)
        g.addWidget(self._buffer_scroll, 4, 0, 1, 2)
        self.optimal = QLabel()
        self.optimal.setTextFormat(Qt.TextFormat.RichText)
        self.optimal.setWordWrap(True)
        self.optimal.setToolTip("The dynamic oracle (Goldberg & Nivre 2012, 2013): a transition of cost 0 still "
                                "leads to the best tree reachable from here, also after earlier mistakes; the cost "
                                "is the number of gold arcs a transition makes unreachable.")
        g.addWidget(self.optimal, 5, 0, 1, 2)
        self.arcs_head = head("Arcs built", "Arcs added so far (head —label→ dependent), newest last.")
        g.addWidget(self.arcs_head, 6, 0, 1, 2)
        g.addWidget(self.arcs, 7, 0, 1, 2)
        g.setRowStretch(7, 1)
        g.setColumnStretch(0, 1)
        connect_all(workspace.trace_signals + (workspace.step_changed,), self.refresh)  # it shows the step
        self.refresh()

    def refresh(self) -> None:
        ws = self.ws
        c = ws.config
        if c is None:
            self.title.setText("<i>No configuration: parse a sentence.</i>")
            self.stack.setChips([])
            self.buffer.setChips([])
            self.arcs.clear()
            self.arcs_head.setText("<b>Arcs built</b>")
            self.optimal.setVisible(False)
            return
        t = ws.next_transition()
        nxt = f"next: <b>{t}</b>" if t else "<b>terminal</b>: the tree is complete"
        who = "model" if ws.mode == MODEL else "oracle"
        self.title.setText(f"Configuration after {ws.step} of {ws.n_steps} transitions "
                           f"({who}, {ws.trace.system.name}) — {nxt}")
        stack = []
        for pos, i in enumerate(c.stack):
            depth = len(c.stack) - pos
            style = "root" if i == 0 else ("top" if depth == 1 else "")
            cap = f"s{depth}" if depth <= 3 else ""
            stack.append((ws.word(i), cap, style))
        self.stack.setChips(stack)
        swapped = ws.swapped_word()
        self.buffer.setChips([(ws.word(i), "swapped back" if i == swapped else (f"b{k + 1}" if k < 3 else ""),
                               "swapped" if i == swapped else ("first" if k == 0 else ""))
                              for k, i in enumerate(c.buffer)], "empty: every word has been read")
        self._show_optimal()
        QTimer.singleShot(0, self._show_stack_top)
        self._buffer_scroll.horizontalScrollBar().setValue(0)
        built = ws.arcs_built()
        self.arcs_head.setText(f"<b>Arcs built</b> ({len(built)} of {len(ws.forms)})")
        self.arcs.clear()
        for n, (h, d, lab) in enumerate(built):
            # a left-to-right mark after each word: an Arabic or Hebrew head stays on the left of its arrow
            item = QListWidgetItem(f"\u200e{ws.word(h)}\u200e —{lab}→ {ws.word(d)}\u200e")
            item.setForeground(family_color(lab).darker(120))
            if n == len(built) - 1 and ws.newest_arc() == (h, d):
                f = item.font()
                f.setBold(True)
                item.setFont(f)
                item.setBackground(QColor(240, 228, 66, 110))
            self.arcs.addItem(item)
        if built:
            self.arcs.scrollToBottom()

    def _show_optimal(self) -> None:
        ws = self.ws
        costs = ws.costs()
        self.optimal.setVisible(costs is not None)
        if costs is None:
            self.optimal.setText("")
            return
        best = ws.optimal_transitions()
        nxt = ws.trace.steps[ws.step].chosen
        cost = costs[nxt]
        names = ", ".join(str(t) for t in best[:8]) + (" …" if len(best) > 8 else "")
        verdict = ("<span style='color:#009E73'>optimal</span>" if cost == 0 else
                   f"<span style='color:#D55E00'>costs {cost} gold arc{'s' if cost != 1 else ''}</span>")
        self.optimal.setText(f"<b>Still optimal</b> (dynamic oracle, cost 0): {names or '—'}<br>"
                             f"the next transition, {ws.trace.transitions[nxt]}, {verdict}")

    def _show_stack_top(self) -> None:
        bar = self._stack_scroll.horizontalScrollBar()
        bar.setValue(bar.maximum())


