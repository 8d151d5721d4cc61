"""Ctrl-C on `photosort serve` through the real entry point: quick, one line, no traceback,
with a browser tab's event stream open and while indexing runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

PHOTOSORT = Path(sys.executable).parent / "photosort"
STOPPED = "stopped; the journal is safe"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """`photosort serve` in a subprocess on a free loopback port."""

    def __init__(self, source: Path, model: str, env: dict[str, str] | None = None) -> None:
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
            env={**os.environ, **(env or {})},
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


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        pytest.skip("needs Linux's /proc/PID/task/PID/children")
    return [int(p) for p in path.read_text().split()]


def _ended(pid: int, within: float) -> bool:
    """Gone, or a zombie that only its (test) parent has yet to reap."""
    deadline = time.monotonic() + within
    stat = Path(f"/proc/{pid}/stat")
    while time.monotonic() < deadline:
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except (FileNotFoundError, ProcessLookupError):
            return True
        time.sleep(0.05)
    return False


def _worker_of(served: Served) -> list[int]:
    """The `photosort.ml.worker` children of the server, once its model is ready."""
    deadline = time.monotonic() + 60
    while httpx.get(f"{served.url}/api/session", timeout=5).json()["embedder"]["status"] != "ready":
        assert time.monotonic() < deadline, "the model never became ready"
        time.sleep(0.1)
    return [c for c in _children(served.proc.pid) if "photosort.ml.worker" in _cmdline(c)]


@pytest.mark.parametrize("how", ["ctrl-c", "kill -9"])
def test_the_models_process_ends_with_the_server(make_library, how):
    """`serve` runs the model in a process of its own; whether the server is stopped with
    Ctrl-C or killed outright, that process does not outlive it."""
    lib = make_library(clusters={"birds": 3}, loose=4)
    served = Served(lib.source, "efficientnet-lite0")
    try:
        workers = _worker_of(served)
        assert len(workers) == 1, workers
        _stop_and_see_it_end(served, how, workers[0], within=15)
    finally:
        served.kill()


def test_photosort_model_process_0_keeps_the_model_in_the_server(make_library):
    lib = make_library(clusters={"birds": 3}, loose=4)
    served = Served(lib.source, "efficientnet-lite0", env={"PHOTOSORT_MODEL_PROCESS": "0"})
    try:
        assert _worker_of(served) == []
        deadline = time.monotonic() + 30
        while not (item := httpx.get(f"{served.url}/api/queue", timeout=5).json()["items"][0])[
            "suggestions"
        ]:
            assert time.monotonic() < deadline, item
            time.sleep(0.1)
        assert item["suggestions"]["top"][0]["cluster"] == "birds"
        code, seconds, out = served.interrupt()
    finally:
        served.kill()
    assert_clean_stop(code, seconds, out, within=3.0)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _stop_and_see_it_end(served: Served, how: str, worker: int, within: float) -> None:
    """Stop the server by `how` (Ctrl-C: cleanly); its model process must end within seconds."""
    if how == "ctrl-c":
        code, seconds, out = served.interrupt()
        assert_clean_stop(code, seconds, out, within=3.0)
    else:
        served.kill()
    assert _ended(worker, within=within), f"the model's process outlived the server ({how})"


def _hung_model(folder: Path) -> Path:
    """A model folder whose load never ends: its weight shard is a FIFO nobody writes (a
    network disk that stopped answering reads the same)."""
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "clip"}')
    (folder / "model.safetensors.index.json").write_text(
        '{"metadata": {"total_size": 10}, "weight_map": {"w": "shard.safetensors"}}'
    )
    os.mkfifo(folder / "shard.safetensors")
    return folder


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO (POSIX)")
@pytest.mark.parametrize("how", ["ctrl-c", "kill -9"])
def test_a_model_process_stuck_loading_ends_with_the_server(make_library, tmp_path, how):
    """The child reads no request while it loads: it must still not outlive the server."""
    lib = make_library(clusters={"birds": 1}, loose=1)
    served = Served(lib.source, str(_hung_model(tmp_path / "hung")))
    try:
        deadline = time.monotonic() + 10
        while not (
            workers := [c for c in _children(served.proc.pid) if "ml.worker" in _cmdline(c)]
        ):
            assert time.monotonic() < deadline, "no model process"
            time.sleep(0.05)
        session = httpx.get(f"{served.url}/api/session", timeout=5).json()
        assert session["embedder"]["status"] == "loading"
        _stop_and_see_it_end(served, how, workers[0], within=3)
    finally:
        served.kill()
