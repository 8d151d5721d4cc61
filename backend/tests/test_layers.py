"""The import graph of `photosort` follows the layers drawn in docs/ARCHITECTURE.md.

Every import (module level, inside functions, under TYPE_CHECKING) counts: a lazy import is
still a dependency. The graph must have no cycle between modules, and a module may import only
its own package or a package of a lower layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "photosort"

# Highest first. Packages on one line are peers: they may not import one another.
LAYERS: list[set[str]] = [
    {"cli"},
    {"api", "distributed"},
    {"suggest"},
    {"session", "ml", "media", "userstate"},
    {"jsontext"},
    {"errors", "formats", "fsutil", "config", "locks", "__init__"},
    {"fsinfo"},
]
LAYER_OF = {part: i for i, parts in enumerate(LAYERS) for part in parts}


def module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def package_of(module: str) -> str:
    """`photosort.session.engine` -> `session`; `photosort` itself -> `__init__`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path, module: str, known: set[str]) -> Iterator[tuple[str, int]]:
    """Every photosort module `path` imports, with the line. `from pkg import mod` counts as
    importing `mod` (not the package's `__init__`, which only gathers names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [f"{target}.{alias.name}" for alias in node.names]
            submodules = [n for n in names if n in known]
            if len(submodules) < len(names):
                yield target, node.lineno
            for name in submodules:
                yield name, node.lineno


def build_graph(root: Path = ROOT) -> dict[str, dict[str, int]]:
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        edges: dict[str, int] = {}
        for target, line in imports(path, module, set(files)):
            if target in files and target != module:
                edges.setdefault(target, line)
        graph[module] = edges
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def layer_violations(graph: dict[str, dict[str, int]]) -> list[str]:
    bad = []
    for module, edges in sorted(graph.items()):
        mine = package_of(module)
        for target, line in sorted(edges.items()):
            theirs = package_of(target)
            if theirs == mine or theirs == "__init__":
                continue
            if mine not in LAYER_OF or theirs not in LAYER_OF:
                bad.append(f"{module}:{line} -> {target}: package not placed in LAYERS")
            elif LAYER_OF[theirs] <= LAYER_OF[mine]:
                bad.append(f"{module}:{line} -> {target}: {mine} may not import {theirs}")
    return bad


def test_every_package_is_placed_in_a_layer():
    packages = {package_of(m) for m in build_graph()}
    assert packages <= set(LAYER_OF), packages - set(LAYER_OF)


def test_the_import_graph_has_no_cycle():
    assert find_cycle(build_graph()) is None, " -> ".join(find_cycle(build_graph()) or [])


def test_no_import_goes_up_or_sideways_between_layers():
    assert layer_violations(build_graph()) == []


def test_the_checker_catches_a_bad_import(tmp_path: Path):
    """A copy of the package with one lazy upward import and one lazy cycle must fail both."""
    for path in ROOT.rglob("*.py"):
        copy = tmp_path / "photosort" / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    engine = tmp_path / "photosort" / "session" / "engine.py"
    engine.write_text(
        engine.read_text(encoding="utf-8")
        + "\n\ndef _bad() -> None:\n    from photosort.api import views  # noqa: F401\n",
        encoding="utf-8",
    )
    raster = tmp_path / "photosort" / "media" / "raster.py"
    raster.write_text(
        raster.read_text(encoding="utf-8") + "\n\ndef _loop() -> None:\n    from . import decode\n",
        encoding="utf-8",
    )
    graph = build_graph(tmp_path / "photosort")
    assert any("session may not import api" in v for v in layer_violations(graph))
    cycle = find_cycle(graph)
    assert cycle is not None


@pytest.mark.parametrize("module", ["photosort.ml", "photosort.media", "photosort.session"])
def test_lower_layers_know_nothing_of_suggest(module: str):
    graph = build_graph()
    for name, edges in graph.items():
        if name == module or name.startswith(module + "."):
            assert not [t for t in edges if package_of(t) in ("suggest", "api", "cli")], name
