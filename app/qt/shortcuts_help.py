"""Help ▸ Keyboard Shortcuts (generated from the window's actions and shortcuts) and Help ▸ How the
Stepper Works (a first page for students)."""
from __future__ import annotations

from html import escape

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QMenu, QTableWidget, QTableWidgetItem,
                               QTextBrowser, QVBoxLayout)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")


def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """(keys, what, where) for every action of the window's menus with a shortcut, every other action of
    the window with one, and every panel shortcut (``QShortcut``), sorted by where and keys."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def walk(menu: QMenu, path: str) -> None:
        for a in menu.actions():
            if a.menu() is not None:
                walk(a.menu(), f"{path} ▸ {_plain(a.menu().title())}")
                continue
            if a.isSeparator():
                continue
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts())
            if keys and id(a) not in seen:
                seen.add(id(a))
                rows.append((keys, _plain(a.text()), path))

    for a in window.menuBar().actions():
        if a.menu() is not None:
            walk(a.menu(), _plain(a.menu().title()))
    for a in window.findChildren(QAction):
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts())
        if keys and id(a) not in seen:
            seen.add(id(a))
            rows.append((keys, _plain(a.text()) or a.objectName(), "window"))
    for sc in window.findChildren(QShortcut):
        keys = sc.key().toString(QKeySequence.SequenceFormat.NativeText)
        if not keys:
            continue
        what = sc.whatsThis() or sc.objectName() or "(panel shortcut)"
        where = sc.parent().property("helpName") if sc.parent() is not None else None
        rows.append((keys, what, str(where or type(sc.parent()).__name__)))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Keyboard Shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Where"])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(720, 560)


STEPPER_HELP = """
<h2>How the stepper works</h2>
<p>A <b>transition-based parser</b> reads a sentence from left to right and builds its dependency tree
with a few simple moves (Nivre 2008). At every moment it is in a <b>configuration</b>:</p>
<ul>
<li>the <b>stack</b> — words it has started on (ROOT at the bottom; the top, <b>s1</b>, is on the right);</li>
<li>the <b>buffer</b> — the words it has not read yet (the next one, <b>b1</b>, is on the left);</li>
<li>the <b>arcs</b> built so far (in the tree above the words).</li>
</ul>
<p>In the default <i>arc-standard</i> system there are three moves: <b>SHIFT</b> moves b1 onto the stack;
<b>LEFT-ARC(label)</b> makes s2 a dependent of s1 and removes s2; <b>RIGHT-ARC(label)</b> makes s1 a
dependent of s2 and removes s1. A sentence of n words takes 2n moves. Other systems (arc-eager,
arc-hybrid, swap) are in the system menu next to the mode; <i>Compare systems</i> shows two side by side.</p>
<h3>Reading the window</h3>
<ul>
<li><b>Dependency tree</b>: words on the stack are tinted, words still in the buffer are grey, the badges
s1–s3 and b1–b3 mark the positions the parser looks at, and the newest arc glows.</li>
<li><b>Configuration</b>: the stack, the buffer and the arcs built, and the next transition.</li>
<li><b>Transition sequence</b>: one row per configuration; a row's transition is applied <i>to</i> the stack
and buffer shown in that row. Click a row to jump there.</li>
<li><b>Model scores</b>: how probable the network found each transition here (softmax); illegal ones are
greyed out. <b>Features</b>: the 48 inputs the network read (Chen &amp; Manning 2014) — tick
<i>Why this transition?</i> to see which inputs pushed the choice, and the words shaded in the tree.</li>
</ul>
<h3>Moving around</h3>
<p><b>←</b>/<b>→</b> step back and forward, <b>Home</b>/<b>End</b> jump to the start and the finished tree,
<b>Space</b> plays. <b>Ctrl+1</b> shows what the <b>model</b> did, <b>Ctrl+2</b> what the <b>oracle</b> does —
the gold sequence for a treebank sentence; <b>Ctrl+D</b> jumps to the first step where they differ.</p>
<h3>Your turn</h3>
<p><b>Parse ▸ Practice</b> (Ctrl+P) lets you choose each transition yourself: S, L, R (then the label),
and D (REDUCE) or W (SWAP) where the system has them. The oracle says whether your move is optimal and
keeps your score. Help ▸ Keyboard Shortcuts lists every key.</p>
"""


class StepperHelpDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("How the Stepper Works")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(STEPPER_HELP)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
        self.resize(640, 640)


def shortcuts_html(window) -> str:
    """The shortcuts as an HTML table (for documentation)."""
    rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(w)}</td><td>{escape(p)}</td></tr>"
                   for k, w, p in shortcut_rows(window))
    return f"<table><tr><th>Keys</th><th>Action</th><th>Where</th></tr>{rows}</table>"
