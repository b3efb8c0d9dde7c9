"""The lecture exports: the textbook table of a transition sequence, and trees for tikz-dependency."""
import csv
import io
import shutil
import subprocess

import pytest

from deplab.parser.lecture import latex_escape, sequence_rows, tikz_dependency, to_csv, to_latex, to_markdown
from deplab.parser.oracle import oracle_trace
from deplab.parser.transition import TransitionSet

FORMS = ["AT&T", "bought", "R&D", "for", "$5", "#1_x", "{~^\\}", "%"]
TAGS = ["PROPN", "VERB", "NOUN", "ADP", "NUM", "NOUN", "SYM", "SYM"]
HEADS = [2, 0, 2, 5, 2, 2, 6, 2]
LABELS = ["nsubj", "root", "obj", "case", "obl", "obj", "dep", "punct"]


def test_special_characters_come_out_literally_and_never_as_the_column_separator():
    tex = latex_escape("AT&T R&D 50% $5 #1 a_b {x} ~ ^ \\")
    assert r"\&" not in tex  # tikz-dependency's column separator
    assert tex == (r"AT\symbol{38}T R\symbol{38}D 50\% \$5 \#1 a\_b \{x\} \textasciitilde{} "
                   r"\textasciicircum{} \textbackslash{}")
    env = tikz_dependency(FORMS, TAGS, HEADS, LABELS)
    words_line = next(line for line in env.splitlines() if "bought" in line)
    assert words_line.count(r"\&") == len(FORMS) - 1  # one separator between each pair of words, no more
    assert r"\deproot{2}{root}" in env and r"\depedge{2}{1}{nsubj}" in env


def _trace():
    return oracle_trace(FORMS, TAGS, HEADS, LABELS, TransitionSet(sorted(set(LABELS))))


def test_rows_follow_the_configurations_before_each_transition():
    trace = _trace()
    rows = sequence_rows(trace)
    assert len(rows) == len(trace) + 1 and rows[-1].transition == ""
    assert rows[0].stack == ["ROOT"] and rows[0].buffer == FORMS and rows[0].transition == "SHIFT"
    assert rows[0].arc == ""
    arcs = [r.arc for r in rows if r.arc]
    assert len(arcs) == len(FORMS)  # every word gets its head exactly once
    assert "bought -nsubj-> AT&T" in arcs and "ROOT -root-> bought" in arcs
    assert rows[-1].stack == ["ROOT"] and rows[-1].buffer == []


def test_csv_and_markdown_have_one_line_per_row():
    rows = sequence_rows(_trace())
    table = list(csv.reader(io.StringIO(to_csv(rows))))
    assert table[0][3].startswith("transition") and len(table) == len(rows) + 1
    assert table[1][1] == "ROOT" and table[1][2].split() == FORMS
    md = to_markdown(rows).splitlines()
    assert len(md) == len(rows) + 2 and md[2].startswith("| 0 | [ROOT] |")
    assert "\\_" in to_markdown(rows)  # "#1_x" does not start italics


def _latex_packages_installed() -> bool:
    if shutil.which("pdflatex") is None or shutil.which("kpsewhich") is None:
        return False
    found = subprocess.run(["kpsewhich", "tikz-dependency.sty", "environ.sty", "booktabs.sty"],
                           capture_output=True, text=True).stdout.split()
    return len(found) == 3


@pytest.mark.skipif(not _latex_packages_installed(), reason="pdflatex with tikz-dependency and booktabs is not installed")
def test_the_latex_compiles(tmp_path):
    rows = sequence_rows(_trace())
    doc = ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{booktabs}\n"
           "\\usepackage{tikz-dependency}\n\\begin{document}\n" + tikz_dependency(FORMS, TAGS, HEADS, LABELS)
           + to_latex(rows, caption="Arc-standard on AT&T") + "\\end{document}\n")
    (tmp_path / "t.tex").write_text(doc)
    out = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout[-2000:]
    assert (tmp_path / "t.pdf").stat().st_size > 1000
