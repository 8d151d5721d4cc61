"""The documents a user and a newcomer read: the README stays short and points at docs/ that
exist, and the code explains itself instead of citing a spec's section or a tracker's issue
number (which a reader of the repository cannot open)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
# Where code and its tests live (generated API types included: their text comes from the
# backend's docstrings).
SOURCES = (
    "backend/photosort",
    "backend/tests",
    "bench",
    "scripts",
    "client/src",
    "client/e2e",
    "docs",
)
SUFFIXES = {".py", ".ts", ".tsx", ".mjs", ".js", ".css", ".md"}
CITATION = re.compile(r"SPEC ?§|§ ?\d|SPEC\.md|\b[Ii]ssues? \d+\b|\(issue\b")


def test_the_readme_stays_short_and_its_links_exist():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250, "the README is for users: detail goes to docs/"
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if not target.startswith(("http://", "https://")):
            assert (REPO / target).exists(), f"README links to {target}, which is missing"
    for command in ("make run", "make test", "pipx install", "photosort serve"):
        assert command in text, command


def citations(root: Path) -> list[str]:
    """`file:line: text` of every citation under `root` (paths relative to it)."""
    found = []
    for path in sorted(root.rglob("*")):
        skip = "node_modules" in path.parts or path.name == "test_docs.py"  # its own examples
        if path.suffix in SUFFIXES and not skip and path.is_file():
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if CITATION.search(line):
                    found.append(f"{path.relative_to(root)}:{n}: {line.strip()[:80]}")
    return found


def test_no_source_cites_a_spec_section_or_an_issue_number():
    found = [f"{folder}/{hit}" for folder in SOURCES for hit in citations(REPO / folder)]
    assert found == [], "\n".join(found)


def test_the_citation_check_can_fail(tmp_path: Path):
    (tmp_path / "a.py").write_text('"""Copy mode (issue 9)."""\n# groups, see SPEC §11\n')
    (tmp_path / "b.ts").write_text("// issue a refund; tissue 90 gsm is fine\n")
    assert [hit.split(":")[:2] for hit in citations(tmp_path)] == [["a.py", "1"], ["a.py", "2"]]
