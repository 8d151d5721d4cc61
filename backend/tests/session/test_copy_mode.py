"""Copy mode: filing copies whole groups into the clusters (verified), trash
only hides, undo removes the copies that still hold the original bytes, the queue hides what
is copied across restarts, a read-only source opens in copy mode by itself, and after a whole
session the source is byte-for-byte what it was."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from groupfiles import group_assign_line, live_group, raw_group, xmp

from photosort.errors import Conflict, SessionFolderError
from photosort.session import copymode
from photosort.session.engine import MovePlan


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under `root`: relative path -> (sha256, mtime_ns)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[path.relative_to(root).as_posix()] = (digest, st.st_mtime_ns)
    return out


@pytest.fixture
def card(make_library):
    """A camera card: loose JPEGs, two RAW+JPEG+XMP groups (one in DCIM/), a Live Photo; the
    clusters live in a separate dest."""
    lib = make_library(loose=4, into=True)
    lib.raw1 = raw_group(lib.source, "IMG_0101", 1)
    lib.raw2 = raw_group(lib.source / "DCIM", "IMG_0102", 2)
    lib.live = live_group(lib.source, "IMG_0201", 3)
    return lib


def test_a_whole_copy_session_leaves_the_source_byte_for_byte_untouched(card):
    before = tree(card.source)
    s = card.open(copy=True)
    assert s.copy_mode and s.copy_reason == copymode.ASKED
    a, b, c, d = card.loose
    s.assign(a, "birds")
    s.assign("IMG_0101.JPG", "coins")
    s.delete(b)  # hides only
    s.delete("IMG_0201.HEIC")
    s.undo()  # the Live Photo comes back to the queue
    batch, moved, _ = s.auto_batch(
        [MovePlan(i, "", "birds") for i in (c, "DCIM/IMG_0102.JPG")], rule={"threshold": 0.5}
    )
    assert len(moved) == 2
    s.undo(batch=batch)  # the copies go, the originals never moved
    s.assign(d, "coins")
    s.assign("DCIM/IMG_0102.JPG", "coins")
    assert tree(card.source) == before  # not one byte, name or mtime changed in the source
    coins = {p.name for p in (card.dest / "coins").iterdir()}
    assert {"IMG_0101.JPG", "IMG_0101.CR2", "IMG_0101.xmp", "IMG_0101.CR2.xmp", d} <= coins
    assert {"IMG_0102.JPG", "IMG_0102.CR2", "IMG_0102.xmp"} <= coins
    assert (card.dest / "birds" / a).read_bytes() == (card.source / a).read_bytes()
    assert not (card.dest / "birds" / c).exists()  # undone: the copy was removed
    assert not card.trash.exists() or not any(card.trash.iterdir())
    queue = s.queue_items()
    assert "IMG_0201.HEIC" in queue and c in queue
    assert not {a, b, d, "IMG_0101.JPG", "DCIM/IMG_0102.JPG"} & set(queue)
    lines = [r for r in card.journal() if r["type"] == "assign"]
    assert all(r["copy"] is True for r in lines)
    assert s.verify() == []
    s.close()
    again = card.open(copy=True)  # the queue still hides what was copied
    assert again.queue_items() == queue
    assert tree(card.source) == before


def test_undo_keeps_a_copy_that_changed_and_says_so(card):
    s = card.open(copy=True)
    s.assign("IMG_0101.JPG", "birds")
    edited = card.dest / "birds" / "IMG_0101.xmp"
    xmp(edited, 77)  # the reviewer's editor rewrote the sidecar in the cluster
    [rec] = s.undo()
    assert rec["kept"] == ["birds/IMG_0101.xmp"]
    assert edited.is_file()
    assert not (card.dest / "birds" / "IMG_0101.JPG").exists()
    assert not (card.dest / "birds" / "IMG_0101.CR2").exists()
    assert "IMG_0101.JPG" in s.queue_items()
    assert s.companions("IMG_0101.JPG") == ("IMG_0101.CR2", "IMG_0101.CR2.xmp", "IMG_0101.xmp")


def test_a_read_only_source_opens_in_copy_mode_by_itself(card):
    before = tree(card.source)
    folders = [card.source, *(p for p in card.source.rglob("*") if p.is_dir())]
    for folder in folders:
        folder.chmod(0o555)
    try:
        s = card.open()
        assert s.copy_mode and s.copy_reason == copymode.READ_ONLY
        s.assign("IMG_0101.JPG", "birds")
        s.delete(card.loose[0])
        s.undo()
        s.undo()
        with pytest.raises(SessionFolderError, match=r"read-only.*--into"):
            type(s)(card.source)  # nowhere to copy to
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert tree(card.source) == before


def test_copy_mode_refuses_to_undo_a_move_into_the_source(card):
    s = card.open()
    s.assign(card.loose[0], "birds")  # a real move, before copy mode
    s.close()
    c = card.open(copy=True)
    with pytest.raises(Conflict, match="without copy mode"):
        c.undo()
    assert (card.dest / "birds" / card.loose[0]).is_file()


def test_a_crash_between_journal_and_copy_is_completed_and_a_partial_copy_removed(card):
    s = card.open(copy=True)
    s.close()
    names = [f.name for f in card.raw1]
    card.append_line(group_assign_line(names, "IMG_0101.JPG", "birds", copy=True))
    before = tree(card.source)
    # Killed mid-copy: the JPEG's copy is done, the CR2's half written under its temp name.
    (card.dest / "birds" / "IMG_0101.JPG").write_bytes((card.source / "IMG_0101.JPG").read_bytes())
    partial = card.dest / "birds" / ".IMG_0101.CR2.photosort-copy"
    partial.write_bytes((card.source / "IMG_0101.CR2").read_bytes()[:1000])
    again = card.open(copy=True)
    assert not partial.exists()
    for n in names:
        assert (card.dest / "birds" / n).read_bytes() == (card.source / n).read_bytes()
    assert tree(card.source) == before
    assert "IMG_0101.JPG" not in again.queue_items()
    assert again.verify() == []


def test_copy_mode_needs_a_separate_dest(library):
    with pytest.raises(SessionFolderError, match="--into"):
        library.open(copy=True)


def test_a_copy_that_fails_leaves_no_partial_group(card, monkeypatch):
    from photosort.session import fileops

    s = card.open(copy=True)
    real = fileops.shutil.copyfile

    def fail_on_cr2(src, dst, **kw):
        if str(src).endswith(".CR2"):
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst, **kw)

    monkeypatch.setattr(fileops.shutil, "copyfile", fail_on_cr2)
    with pytest.raises(Exception, match="disk is full"):
        s.assign("IMG_0101.JPG", "birds")
    assert not any(p.name.startswith("IMG_0101") for p in (card.dest / "birds").iterdir())
    assert not any(".photosort-copy" in p.name for p in (card.dest / "birds").iterdir())
    assert s.queue_items()[0] == "IMG_0101.JPG"
    assert os.path.isfile(card.source / "IMG_0101.CR2")


def test_keep_best_and_a_stack_in_copy_mode_leave_the_source_untouched(card):
    """Duplicates' keep-best hides the others (the source must not change) as one batch that
    one undo brings back; a stack filed as one batch copies every frame's whole group."""
    before = tree(card.source)
    s = card.open(copy=True)
    a, b, c, d = card.loose
    batch, hidden, _ = s.trash_batch([a, b, c], kept=a, reason="duplicates")
    assert {r["batch"] for r in hidden} == {batch}
    assert [r["item"] for r in hidden] == [b, c] and all(r["hide"] for r in hidden)
    assert not {b, c} & set(s.queue_items()) and a in s.queue_items()
    s.undo()
    assert {b, c} <= set(s.queue_items())
    plans = [MovePlan(i, "", "coins") for i in (d, "IMG_0101.JPG")]
    _, filed, _ = s.grid_batch(plans, mode="stack", cluster="coins")
    assert len(filed) == 2
    coins = {p.name for p in (card.dest / "coins").iterdir()}
    assert {d, "IMG_0101.JPG", "IMG_0101.CR2", "IMG_0101.xmp", "IMG_0101.CR2.xmp"} <= coins
    assert tree(card.source) == before
    assert s.verify() == []


