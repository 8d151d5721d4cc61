"""Ctrl-C on `photosort serve` through the real entry point: quick, one line, no traceback,
with a browser tab's event stream open and while indexing runs."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

PHOTOSORT = Path(sys.executable).parent / "photosort"
STOPPED = "stopped; the journal is safe"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """`photosort serve` in a subprocess on a free loopback port."""

    def __init__(self, source: Path, model: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                *(str(PHOTOSORT), "serve", str(source), "--port", str(self.port)),
                *("--model", model, "--no-browser"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert self.proc.poll() is None, self.proc.communicate()
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.1)

    def open_event_stream(self) -> threading.Event:
        """A browser tab's `/api/events`, read in a thread; returns once `hello` arrived."""
        hello, ended = threading.Event(), threading.Event()

        def read() -> None:
            try:
                with httpx.stream("GET", f"{self.url}/api/events", timeout=60) as r:
                    for line in r.iter_lines():
                        if line.startswith("event: hello"):
                            hello.set()
            except httpx.HTTPError:
                pass
            ended.set()

        threading.Thread(target=read, daemon=True).start()
        assert hello.wait(10), "no hello event"
        return ended

    def interrupt(self, *, times: int = 1, gap: float = 0.3) -> tuple[int, float, str]:
        """Send Ctrl-C (SIGINT) `times` times; returns (exit code, seconds to exit, output)."""
        started = time.monotonic()
        for i in range(times):
            if i:
                time.sleep(gap)
            self.proc.send_signal(signal.SIGINT)
        try:
            out, _ = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
            raise AssertionError(f"still running 15 s after Ctrl-C:\n{out}") from None
        return self.proc.returncode, time.monotonic() - started, out

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def assert_clean_stop(code: int, seconds: float, out: str, *, within: float) -> None:
    assert code == 0, out
    assert seconds < within, f"took {seconds:.2f} s to stop:\n{out}"
    assert "Traceback" not in out and "ERROR" not in out and "CancelledError" not in out, out
    lines = out.strip().splitlines()
    assert lines[-1] == STOPPED, out
    assert out.count(STOPPED) == 1, out


def test_ctrl_c_with_an_open_event_stream_stops_at_once(library):
    served = Served(library.source, "none")
    try:
        stream_ended = served.open_event_stream()
        r = httpx.post(f"{served.url}/api/skip", json={"item": library.loose[0]}, timeout=5)
        assert r.status_code == 200, r.text
        code, seconds, out = served.interrupt()
    finally:
        served.kill()
    assert_clean_stop(code, seconds, out, within=3.0)
    assert stream_ended.wait(2), "the event stream was not closed"
    # The journal really is safe: the skip is there and agrees with the files.
    assert [x["type"] for x in library.journal()] == ["skip"]
    r = subprocess.run(
        [str(PHOTOSORT), "verify", str(library.source)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_ctrl_c_while_indexing_stops_cooperatively(make_library):
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=24)
    served = Served(lib.source, "efficientnet-lite0")
    try:
        served.open_event_stream()
        deadline = time.monotonic() + 30
        while True:  # Ctrl-C mid-indexing, not after it
            indexing = httpx.get(f"{served.url}/api/session", timeout=5).json()["indexing"]
            if indexing["done"] > 0 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert indexing["done"] < indexing["total"], indexing
        code, seconds, out = served.interrupt()
    finally:
        served.kill()
    # The README promises "within a second"; an embedding batch alone takes about that long,
    # so indexing must not be waited out (a loaded machine gets half a second more).
    assert_clean_stop(code, seconds, out, within=1.5)


def test_a_second_ctrl_c_exits_immediately(library):
    """A client stuck mid-upload holds a graceful shutdown for its whole timeout; the second
    Ctrl-C does not wait for it."""
    served = Served(library.source, "none")
    stalled = socket.create_connection(("127.0.0.1", served.port))
    try:
        stalled.sendall(
            b"POST /api/skip HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"item": '
        )
        time.sleep(0.3)
        code, seconds, out = served.interrupt(times=2, gap=0.3)
    finally:
        stalled.close()
        served.kill()
    assert_clean_stop(code, seconds, out, within=1.5)
    assert library.journal() == []


def test_ctrl_c_with_live_folders_watching_stops_at_once(make_library):
    """`serve` watches the source (live folders): a file copied in joins the queue, and the
    watcher thread does not hold up Ctrl-C."""
    lib = make_library(loose=2, into=True)
    served = Served(lib.source, "none")
    try:
        lib.add("IMG_0300.jpg")
        deadline = time.monotonic() + 5
        while True:
            r = httpx.get(f"{served.url}/api/queue", timeout=5)
            if "IMG_0300.jpg" in [i["item"] for i in r.json()["items"]]:
                break
            assert time.monotonic() < deadline, r.json()
            time.sleep(0.05)
        code, seconds, out = served.interrupt()
    finally:
        served.kill()
    assert_clean_stop(code, seconds, out, within=1.5)
    assert "live folders paused" not in out and "changes detected" not in out, out
