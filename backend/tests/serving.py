"""A real `photosort serve` process for tests: start it on a free loopback port, wait until
it answers, stop it with Ctrl-C as a user would (and make sure it said no traceback)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

PHOTOSORT = Path(sys.executable).parent / "photosort"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(
    args: Sequence[str | os.PathLike[str]],
    *,
    launcher: Sequence[str | os.PathLike[str]] = (PHOTOSORT,),
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> tuple[subprocess.Popen[str], str]:
    """`serve ARGS --port P --no-browser` (through `launcher`), once `/api/health` answers;
    returns the process and its base URL. Output is piped (read it with `ctrl_c`)."""
    port = free_port()
    proc = subprocess.Popen(
        [*map(str, launcher), "serve", *map(str, args), "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**(os.environ if env is None else env), "COLUMNS": "300"},
        cwd=cwd,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"serve did not come up: {proc.communicate()}")
        time.sleep(0.1)


def ctrl_c(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Stop with SIGINT (Ctrl-C); (stdout, stderr), which must hold no traceback."""
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    assert "Traceback" not in err, err
    return out, err
