"""Exporting the drawn tree and a whole run: SVG, PNG, LaTeX, the transition table, frames, GIF.

* The tree: SVG and PNG are painted by the arc view's own painter (:mod:`.arc_painter`); LaTeX is
  :func:`deplab.parser.lecture.tikz_dependency` (the engine's rule for special characters: ``&``
  comes out literally, never as tikz-dependency's column separator ``\\&``). By default the tree is
  exported *plain*: words, tags and arcs only, without the stepper's decorations (stack tint,
  ``s1``/``b1`` badges, feature outlines, the newest-arc halo); with ``decorations=True`` it is
  the arc view as shown at the current step. The picture is cropped to the arcs drawn: no empty
  band above them.
* The run: the transition sequence as a textbook table (:mod:`deplab.parser.lecture`: LaTeX
  booktabs, Markdown, CSV), every step as numbered PNG or SVG frames, and an animated GIF (written
  with Pillow: Qt's QMovie reads GIFs but cannot write them).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from deplab.parser import lecture
from deplab.parser.fileio import atomic_write_bytes, atomic_write_text

from .arc_view import ROLE_BUFFER, ROLE_STACK, ArcView

PAD = 8.0  # space kept above the highest arc label


def plain_view(forms: Sequence[str], tags: Sequence[str] | None, heads: Sequence[int | None],
               labels: Sequence[str | None], reference: tuple | None = None) -> ArcView:
    """An off-screen arc view with only the tree (``reference`` keeps the words where the final tree puts them)."""
    v = ArcView()
    v.setTreeState(list(forms), list(tags) if tags is not None else [""] * len(forms), list(heads), list(labels),
                   reference=reference)
    v.metrics.word_area = 56.0  # the word numbers, no badges
    v._cache_key = None
    v._relayout()
    return v


def decorated_view(workspace, k: int | None = None) -> ArcView:
    """An off-screen arc view of step ``k`` of the workspace's trace with the stepper's decorations
    (stack tint, buffer greyed, s1–s3/b1–b3 badges, the newest arc)."""
    ws = workspace
    k = ws.step if k is None else k
    heads, labels = ws.tree_at(k)
    reference = ws.tree_at(ws.n_steps) if ws.trace is not None else None
    v = ArcView()
    v.setTreeState(ws.forms, ws.tags, heads, labels, reference=reference)
    c = ws.trace.config_at(k) if ws.trace is not None else None
    if c is not None:
        v.setWordRoles({**{i: ROLE_STACK for i in c.stack}, **{i: ROLE_BUFFER for i in c.buffer}})
        marks = {i: f"s{d}" for d, i in enumerate(reversed(c.stack[-3:]), start=1)}
        marks.update({i: f"b{d}" for d, i in enumerate(c.buffer[:3], start=1)})
        v.setMarks(marks)
        arc = ws.arc_of(k - 1) if k > 0 else None
        v.setNewestArc((arc[0], arc[1]) if arc else None)
    return v


def step_view(workspace, k: int | None = None, decorations: bool = False) -> ArcView:
    """The tree of step ``k`` (default: the current one), plain or decorated."""
    ws = workspace
    k = ws.step if k is None else k
    if decorations:
        return decorated_view(ws, k)
    heads, labels = ws.tree_at(k)
    reference = ws.tree_at(ws.n_steps) if ws.trace is not None else None
    return plain_view(ws.forms, ws.tags, heads, labels, reference)


def content_rect(view: ArcView) -> QRectF:
    """The part of the scene with something on it: from just above the highest arc (or the words, when
    there is no arc) to the bottom."""
    lay = view.arcLayout()
    size = view.sceneSize()
    tops = [a.label_rect[1] if a.label else a.y_top for a in lay.arcs if a.head is not None]
    top = min(tops) if tops else lay.baseline
    top = max(0.0, top - PAD)
    return QRectF(0, top, size.width(), size.height() - top)


def export_svg(view: ArcView, path: str | os.PathLike, title: str = "DepLab tree", rect: QRectF | None = None) -> None:
    r = rect if rect is not None else content_rect(view)
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setSize(QSize(int(r.width() + 0.5), int(r.height() + 0.5)))
    gen.setViewBox(QRectF(0, 0, r.width(), r.height()))
    gen.setTitle(title)
    gen.setDescription("Dependency tree drawn by DepLab")
    p = QPainter(gen)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(QRectF(0, 0, r.width(), r.height()), QColor("white"))
    p.translate(0, -r.top())
    view.paint(p, export=True)
    p.end()
    buf.close()
    atomic_write_bytes(path, bytes(buf.data()))


def render_image(view: ArcView, scale: float = 2.0, rect: QRectF | None = None) -> QImage:
    """The picture of ``view`` (``rect``: the part of the scene; default :func:`content_rect`)."""
    r = rect if rect is not None else content_rect(view)
    img = QImage(QSize(max(1, int(r.width() * scale)), max(1, int(r.height() * scale))),
                 QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.scale(scale, scale)
    p.translate(0, -r.top())
    view.paint(p, export=True)
    p.end()
    return img


def _png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = img.save(buf, "PNG")
    buf.close()
    if not ok:
        raise OSError("could not encode the PNG image")
    return bytes(data)


def export_png(view: ArcView, path: str | os.PathLike, scale: float = 2.0, rect: QRectF | None = None) -> None:
    try:
        atomic_write_bytes(path, _png_bytes(render_image(view, scale, rect)))
    except OSError as e:
        raise OSError(f"{os.fspath(path)}: could not write the PNG file ({e})") from e


def export_latex(forms, tags, heads, labels, path: str | os.PathLike) -> None:
    atomic_write_text(path, lecture.tikz_dependency(forms, tags, heads, labels))


# -- the whole run ----------------------------------------------------------------------------------
SEQUENCE_FORMATS = {"tex": "LaTeX (booktabs)", "md": "Markdown", "csv": "CSV"}


def sequence_text(trace, fmt: str, caption: str = "") -> str:
    """The transition sequence of ``trace`` as a textbook table (``tex``, ``md`` or ``csv``)."""
    rows = lecture.sequence_rows(trace)
    if fmt in ("tex", "latex"):
        return lecture.to_latex(rows, caption)
    if fmt in ("md", "markdown"):
        return lecture.to_markdown(rows)
    if fmt == "csv":
        return lecture.to_csv(rows)
    raise ValueError(f"unknown table format {fmt!r} (tex, md or csv)")


def export_sequence(trace, path: str | os.PathLike, fmt: str | None = None, caption: str = "") -> None:
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    atomic_write_text(path, sequence_text(trace, fmt, caption))


def export_frames(workspace, folder: str | os.PathLike, fmt: str = "png", decorations: bool = True,
                  scale: float = 2.0, cancelled=None) -> list[Path]:
    """Every step of the workspace's trace as ``step_000.png`` … (or ``.svg``) in ``folder``; the words
    keep their places across frames (the final tree fixes the layout)."""
    from deplab.parser.progress import check
    if workspace.trace is None:
        raise ValueError("no trace to export: parse a sentence first")
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown frame format {fmt!r} (png or svg)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    n = workspace.n_steps
    width = max(3, len(str(n)))
    rect = content_rect(step_view(workspace, n, decorations))  # every frame the size of the finished tree
    out = []
    for k in range(n + 1):
        check(cancelled)
        view = step_view(workspace, k, decorations)
        path = folder / f"step_{k:0{width}d}.{fmt}"
        (export_png(view, path, scale, rect) if fmt == "png" else export_svg(view, path, f"DepLab step {k}", rect))
        out.append(path)
    return out


def gif_available() -> bool:
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        return False
    return True


def export_gif(workspace, path: str | os.PathLike, decorations: bool = True, ms_per_step: int = 700,
               scale: float = 1.0, cancelled=None) -> int:
    """The run as an animated GIF (one frame per step, the last held 3× longer); returns the frame count."""
    import io

    from PIL import Image

    from deplab.parser.progress import check
    if workspace.trace is None:
        raise ValueError("no trace to export: parse a sentence first")
    rect = content_rect(step_view(workspace, workspace.n_steps, decorations))
    images = []
    for k in range(workspace.n_steps + 1):
        check(cancelled)
        images.append(render_image(step_view(workspace, k, decorations), scale, rect))
    w = max(i.width() for i in images)
    h = max(i.height() for i in images)
    frames = []
    for img in images:
        im = Image.open(io.BytesIO(_png_bytes(img))).convert("RGB")
        canvas = Image.new("RGB", (w, h), "white")
        canvas.paste(im, (0, h - im.height))  # words on the same line in every frame
        frames.append(canvas.quantize(colors=128))
    durations = [ms_per_step] * (len(frames) - 1) + [ms_per_step * 3]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    atomic_write_bytes(path, out.getvalue())
    return len(frames)
