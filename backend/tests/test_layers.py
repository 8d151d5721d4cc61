"""The import graph of `photosort` follows the layers drawn in docs/ARCHITECTURE.md.

Every import (module level, inside functions, under TYPE_CHECKING) counts: a lazy import is
still a dependency. The graph must have no cycle between modules, and a module may import only
its own package or a package of a lower layer. A package whose `__init__` declares `__all__`
has a face: from outside, it is imported only through that `__init__`, so the modules behind it
can move without anyone else changing.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "photosort"

# Highest first. Packages on one line are peers: they may not import one another.
LAYERS: list[set[str]] = [
    {"launch"},
    {"cli"},
    {"api", "distributed"},
    {"suggest"},
    {"session", "ml", "media", "userstate"},
    {"jsontext"},
    {"errors", "formats", "fsutil", "config", "locks", "__init__"},
    {"fsinfo"},
]
LAYER_OF = {part: i for i, parts in enumerate(LAYERS) for part in parts}

# The packages other layers build on: each must show a face.
FACED = {"photosort.session", "photosort.suggest", "photosort.ml", "photosort.media"}


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


def shown_names(init: Path) -> set[str] | None:
    """The names a package's `__init__` lists in `__all__`; None where it has no `__all__`."""
    tree = ast.parse(init.read_text(encoding="utf-8"), filename=str(init))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = node.value
            assert isinstance(value, ast.List | ast.Tuple), f"{init}: __all__ is not a literal"
            return {e.value for e in value.elts if isinstance(e, ast.Constant)}
    return None


def imports(
    path: Path, module: str, known: set[str], shown: dict[str, set[str]] | None = None
) -> Iterator[tuple[str, int]]:
    """Every photosort module `path` imports, with the line. `from pkg import mod` counts as
    importing both `mod` and `pkg`'s `__init__`: it reads a name from the package, whose names
    are all there only once that `__init__` has run, so inside the package it is a cycle as soon
    as the `__init__` leads back to the importing module. (`import pkg.mod` and
    `from pkg.mod import x` also run `pkg`'s `__init__` first, but read nothing from it.)
    A name `pkg` lists in `__all__` is that name, even where a module of the package shares it
    (`from photosort.media import fingerprint` is the function)."""
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
            yield target, node.lineno
            listed = (shown or {}).get(target, set())
            for alias in node.names:
                if f"{target}.{alias.name}" in known and alias.name not in listed:
                    yield f"{target}.{alias.name}", node.lineno


def build_graph(root: Path = ROOT) -> dict[str, dict[str, int]]:
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    shown = {
        m: names
        for m, p in files.items()
        if p.name == "__init__.py" and (names := shown_names(p)) is not None
    }
    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        edges: dict[str, int] = {}
        for target, line in imports(path, module, set(files), shown):
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


def faces(root: Path = ROOT) -> set[str]:
    """The packages whose `__init__` assigns `__all__`."""
    return {
        module_name(init, root)
        for init in root.rglob("__init__.py")
        if shown_names(init) is not None
    }


def inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def unbound_face_names(root: Path = ROOT) -> list[str]:
    """Names a face lists in `__all__` but never binds (imports, assigns or defines, under
    TYPE_CHECKING included: a lazy face binds those through its module `__getattr__`)."""
    bad = []
    for init in sorted(root.rglob("__init__.py")):
        listed = shown_names(init)
        if listed is None:
            continue
        bound: set[str] = set()
        tree = ast.parse(init.read_text(encoding="utf-8"), filename=str(init))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                bound.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                bound.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
        bad += [f"{module_name(init, root)}.{name}" for name in sorted(listed - bound)]
    return bad


def face_violations(graph: dict[str, dict[str, int]], faced: set[str]) -> list[str]:
    """Imports from outside a faced package of anything behind its face."""
    bad = []
    for module, edges in sorted(graph.items()):
        for target, line in sorted(edges.items()):
            for face in sorted(faced):
                if target.startswith(face + ".") and not inside(module, face):
                    bad.append(f"{module}:{line} -> {target}: past the face of {face}")
    return bad


def test_every_package_is_placed_in_a_layer():
    packages = {package_of(m) for m in build_graph()}
    assert packages <= set(LAYER_OF), packages - set(LAYER_OF)


def test_the_import_graph_has_no_cycle():
    assert find_cycle(build_graph()) is None, " -> ".join(find_cycle(build_graph()) or [])


def test_no_import_goes_up_or_sideways_between_layers():
    assert layer_violations(build_graph()) == []


