"""The `photosort` entry point (`photosort.launch`): `serve` starts the model's process before
the CLI is imported; `serve` claims it, and nothing outlives a command that does not."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from photosort.launch import serve_model

PHOTOSORT = Path(sys.executable).parent / "photosort"


@pytest.mark.parametrize(
    ("args", "want"),
    [
        (["serve", "src"], ("auto", "auto")),
        (["serve", "src", "--model", "clip", "--device=cpu"], ("clip", "cpu")),
        (["serve", "--model=/models/my clip", "src", "--port", "9"], ("/models/my clip", "auto")),
        (["serve", "src", "--model", "none"], None),
        (["serve", "src", "--help"], None),
        (["index", "src", "--model", "clip"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_serve_model_reads_what_typer_will(args: list[str], want: tuple[str, str] | None) -> None:
    assert serve_model(args) == want


def _workers_marked(mark: str) -> list[int]:
    """Running `photosort.ml.worker` processes whose environment holds `mark`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            env = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"photosort.ml.worker" in cmd and mark.encode() in env and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
def test_a_serve_that_fails_leaves_no_model_process(tmp_path: Path) -> None:
    """The model's process starts before the options are checked; a refused port ends it."""
    mark = uuid.uuid4().hex
    env = {**os.environ, "PHOTOSORT_TEST_MARK": mark}
    (tmp_path / "photos").mkdir()
    # Output to a file, not a pipe: a pipe would keep `run` waiting for every holder of its
    # end, a leftover child included.
    log = tmp_path / "out.txt"
    with log.open("w") as fh:
        done = subprocess.run(
            [str(PHOTOSORT), "serve", str(tmp_path / "photos"), "--port", "0", "--no-browser"],
            stdout=fh,
            stderr=subprocess.STDOUT,
            env=env,
            timeout=60,
        )
    said = log.read_text()
    assert done.returncode != 0
    assert "bad port 0" in said and "Traceback" not in said, said
    # Ended by then, not after its load (a second or more), when it would read its stdin's end.
    deadline = time.monotonic() + 0.5
    while _workers_marked(mark):
        assert time.monotonic() < deadline, "a model process outlived the refused serve"
        time.sleep(0.05)
