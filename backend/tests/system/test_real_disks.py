"""photosort on the disks photographers really have: an exFAT memory card, a FAT32 card and an
NTFS drive, each a real file system on an image in a temporary folder, mounted through FUSE.

exFAT and FAT fold case and hand out a different inode number for each spelling of one name,
refuse hard links, and keep 2-second (FAT) mtimes; NTFS-3g has hard links and exact names. On
each, a real `photosort serve` files a loose photo and a RAW+JPEG+XMP group with upper-case
extensions, undoes, trashes, auto-moves the rest (burst frames included), is killed with
SIGKILL while it undoes that batch, and recovers. Afterwards every photo's bytes exist exactly
once (move mode) or the card is byte-for-byte untouched and every copy exists once (copy mode),
groups are whole, no folder holds two spellings of one name, and `verify` exits 0.
"""

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
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bursts import make_burst
from groupfiles import jpegs, raw_group
from testdata import STAMPS

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

from mounts import KINDS, Unavailable, mounted  # noqa: E402 - bench/ is on the path now

CLUSTERS = ("birds", "coins")
GROUP = ("IMG_0001.CR2", "IMG_0001.JPG", "IMG_0001.XMP", "IMG_0001.CR2.xmp")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=("local", *KINDS))
def disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A fresh disk of each kind; `local`: a folder on the machine's own disk, the baseline."""
    if request.param == "local":
        yield tmp_path / "local"
        return
    try:
        with mounted(request.param, tmp_path) as mnt:
            yield mnt
    except Unavailable as exc:
        pytest.skip(str(exc))


def _seed_clusters(dest: Path) -> None:
    for name in CLUSTERS:
        (dest / name).mkdir(parents=True)
        for photo in sorted((STAMPS / name).glob("*.jpg"))[:3]:
            shutil.copyfile(photo, dest / name / photo.name)


def _unsorted(folder: Path) -> None:
    """What a camera leaves: a loose photo, a RAW+JPEG+XMP shot with upper-case extensions, a
    3-frame burst, and a few more photos."""
    pool = jpegs()[10:]
    shutil.copyfile(pool[0], folder / "Loose_one.jpg")
    files = raw_group(folder, "IMG_0001", 3)
    files[2].rename(folder / "IMG_0001.XMP")
    make_burst(pool[1], folder, "BURST", 3)
    for i, photo in enumerate(pool[2:8]):
        shutil.copyfile(photo, folder / f"DSC_{i:04d}.JPG")


def _tree(root: Path, *, skip_session: bool = True) -> dict[str, str]:
    """rel path -> hash of every file under `root` (the session folder's caches left out, its
    trash kept)."""
    out = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        in_session = rel.startswith(".clustering/")
        if path.is_file() and not (skip_session and in_session and "/trash/" not in f"/{rel}"):
            out[rel] = _sha(path)
    return out


def _no_two_spellings(root: Path) -> None:
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        names = [p.name.casefold() for p in folder.iterdir()]
        dup = [n for n, c in collections.Counter(names).items() if c > 1]
        assert not dup, f"{folder} holds two spellings of {dup}"


def _group_whole(root: Path) -> None:
    [jpg] = [p for p in root.rglob("IMG_0001.JPG") if ".clustering" not in p.parts]
    for name in GROUP:
        assert (jpg.parent / name).is_file(), f"{name} is not beside {jpg}"


