"""The rows a compression experiment measures (:class:`Result`), as CSV and as a table, and their Pareto front.

Every figure of a row is measured by :mod:`.measure` on a model folder written to disk and loaded back;
:mod:`.experiments` makes the rows; ``deplab compress``, the Lab's tab and ``benchmarks/compression.py``
print them.
"""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence


@dataclass
class Result:
    method: str
    setting: str
    parameters: int = 0
    nonzeros: int = 0
    sparsity: float = 0.0           # zeros among the weight layers
    weight_bytes: int | None = None  # model.dlc or *.safetensors
    total_bytes: int | None = None   # every file of the folder (config, vocabulary, weights)
    ratio: float | None = None       # original weight bytes / weight bytes
    total_ratio: float | None = None
    UAS: float = 0.0
    LAS: float = 0.0
    UPOS: float = 0.0
    sentences_per_s: float = 0.0
    seconds: float = 0.0             # experiment wall-clock time
    layer: str = ""                  # sensitivity rows
    path: str = ""                   # the saved model folder
    extra: dict = field(default_factory=dict)

    CSV_FIELDS = ("method", "setting", "layer", "parameters", "nonzeros", "sparsity", "weight_bytes",
                  "total_bytes", "ratio", "total_ratio", "UAS", "LAS", "UPOS", "sentences_per_s", "seconds", "path")

    def row(self) -> dict:
        d = asdict(self)
        return {k: d[k] for k in self.CSV_FIELDS}


def results_csv(results: Sequence[Result]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=Result.CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for r in results:
        row = r.row()
        for k, v in row.items():
            if isinstance(v, float):
                row[k] = f"{v:.6g}" if k in ("ratio", "total_ratio", "sparsity") else f"{v:.2f}"
            elif v is None:
                row[k] = ""
        if row.get("path"):  # the folder's name, not the machine's absolute path
            row["path"] = Path(row["path"]).name
        w.writerow(row)
    return out.getvalue()


def format_table(results: Sequence[Result]) -> str:
    head = f"{'method':<10} {'setting':<34} {'params':>9} {'non-zero':>9} {'sparse':>6} {'bytes':>10} " \
           f"{'ratio':>6} {'folder':>10} {'ratio':>6} {'UAS':>6} {'LAS':>6} {'sent/s':>7}"
    lines = [head, "-" * len(head)]
    for r in results:
        setting = (r.setting + (f" [{r.layer}]" if r.layer else ""))[:34]
        fmt = lambda v, spec: format(v, spec) if v is not None else "-"
        lines.append(f"{r.method:<10} {setting:<34} {r.parameters:>9,} {r.nonzeros:>9,} {r.sparsity:>6.1%} "
                     f"{fmt(r.weight_bytes, ',d'):>10} {fmt(r.ratio, '.1f'):>6} {fmt(r.total_bytes, ',d'):>10} "
                     f"{fmt(r.total_ratio, '.1f'):>6} {r.UAS:>6.2f} {r.LAS:>6.2f} {r.sentences_per_s:>7.0f}")
    return "\n".join(lines)


def pareto_front(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The (size, LAS) points no other point beats on both (smaller or equal size and higher LAS), by size."""
    front: list[tuple[float, float]] = []
    for size, las in sorted(points, key=lambda p: (p[0], -p[1])):
        if not front or las > front[-1][1]:
            front.append((size, las))
    return front
