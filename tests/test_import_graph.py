"""The import graph inside `explorer/`: no cycles, and every arrow pointing down the layers.

Built statically with `ast` from every import statement, including the ones inside functions
(the commands import their heavy parts lazily) and under `if TYPE_CHECKING:` (a type-only arrow
that points up is still a wrong arrow). Runtime hygiene (what a fresh interpreter loads) is
tests/test_import_hygiene.py's job; this one sees the code paths nobody ran.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "explorer"

# Lower numbers are deeper: a module may import from its own layer or a lower one, never a
# higher one (architecture.md, "Rooms and arrows"). Top-level names not listed are not ranked.
LAYERS: dict[str, int] = {
    "signing": 0,
    "crypto": 0,
    "endpoints": 0,
    "environment": 0,
    "request": 0,
    "exchange": 0,
    "known_values": 0,
    "multipart": 0,
    "plurals": 0,
    "safe_text": 0,
    "doctor": 1,
    "client": 2,
    "clipboard": 2,
    "export": 2,
    "workspace": 2,
    "sandbox": 2,
    "tui": 3,
    "commands": 3,
    "cli": 4,
    "__main__": 4,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _imported(module: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """(module inside explorer, line) for each import in the file; `from pkg import sub` names the submodule."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                package = module.split(".")
                if not is_package:
                    package = package[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, node.module] if node.module else package)
            else:
                base = node.module or ""
            if base not in known:
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield (submodule if submodule in known else base), node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported module -> first line}, for modules inside explorer/."""
    modules = _modules()
    known = set(modules)
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges: dict[str, int] = {}
        for target, line in _imported(module, path, known):
            if target != module:
                edges.setdefault(target, line)
        graph[module] = edges
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None. Iterative depth-first search (white/grey/black)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for root in sorted(graph):
        if root in state:
            continue
        path: list[str] = [root]
        stack: list[Iterator[str]] = [iter(sorted(graph[root]))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, {}))))
    return None


def _describe(cycle: list[str], graph: dict[str, dict[str, int]]) -> str:
    steps = [f"  {a} (line {graph[a][b]}) -> {b}" for a, b in pairwise(cycle)]
    return "import cycle inside explorer/:\n" + "\n".join(steps)


def _layer(module: str) -> tuple[str, int] | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return parts[1], LAYERS[parts[1]]


def test_the_graph_sees_function_level_and_from_imports() -> None:
    # The graph must see what the checks below rely on, or they would pass on an empty graph.
    graph = import_graph()
    assert "explorer.commands.errors" in graph["explorer.cli"]
    assert "explorer.tui.app" in graph["explorer.commands.launch"]  # imported inside `run`
    assert "explorer.commands._inputs" in graph["explorer.commands.sign"]  # `from explorer.commands import _inputs`


def test_no_import_cycle_inside_explorer() -> None:
    graph = import_graph()
    cycle = find_cycle(graph)
    assert cycle is None, _describe(cycle, graph)


def test_find_cycle_reports_the_loop() -> None:
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": 1}, "b": {}}) is None
    assert "a (line 1) -> b" in _describe(["a", "b", "c", "a"], graph)


def test_arrows_point_down_the_layers() -> None:
    graph = import_graph()
    upward = []
    for module, edges in graph.items():
        source = _layer(module)
        for target, line in edges.items():
            destination = _layer(target)
            if source and destination and destination[1] > source[1]:
                upward.append(f"  {module} (line {line}) -> {target}: {source[0]} is below {destination[0]}")
    assert not upward, "imports that point up the layers:\n" + "\n".join(upward)
