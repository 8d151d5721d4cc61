"""Videos are queued and filed like photos, wherever the scan finds them; sidecars are not."""

from __future__ import annotations

from typing import Any

from videodata import make_video


def test_videos_are_queued_in_nested_folders_and_count_as_cluster_members(make_library: Any):
    lib = make_library(clusters={"birds": 2}, loose=1, into=True, nested=True)
    make_video(lib.source / "DCIM" / "100CANON" / "MVI_0001.MP4")
    make_video(lib.source / "2024" / "clip.3gp")
    (lib.source / "DCIM" / "100CANON" / "MVI_0001.xmp").write_text("<x:xmpmeta/>")
    (lib.source / "notes.txt").write_text("not media")
    make_video(lib.dest / "birds" / "flight.mkv")
    session = lib.open()
    queued = set(session.queue_items())
    assert {"DCIM/100CANON/MVI_0001.MP4", "2024/clip.3gp"} <= queued
    assert not any(i.endswith((".xmp", ".txt")) for i in queued)
    assert "birds/flight.mkv" in session.members_snapshot()["birds"]

    session.assign("2024/clip.3gp", "birds")
    assert (lib.dest / "birds" / "clip.3gp").is_file()
    assert not (lib.source / "2024" / "clip.3gp").exists()
    session.undo()
    assert (lib.source / "2024" / "clip.3gp").is_file()
    assert session.is_queued("2024/clip.3gp")
