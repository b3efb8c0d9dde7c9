"""Exporting the drawn tree: SVG and PNG (the arc view's own painting) and LaTeX.

The LaTeX output uses the tikz-dependency package
(https://ctan.org/pkg/tikz-dependency): ``deptext`` holds the words and tags,
``\\depedge{head}{dependent}{label}`` the arcs and ``\\deproot`` the root.
"""
from __future__ import annotations

import os
from typing import Sequence

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from .arc_view import ArcView  # its painter (arc_painter.ArcPainter) draws the export too

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def tikz_dependency(forms: Sequence[str], tags: Sequence[str] | None, heads: Sequence[int | None],
                    labels: Sequence[str | None]) -> str:
    """A ``dependency`` environment for the tree (unattached words get no arc)."""
    lines = [r"% \usepackage{tikz-dependency}", r"\begin{dependency}[theme = simple]",
             r"  \begin{deptext}[column sep=0.6em]"]
    lines.append("    " + r" \& ".join(latex_escape(f) for f in forms) + r" \\")
    if tags is not None and any(t and t != "_" for t in tags):
        lines.append("    " + r" \& ".join(r"\textsc{" + latex_escape((t or "").lower()) + "}" for t in tags)
                     + r" \\")
    lines.append(r"  \end{deptext}")
    for d, (h, lab) in enumerate(zip(heads, labels), start=1):
        if h is None:
            continue
        lab = latex_escape(lab or "")
        if h == 0:
            lines.append(f"  \\deproot{{{d}}}{{{lab}}}")
        else:
            lines.append(f"  \\depedge{{{h}}}{{{d}}}{{{lab}}}")
    lines.append(r"\end{dependency}")
    return "\n".join(lines) + "\n"


def export_svg(view: ArcView, path: str | os.PathLike, title: str = "DepLab tree") -> None:
    size = view.sceneSize()
    gen = QSvgGenerator()
    gen.setFileName(os.fspath(path))
    gen.setSize(size)
    gen.setViewBox(QRectF(0, 0, size.width(), size.height()))
    gen.setTitle(title)
    gen.setDescription("Dependency tree drawn by DepLab")
    p = QPainter(gen)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(QRectF(0, 0, size.width(), size.height()), QColor("white"))
    view.paint(p, export=True)
    p.end()
    if not os.path.exists(path):
        raise OSError(f"{os.fspath(path)}: could not write the SVG file")


def render_image(view: ArcView, scale: float = 2.0) -> QImage:
    size = view.sceneSize()
    img = QImage(QSize(max(1, int(size.width() * scale)), max(1, int(size.height() * scale))),
                 QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.scale(scale, scale)
    view.paint(p, export=True)
    p.end()
    return img


def export_png(view: ArcView, path: str | os.PathLike, scale: float = 2.0) -> None:
    if not render_image(view, scale).save(os.fspath(path), "PNG"):
        raise OSError(f"{os.fspath(path)}: could not write the PNG file")


def export_latex(forms, tags, heads, labels, path: str | os.PathLike) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(tikz_dependency(forms, tags, heads, labels))
