"""Lecture-ready text: the transition sequence as a textbook table, and trees for LaTeX.

The table has the columns of the textbooks' worked examples (Nivre 2008, Table 1; Jurafsky &
Martin, *Speech and Language Processing*, ch. 18, Fig. 18.7): step, stack, buffer, the transition
taken *from* that configuration, and the arc it adds. It comes out as LaTeX (booktabs), Markdown
or CSV. Trees come out as a tikz-dependency ``dependency`` environment.

LaTeX escaping: inside tikz-dependency's ``deptext`` the column separator is ``\\&``, so a literal
ampersand must not be written ``\\&`` (every later word would shift one column: ``AT&T``, ``R&D``);
it is written ``\\symbol{38}``. Every other special character (``% $ # _ { } ~ ^ \\``) comes out as
the literal character too.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Sequence

_LATEX = {"\\": r"\textbackslash{}", "&": r"\symbol{38}", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
          "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """``text`` as LaTeX that prints it literally, safe inside tikz-dependency's ``deptext`` cells."""
    return "".join(_LATEX.get(ch, ch) for ch in text)


def tikz_dependency(forms: Sequence[str], tags: Sequence[str] | None, heads: Sequence[int | None],
                    labels: Sequence[str | None]) -> str:
    """A tikz-dependency ``dependency`` environment for the tree (unattached words get no arc)."""
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
        lines.append(f"  \\deproot{{{d}}}{{{lab}}}" if h == 0 else f"  \\depedge{{{h}}}{{{d}}}{{{lab}}}")
    lines.append(r"\end{dependency}")
    return "\n".join(lines) + "\n"


@dataclass
class Row:
    """One line of the table: the configuration *before* ``transition``, and the arc it adds."""

    step: int
    stack: list[str]
    buffer: list[str]
    transition: str
    arc: str  # "head -label-> dependent", or "" when the transition adds none


def sequence_rows(trace) -> list[Row]:
    """The rows of a :class:`~deplab.parser.transition.Trace` (model or oracle), plus the final configuration
    as a last row with no transition."""
    forms = ["ROOT", *trace.forms]

    def arc_set(config) -> set[tuple[int, int, str]]:
        return set(config.arcs)

    rows = []
    for k in range(len(trace) + 1):
        config = trace.config_at(k)
        if k < len(trace):
            after = arc_set(trace.config_at(k + 1))
            added = sorted(after - arc_set(config))
            arc = "; ".join(f"{forms[h]} -{lab}-> {forms[d]}" for h, d, lab in added)
            transition = str(trace.transition_at(k))
        else:
            arc, transition = "", ""
        rows.append(Row(k, [forms[i] for i in config.stack], [forms[i] for i in config.buffer], transition, arc))
    return rows


HEADER = ("step", "stack (top right)", "buffer", "transition from this configuration", "arc added")


def to_csv(rows: Sequence[Row]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for r in rows:
        w.writerow([r.step, " ".join(r.stack), " ".join(r.buffer), r.transition, r.arc])
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def to_markdown(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|---:|---|---|---|---|"]
    for r in rows:
        cells = [str(r.step), "[" + ", ".join(map(_md, r.stack)) + "]", "[" + ", ".join(map(_md, r.buffer)) + "]",
                 _md(r.transition), _md(r.arc)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def to_latex(rows: Sequence[Row], caption: str = "") -> str:
    """A booktabs ``tabular`` (``\\usepackage{booktabs}``); the stack's top is on the right."""
    def cell(words: list[str]) -> str:
        return "[" + ", ".join(latex_escape(w) for w in words) + "]"

    lines = [r"% \usepackage{booktabs}", r"\begin{table}[ht]", r"  \centering", r"  \small",
             r"  \begin{tabular}{rllll}", r"    \toprule",
             "    " + " & ".join(latex_escape(h) for h in HEADER) + r" \\", r"    \midrule"]
    for r in rows:
        arc = latex_escape(r.arc).replace("->", r"$\rightarrow$")
        lines.append(f"    {r.step} & {cell(r.stack)} & {cell(r.buffer)} & {latex_escape(r.transition)} & {arc} \\\\")
    lines += [r"    \bottomrule", r"  \end{tabular}"]
    if caption:
        lines.append(f"  \\caption{{{latex_escape(caption)}}}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"
