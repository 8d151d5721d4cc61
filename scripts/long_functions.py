"""List functions in backend/photosort longer than a limit (default 60 lines) that carry no
`# long:` comment on their `def` line or the line above saying why, and classes longer than
a second limit (default 400 lines; no exceptions: a class that long holds several jobs).

    .venv/bin/python scripts/long_functions.py [LIMIT [CLASS_LIMIT]]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "backend" / "photosort"


def long_functions(limit: int = 60) -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines), filename=str(path))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            marks = lines[max(0, first - 2) : node.lineno]
            if length > limit and not any("# long:" in m for m in marks):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.name} {length}")
    return found


def long_classes(limit: int = 400) -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            length = (getattr(node, "end_lineno", None) or 0) - getattr(node, "lineno", 0) + 1
            if isinstance(node, ast.ClassDef) and length > limit:
                found.append(
                    f"{path.relative_to(ROOT.parent)}:{node.lineno} class {node.name} {length}"
                )
    return found


if __name__ == "__main__":
    limits = [int(a) for a in sys.argv[1:3]]
    report = long_functions(*limits[:1]) + long_classes(*limits[1:2])
    print("\n".join(report) or "none")
    sys.exit(1 if report else 0)
