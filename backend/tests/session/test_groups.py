"""A photo is a group of files: a real CR2 with its JPEG twin and XMP sidecars,
a real HEIC with its Live Photo .mov, moved, trashed, undone and auto-moved as one, renamed as
one on a collision, never split by a file that cannot move, by a crash or by a replay."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from groupfiles import group_assign_line, live_group, raw_group, xmp
from testdata import cr2_path

from photosort.errors import Conflict
from photosort.session import fileops
from photosort.session.engine import MovePlan
from photosort.session.groups import FolderIndex, badge


@pytest.fixture
def shoot(make_library):
    """Clusters birds/coins, two loose JPEGs, two RAW+JPEG+XMP groups, a Live Photo, a lone
    sidecar whose photo is gone."""
    lib = make_library(loose=2, into=True)
    lib.raw1 = raw_group(lib.source, "IMG_0101", 1)
    lib.raw2 = raw_group(lib.source / "DCIM", "IMG_0102", 2)
    lib.live = live_group(lib.source, "IMG_0201", 3)
    lib.lone = xmp(lib.source / "IMG_0999.xmp", 9)
    return lib


def hashes(files: list[Path]) -> dict[str, str]:
    import hashlib

    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_a_group_is_queued_once_by_its_face_and_a_lone_sidecar_never(shoot):
    s = shoot.open()
    assert s.queue_items() == [
        "DCIM/IMG_0102.JPG",
        *shoot.loose,
        "IMG_0101.JPG",
        "IMG_0201.HEIC",
    ]
    assert s.companions("IMG_0101.JPG") == ("IMG_0101.CR2", "IMG_0101.CR2.xmp", "IMG_0101.xmp")
    assert s.companions("IMG_0201.HEIC") == ("IMG_0201.AAE", "IMG_0201.MOV")
    assert s.companions(shoot.loose[0]) == ()
    assert badge("IMG_0101.JPG", s.companions("IMG_0101.JPG")) == "RAW+JPEG · XMP"
    assert badge("IMG_0201.HEIC", s.companions("IMG_0201.HEIC")) == "Live · AAE"
    assert badge(shoot.loose[0], ()) is None
    # The RAW alone (its JPEG gone) is its own face, with its sidecars.
    (shoot.source / "IMG_0101.JPG").unlink()
    s.close()
    s2 = shoot.open()
    assert "IMG_0101.CR2" in s2.queue_items() and "IMG_0101.JPG" not in s2.queue_items()
    assert s2.companions("IMG_0101.CR2") == ("IMG_0101.CR2.xmp", "IMG_0101.xmp")


def test_assign_moves_the_whole_group_as_one_line_and_undo_brings_it_back(shoot):
    s = shoot.open()
    before = hashes(shoot.raw1)
    rec = s.assign("IMG_0101.JPG", "birds")
    assert not any(f.exists() for f in shoot.raw1)
    assert hashes([shoot.dest / "birds" / f.name for f in shoot.raw1]) == before
    line = shoot.journal()[-1]
    assert line["seq"] == rec["seq"] and line["dst"] == "birds/IMG_0101.JPG"
    assert {(c["src"], c["dst"]) for c in line["companions"]} == {
        (f"IMG_0101{x}", f"birds/IMG_0101{x}") for x in (".CR2", ".xmp", ".CR2.xmp")
    }
    assert dict(s.clusters())["birds"] == 4  # the group counts once: its face
    assert s.members_snapshot()["birds"] >= {"birds/IMG_0101.JPG"}
    assert "birds/IMG_0101.CR2" not in s.members_snapshot()["birds"]
    s.undo()
    assert hashes(shoot.raw1) == before
    assert not any((shoot.dest / "birds" / f.name).exists() for f in shoot.raw1)
    assert s.queue_items()[0] == "IMG_0101.JPG"
    assert s.companions("IMG_0101.JPG") == ("IMG_0101.CR2", "IMG_0101.CR2.xmp", "IMG_0101.xmp")
    assert s.verify() == []


def test_trash_and_undo_carry_the_live_photo_whole(shoot):
    s = shoot.open()
    before = hashes(shoot.live)
    s.delete("IMG_0201.HEIC")
    assert hashes([shoot.trash / f.name for f in shoot.live]) == before
    assert not any(f.exists() for f in shoot.live)
    s.close()
    again = shoot.open()  # replayed from the journal
    assert "IMG_0201.HEIC" not in again.queue_items()
    again.undo()
    assert hashes(shoot.live) == before
    assert again.verify() == []


def test_a_collision_renames_the_whole_group_with_one_suffix(shoot):
    s = shoot.open()
    # Only the .CR2.xmp name is taken in the cluster: every file of the group gets (2).
    xmp(shoot.dest / "birds" / "IMG_0101.CR2.xmp", 50)
    s.assign("IMG_0101.JPG", "birds")
    birds = {p.name for p in (shoot.dest / "birds").iterdir()}
    assert {
        "IMG_0101 (2).JPG",
        "IMG_0101 (2).CR2",
        "IMG_0101 (2).xmp",
        "IMG_0101 (2).CR2.xmp",
        "IMG_0101.CR2.xmp",
    } <= birds
    assert "IMG_0101.JPG" not in birds
    # A second IMG_0101 group, filed on top: (3) for all of it.
    raw_group(shoot.source, "IMG_0101", 7)
    s.refresh()
    s.assign("IMG_0101.JPG", "birds")
    assert {f"IMG_0101 (3){x}" for x in (".JPG", ".CR2", ".xmp", ".CR2.xmp")} <= {
        p.name for p in (shoot.dest / "birds").iterdir()
    }
    # Undo into a source where a name came back: the group is renamed whole there too.
    xmp(shoot.source / "IMG_0101.xmp", 60)
    s.undo()
    assert {f"IMG_0101 (2){x}" for x in (".JPG", ".CR2", ".xmp", ".CR2.xmp")} <= {
        p.name for p in shoot.source.iterdir()
    }
    assert s.verify() == []


def test_auto_and_grid_batches_move_groups_whole_and_undo_as_one(shoot):
    s = shoot.open()
    groups = {"IMG_0101.JPG": shoot.raw1, "DCIM/IMG_0102.JPG": shoot.raw2}
    before = {k: hashes(v) for k, v in groups.items()}
    batch, moved, _ = s.auto_batch(
        [MovePlan(i, "", "coins") for i in groups], rule={"threshold": 0.5}
    )
    assert len(moved) == 2 and all(len(r["companions"]) == 3 for r in moved)
    for files in groups.values():
        assert all((shoot.dest / "coins" / f.name).is_file() for f in files)
        assert not any(f.exists() for f in files)
    _, grid, _ = s.grid_batch(
        [MovePlan("IMG_0201.HEIC", "", None)], mode="grid", cluster="new", create=True
    )
    assert {c["dst"] for c in grid[0]["companions"]} == {"new/IMG_0201.MOV", "new/IMG_0201.AAE"}
    s.undo()  # the grid batch, then the auto batch
    assert all(f.is_file() for f in shoot.live)
    s.undo(batch=batch)
    assert {k: hashes(v) for k, v in groups.items()} == before
    assert s.verify() == []


def test_a_read_only_sidecar_moves_with_its_group_and_keeps_its_mode(shoot):
    s = shoot.open()
    sidecar = shoot.source / "IMG_0101.xmp"
    sidecar.chmod(0o444)
    s.assign("IMG_0101.JPG", "birds")
    moved = shoot.dest / "birds" / "IMG_0101.xmp"
    assert moved.is_file() and not sidecar.exists()
    assert moved.stat().st_mode & 0o777 == 0o444
    s.undo()
    assert sidecar.is_file() and sidecar.stat().st_mode & 0o777 == 0o444


def test_a_companion_that_cannot_move_fails_the_action_and_moves_nothing(shoot, monkeypatch):
    s = shoot.open()
    before = hashes(shoot.raw1)
    real_link = os.link

    def refuse_sidecars(src, dst, **kw):
        if str(src).endswith(".xmp"):
            raise PermissionError(errno.EACCES, "Permission denied", str(src))
        return real_link(src, dst, **kw)

    monkeypatch.setattr(fileops.os, "link", refuse_sidecars)
    with pytest.raises(Conflict, match=r"Permission denied \(IMG_0101\.CR2\.xmp, a file of"):
        s.assign("IMG_0101.JPG", "birds")
    assert hashes(shoot.raw1) == before  # every file still in the source
    assert not any((shoot.dest / "birds" / f.name).exists() for f in shoot.raw1)
    assert s.queue_items()[0] == "IMG_0101.JPG"  # still queued, in front
    assert shoot.journal()[-1]["type"] == "abort"
    monkeypatch.undo()
    s.assign("IMG_0101.JPG", "birds")  # the same action works once the file can move
    assert all((shoot.dest / "birds" / f.name).is_file() for f in shoot.raw1)
    assert s.verify() == []


def test_a_crash_mid_group_is_completed_at_start_up(shoot):
    s = shoot.open()
    s.close()
    # The write-ahead line of a group move, and a crash after only the JPEG and one sidecar
    # were linked into the cluster.
    names = [f.name for f in shoot.raw1]
    shoot.append_line(group_assign_line(names, "IMG_0101.JPG", "birds"))
    before = hashes(shoot.raw1)
    os.link(shoot.source / "IMG_0101.JPG", shoot.dest / "birds" / "IMG_0101.JPG")
    os.link(shoot.source / "IMG_0101.xmp", shoot.dest / "birds" / "IMG_0101.xmp")
    again = shoot.open()
    assert hashes([shoot.dest / "birds" / n for n in names]) == before
    assert not any(f.exists() for f in shoot.raw1)
    assert again.verify() == []


def test_verify_reports_a_split_group(shoot):
    s = shoot.open()
    s.assign("IMG_0101.JPG", "birds")
    # Another program puts the RAW back in the source: the group is split.
    shutil.move(shoot.dest / "birds" / "IMG_0101.CR2", shoot.source / "IMG_0101.CR2")
    problems = s.verify()
    assert len(problems) == 1 and "split" in problems[0] and "IMG_0101.CR2" in problems[0]
    # Report only: the file in the source may be another photo of that name by now.
    assert s.repair() == []
    assert (shoot.source / "IMG_0101.CR2").is_file()
    shutil.move(shoot.source / "IMG_0101.CR2", shoot.dest / "birds" / "IMG_0101.CR2")
    assert s.verify() == []


def test_an_old_journal_without_companions_still_replays_and_undoes(library):
    s = library.open()
    item = library.loose[0]
    s.close()
    library.append_line(  # a line written before groups existed: no companions field
        {
            "type": "assign",
            "item": item,
            "src": item,
            "dst": f"birds/{item}",
            "cluster": "birds",
            "by": "manual",
            "reviewer": "local",
            "batch": None,
        }
    )
    again = library.open()  # recovery finishes the move the line asked for
    assert (library.dest / "birds" / item).is_file()
    assert item not in again.queue_items()
    again.undo()
    assert (library.source / item).is_file() and item in again.queue_items()
    assert again.verify() == []


def test_recovery_puts_a_cut_group_back_when_a_file_cannot_move(shoot, monkeypatch):
    s = shoot.open()
    s.close()
    names = [f.name for f in shoot.raw1]
    line = shoot.append_line(group_assign_line(names, "IMG_0101.JPG", "birds"))
    before = hashes(shoot.raw1)
    # The crash came after the JPEG moved; now the sidecars cannot be moved at all.
    os.rename(shoot.source / "IMG_0101.JPG", shoot.dest / "birds" / "IMG_0101.JPG")
    real_link, real_rename = os.link, os.rename

    def refuse(real):
        def call(src, dst, **kw):
            if str(src).endswith(".xmp"):
                raise PermissionError(errno.EACCES, "Permission denied", str(src))
            return real(src, dst, **kw)

        return call

    monkeypatch.setattr(fileops.os, "link", refuse(real_link))
    monkeypatch.setattr(fileops.os, "rename", refuse(real_rename))
    again = shoot.open()
    monkeypatch.undo()
    assert hashes(shoot.raw1) == before  # the whole group is back in the source
    assert not any((shoot.dest / "birds" / n).exists() for n in names)
    assert "IMG_0101.JPG" in again.queue_items()
    abort = shoot.journal()[-1]
    assert abort["type"] == "abort" and abort["aborts"] == line["seq"]
    assert "could not be moved whole" in abort["reason"]
    assert again.verify() == []
    again.assign("IMG_0101.JPG", "coins")
    assert all((shoot.dest / "coins" / n).is_file() for n in names)


POOL = [
    "IMG_1.JPG",
    "img_1.cr2",
    "IMG_1.CR2.xmp",
    "IMG_1.xmp",
    "IMG_1.AAE",
    "IMG_1.MOV",
    "IMG_2.HEIC",
    "IMG_2.mov",
    "IMG_3.mp4",
    "IMG_3.THM",
    "IMG_4.xmp",
    "a.b.jpg",
    "a.b.xmp",
    "a.b.jpg.xmp",
    "IMG_5.MOV",
    "IMG_6.jpeg",
    "IMG_6.jpg",
    "IMG_6.png",
    "JPG",
    "x.",
    "n.txt",
    "img_7.DNG",
    "IMG_7.dng",
    "IMG_7.MOV",
    "IMG_8.thm",
    "IMG_8.JPG",
    "Straße.jpg",
    "STRASSE.xmp",
]


def test_the_scans_fast_grouping_agrees_with_the_rules():
    """`folder_faces` (the scan's bulk path) gives exactly the groups of `group_pairs`, on
    random folders of awkward names."""
    import random

    from photosort.session.groups import folder_faces, group_pairs

    rng = random.Random(5)
    for _ in range(400):
        names = rng.sample(POOL, rng.randint(1, len(POOL)))
        companions: dict[str, tuple[str, ...]] = {}
        faces = folder_faces(names, "r/", companions)
        expected = {f"r/{f}": tuple(f"r/{c}" for c in cs) for f, cs in group_pairs(names) if f}
        assert sorted(faces) == sorted(expected), names
        assert companions == {f: cs for f, cs in expected.items() if cs}, names


def test_grouping_rules_on_awkward_names():
    from photosort.session.groups import group_names

    groups = {g.face: g.companions for g in group_names(POOL)}
    assert groups["IMG_1.JPG"] == (
        "IMG_1.AAE",
        "img_1.cr2",
        "IMG_1.CR2.xmp",
        "IMG_1.MOV",
        "IMG_1.xmp",
    )
    assert groups["IMG_2.HEIC"] == ("IMG_2.mov",)
    assert groups["IMG_7.dng"] == ("img_7.DNG", "IMG_7.MOV")  # a ProRAW Live Photo
    assert groups["a.b.jpg"] == ("a.b.jpg.xmp", "a.b.xmp")
    assert groups["IMG_6.jpeg"] == ("IMG_6.jpg", "IMG_6.png")
    assert groups["IMG_8.JPG"] == ("IMG_8.thm",)
    assert groups["Straße.jpg"] == ("STRASSE.xmp",)  # case-folded stems
    # A video no photo owns is a shot of its own (with its camera thumbnail).
    assert groups["IMG_5.MOV"] == ()
    assert groups["IMG_3.mp4"] == ("IMG_3.THM",)
    # Not queued: a lone sidecar, and names that are no photo at all.
    assert not {"JPG", "x.", "n.txt", "IMG_4.xmp"} & set(groups)


def test_files_of_a_group_written_after_the_scan_still_travel_with_it(shoot):
    """A sidecar, a RAW twin's sidecar and a mixed-case twin appear after the session opened
    (no rescan): a keypress and a small batch (names looked up, the folder not listed) carry
    them."""
    s = shoot.open()
    xmp(shoot.source / "IMG_0101.XMP", 7)  # upper case, next to the known .xmp
    loose = shoot.loose[0]
    stem = loose.rsplit(".", 1)[0]
    shutil.copyfile(cr2_path(), shoot.source / f"{stem}.CR2")
    xmp(shoot.source / f"{stem}.CR2.xmp", 8)
    s.assign("IMG_0101.JPG", "birds")
    s.assign(loose, "coins")
    assert "IMG_0101.XMP" in {p.name for p in (shoot.dest / "birds").iterdir()}
    coins = {p.name for p in (shoot.dest / "coins").iterdir()}
    assert {loose, f"{stem}.CR2", f"{stem}.CR2.xmp"} <= coins
    xmp(shoot.source / "DCIM" / "IMG_0102.XMP", 9)
    plans = [MovePlan("DCIM/IMG_0102.JPG", "", "birds")]
    s.auto_batch(plans, rule={"threshold": 0.5})
    assert not list((shoot.source / "DCIM").glob("IMG_0102*"))
    assert s.verify() == []


def test_a_large_batch_over_many_folders_moves_every_group_whole(shoot):
    """Past GROUP_PROBE_MAX photos a batch lists each folder once and keeps only its own
    photos' stems: groups in two folders, a sidecar written after the scan and 70 photos in
    a third folder all move whole, chunk by chunk, while the queue reads right between chunks;
    undo brings every file back."""
    from photosort.session.filing import GROUP_PROBE_MAX

    jpeg = (shoot.source / shoot.loose[0]).read_bytes()
    many = shoot.source / "many"
    many.mkdir()
    for i in range(70):
        (many / f"P_{i:03d}.jpg").write_bytes(jpeg + bytes([i]))
    s = shoot.open()
    late = xmp(many / "P_005.xmp", 5)  # written after the scan: found when planned
    late_bytes = late.read_bytes()
    # a photo the index was not told of is still grouped (its folder listed again)
    index = FolderIndex(shoot.source, ["IMG_0101.JPG"])
    assert len(index.companions("IMG_0101.JPG")) == 3
    assert len(index.companions("DCIM/IMG_0102.JPG")) == 3
    groups = {"IMG_0101.JPG": shoot.raw1, "DCIM/IMG_0102.JPG": shoot.raw2}
    items = [*groups, *(f"many/P_{i:03d}.jpg" for i in range(70))]
    assert len(items) > GROUP_PROBE_MAX
    before = {p: p.read_bytes() for files in groups.values() for p in files}
    before.update({p: p.read_bytes() for p in many.iterdir()})
    queued_between: list[tuple[int, int]] = []

    def between(done: int, total: int) -> None:
        left = [i for i in s.queue_items() if i in items]
        queued_between.append((len(left), s.queue_length() - len(s.queue_items())))

    moved = s.move_batch(
        [MovePlan(i, "", "coins") for i in items], batch="b", chunk=16, progress=between
    )
    assert len(moved) == len(items)
    assert [left for left, _ in queued_between] == [max(0, 72 - 16 * k) for k in range(1, 6)]
    assert all(skew == 0 for _, skew in queued_between)
    coins = shoot.dest / "coins"
    for files in groups.values():
        assert all((coins / f.name).is_file() for f in files) and not any(f.exists() for f in files)
    assert (coins / "P_005.xmp").is_file() and not late.exists()
    assert not list(many.iterdir())
    assert {r["item"]: len(r.get("companions", ())) for r in moved} == {
        **dict.fromkeys(groups, 3),
        **{i: int(i == "many/P_005.jpg") for i in items if i.startswith("many/")},
    }
    s.undo(batch="b")
    assert {p: p.read_bytes() for p in before} == before and late.read_bytes() == late_bytes
    assert s.verify() == []