def test_a_photo_written_again_since_it_was_shown_is_neither_copied_nor_moved(card):
    """Shown on a queue page, then another program writes it again: a copy (single or in a
    batch) would take bytes the reviewer never saw, or half of them. 409 for one photo; a
    batch leaves it out with an abort line; once it is shown again it files normally."""
    for copy in (True, False):
        s = card.open(copy=copy)
        a, b = card.loose[0], card.loose[1]
        s.queue_page(0, 50)  # what the reviewer sees
        for item in (a, b):
            with open(card.source / item, "ab") as fh:
                fh.write(b"\0" * 100)  # a writer is at it again
        with pytest.raises(Conflict, match="still being written"):
            s.assign(a, "birds")
        c = card.loose[2]
        batch, moved, failed = s.auto_batch(
            [MovePlan(b, "", "coins"), MovePlan(c, "", "coins")], rule={"threshold": 0.5}
        )
        assert [r["item"] for r in moved] == [c]
        assert [(f["item"], "still being written" in f["reason"]) for f in failed] == [(b, True)]
        s.undo(batch=batch)
        assert not (card.dest / "birds" / a).exists() and not (card.dest / "coins" / b).exists()
        assert s.is_queued(a) and s.is_queued(b)
        aborts = [r for r in s.records_since(0) if r["type"] == "abort"]
        assert aborts and "still being written" in aborts[-1]["reason"]
        s.queue_page(0, 50)  # shown again, as it is now (no live folders here)
        data = (card.source / a).read_bytes()
        s.assign(a, "birds")
        assert (card.dest / "birds" / a).read_bytes() == data
        s.undo()
        s.close()
