"""The scan a stopped `serve` keeps for the next start (session/scancache.py): a restart with
nothing changed shows the same queue without walking the folders; any change behind the
tool's back, in the folders or the journal, is seen; a damaged or hostile cache is ignored."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from groupfiles import raw_group

from photosort.session import disksync, scancache
from photosort.session.scan import ScanResult


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every full walk of the folders a session makes, by source."""
    seen: list[Path] = []
    real = disksync.scan

    def counting(source: Path, dest: Path, *early: Any) -> ScanResult:
        seen.append(source)
        return real(source, dest, *early)

    monkeypatch.setattr(disksync, "scan", counting)
    return seen


def cache_of(lib: Any) -> Path:
    return Path(lib.clustering) / scancache.CACHE_NAME


def worked_session(lib: Any) -> tuple[list[str], dict[str, frozenset[str]]]:
    """Open, file, skip and undo as a reviewer would, stop; the queue and members it left."""
    s = lib.open(scan_cache=True)
    queue = s.queue_items()
    s.assign(queue[0], "birds")
    s.skip(queue[1])
    s.assign(queue[2], "coins")
    s.undo()  # queue[2] comes back first
    shown, members = s.queue_items(), s.members_snapshot()
    s.close()
    return shown, members


def test_a_restart_with_nothing_changed_shows_the_same_queue_without_a_walk(
    make_library: Any, walks: list[Path]
) -> None:
    lib = make_library(loose=8)
    shown, members = worked_session(lib)
    assert cache_of(lib).is_file()
    walks.clear()
    again = lib.open(scan_cache=True)
    assert walks == []
    assert again.queue_items() == shown  # the undone photo first, the skipped one last
    assert again.members_snapshot() == members
    assert not cache_of(lib).exists()  # used once: this run's changes are its own to keep
    # The next pages, a filing and an undo work on it as on a walked queue.
    item = again.queue_items()[0]
    again.assign(item, "birds")
    assert (lib.dest / "birds" / item).is_file()
    again.undo()
    assert again.queue_items() == shown


def test_photos_added_or_removed_while_stopped_are_seen_at_the_next_start(
    make_library: Any, walks: list[Path]
) -> None:
    lib = make_library(loose=6)
    shown, _ = worked_session(lib)
    lib.add("IMG_9000.jpg")
    (lib.source / shown[-1]).unlink()
    walks.clear()
    again = lib.open(scan_cache=True)
    assert walks == [lib.source]
    assert "IMG_9000.jpg" in again.queue_items()
    assert shown[-1] not in again.queue_items()


def test_another_command_acting_while_stopped_voids_the_cache(
    make_library: Any, walks: list[Path]
) -> None:
    lib = make_library(loose=6)
    shown, _ = worked_session(lib)
    other = lib.open()  # e.g. `photosort auto-move` between two `serve`s
    other.skip(shown[0])
    other.close()
    walks.clear()
    again = lib.open(scan_cache=True)
    assert walks == [lib.source]
    assert again.queue_items()[-1] == shown[0]


def test_a_change_the_folder_mtimes_hide_is_found_by_the_background_walk(
    make_library: Any, walks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = make_library(loose=6)
    worked_session(lib)
    before = os.stat(lib.source)
    lib.add("IMG_9001.jpg")
    os.utime(lib.source, ns=(before.st_atime_ns, before.st_mtime_ns))  # a coarse file system
    monkeypatch.setattr(disksync, "VERIFY_CACHED_SCAN_AFTER_S", 0.0)
    again = lib.open(scan_cache=True)
    assert "IMG_9001.jpg" not in again.queue_items()  # trusted at start-up ...
    appeared, _ = again.refresh()
    assert appeared == {"IMG_9001.jpg"}  # ... and put right by the first background refresh
    assert "IMG_9001.jpg" in again.queue_items()


def test_groups_and_names_that_are_not_utf8_survive_the_cache(
    make_library: Any, walks: list[Path]
) -> None:
    lib = make_library(loose=3)
    raw_group(lib.source, "IMG_0100", 1)
    latin1 = os.fsencode(lib.source) + b"/caf\xe9.jpg"
    Path(os.fsdecode(latin1)).write_bytes(lib.next_photo().read_bytes())
    first = lib.open(scan_cache=True)
    shown, companions = first.queue_items(), first.companions("IMG_0100.JPG")
    assert companions and os.fsdecode(b"caf\xe9.jpg") in shown
    first.close()
    walks.clear()
    again = lib.open(scan_cache=True)
    assert walks == []
    assert again.queue_items() == shown
    assert again.companions("IMG_0100.JPG") == companions
    again.assign("IMG_0100.JPG", "birds")  # the whole group moves, as after a walk
    assert sorted(p.name for p in (lib.dest / "birds").glob("IMG_0100*")) == sorted(
        ["IMG_0100.JPG", *(c.rsplit("/", 1)[-1] for c in companions)]
    )


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="torn"),
        pytest.param(lambda b: b.replace(b"IMG_0001.jpg", b"IMG_0001.jpX", 1), id="bit flip"),
        pytest.param(lambda b: b"", id="empty"),
        pytest.param(lambda b: os.urandom(4096), id="noise"),
    ],
)
def test_a_damaged_cache_is_ignored(make_library: Any, walks: list[Path], damage: Any) -> None:
    lib = make_library(loose=6)
    shown, _ = worked_session(lib)
    path = cache_of(lib)
    path.write_bytes(damage(path.read_bytes()))
    walks.clear()
    again = lib.open(scan_cache=True)
    assert walks == [lib.source]
    assert again.queue_items() == shown


