"""Lecture-ready exports from the real window: the tree (plain or decorated, cropped), the transition
sequence as LaTeX/Markdown/CSV with special characters literal, numbered frames and an animated GIF."""
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QColor, QImage

from deplab.app.qt import export

# a sentence written for these tests, with every LaTeX special character in its words
SPECIAL = "AT&T pays 5% of $3 to R&D_x #1 {ok} ~me ^up \\o"


@pytest.fixture
def window(tiny_window):
    return tiny_window


def parse(w, text):
    w.parse_text(text, wait=True)
    assert w.workspace.trace is not None


def top_blank_rows(img: QImage) -> int:
    white = QColor("white").rgb()
    for y in range(img.height()):
        if any(img.pixel(x, y) != white for x in range(0, img.width(), 2)):
            return y
    return img.height()


def test_latex_tree_uses_the_engine_and_keeps_ampersands_literal(window, tmp_path):
    parse(window, SPECIAL)
    window.workspace.last()
    window.export_to(tmp_path / "t.tex")
    tex = (tmp_path / "t.tex").read_text()
    words_line = [line for line in tex.splitlines() if "AT" in line][0]
    # one column separator between each pair of words: the ampersands inside words are not separators
    assert words_line.count(r"\&") == len(window.workspace.forms) - 1
    assert r"AT\symbol{38}T" in words_line and r"R\symbol{38}D\_x" in words_line
    for escaped in (r"\%", r"\$", r"\#", r"\{", r"\}", r"\textasciitilde{}me", r"\textasciicircum{}up",
                    r"\textbackslash{}o"):
        assert escaped in words_line
    assert not hasattr(export, "latex_escape")  # the engine's rule only (parser/lecture.py)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_exports_compile(window, tmp_path):  # pragma: no cover - only where TeX is installed
    parse(window, SPECIAL)
    window.export_to(tmp_path / "t.tex")
    export.export_sequence(window.workspace.trace, tmp_path / "s.tex")
    doc = (r"\documentclass{article}\usepackage{tikz-dependency}\usepackage{booktabs}\begin{document}"
           r"\input{t.tex}\input{s.tex}\end{document}")
    (tmp_path / "doc.tex").write_text(doc)
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], cwd=tmp_path, capture_output=True)
    assert r.returncode == 0, r.stdout[-2000:]


def test_png_has_no_empty_top_margin_and_plain_is_the_default(window, tmp_path):
    parse(window, "The cat sleeps on the warm mat .")
    ws = window.workspace
    ws.set_step(3)  # a partial tree: the finished tree's arcs would reserve height above it
    window.export_to(tmp_path / "plain.png")
    img = QImage(str(tmp_path / "plain.png"))
    assert not img.isNull()
    assert top_blank_rows(img) <= 2 * (export.PAD + 6)  # the 2× image starts just above the highest label (its text is inset)
    plain_svg = tmp_path / "plain.svg"
    window.export_to(plain_svg)
    deco_svg = tmp_path / "deco.svg"
    window.export_to(deco_svg, decorations=True)
    plain, deco = plain_svg.read_text(), deco_svg.read_text()
    assert "s1" not in ET.tostring(ET.parse(plain_svg).getroot(), encoding="unicode").split("</title>")[-1]
    assert ">s1<" in deco.replace("\n", "").replace(" ", "") or "s1" in deco
    assert plain != deco
    # the default comes from File ▸ Export ▸ Tree With the Stepper's Decorations
    window.actions_by_name["export_decorations"].setChecked(True)
    window.export_to(tmp_path / "deco2.svg")
    assert "s1" in (tmp_path / "deco2.svg").read_text()


def test_sequence_tables_are_written_with_literal_characters(window, tmp_path):
    from deplab.app.qt.teach_actions import export_sequence
    parse(window, SPECIAL)
    n = window.workspace.n_steps
    for fmt in ("tex", "md", "csv"):
        export_sequence(window, str(tmp_path / f"seq.{fmt}"), fmt)
    tex = (tmp_path / "seq.tex").read_text()
    assert r"\toprule" in tex and r"AT\symbol{38}T" in tex and r"\caption{" in tex
    assert tex.count(r"\\") - 1 == n + 1  # header + one row per configuration (n transitions, final)
    md = (tmp_path / "seq.md").read_text()
    assert "AT&T" in md and r"R&D\_x" in md
    csv_text = (tmp_path / "seq.csv").read_text()
    assert "AT&T" in csv_text and "R&D_x" in csv_text and "$" in csv_text and "#" in csv_text
    assert len(csv_text.strip().splitlines()) == n + 2
    assert window.actions_by_name["export_seq_tex"].isEnabled()


def test_frames_and_gif_of_a_whole_run(window, tmp_path):
    parse(window, "Dogs bark loudly .")
    ws = window.workspace
    n = ws.n_steps
    pngs = export.export_frames(ws, tmp_path / "png", "png", decorations=True)
    assert [p.name for p in pngs] == [f"step_{k:03d}.png" for k in range(n + 1)]
    sizes = {(QImage(str(p)).width(), QImage(str(p)).height()) for p in pngs}
    assert len(sizes) == 1  # every frame the same size: the words do not move
    svgs = export.export_frames(ws, tmp_path / "svg", "svg", decorations=False)
    assert len(svgs) == n + 1 and all(ET.parse(p).getroot().tag.endswith("svg") for p in svgs)
    pytest.importorskip("PIL")
    from PIL import Image
    assert export.export_gif(ws, tmp_path / "run.gif") == n + 1
    with Image.open(tmp_path / "run.gif") as im:
        assert im.format == "GIF" and im.n_frames == n + 1


def test_frames_need_a_trace(qtbot):
    from deplab.app.model.workspace import Workspace
    with pytest.raises(ValueError, match="parse a sentence"):
        export.export_frames(Workspace(), "/nonexistent", "png")
