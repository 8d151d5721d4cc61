"""photosort where POSIX advisory locks do not exist (as on Windows): a real `photosort serve`
runs in a process whose `import fcntl` fails. It opens the session, files, undoes and
auto-moves over HTTP; the one-writer lock is then a lock file that names its owner, which a
restart after a kill -9 takes over from the dead process."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from groupfiles import jpegs
from serving import serve
from testdata import STAMPS

# `photosort` with fcntl made unavailable before anything is imported.
LAUNCH = (
    "import sys; sys.modules['fcntl'] = None; "
    "import warnings; warnings.simplefilter('ignore'); "
    "from photosort.cli import app; app()"
)


def _start(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    return serve(args, launcher=[sys.executable, "-c", LAUNCH], timeout=180)


@pytest.mark.timeout(300)
def test_a_session_files_undoes_and_auto_moves_without_fcntl(tmp_path: Path) -> None:
    source = tmp_path / "photos"
    for name in ("birds", "coins"):
        (source / name).mkdir(parents=True)
        for photo in sorted((STAMPS / name).glob("*.jpg"))[:3]:
            shutil.copyfile(photo, source / name / photo.name)
    for i, photo in enumerate(jpegs()[10:16]):
        shutil.copyfile(photo, source / f"loose_{i}.jpg")

    proc, url = _start([str(source), "--model", "efficientnet-lite0"])
    try:
        lock = (source / ".clustering" / "session.lock").read_text()
        assert lock.split()[0] == str(proc.pid), "the owner-naming lock file is not in use"
        client = httpx.Client(base_url=url, timeout=120)
        deadline = time.monotonic() + 120
        while not all(i["suggestions"] for i in client.get("/api/queue").json()["items"]):
            assert time.monotonic() < deadline, "no suggestions"
            time.sleep(0.1)
        r = client.post("/api/assign", json={"item": "loose_0.jpg", "cluster": "birds"})
        assert r.status_code == 200, r.text
        assert (source / "birds" / "loose_0.jpg").is_file()
        assert client.post("/api/undo", json={}).status_code == 200
        assert (source / "loose_0.jpg").is_file() and not (
            source / "birds" / "loose_0.jpg"
        ).exists()
        body = {"threshold": -1.0, "min_samples": 1, "min_margin": 0.0, "dry_run": False}
        moved = client.post("/api/auto-move", json=body).json()
        assert moved["count"] == 6, moved
        assert not list(source.glob("loose_*.jpg"))
    finally:
        proc.kill()  # SIGKILL: the lock file stays behind, naming a dead owner
        proc.wait()
    assert (source / ".clustering" / "session.lock").exists()
    again, _ = _start([str(source), "--model", "none"])
    again.terminate()
    again.wait(timeout=60)
    verify = subprocess.run(
        [sys.executable, "-c", LAUNCH, "verify", str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
