"""The layers hold: no import cycles in the engine or the app, and the engine never imports Qt.

The import graph is built from the source with ``ast``: module-level imports and the imports inside
functions alike (a function-level import hides a cycle from Python, not from this test), relative
imports resolved against the importing module's package.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGES = {"deplab.parser": ROOT / "parser", "deplab.app": ROOT / "app"}

def modules() -> dict[str, Path]:
    out = {}
    for pkg, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(folder).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join([pkg, *parts])] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file, at any depth."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            # "from . import x" imports the submodule x when there is one
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known and "." in t:
                t = t.rsplit(".", 1)[0]  # deplab.parser.conllu.Sentence -> deplab.parser.conllu
            if t in known and t != name:
                found.append((t, node.lineno))
    return found


def import_graph() -> dict[str, dict[str, int]]:
    mods = modules()
    known = set(mods)
    return {name: dict(_imports(name, path, known)) for name, path in mods.items()}


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a cycle path."""
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return comps


def describe(comp: list[str], graph) -> str:
    members = set(comp)
    return "; ".join(f"{a} → {b} (line {graph[a][b]})" for a in comp for b in sorted(graph[a]) if b in members)


def test_the_graph_sees_function_level_and_relative_imports():
    g = import_graph()
    # app/qt/annotation.py: "from .file_controller import FileController" (relative, module level)
    assert "deplab.app.qt.file_controller" in g["deplab.app.qt.annotation"]
    # app/qt/main_window.py installs the Lab tabs inside __init__ (function level)
    assert "deplab.app.qt.compression_install" in g["deplab.app.qt.main_window"]
    assert "deplab.parser.conllu" in g["deplab.app.model.document"]


def test_no_import_cycles_in_the_app():
    g = import_graph()
    app = [c for c in cycles(g) if any(m.startswith("deplab.app") for m in c)]
    assert not app, "import cycles in the app:\n" + "\n".join(describe(c, g) for c in app)


def test_no_import_cycles_in_the_engine():
    g = import_graph()
    found = [c for c in cycles(g) if all(m.startswith("deplab.parser") for m in c)]
    assert not found, "import cycles in the engine:\n" + "\n".join(describe(c, g) for c in found)


def test_the_engine_never_imports_qt():
    offenders = []
    for name, path in modules().items():
        if not name.startswith("deplab.parser"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for n in names:
                if n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph") or \
                        n.startswith("deplab.app"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: imports {n}")
    assert not offenders, "\n".join(offenders)


def test_the_app_model_is_qt_free():
    offenders = []
    for name, path in modules().items():
        if not name.startswith("deplab.app.model"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno}: imports {n}" for n in names
                          if n.split(".")[0] in ("PySide6", "shiboken6") or n.startswith("deplab.app.qt")]
    assert not offenders, "\n".join(offenders)


def test_a_cycle_is_found_and_described():
    g = {"a": {"b": 3}, "b": {"c": 5}, "c": {"a": 7}, "d": {"a": 1}}
    [c] = cycles(g)
    assert c == ["a", "b", "c"]
    assert describe(c, g) == "a → b (line 3); b → c (line 5); c → a (line 7)"
