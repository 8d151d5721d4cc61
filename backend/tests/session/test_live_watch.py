"""The live-folder watcher over a real session and real watchfiles, no server: it survives what
makes watchfiles give up (a file name that is not UTF-8) and stops at once when closed."""

from __future__ import annotations

import os
import shutil
import time

from waiting import wait_for

from photosort.session.watch import FolderWatcher


def test_a_name_that_is_not_utf8_pauses_the_watcher_and_it_comes_back(make_library):
    lib = make_library(loose=2, into=True)
    session = lib.open()
    watcher = FolderWatcher(session)
    watcher.start()
    try:
        time.sleep(0.3)
        latin1 = os.fsencode(lib.source) + b"/caf\xe9.jpg"
        shutil.copyfile(lib.next_photo(), latin1)
        assert watcher.failed.wait(3), "watchfiles took the Latin-1 name without a failure"
        # No rescan runs here: a photo copied in after the retry joins through the watcher.
        time.sleep(1.5)
        shutil.copyfile(lib.next_photo(), lib.source / "IMG_0400.jpg")
        assert wait_for(lambda: "IMG_0400.jpg" in session.queue_items(), 3.0), session.queue_items()
        assert watcher.is_alive()
        # The rescan, which reads names as bytes, queues the Latin-1 one as any other.
        session.refresh()
        assert "caf\udce9.jpg" in session.queue_items()
    finally:
        started = time.monotonic()
        watcher.close()
        stopped_in = time.monotonic() - started
    assert not watcher.is_alive() and stopped_in < 0.5, stopped_in


def test_without_close_events_a_newcomer_must_sit_still_for_longer(make_library):
    """Where the platform reports no closes after writing, stillness alone decides: a copy
    that stalls for four times the old 0.3 s window is still not queued, and is once whole."""
    lib = make_library(loose=2, into=True)
    session = lib.open()
    watcher = FolderWatcher(session, closes=lambda: None)
    watcher.start()
    data = lib.next_photo().read_bytes()
    try:
        time.sleep(0.3)
        with open(lib.source / "SLOW_0002.jpg", "wb") as fh:
            fh.write(data[: len(data) // 2])
            fh.flush()
            stalled = time.monotonic()
            while time.monotonic() - stalled < 1.2:
                assert "SLOW_0002.jpg" not in session.queue_items()
                time.sleep(0.05)
            fh.write(data[len(data) // 2 :])
        assert wait_for(lambda: "SLOW_0002.jpg" in session.queue_items(), 5.0)
        assert (lib.source / "SLOW_0002.jpg").read_bytes() == data
    finally:
        watcher.close()
