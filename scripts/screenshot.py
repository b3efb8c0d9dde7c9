"""Renders DepLab's main window offscreen to docs/screenshot.png (for the README).

    python scripts/screenshot.py [--model DIR] [--sentence TEXT] [--step K] [--out PATH]
    python scripts/screenshot.py --layouts docs/ [--model DIR]

With ``--layouts DIR`` it renders each layout (Teach, Annotate, Lab) at 1400×900 and 1920×1080 as
``DIR/layout-NAME-WxH.png``, and the hard cases: a long sentence, a Chinese sentence
(``DIR/layout-long-…``, ``layout-cjk-…``), the New Parser dialog (``DIR/dialog-new-parser.png``), and a laptop screen (1280×720) with every panel open:
each layout, then Teach with the long, an Arabic (right-to-left) and the Chinese sentence
(``DIR/screenshots/narrow-NAME-1280x720.png``).
The Annotate layout shows a small treebank made of the sentences below, parsed by the model.

Uses the bundled model unless --model is given; the window is the real one,
with a typed sentence parsed and stepped to a configuration in the middle of
the parse, so the stack, buffer, scores and features are all visible.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SENTENCE = "The old farmer sold three small horses to a young woman from the city."
# sentences written for the screenshots
LONG_SENTENCE = ("After the long meeting on Tuesday, the committee members who had travelled from the northern "
                 "villages finally agreed that the new bridge over the river should be built before the winter "
                 "rains, even though the budget was still uncertain.")
CJK_SENTENCE = "我们 昨天 在 图书馆 看 了 三 本 新 书 。"  # words separated: the tokenizer is not a Chinese segmenter
RTL_SENTENCE = "ذهب الولد الصغير إلى المدرسة الجديدة في الصباح مع أخته ."  # right to left
NARROW = (1280, 720)  # a laptop screen: every panel open must fit
TREEBANK_SENTENCES = ["The children planted two trees behind the school.", "My sister reads a newspaper every morning.",
                      "Nobody knew where the old key had gone.", DEFAULT_SENTENCE]
SIZES = ((1400, 900), (1920, 1080))


def _shoot(app, w, out: Path) -> bool:
    from PySide6.QtCore import QCoreApplication
    for _ in range(3):
        QCoreApplication.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = w.grab().save(str(out))
    print(f"wrote {out}" if ok else f"screenshot: could not write {out}", file=sys.stdout if ok else sys.stderr)
    return ok


def _show(w, text: str, step_fraction: float = 2 / 3) -> None:
    w.view.input.setText(text)
    w.parse_text(text, wait=True)
    ws = w.workspace
    ws.set_step(int(ws.n_steps * step_fraction))
    view = w.arc_view
    view.resetZoom()
    if view.sceneSize().width() > view._scroll.viewport().width():
        view.fitToWidth()


def layouts(args, app) -> int:
    from PySide6.QtCore import QSettings

    from deplab.app.qt.main_window import MainWindow, wait_for
    from deplab.parser.conllu import write_conllu
    outdir = Path(args.layouts)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(os.path.join(tmp, "screenshot.ini"), QSettings.Format.IniFormat)
        w = MainWindow(settings)
        w.resize(*SIZES[0])
        w.show()
        wait_for(w.load_model(args.model), timeout_s=300)
        if w.pipeline is None:
            print(f"screenshot: could not load the model: {w.model_error}", file=sys.stderr)
            return 1
        bank = Path(tmp) / "screenshot-treebank.conllu"
        sentences = w.pipeline.parse_text(" ".join(TREEBANK_SENTENCES))
        write_conllu(sentences, bank)
        w.annotation.open_path(str(bank), wait=True)
        wait_for(None)
        for name in ("teach", "annotate", "lab"):
            w.layouts.switch(name)
            if name == "teach":
                _show(w, DEFAULT_SENTENCE)
                w.view.features.why_box.setChecked(True)
            if name == "annotate":
                w.annotation.go_to(3)
            for width, height in SIZES:
                w.resize(width, height)
                app.processEvents()  # the layout switch settles first, then the size holds
                w.resize(width, height)
                ok &= _shoot(app, w, outdir / f"layout-{name}-{width}x{height}.png")
            if name == "annotate":  # Parse ▸ New Parser from This Treebank…, over the treebank it trains on
                dialog = w.annotation.new_parser.open_dialog()
                ok &= _shoot(app, dialog, outdir / "dialog-new-parser.png")
                dialog.close()
        w.layouts.switch("teach")
        w.resize(*SIZES[0])
        _show(w, LONG_SENTENCE, 0.5)
        ok &= _shoot(app, w, outdir / "layout-long-1400x900.png")
        _show(w, CJK_SENTENCE, 0.5)
        ok &= _shoot(app, w, outdir / "layout-cjk-1400x900.png")
        ok &= narrow(app, w, outdir / "screenshots")
        w.close()
    return 0 if ok else 1


def _small_png(path: Path) -> None:
    """The screenshot as a 256-colour PNG (a quarter of the bytes; a window's flat colours survive)."""
    from PIL import Image
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def narrow(app, w, outdir: Path) -> bool:
    """Every panel open on a 1280×720 screen: each layout, then Teach with the hard sentences."""
    ok = True

    def every_panel(front) -> None:  # on the small screen first, then every panel opened (as a user would)
        w.resize(*NARROW)
        app.processEvents()
        for dock in [*w.docks.values(), w.lab]:
            dock.show()
        front.raise_()
        app.processEvents()
        w.resize(*NARROW)

    fronts = {"teach": w.docks["dock_practice"], "annotate": w.docks["annotationDock"], "lab": w.lab}
    for name, front in fronts.items():
        w.layouts.switch(name)
        _show(w, DEFAULT_SENTENCE)
        every_panel(front)
        print(f"{name}, every panel open: window {w.width()}x{w.height()}, "
              f"its minimum {w.minimumSizeHint().width()}x{w.minimumSizeHint().height()}")
        ok &= _shoot(app, w, outdir / f"narrow-{name}-{NARROW[0]}x{NARROW[1]}.png")
        _small_png(outdir / f"narrow-{name}-{NARROW[0]}x{NARROW[1]}.png")
    w.layouts.switch("teach")
    for key, text in (("long", LONG_SENTENCE), ("rtl", RTL_SENTENCE), ("cjk", CJK_SENTENCE)):
        _show(w, text, 0.5)
        every_panel(fronts["teach"])
        if w.arc_view.sceneSize().width() > w.arc_view.width():  # as a user reads it: readable size, scrolled
            w.arc_view.resetZoom()                              # to the words on the stack and the buffer's first
            c = w.workspace.config
            w.arc_view.ensureWordsVisible([i for i in (*c.stack[-2:], *c.buffer[:1]) if i > 0])
            app.processEvents()
        ok &= _shoot(app, w, outdir / f"narrow-{key}-{NARROW[0]}x{NARROW[1]}.png")
        _small_png(outdir / f"narrow-{key}-{NARROW[0]}x{NARROW[1]}.png")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model folder (default: the bundled model)")
    ap.add_argument("--sentence", default=DEFAULT_SENTENCE)
    ap.add_argument("--step", type=int, default=None, help="step to show (default: two thirds of the way)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    ap.add_argument("--size", default="1400x900", help="window size WxH")
    ap.add_argument("--layouts", metavar="DIR", help="render every layout and the hard cases into DIR")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.layouts:
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance() or QApplication([sys.argv[0]])
        return layouts(args, app)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from deplab.app.qt.main_window import MainWindow, wait_for

    app = QApplication.instance() or QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory() as tmp:  # never touch the user's settings
        settings = QSettings(os.path.join(tmp, "screenshot.ini"), QSettings.Format.IniFormat)
        w = MainWindow(settings)
        width, height = (int(x) for x in args.size.lower().split("x"))
        w.resize(width, height)
        w.show()
        wait_for(w.load_model(args.model), timeout_s=300)
        if w.pipeline is None:
            print(f"screenshot: could not load the model: {w.model_error}", file=sys.stderr)
            return 1
        w.view.input.setText(args.sentence)
        w.parse_text(args.sentence, wait=True)
        ws = w.workspace
        ws.set_step(args.step if args.step is not None else (2 * ws.n_steps) // 3)
        w.view.features.table.selectRow(0)
        app.processEvents()
        view = w.arc_view
        if view.sceneSize().width() > view._scroll.viewport().width():
            view.fitToWidth()  # the whole tree in the picture
        app.processEvents()
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not w.grab().save(str(out)):
            print(f"screenshot: could not write {out}", file=sys.stderr)
            return 1
        w.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
