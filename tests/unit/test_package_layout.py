"""The layout a newcomer relies on: few modules directly in bot/, every other one in a package
named for its concern, and no cycle among the modules' top-level imports."""

import ast
from pathlib import Path
from typing import Dict, Set

from tests.conftest import ROOT

PACKAGES = {"library", "nlu", "safety", "serving", "web", "stats", "tools", "project"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports() -> Dict[str, Set[str]]:
    modules = {
        module_name(p): p
        for base in ("bot", "actions")
        for p in (ROOT / base).rglob("*.py")
        if "migrations" not in p.parts
    }
    graph: Dict[str, Set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = set()
        for node in tree.body:  # module level only: imports inside functions are deliberate and lazy
            if isinstance(node, ast.ImportFrom) and node.module in modules:
                found.add(str(node.module))
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name in modules}
        graph[name] = found - {name}
    return graph


def test_bot_has_a_handful_of_entry_points_and_packages_for_the_rest():
    loose = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
    assert loose == ["__init__.py", "cli.py", "launch.py", "settings.py"]
    folders = {p.name for p in (ROOT / "bot").iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders == PACKAGES


def test_no_cycle_among_top_level_imports():
    graph = top_level_imports()
    state: Dict[str, int] = {}

    def visit(name: str, path: tuple) -> None:
        state[name] = 1
        for other in sorted(graph.get(name, ())):
            assert state.get(other) != 1, " -> ".join((*path, name, other))
            if other not in state:
                visit(other, (*path, name))
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, ())
    assert len(graph) > 50
