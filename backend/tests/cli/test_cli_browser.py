"""`photosort serve` opens the UI in the user's browser once it listens, unless told not to or
where a browser cannot be what the user wants (CI, SSH, no display); `--version` answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from photosort import __version__
from photosort.cli import _browser_unwelcome

PHOTOSORT = Path(sys.executable).parent / "photosort"


@pytest.mark.parametrize(
    ("env", "platform", "why"),
    [
        ({"DISPLAY": ":0"}, "linux", None),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None),
        ({}, "linux", "no display"),
        ({"DISPLAY": ":0", "SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"}, "linux", "SSH"),
        ({"SSH_TTY": "/dev/pts/1"}, "darwin", "SSH"),
        ({"DISPLAY": ":0", "CI": "true"}, "linux", "CI"),
        ({}, "darwin", None),
        ({}, "win32", None),
    ],
)
def test_when_a_browser_is_unwelcome(env, platform, why):
    assert _browser_unwelcome(env, platform) == why


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "api/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.skipif(not PHOTOSORT.exists(), reason="photosort console script not installed")
@pytest.mark.parametrize("flag", [None, "--no-browser"])
def test_serve_opens_the_browser_once_listening(library, tmp_path, flag):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(f"import sys; open({str(opened)!r}, 'a').write(sys.argv[1] + '\\n')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "SSH_CONNECTION", "SSH_TTY")}
    # BROWSER is the standard way to name the browser Python's webbrowser runs.
    env |= {"DISPLAY": ":99", "BROWSER": f"{sys.executable} {browser} %s"}
    port = _free_port()
    args = [str(PHOTOSORT), "serve", str(library.source), "--port", str(port), "--model", "none"]
    proc = subprocess.Popen(
        args + ([flag] if flag else []),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        want = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while not (opened.exists() and opened.read_text().strip()):
            assert proc.poll() is None, proc.communicate()
            if flag and _healthy(want):
                time.sleep(1.0)  # time enough to have opened one, had it wanted to
                assert not opened.exists()
                return
            assert time.monotonic() < deadline, "no browser opened"
            time.sleep(0.1)
        assert opened.read_text().splitlines() == [want]
        assert _healthy(want)  # it opened a page that answers
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def test_version(cli):
    r = cli("--version")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == f"photosort {__version__}"
