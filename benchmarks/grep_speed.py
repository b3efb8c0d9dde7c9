"""Speed of tree-pattern search (deplab grep) over a treebank, against networkx's VF2 matcher.

    python benchmarks/grep_speed.py [TREEBANK]      (default: UD English-EWT train in ../shared)

Prints, for a few requests: the matches found, the seconds DepLab's backtracking matcher
takes over the sentences already read (best of 3), the same search with networkx's
``DiGraphMatcher.subgraph_monomorphisms_iter`` (one graph per sentence; the counts must agree),
then the wall time of the whole ``python -m deplab grep --count`` process (reading included).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deplab.parser.conllu import read_conllu  # noqa: E402
from deplab.parser.grew.match import Matcher  # noqa: E402

REQUESTS = [
    # two nodes, one edge: the figure the issue asks for
    ("pattern { N -[nsubj]-> M }", ("nsubj", None, None)),
    ("pattern { N [upos=VERB]; N -[obj]-> M }", ("obj", "VERB", None)),
    ("pattern { N [upos=NOUN]; M [upos=ADJ]; N -[amod]-> M; M << N }", ("amod", "NOUN", "ADJ")),
]


def ours(sentences, request):
    m = Matcher(request)
    best, n = float("inf"), 0
    for _ in range(3):
        t = time.perf_counter()
        n = sum(len(m.matches(s, i)) for i, s in enumerate(sentences))
        best = min(best, time.perf_counter() - t)
    return n, best


def with_networkx(sentences, label, head_upos, dep_upos, before):
    import networkx as nx
    from networkx.algorithms.isomorphism import DiGraphMatcher
    pattern = nx.DiGraph()
    pattern.add_node("N", upos=head_upos)
    pattern.add_node("M", upos=dep_upos)
    pattern.add_edge("N", "M", label=label)
    t = time.perf_counter()
    n = 0
    for s in sentences:
        g = nx.DiGraph()
        for w in s.words:
            g.add_node(int(w.id), upos=w.upos)
        for w in s.words:
            if w.head_index:
                g.add_edge(w.head_index, int(w.id), label=w.deprel)
        gm = DiGraphMatcher(g, pattern, node_match=lambda a, b: b["upos"] is None or a["upos"] == b["upos"],
                            edge_match=lambda a, b: a["label"] == b["label"])
        for mapping in gm.subgraph_monomorphisms_iter():
            inv = {v: k for k, v in mapping.items()}
            if not before or inv["M"] < inv["N"]:
                n += 1
    return n, time.perf_counter() - t


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent.parent / "shared/data/ud/en_ewt/en_ewt-ud-train.conllu"
    if not path.exists():
        path = ROOT.parent / "shared/data/ud/en_ewt/en_ewt-ud-train.conllu"
    t = time.perf_counter()
    sentences = read_conllu(path)
    read = time.perf_counter() - t
    print(f"{path.name}: {len(sentences)} sentences, {sum(len(s.words) for s in sentences)} words, "
          f"read in {read:.2f} s (CPU cores: {os.cpu_count()})")
    print(f"{'request':<66}{'matches':>8}{'DepLab s':>10}{'networkx s':>12}")
    for request, (label, hu, du) in REQUESTS:
        n, secs = ours(sentences, request)
        nn, nsecs = with_networkx(sentences, label, hu, du, "<<" in request)
        agree = "" if nn == n else f"  (networkx found {nn}!)"
        print(f"{request:<66}{n:>8}{secs:>10.3f}{nsecs:>12.3f}{agree}")
    req = REQUESTS[0][0]
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "deplab", "grep", "--count", req, str(path)], capture_output=True,
                       text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    print(f"whole process: python -m deplab grep --count '{req}' {path.name}: {r.stdout.strip()} matches "
          f"in {wall:.2f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