def test_the_packages_others_build_on_show_a_face():
    assert faces() >= FACED, FACED - faces()


def test_a_face_binds_every_name_it_lists():
    assert unbound_face_names() == []


def test_the_face_check_catches_a_listed_name_never_bound(tmp_path: Path):
    root = write_tree(
        tmp_path,
        {
            **FACED_TREE,
            "low/__init__.py": "from photosort.low.impl import thing\n\n"
            '__all__ = ["thing", "gone"]\n',
        },
    )
    assert unbound_face_names(root) == ["photosort.low.gone"]


def test_imports_from_outside_a_package_go_through_its_face():
    assert face_violations(build_graph(), faces()) == []


def test_the_faces_import_no_heavy_library():
    """Importing a face costs what the package's light modules cost: torch and the model
    libraries load where a model loads, RAW and video libraries when such a file shows up."""
    heavy = ("torch", "transformers", "faiss", "rawpy", "av", "ray")
    code = (
        f"import sys; import {', '.join(sorted(FACED))}; "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules) or '-')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "-"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """A small package `photosort` under `root`, one file per entry (path -> source)."""
    for rel, text in files.items():
        path = root / "photosort" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "photosort"


FACED_TREE = {
    "__init__.py": "",
    "low/__init__.py": ('from photosort.low.impl import thing\n\n__all__ = ["thing"]\n'),
    "low/impl.py": "def thing() -> None: ...\n",
    "low/other.py": "from photosort.low.impl import thing  # a sibling: no face needed\n",
    "bare/__init__.py": "",
    "bare/impl.py": "def tool() -> None: ...\n",
}


def test_the_face_check_catches_a_deep_import(tmp_path: Path):
    """Reaching behind a face fails, lazily or as `from pkg import module`; the face itself,
    siblings inside the package and packages without a face pass."""
    root = write_tree(
        tmp_path,
        {
            **FACED_TREE,
            "high/__init__.py": "",
            "high/good.py": (
                "from photosort.low import thing\nfrom photosort.bare.impl import tool\n"
            ),
            "high/deep.py": "def f() -> None:\n    from photosort.low.impl import thing\n",
            "high/module.py": "from photosort.low import impl\n",
            "high/name.py": "from photosort.low import thing\n",
            "low/thing.py": "# shares a listed name: importing `thing` is not this module\n",
        },
    )
    assert faces(root) == {"photosort.low"}
    bad = face_violations(build_graph(root), faces(root))
    assert [b.split(":")[0] for b in bad] == ["photosort.high.deep", "photosort.high.module"]
    assert all("past the face of photosort.low" in b for b in bad)


def test_a_package_without_all_shows_no_face(tmp_path: Path):
    root = write_tree(tmp_path, {**FACED_TREE, "low/__init__.py": "from .impl import thing\n"})
    assert faces(root) == set()
    assert FACED_TREE["low/__init__.py"] and faces(write_tree(tmp_path, FACED_TREE)) == {
        "photosort.low"
    }


@pytest.mark.parametrize(
    "sibling_import",
    ["from photosort.media import raster", "from . import raster", "from photosort.media import x"],
)
def test_the_cycle_check_sees_an_import_through_the_package(tmp_path: Path, sibling_import: str):
    """`media/__init__` imports `decode`; `decode` reading anything from `photosort.media`
    (a sibling module or a name) goes back through that `__init__`."""
    tree = {
        "__init__.py": "",
        "media/__init__.py": "from photosort.media.decode import open_image\n\nx = 1\n",
        "media/raster.py": "def open_raster() -> None: ...\n",
        "media/decode.py": f"def open_image() -> None:\n    {sibling_import}\n",
    }
    cycle = find_cycle(build_graph(write_tree(tmp_path, tree)))
    assert cycle is not None
    assert "photosort.media" in cycle and "photosort.media.decode" in cycle


@pytest.mark.parametrize(
    "sibling_import",
    ["from photosort.media.raster import open_raster", "import photosort.media.raster as raster"],
)
def test_a_sibling_imported_by_its_own_path_makes_no_cycle(tmp_path: Path, sibling_import: str):
    tree = {
        "__init__.py": "",
        "media/__init__.py": "from photosort.media.decode import open_image\n",
        "media/raster.py": "def open_raster() -> None: ...\n",
        "media/decode.py": f"{sibling_import}\n\n\ndef open_image() -> None: ...\n",
    }
    assert find_cycle(build_graph(write_tree(tmp_path, tree))) is None


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
