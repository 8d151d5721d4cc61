"""The crash rule for photo groups: a real `photosort serve` is SIGKILLed at random
instants while it auto-moves (and undoes) a batch of RAW+JPEG+XMP and HEIC+MOV+AAE groups.
After every restart each group is whole (every file in one folder under one name, bytes
unchanged), no file is lost or doubled, and `verify` is clean."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from groupfiles import live_group, raw_group
from testdata import STAMPS

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

KILLS = 6
CLUSTERS = ("birds", "coins")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _library(root: Path) -> tuple[Path, dict[str, dict[str, str]]]:
    """Two clusters of real photos and 24 groups (4 RAW+JPEG+XMP+CR2.xmp, 4 HEIC+MOV+AAE, 16
    JPEG+XMP: enough files that a batch takes a while to move); returns each group's face hash
    -> its files' suffixes (after the stem) -> hash."""
    source = root / "photos"
    for name in CLUSTERS:
        (source / name).mkdir(parents=True)
        for photo in sorted((STAMPS / name).glob("*.jpg"))[:3]:
            shutil.copyfile(photo, source / name / photo.name)
    groups: dict[str, dict[str, str]] = {}
    for i in range(24):
        stem = f"IMG_{i:04d}"
        if i < 8:
            made = raw_group(source, stem, i + 20) if i % 2 else live_group(source, stem, i + 20)
        else:
            made = raw_group(source, stem, i + 20)
            made[0].unlink()  # no RAW: a JPEG and its two XMPs
            made = made[1:]
        files = {f.name[len(stem) :]: _sha(f) for f in made}
        face = next(f for f in made if f.suffix in (".JPG", ".HEIC"))
        groups[_sha(face)] = files
    return source, groups


def _where(source: Path) -> dict[str, list[Path]]:
    """Content hash -> every file holding it (source, clusters, trash; not the cache)."""
    out: dict[str, list[Path]] = collections.defaultdict(list)
    for path in source.rglob("*"):
        rel = path.relative_to(source).parts
        if not path.is_file() or path.name.startswith("."):
            continue
        if rel[0] != ".clustering" or rel[1] == "trash":
            out[_sha(path)].append(path)
    return out


def _check_whole(source: Path, groups: dict[str, dict[str, str]], when: str) -> None:
    from photosort.session.engine import Session

    where = _where(source)
    for face_hash, files in groups.items():
        [face] = where[face_hash]  # exactly once
        stem = face.name[: -len(face.suffix)]
        for tail, digest in files.items():
            mate = face.with_name(f"{stem}{tail}")
            assert mate.is_file(), f"{when}: {mate.name} is not beside {face}"
            assert _sha(mate) == digest, f"{when}: {mate} changed"
    # The CR2s share their bytes (one sample file): as many copies as groups that have one.
    raws = sum(1 for files in groups.values() if ".CR2" in files)
    cr2 = next(files[".CR2"] for files in groups.values() if ".CR2" in files)
    assert len(where[cr2]) == raws, f"{when}: {len(where[cr2])} CR2 copies"
    session = Session(source, read_only=True)
    try:
        assert session.verify() == [], when
    finally:
        session.close()


def _wait_for_suggestions(client: httpx.Client, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = client.get("/api/queue?limit=100").json()["items"]
        if not items or all(i["suggestions"] for i in items):
            return
        time.sleep(0.1)
    raise AssertionError("no suggestions within the timeout")


def _batch_work(client: httpx.Client, undo: bool) -> None:
    if undo:
        page = client.get("/api/actions?limit=1000").json()
        done = set(page["undone"])
        batches = [
            r["batch"]
            for r in page["records"]
            if r["type"] == "auto-batch-start" and r["seq"] not in done
        ]
        if batches:
            threading.Thread(
                target=lambda: _quiet(client.post, "/api/undo", json={"batch": batches[-1]}),
                daemon=True,
            ).start()
            return
    body = {"threshold": -1.0, "min_samples": 1, "min_margin": 0.0, "dry_run": False}
    threading.Thread(
        target=lambda: _quiet(client.post, "/api/auto-move", json=body), daemon=True
    ).start()


def _wait_for_moves(journal: Path, offset: int, rng: random.Random) -> None:
    """Until the batch's write-ahead move lines are on disk, then up to 3 ms more: the kill
    lands while the group files are being moved."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(journal, "rb") as fh:
            fh.seek(offset)
            tail = fh.read()
        if b'"type":"assign"' in tail or b'"type":"undo"' in tail:
            time.sleep(rng.uniform(0.0, 0.003))
            return
        time.sleep(0.0005)


def _quiet(call, *args, **kwargs) -> None:
    with contextlib.suppress(httpx.TransportError):  # killed in flight: that is the point
        call(*args, **kwargs)


@pytest.mark.timeout(600)
def test_sigkill_during_group_batches_leaves_every_group_whole(tmp_path):
    from common import PHOTOSORT, Server

    source, groups = _library(tmp_path)
    rng = random.Random(9)
    for n in range(KILLS):
        server = Server([str(source), "--model", "efficientnet-lite0"])
        server.start()
        try:
            server.wait_for("/api/health")
            _check_whole(source, groups, f"restart {n}")
            client = httpx.Client(base_url=server.url, timeout=60.0)
            _wait_for_suggestions(client)
            journal = source / ".clustering" / "actions.jsonl"
            offset = journal.stat().st_size
            _batch_work(client, undo=n % 2 == 1)
            _wait_for_moves(journal, offset, rng)
        finally:
            assert server.proc is not None
            server.proc.kill()  # SIGKILL: no shutdown, no checkpoint
            server.proc.wait()
    server = Server([str(source), "--model", "none"])
    server.start()
    try:
        server.wait_for("/api/health")  # the last start recovers the last kill
    finally:
        server.stop()
    _check_whole(source, groups, "final")
    journal = (source / ".clustering" / "actions.jsonl").read_text(encoding="utf-8")
    assert '"companions"' in journal and '"auto-batch-start"' in journal
    # Kills really cut batches of group moves short: start-up recovery had moves to finish,
    # or a batch never got to its end line.
    starts = journal.count('"type":"auto-batch-start"')
    ends = journal.count('"type":"auto-batch-end"')
    assert '"type":"recovery"' in journal or ends < starts
    r = subprocess.run([str(PHOTOSORT), "verify", str(source)], capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
