"""`QueueFacts` on real photos: a request reads a few missing facts itself and leaves the rest
to one background reader, and while that reader works a request reads no file at all."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from photosort.media import CaptureTimes
from photosort.suggest.review import facts as facts_module
from photosort.suggest.review.facts import QueueFacts

SAMPLE = Path(__file__).resolve().parents[4] / "sample"


def test_while_the_background_reader_works_a_request_reads_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photos = sorted(SAMPLE.glob("*.jpg"))[:6]
    for p in photos:
        shutil.copyfile(p, tmp_path / p.name)
    items = [p.name for p in photos]
    monkeypatch.setattr(facts_module, "SYNC_BUDGET", 2)
    release = threading.Event()
    read_by: list[str] = []
    real_of = CaptureTimes.of

    def of(self: CaptureTimes, path: Path) -> object:
        me = threading.current_thread().name
        read_by.append(me)
        if me == "photosort-facts":
            release.wait(30)  # a slow disk: the reader is still at it when the next request comes
        return real_of(self, path)

    monkeypatch.setattr(CaptureTimes, "of", of)
    facts = QueueFacts(tmp_path, lambda names: {}, None)

    facts.ensure(items)  # the first request reads its budget and hands the rest over
    assert read_by.count("MainThread") == 2
    assert set(facts.times(items)) == set(items[:2])

    facts.ensure(items)  # the reader is busy: this request must not read files itself
    facts.ensure(items)
    assert read_by.count("MainThread") == 2

    release.set()
    facts.wait_idle()
    assert set(facts.times(items)) == set(items)  # every photo's capture time, read once
    assert len(read_by) == len(items)
    facts.ensure(items)  # nothing missing: nothing read again
    assert len(read_by) == len(items)
