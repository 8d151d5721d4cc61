"""`.photosortignore`: folders and files a photographer keeps out of sorting (exports, a
client's proofs, a sync client's conflict copies), in gitignore syntax.

The file may sit in the source and in the dest (one file when they are the same folder). A
pattern is matched against the path relative to the folder that holds its file, so with dest
inside the source, the source's file reaches into dest and dest's file covers its own part of
the tree. What matches is neither queued nor a cluster nor a cluster's member; a folder that
matches is not walked at all (as in git, nothing below an excluded folder is re-included).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pathspec

log = logging.getLogger("photosort.session")

IGNORE_FILE = ".photosortignore"

# (path relative to the walked root, is a folder) -> left out
Matcher = Callable[[str, bool], bool]


def _compile(lines: list[str], where: str) -> pathspec.GitIgnoreSpec:
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:
        pass
    # One bad line must not void the photographer's other rules: keep every line that compiles.
    kept: list[str] = []
    for number, line in enumerate(lines, 1):
        try:
            pathspec.GitIgnoreSpec.from_lines([line])
        except ValueError as exc:
            log.warning("%s line %d ignored: %s", where, number, exc)
        else:
            kept.append(line)
    return pathspec.GitIgnoreSpec.from_lines(kept)


class IgnoreRules:
    """The ignore files of a session's roots, compiled once per scan."""

    def __init__(self, rules: list[tuple[str, pathspec.GitIgnoreSpec]], files: list[str]):
        self._rules = rules
        self.files = files  # the ignore files read (a change to one changes what a scan finds)

    @classmethod
    def load(cls, roots: Iterable[Path]) -> IgnoreRules:
        rules: list[tuple[str, pathspec.GitIgnoreSpec]] = []
        files: list[str] = []
        for root in dict.fromkeys(os.path.realpath(r) for r in roots):
            path = os.path.join(root, IGNORE_FILE)
            try:
                with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                    lines = fh.read().splitlines()
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("could not read %s (%s); nothing is ignored by it", path, exc)
                continue
            files.append(path)
            spec = _compile(lines, path)
            if any(p.include is not None for p in spec.patterns):  # not only comments
                rules.append((root, spec))
        return cls(rules, files)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def matcher(self, walk_root: str | os.PathLike[str]) -> Matcher | None:
        """A test for paths relative to `walk_root` (`/`-separated); None when no rule can
        reach below it, so a walk without ignore files pays nothing."""
        root = os.path.realpath(walk_root)
        # (spec, prefix to add to a walked path, or prefix a walked path must have and loses)
        bound: list[tuple[pathspec.GitIgnoreSpec, str, str]] = []
        for rule_root, spec in self._rules:
            if root == rule_root:
                bound.append((spec, "", ""))
            elif root.startswith(rule_root.rstrip(os.sep) + os.sep):
                bound.append((spec, _rel(root, rule_root), ""))
            elif rule_root.startswith(root.rstrip(os.sep) + os.sep):
                bound.append((spec, "", _rel(rule_root, root)))
        if not bound:
            return None

        def ignored(rel: str, is_dir: bool) -> bool:
            for spec, add, strip in bound:
                if strip:
                    if not rel.startswith(strip):
                        continue
                    path = rel[len(strip) :]
                else:
                    path = add + rel
                if spec.match_file(f"{path}/" if is_dir else path):
                    return True
            return False

        return ignored

    def excludes(
        self, walk_root: str | os.PathLike[str], item: str, *, is_dir: bool = False
    ) -> bool:
        """Whether `item` (relative to `walk_root`) is left out, by its own name or by any
        folder above it: the single-path test live folders use instead of a walk."""
        ignored = self.matcher(walk_root)
        if ignored is None:
            return False
        parts = item.split("/")
        for depth in range(1, len(parts)):
            if ignored("/".join(parts[:depth]), True):
                return True
        return ignored(item, is_dir)


def _rel(inner: str, outer: str) -> str:
    return os.path.relpath(inner, outer).replace(os.sep, "/") + "/"
