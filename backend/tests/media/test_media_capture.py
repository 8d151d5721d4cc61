"""Capture times read back from real files: EXIF with sub-seconds, a real video's container
creation time (written with PyAV), the mtime fallback, and hostile files that never raise."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import numpy as np
from bursts import T0, write_photo
from PIL import Image

from photosort.media.capture import CaptureTimes, capture_time


def test_exif_datetime_original_with_subseconds(tmp_path: Path) -> None:
    when = T0 + timedelta(milliseconds=250)
    path = write_photo(Image.new("RGB", (32, 32), "red"), tmp_path / "a.jpg", when)
    got = capture_time(path)
    assert got.source == "exif" and got.time == when.timestamp()


def test_no_exif_falls_back_to_the_mtime(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    Image.new("RGB", (16, 16), "blue").save(path)
    os.utime(path, (1_600_000_000.5, 1_600_000_000.5))
    assert (capture_time(path).source, capture_time(path).time) == ("mtime", 1_600_000_000.5)


def test_blank_exif_date_falls_back_to_the_mtime(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "    :  :     :  :  "  # what a camera with no clock writes
    path = tmp_path / "blank.jpg"
    Image.new("RGB", (16, 16)).save(path, exif=exif)
    assert capture_time(path).source == "mtime"


def test_video_creation_time_from_the_container(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as out:
        # MP4 stores whole seconds (mvhd): the fraction is dropped by the container itself.
        out.metadata["creation_time"] = "2024-05-01T12:00:03.500000Z"
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(3):
            frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    got = capture_time(path)
    assert got.source == "video"
    assert got.time == datetime(2024, 5, 1, 12, 0, 3, tzinfo=UTC).timestamp()


def test_garbage_files_fall_back_without_raising(tmp_path: Path) -> None:
    for name in ("broken.jpg", "broken.mov", "empty.cr2"):
        path = tmp_path / name
        path.write_bytes(b"\xff\xd8\xff\xe1 not really" if name != "empty.cr2" else b"")
        assert capture_time(path).source == "mtime"


def test_memo_reads_a_file_once_and_rereads_a_changed_one(tmp_path: Path) -> None:
    path = write_photo(Image.new("RGB", (8, 8)), tmp_path / "a.jpg", T0)
    times = CaptureTimes()
    assert times.known(path) is None
    assert times.of(path) == times.known(path)
    write_photo(Image.new("RGB", (8, 8)), path, T0 + timedelta(seconds=5))
    os.utime(path, ns=(1, 1))  # a different stat key: read again
    got = times.of(path)
    assert got is not None and got.time == (T0 + timedelta(seconds=5)).timestamp()
    assert times.of(tmp_path / "gone.jpg") is None


def test_raw_capture_time_from_its_exif(cr2_path: Path) -> None:
    got = capture_time(cr2_path)  # the sample's Canon CR2 (a TIFF-based RAW Pillow reads)
    assert got.source == "exif"
    assert datetime.fromtimestamp(got.time, UTC).year == 2009
