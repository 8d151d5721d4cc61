"""Close-after-write events from the kernel (inotify): a file is reported once its writer
closes it, never while it is being written; a file or folder renamed in is reported whole."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from photosort.session.closes import CloseEvents, open_close_events

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")


def _read_for(closes: CloseEvents, seconds: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen += closes.read()
        time.sleep(0.02)
    return seen


def test_a_file_is_reported_when_its_writer_closes_it_and_not_before(tmp_path: Path) -> None:
    closes = open_close_events()
    assert closes is not None
    try:
        assert closes.watch([str(tmp_path)]) == {str(tmp_path)}
        with open(tmp_path / "a.jpg", "wb") as fh:
            fh.write(b"x" * 1000)
            fh.flush()
            assert _read_for(closes, 0.3) == []  # written, still open
        assert _read_for(closes, 0.3) == [str(tmp_path / "a.jpg")]
        staging = tmp_path.parent / f"{tmp_path.name}-staging"
        (staging / "trip").mkdir(parents=True)
        (staging / "b.jpg").write_bytes(b"y")
        (staging / "trip" / "c.jpg").write_bytes(b"z")
        os.rename(staging / "b.jpg", tmp_path / "b.jpg")
        os.rename(staging / "trip", tmp_path / "trip")
        assert _read_for(closes, 0.3) == [str(tmp_path / "b.jpg"), str(tmp_path / "trip")]
        # A folder no longer asked for is no longer watched.
        assert closes.watch([]) == set()
        (tmp_path / "d.jpg").write_bytes(b"w")
        assert _read_for(closes, 0.3) == []
    finally:
        closes.close()