@pytest.mark.parametrize("hostile", ["../outside.jpg", "/etc/passwd", ".clustering/x", "a//b", ""])
def test_a_well_formed_cache_naming_paths_a_scan_never_yields_is_refused(
    make_library: Any, walks: list[Path], hostile: str
) -> None:
    """Whoever can write `.clustering/` could try to queue a file outside the session."""
    lib = make_library(loose=4)
    s = lib.open(scan_cache=True)
    order = [*s.queue_items(), hostile]
    scancache.save(
        cache_of(lib),
        roots=(lib.source, lib.dest),
        last_seq=s.last_seq(),
        stamps=scancache.folder_stamps(list(s._sync.stamps)),
        order=order,
        companions={},
        members={c: set(m) for c, m in s.members_snapshot().items()},
    )
    s._journal.close()  # stop without the close that would write a fresh cache
    walks.clear()
    again = lib.open(scan_cache=True)
    assert walks == [lib.source]
    assert hostile not in again.queue_items()


def test_read_only_looks_neither_use_nor_spend_the_cache(
    make_library: Any, walks: list[Path]
) -> None:
    lib = make_library(loose=4)
    worked_session(lib)
    kept = cache_of(lib).read_bytes()
    walks.clear()
    look = lib.open(read_only=True, scan_cache=True)  # `photosort stats`, `verify`
    look.close()
    assert walks == [lib.source]
    assert cache_of(lib).read_bytes() == kept


def test_the_order_kept_is_taken_as_shown_and_only_when_it_covers_the_queue() -> None:
    """Re-sorting a million names is what the kept order saves; one it does not cover (a photo
    it never saw) is sorted afresh rather than guessed."""
    from photosort.session.queue import QueueOrder

    kept = QueueOrder()
    kept.sync(
        {"IMG_2.jpg", "IMG_10.jpg", "IMG_1.jpg"}, shown=["IMG_10.jpg", "IMG_1.jpg", "IMG_2.jpg"]
    )
    assert list(kept.items) == ["IMG_10.jpg", "IMG_1.jpg", "IMG_2.jpg"]
    fresh = QueueOrder()
    fresh.sync({"IMG_2.jpg", "IMG_10.jpg", "IMG_3.jpg"}, shown=["IMG_10.jpg", "IMG_2.jpg"])
    assert list(fresh.items) == ["IMG_2.jpg", "IMG_3.jpg", "IMG_10.jpg"]


def test_a_journal_line_since_the_stop_brings_back_the_sweep_for_partial_copies(
    make_library: Any, walks: list[Path]
) -> None:
    """A kept scan means the last run stopped cleanly, so no copy was cut short; a line
    written since (another command, which may have crashed mid-copy) means it might have."""
    lib = make_library(loose=6)
    shown, _ = worked_session(lib)
    other = lib.open()
    other.skip(shown[0])
    other.close()
    partial = lib.dest / "birds" / f".{shown[1]}.photosort-copy"
    partial.write_bytes(b"half a photo")
    again = lib.open(scan_cache=True)
    assert not partial.exists()
    assert (
        "birds/" + partial.name.removeprefix(".").removesuffix(".photosort-copy")
        not in (again.members_snapshot()["birds"])
    )
