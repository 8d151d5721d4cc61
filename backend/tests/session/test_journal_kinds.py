"""Every kind of journal line, in its current and its older forms, replays and is served.

The journal below is written by hand the way photosorts old and new wrote it (lines without
`settled`, `companions`, `errno`, `made` or a shuffle's `previous_items`; a kind a newer
photosort might add), with the files placed where those lines left them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

from photosort.api.schemas.core import ActionRecord
from photosort.session.records import KINDS

A, G, T, F = "20260101-000000-aaaaaa", "20260101-000001-bbbbbb", "20260101-000002-cccccc", "F"


def _lines() -> list[dict[str, Any]]:
    def move(kind: str, n: int, dst: str | None, cluster: str | None, **more: Any) -> dict:
        item = f"IMG_{n:04d}.jpg"
        return {
            "type": kind,
            "item": item,
            "src": item,
            "dst": dst,
            "cluster": cluster,
            "by": more.pop("by", "manual"),
            "reviewer": "r",
            "batch": more.pop("batch", None),
            **more,
        }

    lines: list[dict[str, Any]] = [
        move("assign", 1, "birds/IMG_0001.jpg", "birds"),  # the oldest form
        move(
            "assign",
            2,
            "coins/IMG_0002.jpg",
            "coins",
            suggested=[{"cluster": "coins", "score": 0.9}],
            confidence=0.8,
            settled=1,
        ),
        move("delete", 3, ".clustering/trash/IMG_0003.jpg", None, settled=2),
        {"type": "skip", "item": "IMG_0004.jpg", "reviewer": "r"},
        {"type": "undo", "undoes": 4, "reviewer": "r", "item": "IMG_0004.jpg"},
        {"type": "cluster-create", "cluster": "misc", "reviewer": "r", "existed": False},
        {
            "type": "cluster-create",
            "cluster": "Trips/2023",
            "reviewer": "r",
            "existed": False,
            "made": ["Trips", "Trips/2023"],
        },
        {"type": "shuffle", "seed": 7, "previous_seed": None},  # no reviewer, no previous_items
        {"type": "undo", "undoes": 8, "reviewer": "r", "item": None},
        {
            "type": "order",
            "order": "uncertain",
            "items": ["IMG_0006.jpg"],
            "seed": None,
            "previous_items": [],
            "previous_seed": None,
            "reviewer": "r",
        },
        {"type": "settings", "settings": {"top_k": 5}, "previous": {"top_k": 3}, "reviewer": "r"},
        {"type": "stack-pull", "item": "IMG_0005.jpg", "reviewer": "r"},
        {
            "type": "auto-batch-start",
            "batch": A,
            "threshold": 0.8,
            "min_samples": 3,
            "min_margin": 0.05,
            "count": 1,
            "estimated_precision": 0.9,
            "reviewer": "auto",
        },
        move("assign", 5, "birds/IMG_0005.jpg", "birds", by="auto", batch=A, margin=0.2),
        {"type": "auto-batch-end", "batch": A, "moved": 1, "failed": 0},
        {
            "type": "grid-batch-start",
            "batch": G,
            "mode": "grid",
            "cluster": "coins",
            "rejected": [{"item": "IMG_0004.jpg", "suggested": []}],
            "reviewer": "r",
        },
        move("assign", 6, "coins/IMG_0006.jpg", "coins", batch=G, mode="grid"),
        {"type": "grid-batch-end", "batch": G, "moved": 1, "skipped": 0},
        {"type": "abort", "aborts": 17, "reason": "No space left on device"},  # no errno
        {
            "type": "trash-batch-start",
            "batch": T,
            "kept": "IMG_0006.jpg",
            "reason": "exact",
            "reviewer": "r",
        },
        move("delete", 4, ".clustering/trash/IMG_0004.jpg", None, batch=T),
        {"type": "trash-batch-end", "batch": T, "moved": 1, "skipped": 0},
        {"type": "folders-batch-start", "batch": F, "folders": {}, "reviewer": "r"},
        {"type": "folders-batch-end", "batch": F, "moved": 0, "skipped": 0},
        {"type": "recovery", "actions": ["finished moving IMG_0002.jpg"]},
        {
            "type": "undo",
            "undoes": 14,
            "item": "IMG_0005.jpg",
            "restore_from": "birds/IMG_0005.jpg",
            "restore_to": "IMG_0005.jpg",
            "cluster": "birds",
            "reviewer": "r",
            "batch": A,
        },
    ]
    return [
        {"seq": seq, "ts": "2026-01-01T00:00:00.000Z", **line}
        for seq, line in enumerate(lines, start=1)
    ]


def _place_files(lib: Any) -> None:
    """Where the lines above left each photo."""
    src, dest = lib.source, lib.dest
    for n, where in (
        (1, "birds"),
        (2, "coins"),
        (3, ".clustering/trash"),
        (4, ".clustering/trash"),
    ):
        (dest / where).mkdir(parents=True, exist_ok=True)
        shutil.move(src / f"IMG_{n:04d}.jpg", dest / where / f"IMG_{n:04d}.jpg")
    (dest / "misc").mkdir()
    (dest / "Trips" / "2023").mkdir(parents=True)


def _write(lib: Any, lines: list[dict[str, Any]]) -> None:
    lib.clustering.mkdir(exist_ok=True)
    lib.actions_path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))


def test_every_kind_is_in_the_journal_written_here() -> None:
    assert {line["type"] for line in _lines()} == set(KINDS)


@pytest.mark.parametrize("read_only", [True, False])
def test_a_journal_of_every_kind_and_older_forms_replays(library: Any, read_only: bool) -> None:
    _place_files(library)
    lines = _lines()
    # A kind a newer photosort may write: replayed as nothing, the lines around it still count.
    lines.insert(10, {"seq": 100, "ts": "t", "type": "a-later-kind", "cluster": "misc"})
    lines = [{**line, "seq": seq} for seq, line in enumerate(lines, start=1)]
    for line in lines:  # the seqs moved up by one after the inserted line
        for key in ("undoes", "aborts"):
            if key in line and line[key] > 10:
                line[key] += 1
    _write(library, lines)
    s = library.open(read_only=read_only)
    assert s.stats() == {
        "queued": 2,
        "processed": 4,  # IMG 1, 2 filed, 3 and 4 trashed; 5 undone, 6 aborted
        "manual": 4,
        "auto": 0,
        "deleted": 2,
        "skipped": 0,
        "undone": 3,
    }
    assert sorted(s.queue_items()) == ["IMG_0005.jpg", "IMG_0006.jpg"]
    assert s.undone_seqs() == {4, 8, 15}
    assert s.settings.top_k == 5
    assert s.pulled_from_stacks() == {"IMG_0005.jpg"}
    assert dict(s.clusters()) == {"birds": 3 + 1, "coins": 3 + 1, "misc": 0, "Trips/2023": 0}
    newest = s.newest_undoable()
    assert newest is not None and newest["type"] == "folders-batch-start"
    if not read_only:
        assert s.verify() == []


def test_every_line_is_served_tagged_by_its_kind() -> None:
    for line in _lines():
        served = ActionRecord.model_validate(line).model_dump(mode="json")
        assert served == line  # nothing dropped, nothing added
    schema = ActionRecord.model_json_schema()
    assert set(schema["discriminator"]["mapping"]) == set(KINDS)


def test_the_example_journal_is_served() -> None:
    example = Path(__file__).resolve().parents[3] / ".clustering.example" / "actions.jsonl"
    for raw in example.read_bytes().splitlines():
        line = orjson.loads(raw)
        assert ActionRecord.model_validate(line).model_dump(mode="json") == line
