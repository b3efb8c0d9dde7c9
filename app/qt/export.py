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
  with Pillow: Qt's QMovie reads GIFs but cannot write them).  :func:`run_frames` reads what each
  step shows from the workspace (on the GUI thread, quickly); :func:`write_frames` and
  :func:`write_gif` paint, encode and write them anywhere — the window runs them in a background
  task (``teach_actions.export_run``): the pictures are :class:`.arc_scene.ArcScene` s painted on a
  QImage or an SVG generator, no widget.  They report ``progress(done, total, message)``, stop when
  ``cancelled()`` (:class:`deplab.parser.progress.Cancelled`), and a stopped or failed export
  leaves no file behind: the frames are written in a hidden folder and moved into place at the
  end, the GIF is written at once.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from deplab.parser import lecture
from deplab.parser.fileio import atomic_files, atomic_write_bytes, atomic_write_text
from deplab.parser.progress import check

from .arc_layout import Metrics
from .arc_scene import ArcScene
from .arc_state import ROLE_BUFFER, ROLE_STACK

PAD = 8.0  # space kept above the highest arc label


@dataclass
class Frame:
    """What one picture shows: a (partial) tree laid out as the ``reference`` tree, and with
    ``decorations`` the stepper's stack tint, s1–s3/b1–b3 badges and newest arc."""

    forms: list[str]
    tags: list[str]
    heads: list[int | None]
    labels: list[str | None]
    reference: tuple | None = None
    decorations: bool = False
    roles: dict[int, str] = field(default_factory=dict)
    marks: dict[int, str] = field(default_factory=dict)
    newest: tuple[int, int] | None = None


def frame_scene(frame: Frame) -> ArcScene:
    """The frame laid out, ready to paint (no widget: any thread)."""
    sc = ArcScene(None if frame.decorations else Metrics(word_area=56.0))  # plain: the word numbers, no badges
    st = sc.state
    st.set_tree_state(frame.forms, frame.tags, frame.heads, frame.labels, reference=frame.reference)
    st.roles, st.marks, st.newest = dict(frame.roles), dict(frame.marks), frame.newest
    sc.relayout()
    return sc


def plain_view(forms: Sequence[str], tags: Sequence[str] | None, heads: Sequence[int | None],
               labels: Sequence[str | None], reference: tuple | None = None) -> ArcScene:
    """An off-screen picture with only the tree (``reference`` keeps the words where the final tree puts them)."""
    return frame_scene(Frame(list(forms), list(tags) if tags is not None else [""] * len(forms), list(heads),
                             list(labels), reference))


def step_frame(workspace, k: int | None = None, decorations: bool = False, reference: tuple | None = None) -> Frame:
    """What step ``k`` (default: the current one) of the workspace's trace shows; ``reference``: the final
    tree (read from the workspace when not given)."""
    ws = workspace
    k = ws.step if k is None else k
    heads, labels = ws.tree_at(k)
    if reference is None and ws.trace is not None:
        reference = ws.tree_at(ws.n_steps)
    f = Frame(list(ws.forms), list(ws.tags), heads, labels, reference, decorations)
    c = ws.trace.config_at(k) if decorations and ws.trace is not None else None
    if c is not None:
        f.roles = {**{i: ROLE_STACK for i in c.stack}, **{i: ROLE_BUFFER for i in c.buffer}}
        f.marks = {i: f"s{d}" for d, i in enumerate(reversed(c.stack[-3:]), start=1)}
        f.marks.update({i: f"b{d}" for d, i in enumerate(c.buffer[:3], start=1)})
        arc = ws.arc_of(k - 1) if k > 0 else None
        f.newest = (arc[0], arc[1]) if arc else None
    return f


def decorated_view(workspace, k: int | None = None) -> ArcScene:
    """An off-screen picture of step ``k`` of the workspace's trace with the stepper's decorations
    (stack tint, buffer greyed, s1–s3/b1–b3 badges, the newest arc)."""
    return frame_scene(step_frame(workspace, k, True))


def step_view(workspace, k: int | None = None, decorations: bool = False) -> ArcScene:
    """The tree of step ``k`` (default: the current one), plain or decorated."""
    return frame_scene(step_frame(workspace, k, decorations))


def run_frames(workspace, decorations: bool = True) -> list[Frame]:
    """Every step of the workspace's trace, read on the GUI thread (fast): the frames are painted anywhere."""
    ws = workspace
    if ws.trace is None:
        raise ValueError("no trace to export: parse a sentence first")
    reference = ws.tree_at(ws.n_steps)
    return [step_frame(ws, k, decorations, reference) for k in range(ws.n_steps + 1)]