def _wait_for_suggestions(client: httpx.Client, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = client.get("/api/queue?limit=100").json()["items"]
        if items and all(i["suggestions"] for i in items):
            return
        time.sleep(0.1)
    raise AssertionError("no suggestions within the timeout")


def _ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def _kill_while_undoing(server, client: httpx.Client, journal: Path, batch: str) -> None:
    """Undo the batch in the background; SIGKILL once its first undo line is on disk (up to
    3 ms later), or when it ended first."""
    offset = journal.stat().st_size

    def undo() -> None:
        with contextlib.suppress(httpx.TransportError):
            client.post("/api/undo", json={"batch": batch})

    worker = threading.Thread(target=undo, daemon=True)
    worker.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and worker.is_alive():
        try:
            with open(journal, "rb") as fh:
                fh.seek(offset)
                seen = fh.read()
        except FileNotFoundError:
            continue  # FAT's FUSE driver replaces a file as unlink, then rename
        if b'"type":"undo"' in seen:
            time.sleep(random.Random(offset).uniform(0.0, 0.003))
            break
        time.sleep(0.0005)
    server.proc.kill()
    server.proc.wait()


def _session_flow(source: Path, dest: Path, extra: list[str]) -> None:
    """Everything a reviewer does on the card, ending in a kill -9 and a restart."""
    from common import PHOTOSORT, Server

    into = ["--into", str(dest)] if dest != source else []
    server = Server([str(source), *into, "--model", "efficientnet-lite0", *extra])
    server.start()
    try:
        server.wait_for("/api/health", timeout=180)
        client = httpx.Client(base_url=server.url, timeout=120.0)
        _wait_for_suggestions(client)
        loose = next(
            i["item"]
            for i in _ok(client.get("/api/queue?limit=100"))["items"]
            if i["item"].endswith("Loose_one.jpg")
        )
        assert _ok(client.post("/api/assign", json={"item": loose, "cluster": "birds"}))
        assert (dest / "birds" / "Loose_one.jpg").is_file()
        face = loose.replace("Loose_one.jpg", "IMG_0001.JPG")
        _ok(client.post("/api/assign", json={"item": face, "cluster": "coins"}))
        assert sorted(p.name for p in (dest / "coins").glob("IMG_0001*")) == sorted(GROUP)
        _ok(client.post("/api/undo", json={}))
        assert not list((dest / "coins").glob("IMG_0001*")), "undo left part of the group"
        assert (source / face).is_file()
        _wait_for_suggestions(client, 10)  # the group is queued again, with its suggestions
        trashed = loose.replace("Loose_one.jpg", "DSC_0000.JPG")
        _ok(client.post("/api/delete", json={"item": trashed}))
        body = {"threshold": -1.0, "min_samples": 1, "min_margin": 0.0, "dry_run": False}
        moved = _ok(client.post("/api/auto-move", json=body))
        assert moved["count"] >= 8, moved
        left = _ok(client.get("/api/queue?limit=100"))["items"]
        assert left == [], left
        _group_whole(dest)
        _kill_while_undoing(server, client, dest / ".clustering" / "actions.jsonl", moved["batch"])
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
    again = Server([str(source), *into, "--model", "none", *extra])
    again.start()
    try:
        again.wait_for("/api/health", timeout=120)  # start-up recovery finishes the kill's work
    finally:
        again.stop()
    verify = subprocess.run(
        [str(PHOTOSORT), "verify", str(source), *into], capture_output=True, text=True, timeout=120
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # The journal itself is on the card, whole (FAT's FUSE driver once left it empty, its
    # lines in a nameless `~N` entry).
    journal = (dest / ".clustering" / "actions.jsonl").read_bytes()
    for kind in (b'"type":"assign"', b'"type":"undo"', b'"type":"auto-batch-start"'):
        assert kind in journal, kind


@pytest.mark.timeout(600)
def test_move_mode_on_a_real_disk_files_undoes_and_survives_a_kill(disk: Path) -> None:
    source = disk / "Photos"
    _seed_clusters(source)
    _unsorted(source)
    before = collections.Counter(_tree(source).values())
    _session_flow(source, source, [])
    after = collections.Counter(_tree(source).values())
    assert after == before, "a photo was lost or doubled"
    _group_whole(source)
    _no_two_spellings(source)
    assert list((source / ".clustering" / "trash").rglob("DSC_0000.JPG"))


@pytest.mark.timeout(600)
def test_copy_mode_on_a_real_card_copies_each_photo_once_and_never_touches_it(
    disk: Path,
) -> None:
    card, dest = disk / "DCIM" / "100CANON", disk / "Sorted"
    card.mkdir(parents=True)
    _unsorted(card)
    _seed_clusters(dest)
    seeded = set(_tree(dest).values())
    original = _tree(disk / "DCIM")
    _session_flow(disk / "DCIM", dest, ["--copy"])
    assert _tree(disk / "DCIM") == original, "copy mode changed the card"
    copies = collections.Counter(_tree(dest).values())
    assert [h for h, n in copies.items() if n > 1] == [], "a photo was copied twice"
    assert set(copies) - seeded <= set(original.values()), "DEST holds bytes the card never had"
    assert set(copies) - seeded, "nothing was copied"
    _no_two_spellings(dest)
    if (dest / "coins" / "IMG_0001.JPG").exists() or (dest / "birds" / "IMG_0001.JPG").exists():
        _group_whole(dest)
