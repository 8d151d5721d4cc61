"""Who may act: only the reviewer's own browser, never another web page.

Every refusal is checked against a real uvicorn on 127.0.0.1 with the headers a browser (or an
attacker's page) would send, and by what a user would notice: the photo did not move.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

PHOTOSORT = Path(sys.executable).parent / "photosort"


def post_json(client: httpx.Client, path: str, body: object, **kwargs) -> httpx.Response:
    """POST `body` as JSON with \\u escapes, so lone surrogates travel as a browser sends them."""
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return client.post(path, content=json.dumps(body).encode(), headers=headers, **kwargs)


def _assign(server, library, **kwargs):
    return server.client.post(
        "/api/assign", json={"item": library.loose[0], "cluster": "birds"}, **kwargs
    )


def _unmoved(library) -> bool:
    return (library.source / library.loose[0]).is_file() and not any(
        r["type"] == "assign" for r in library.journal()
    )


# ---------------------------------------------------------------------- DNS rebinding
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "192.168.1.20", "[fe80::1]"])
def test_foreign_host_is_refused_on_loopback(server, library, check_error, host):
    check_error(server.client.get("/api/actions", headers={"Host": host}), 421, "bad_host")
    err = check_error(_assign(server, library, headers={"Host": host}), 421, "bad_host")
    assert "loopback" in err["message"] and "DNS rebinding" in err["message"]
    check_error(server.client.get("/", headers={"Host": host}), 421, "bad_host")
    assert _unmoved(library)


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:1234", "127.0.0.1", "127.0.0.2:9", "[::1]:8000", "a.localhost"]
)
def test_loopback_names_are_served(server, host):
    r = server.client.get("/api/health", headers={"Host": host})
    assert r.status_code == 200, r.text


# ---------------------------------------------------------------------- cross-site writes
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},  # another local app (other port) is another origin
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_site_write_is_refused(server, library, check_error, headers):
    err = check_error(_assign(server, library, headers=headers), 403, "cross_site")
    assert "another site" in err["message"]
    check_error(server.client.post("/api/undo", json={}, headers=headers), 403, "cross_site")
    assert _unmoved(library)


def test_same_origin_writes_are_served(server, library):
    r = _assign(server, library, headers={"Origin": server.url, "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 200, r.text
    assert (library.dest / "birds" / library.loose[0]).is_file()


def _trashed_nothing(library) -> bool:
    return (library.source / library.loose[0]).is_file() and not any(
        r["type"] == "delete" for r in library.journal()
    )


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:5173"])
def test_a_page_on_the_vite_port_can_neither_act_nor_read_photos(
    server, library, check_error, origin
):
    """Port 5173 is whatever happens to run there (any other project's dev server), not this
    tool: a page on it is another site."""
    r = post_json(
        server.client, "/api/delete", {"item": library.loose[0]}, headers={"Origin": origin}
    )
    check_error(r, 403, "cross_site")
    assert "access-control-allow-origin" not in r.headers
    assert _trashed_nothing(library)
    for media in (f"/api/image/{library.loose[0]}", f"/api/image/{library.loose[0]}?size=thumb"):
        r = server.client.get(media, headers={"Origin": origin})
        check_error(r, 403, "cross_site")
        assert "access-control-allow-origin" not in r.headers


def test_the_vite_dev_server_proxy_is_served(server, library):
    """`npm run dev`: Vite on :5173 proxies /api keeping the browser's Host (changeOrigin off),
    so what reaches the backend is same-origin with the page the reviewer has open."""
    proxied = {
        "Host": "localhost:5173",
        "Origin": "http://localhost:5173",
        "Sec-Fetch-Site": "same-origin",
    }
    r = post_json(server.client, "/api/delete", {"item": library.loose[0]}, headers=proxied)
    assert r.status_code == 200, r.text
    assert not (library.source / library.loose[0]).exists()
    r = server.client.get(f"/api/image/{library.loose[1]}", headers=proxied)
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/")


def test_cross_site_reads_stay_possible_but_not_writes(server, library):
    # A GET cannot move a file; the browser's CORS rules keep its answer from the page.
    r = server.client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"item": "IMG_0001.jpg", "cluster": "birds"}', "text/plain"),
        (b"item=IMG_0001.jpg&cluster=birds", "application/x-www-form-urlencoded"),
        (
            b'--b\r\nContent-Disposition: form-data; name="item"\r\n\r\nx\r\n--b--',
            "multipart/form-data; boundary=b",
        ),
    ],
)
def test_form_and_text_plain_posts_move_nothing(
    server, library, check_error, content, content_type
):
    """What a plain HTML form (or a no-preflight fetch) on any page can send: refused, even
    from the same origin, because only JSON bodies are actions."""
    r = server.client.post("/api/assign", content=content, headers={"Content-Type": content_type})
    err = check_error(r, 415, "unsupported_media_type")
    assert "application/json" in err["message"]
    assert _unmoved(library)


def test_images_may_not_be_embedded_by_other_sites(server, library):
    for size in ("thumb", "original"):
        r = server.client.get(f"/api/image/{library.loose[0]}", params={"size": size})
        assert r.status_code == 200
        assert r.headers["cross-origin-resource-policy"] == "same-origin"


# ---------------------------------------------------------------------- body limit
def test_body_over_the_limit_is_413_without_reading_it(server, library, check_error):
    big = b'{"item": "' + b"a" * (2 * 1024 * 1024) + b'", "cluster": "birds"}'
    err = check_error(
        server.client.post(
            "/api/assign", content=big, headers={"Content-Type": "application/json"}
        ),
        413,
        "body_too_large",
    )
    assert "limit" in err["message"]
    assert _unmoved(library)


def test_streamed_body_over_the_limit_is_413(server, library, check_error):
    """No Content-Length (chunked): the limit is counted while the body streams in."""
    sent = 0

    def chunks():
        nonlocal sent
        yield b'{"item": "'
        for _ in range(64):  # 64 x 256 KiB = 16 MiB offered
            sent += 256 * 1024
            yield b"a" * (256 * 1024)
        yield b'", "cluster": "birds"}'

    r = server.client.post(
        "/api/assign", content=chunks(), headers={"Content-Type": "application/json"}
    )
    check_error(r, 413, "body_too_large")
    assert _unmoved(library)


def test_body_under_the_limit_is_served(server, library):
    r = _assign(server, library)
    assert r.status_code == 200


# ---------------------------------------------------------------------- cluster names
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("birds\nx", "control character"),
        ("tab\there", "control character"),
        ("photo\u202egpj.exe", "bidirectional"),
        ("a\u2066b", "bidirectional"),
        ("CON", "reserved device name"),
        ("nul", "reserved device name"),
        ("Com1", "reserved device name"),
        ("aux.txt", "reserved device name"),
        ("lpt9.tar.gz", "reserved device name"),
        ("birds.", "ends with a dot"),
        ("birds. ", "ends with a dot"),
        ("what?", "Windows does not allow"),
        ("a:b", "Windows does not allow"),
        ("\udcff", "surrogate"),
        ("x\ud800y", "surrogate"),
        ("é" * 150, "longer than 200 bytes"),
    ],
)
def test_non_portable_cluster_names_are_refused_with_a_reason(
    server, library, check_error, name, reason
):
    for r in (
        post_json(server.client, "/api/clusters", {"name": name}),
        post_json(
            server.client,
            "/api/assign",
            {"item": library.loose[0], "cluster": name, "create": True},
        ),
    ):
        err = check_error(r, 400, "bad_cluster_name")
        assert reason in err["message"], err
    assert library.journal() == []
    assert _unmoved(library)


@pytest.mark.parametrize("name", ["console", "Nuller", "COM10", "comics", "Café ☕", "a.b"])
def test_names_that_only_resemble_reserved_ones_are_fine(server, library, name):
    r = server.client.post("/api/clusters", json={"name": name})
    assert r.status_code == 200, r.text
    assert (library.dest / name).is_dir()


# ---------------------------------------------------------------------- token off loopback
@pytest.fixture
def token_server(library, start_server):
    from photosort.api.security import Guard

    return start_server(library, guard=Guard(bind_host="0.0.0.0", token="s3cret-token"))


def test_network_server_refuses_requests_without_the_token(token_server, library, check_error):
    c = token_server.client
    err = check_error(c.get("/api/session"), 401, "token_required")
    assert "token" in err["message"]
    check_error(_assign(token_server, library), 401, "token_required")
    check_error(c.get("/api/session", params={"token": "wrong"}), 401, "token_required")
    check_error(c.get("/api/session", headers={"Cookie": "photosort_token=wrong"}), 401)
    # Any Host is fine off loopback: the token, not the name, is the access control.
    check_error(c.get("/api/health", headers={"Host": "photos.lan"}), 401, "token_required")
    assert _unmoved(library)


def test_token_link_sets_an_http_only_strict_cookie(token_server, library):
    c = token_server.client
    r = c.get("/", params={"token": "s3cret-token"})
    assert r.status_code == 303
    assert r.headers["location"] == "/"  # the token leaves the address bar
    cookie = r.headers["set-cookie"]
    assert "photosort_token=s3cret-token" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # httpx keeps the cookie like a browser does: from now on the reviewer just works.
    assert c.get("/api/session").status_code == 200
    r = c.post("/api/assign", json={"item": library.loose[0], "cluster": "birds"})
    assert r.status_code == 200, r.text
    assert (library.dest / "birds" / library.loose[0]).is_file()
    # Scripts may send it as a bearer token instead.
    fresh = token_server.new_client()
    assert fresh.get("/api/health").status_code == 401
    assert (
        fresh.get("/api/health", headers={"Authorization": "Bearer s3cret-token"}).status_code
        == 200
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(library, *args: str):
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(PHOTOSORT),
            "serve",
            str(library.source),
            "--port",
            str(port),
            "--model",
            "none",
            "--no-browser",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "300"},
    )
    return proc, port


def _stop(proc) -> tuple[str, str]:
    proc.send_signal(signal.SIGINT)
    try:
        return proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


def _first_line_with(proc, needle: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if needle in line:
            return line.strip()
        assert line or proc.poll() is None, proc.communicate()
    raise AssertionError(f"no line with {needle!r}")


def _when_listening(base: str, timeout: float = 20) -> httpx.Response:
    """`GET /api/health` once the server accepts connections."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(f"{base}/api/health", timeout=1)
        except httpx.TransportError:
            assert time.monotonic() < deadline
            time.sleep(0.1)


@pytest.mark.skipif(not PHOTOSORT.exists(), reason="photosort console script not installed")
def test_serve_on_all_interfaces_prints_a_token_link_once(library):
    proc, port = _serve(library, "--host", "0.0.0.0")
    try:
        line = _first_line_with(proc, "?token=")
        assert "every network interface" in line and "token" in line
        token = line.split("?token=", 1)[1].split()[0]
        assert len(token) >= 24
        base = f"http://127.0.0.1:{port}"
        assert _when_listening(base).status_code == 401
        with httpx.Client(base_url=base, timeout=5) as c:
            assert c.get("/", params={"token": token}).status_code == 303
            assert c.get("/api/session").status_code == 200
    finally:
        out, err = _stop(proc)
    assert out.count(token) == 0  # the rest of the output does not repeat it
    assert "Traceback" not in err


@pytest.mark.skipif(not PHOTOSORT.exists(), reason="photosort console script not installed")
def test_serve_on_loopback_says_only_this_computer_can_reach_it(library):
    proc, _port = _serve(library)
    try:
        line = _first_line_with(proc, "open http://")
    finally:
        _stop(proc)
    assert "only this computer" in line and "token" not in line


@pytest.mark.skipif(not PHOTOSORT.exists(), reason="photosort console script not installed")
def test_plain_serve_refuses_a_page_on_the_vite_port(library):
    proc, port = _serve(library)
    try:
        base = f"http://127.0.0.1:{port}"
        assert _when_listening(base).status_code == 200
        with httpx.Client(base_url=base, timeout=5) as c:
            r = post_json(
                c,
                "/api/delete",
                {"item": library.loose[0]},
                headers={"Origin": "http://localhost:5173"},
            )
            assert r.status_code == 403, r.text
            assert "access-control-allow-origin" not in r.headers
            r = c.get(f"/api/image/{library.loose[0]}", headers={"Origin": "http://localhost:5173"})
            assert r.status_code == 403
            assert "access-control-allow-origin" not in r.headers
    finally:
        _stop(proc)
    assert _trashed_nothing(library)