def content_rect(view) -> QRectF:
    """The part of the scene with something on it: from just above the highest arc (or the words, when
    there is no arc) to the bottom."""
    lay = view.arcLayout()
    size = view.sceneSize()
    tops = [a.label_rect[1] if a.label else a.y_top for a in lay.arcs if a.head is not None]
    top = min(tops) if tops else lay.baseline
    top = max(0.0, top - PAD)
    return QRectF(0, top, size.width(), size.height() - top)


def svg_bytes(view, title: str = "DepLab tree", rect: QRectF | None = None) -> bytes:
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
    return bytes(buf.data())


def export_svg(view, path: str | os.PathLike, title: str = "DepLab tree", rect: QRectF | None = None) -> None:
    """``view``: an :class:`.arc_view.ArcView` or an :class:`.arc_scene.ArcScene`."""
    atomic_write_bytes(path, svg_bytes(view, title, rect))


def render_image(view, scale: float = 2.0, rect: QRectF | None = None) -> QImage:
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


def export_png(view, path: str | os.PathLike, scale: float = 2.0, rect: QRectF | None = None) -> None:
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


Report = Callable[[int, int, str], None] | None


def export_frames(workspace, folder: str | os.PathLike, fmt: str = "png", decorations: bool = True,
                  scale: float = 2.0, cancelled=None, progress: Report = None) -> list[Path]:
    """Every step of the workspace's trace as ``step_000.png`` … (or ``.svg``) in ``folder``; the words
    keep their places across frames (the final tree fixes the layout)."""
    return write_frames(run_frames(workspace, decorations), folder, fmt, scale, progress, cancelled)


def write_frames(frames: list[Frame], folder: str | os.PathLike, fmt: str = "png", scale: float = 2.0,
                 progress: Report = None, cancelled=None) -> list[Path]:
    """The frames of :func:`run_frames` as numbered files in ``folder`` (any thread).  They are written in a
    hidden folder inside it and moved into place once all are done: a cancelled or failed export leaves
    ``folder`` as it was."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown frame format {fmt!r} (png or svg)")
    folder = Path(folder)
    n = len(frames) - 1
    width = max(3, len(str(n)))
    names = [f"step_{k:0{width}d}.{fmt}" for k in range(n + 1)]
    rect = content_rect(frame_scene(frames[-1]))  # every frame the size of the finished tree
    with atomic_files(folder) as work:
        for k, frame in enumerate(frames):
            check(cancelled)
            scene = frame_scene(frame)
            data = (_png_bytes(render_image(scene, scale, rect)) if fmt == "png"
                    else svg_bytes(scene, f"DepLab step {k}", rect))
            try:
                (work / names[k]).write_bytes(data)
            except OSError as e:
                raise OSError(f"{os.fspath(folder / names[k])}: could not write the frame ({e.strerror or e})") from e
            _report(progress, k + 1, n + 1, "rendering frames")
        check(cancelled)
    return [folder / name for name in names]


def _report(progress: Report, done: int, total: int, message: str) -> None:
    if progress is not None:
        progress(done, total, message)


def gif_available() -> bool:
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        return False
    return True


def export_gif(workspace, path: str | os.PathLike, decorations: bool = True, ms_per_step: int = 700,
               scale: float = 1.0, cancelled=None, progress: Report = None) -> int:
    """The run as an animated GIF (one frame per step, the last held 3× longer); returns the frame count."""
    return write_gif(run_frames(workspace, decorations), path, ms_per_step, scale, progress, cancelled)


def write_gif(frames: list[Frame], path: str | os.PathLike, ms_per_step: int = 700, scale: float = 1.0,
              progress: Report = None, cancelled=None) -> int:
    """The frames of :func:`run_frames` as an animated GIF (any thread); nothing is written until every
    frame is done."""
    import io

    from PIL import Image

    rect = content_rect(frame_scene(frames[-1]))  # every frame the size of the finished tree: the words stay put
    total = len(frames) + 1  # the frames, then the writing
    out_frames = []
    for k, frame in enumerate(frames):
        check(cancelled)
        img = render_image(frame_scene(frame), scale, rect)
        out_frames.append(Image.open(io.BytesIO(_png_bytes(img))).convert("RGB").quantize(colors=128))
        _report(progress, k + 1, total, "rendering frames")
    check(cancelled)
    _report(progress, len(frames), total, "writing the GIF")
    durations = [ms_per_step] * (len(out_frames) - 1) + [ms_per_step * 3]
    out = io.BytesIO()
    out_frames[0].save(out, format="GIF", save_all=True, append_images=out_frames[1:], duration=durations, loop=0)
    check(cancelled)
    atomic_write_bytes(path, out.getvalue())
    _report(progress, total, total, "written")
    return len(out_frames)
