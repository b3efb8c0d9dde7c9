"""The model's scores at the current step: a bar chart of the most probable transitions.

The probabilities are the model's softmax over all transitions (recorded in
the trace by the engine).  Illegal transitions are greyed out, the chosen one
(the most probable legal transition) is highlighted, and while the model and
the oracle are still in the same configuration the oracle's choice is marked.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from deplab.app.model.events import connect_all
from deplab.app.model.workspace import MODEL, ORACLE, Workspace

CHOSEN = QColor("#0072B2")
LEGAL = QColor("#8FB8D8")
ILLEGAL = QColor("#D9D9D9")
ORACLE_MARK = QColor("#D55E00")
ROW_H = 20
MIN_BAR = 26  # the narrowest bar (the panel's minimum width keeps every transition name whole beside it)
MIN_ROWS = 4  # rows the panel's minimum height keeps (the rest shows when it is taller)


class ScoresView(QWidget):
    """Top-k transitions of the current step as horizontal bars."""

    def __init__(self, workspace: Workspace, top_k: int = 10, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = workspace
        self.top_k = top_k
        self._rows: list[tuple[str, float, bool, bool, bool]] = []  # name, p, legal, chosen, oracle
        self._message = ""
        self._header = ""
        self._font = QFont()
        self._font.setPixelSize(12)
        self._bold = QFont(self._font)
        self._bold.setBold(True)
        self._small = QFont()
        self._small.setPixelSize(10)
        # the value column: the widest tag drawn after a bar (in the regular face, also on the chosen row)
        fm = QFontMetricsF(self._font)
        self._value_w = int(max(fm.horizontalAdvance("0.000  chosen"), fm.horizontalAdvance("0.000  illegal"))) + 8
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)
        connect_all(workspace.trace_signals + (workspace.step_changed,), self.refresh)  # the step's scores
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(340, 60 + 22 * self.top_k)

    def rows(self) -> list[tuple[str, float, bool, bool, bool]]:
        """(transition, probability, legal, chosen, oracle's choice) as drawn, most probable first."""
        return list(self._rows)

    def shown_rows(self, height: int | None = None) -> list[tuple[str, float, bool, bool, bool]]:
        """The rows that fit ``height`` (default: the panel's), most probable first: the chosen transition
        and the oracle's are always among them; a line under them counts the rows left out."""
        rows = self._rows
        fit = max(1, ((self.height() if height is None else height) - 22) // ROW_H)
        if len(rows) <= fit:
            return list(rows)
        fit -= 1  # the "… more" line
        keep = {i for i, r in enumerate(rows) if r[3] or r[4]}
        for i in range(len(rows)):
            if len(keep) >= fit:
                break
            keep.add(i)
        return [r for i, r in enumerate(rows) if i in keep]

    def message(self) -> str:
        return self._message

    def refresh(self) -> None:
        ws = self.ws
        self._rows, self._message, self._header = [], "", ""
        t = ws.trace
        if t is None:
            self._message = "Parse a sentence to see the model's scores."
        elif ws.step >= len(t):
            self._message = "Terminal configuration: the stack holds only ROOT and the buffer is empty."
        elif ws.mode == ORACLE:
            self._message = ("The oracle has no scores: it reads the gold tree.\n"
                             + ws.oracle_reason())
            m = ws.shared_transition(ws.step, MODEL)
            if m is not None:
                self._message += f"\nThe model, in this same configuration, chooses {m}."
        else:
            step = t.steps[ws.step]
            if step.scores is None:
                self._message = "This trace has no scores."
            else:
                oracle_t = ws.shared_transition(ws.step, ORACLE)
                order = sorted(range(len(step.scores)), key=lambda i: -step.scores[i])
                keep = order[:self.top_k]
                extra = [i for i in order[self.top_k:]
                         if i == step.chosen or (oracle_t is not None and t.transitions[i] == oracle_t)]
                for i in keep + extra:
                    tr = t.transitions[i]
                    self._rows.append((str(tr), float(step.scores[i]), bool(step.legal[i]), i == step.chosen,
                                       oracle_t is not None and tr == oracle_t))
                n_legal = sum(step.legal)
                self._header = (f"softmax over {len(step.scores)} transitions ({n_legal} legal); "
                                f"the {min(self.top_k, len(order))} most probable")
        # tall enough for the chosen transition and a few rivals; a shorter panel than all rows drops the least
        # probable ones (the chosen and the oracle's stay) and says how many it left out
        self.setMinimumHeight(22 + ROW_H * (min(max(len(self._rows), 3), MIN_ROWS) + 1))
        t = self.ws.trace
        if t is not None and getattr(self, "_sized_for", None) is not t.transitions:
            # the transition names are never cut: the widest of the set, a value and a short bar fit (once
            # per transition set, so the panel does not change its width from step to step)
            self._sized_for = t.transitions
            fm = QFontMetricsF(self._bold)
            widest = max((fm.horizontalAdvance(str(x)) for x in t.transitions), default=60.0)
            self.setMinimumWidth(int(min(8 + widest + 12 + MIN_BAR + self._value_w + 8, 420)))
        self.update()

    def paintEvent(self, e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        w = self.width()
        if not self._rows:
            p.setPen(QColor("#555555"))
            p.setFont(self._font)
            p.drawText(QRectF(10, 8, w - 20, self.height() - 16),
                       Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft,
                       self._message)
            return
        p.setFont(self._small)
        p.setPen(QColor("#666666"))
        p.drawText(QRectF(8, 2, w - 16, 16), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self._header)
        fm = QFontMetricsF(self._bold)
        value_w = self._value_w
        name_w = min(max(fm.horizontalAdvance(r[0]) for r in self._rows) + 12, max(60.0, w - 8 - value_w - MIN_BAR))
        bar_x = 8 + name_w
        bar_w = max(float(MIN_BAR), w - bar_x - value_w - 8)
        row_h = ROW_H
        y = 22
        visible = self.shown_rows()
        for name, prob, legal, chosen, oracle in visible:
            p.setFont(self._bold if chosen else self._font)
            p.setPen(QColor("#111111") if legal else QColor("#A0A0A0"))
            shown = QFontMetricsF(p.font()).elidedText(name, Qt.TextElideMode.ElideMiddle, name_w - 6)
            p.drawText(QRectF(8, y, name_w - 6, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       shown)
            col = CHOSEN if chosen else (LEGAL if legal else ILLEGAL)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#F2F2F2"))
            p.drawRect(QRectF(bar_x, y + 3, bar_w, row_h - 6))
            p.setBrush(col)
            p.drawRect(QRectF(bar_x, y + 3, max(1.0, bar_w * prob), row_h - 6))
            if not legal:  # hatch illegal bars so the state does not rely on colour
                p.setBrush(Qt.BrushStyle.BDiagPattern)
                p.setPen(Qt.PenStyle.NoPen)
                p.drawRect(QRectF(bar_x, y + 3, max(1.0, bar_w * prob), row_h - 6))
            p.setFont(self._font)
            p.setPen(QColor("#111111") if legal else QColor("#A0A0A0"))
            tag = f"{prob:.3f}"
            if chosen:
                tag += "  chosen"
            elif not legal:
                tag += "  illegal"
            p.drawText(QRectF(bar_x + bar_w + 6, y, value_w, row_h), Qt.AlignmentFlag.AlignLeft
                       | Qt.AlignmentFlag.AlignVCenter, tag)
            if oracle:
                p.setPen(QPen(ORACLE_MARK, 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(QRectF(bar_x - 2, y + 1, bar_w + 4, row_h - 2))
                p.setFont(self._small)
                p.setPen(ORACLE_MARK)
                p.drawText(QRectF(bar_x + 4, y, bar_w - 8, row_h), Qt.AlignmentFlag.AlignRight
                           | Qt.AlignmentFlag.AlignVCenter, "oracle")
            y += row_h
        if len(visible) < len(self._rows):
            p.setFont(self._small)
            p.setPen(QColor("#666666"))
            p.drawText(QRectF(8, y, w - 16, row_h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       f"… {len(self._rows) - len(visible)} less probable not shown (a taller panel shows them)")
