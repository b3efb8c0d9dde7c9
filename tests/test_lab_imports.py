"""The Lab's engine modules are in no import cycle, counting imports inside functions too (issue 15)."""
import ast
from pathlib import Path

import networkx as nx

PARSER = Path(__file__).resolve().parent.parent / "parser"
LAB = {"model", "finetune", "forgetting", "growth", "uncertainty", "learning_curve", "active_learning"}


def _module(path: Path) -> str:
    rel = path.relative_to(PARSER).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts) or "__init__"


def _nodes(tree):
    """Every node, inside functions too, except the bodies of ``if TYPE_CHECKING:`` (annotations only)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and isinstance(child.test, ast.Name) and child.test.id == "TYPE_CHECKING":
                stack.extend(child.orelse)
                continue
            stack.append(child)


def import_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    names = {_module(p) for p in PARSER.rglob("*.py")}
    for path in PARSER.rglob("*.py"):
        me = _module(path)
        package = me.split(".")[:-1] if path.name != "__init__.py" else me.split(".")
        g.add_node(me)
        for node in _nodes(ast.parse(path.read_text(encoding="utf-8"))):  # function-level imports as well
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join(base + ([node.module] if node.module else []))
                candidates = [target] + [f"{target}.{a.name}" if target else a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("deplab.parser"):
                target = node.module[len("deplab.parser."):]
                candidates = [target] + [f"{target}.{a.name}" for a in node.names]
            else:
                continue
            for c in candidates:
                if c in names and c != me:
                    g.add_edge(me, c)
    return g


def test_the_graph_sees_function_level_imports():
    g = import_graph()
    assert g.has_edge("model", "compression.storage")      # Model.load reads the compressed format
    assert g.has_edge("compression.sharing", "compression.uniform")
    assert g.has_edge("finetune", "forgetting")


def test_no_import_cycle_through_the_lab():
    g = import_graph()
    lab = {n for n in g if n in LAB or n.startswith("compression")}
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1 and c & lab]
    assert not cycles, f"import cycles: {cycles}"
