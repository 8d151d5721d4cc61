"""Shared fixtures: real photo libraries in tmp folders, sessions, and a real HTTP server.

Every library is built from real photos of the repository's stamps6 test set (copied, never
linked; see data/README.md),
so tests watch what a user would: which file is in which folder, with which bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from testdata import STAMPS
from testdata import cr2_path as _cr2_path

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".cr2", ".dng", ".tif", ".webp", ".gif", ".bmp"}


def _run_concurrently(worker: Callable[[Any], object], args: Any) -> None:
    """Start one thread per argument at once and wait for all of them."""
    threads = [threading.Thread(target=worker, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.fixture(autouse=True)
def user_state_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test's own per-user state folder (which DEST each SOURCE went into, and the caches
    a FAT card cannot hold): no test reads or writes the real home. Set in the environment, so
    `photosort` subprocesses use it too."""
    folder = tmp_path_factory.mktemp("user-state")
    monkeypatch.setenv("PHOTOSORT_STATE_DIR", str(folder))
    monkeypatch.setenv("PHOTOSORT_CACHE_DIR", str(folder / "cache"))
    return folder


@pytest.fixture
def run_concurrently() -> Callable[[Callable[[Any], object], Any], None]:
    return _run_concurrently


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Library:
    """A photo library on disk: `source` (what is queued) and `dest` (the cluster folders)."""

    def __init__(self, root: Path, source: Path, dest: Path, pool: Iterator[Path]) -> None:
        self.root = root
        self.source = source
        self.dest = dest
        self._pool = pool
        self.loose: list[str] = []
        self.clusters: dict[str, list[str]] = {}
        self._sessions: list[Any] = []

    # ------------------------------------------------------------------ building
    def next_photo(self) -> Path:
        """A real photo not used yet in this library."""
        return next(self._pool)

    def add(self, rel: str, *, under: Path | None = None, src: Path | None = None) -> Path:
        """Copy a fresh real photo to `rel` under the source (or `under`)."""
        target = (under or self.source) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((src or self.next_photo()).read_bytes())
        return target

    # ------------------------------------------------------------------ sessions
    @property
    def into(self) -> Path | None:
        return None if self.dest == self.source else self.dest

    def open(self, **kwargs: Any) -> Any:
        """Open a `Session` on this library (closed at teardown if the test does not)."""
        from photosort.session.engine import Session

        session = Session(self.source, self.into, **kwargs)
        self._sessions.append(session)
        return session

    def close_all(self) -> None:
        for s in self._sessions:
            s.close()

    # ------------------------------------------------------------------ looking
    @property
    def clustering(self) -> Path:
        return self.dest / ".clustering"

    @property
    def actions_path(self) -> Path:
        return self.clustering / "actions.jsonl"

    @property
    def state_path(self) -> Path:
        return self.clustering / "state.json"

    @property
    def trash(self) -> Path:
        return self.clustering / "trash"

    def journal(self) -> list[dict[str, Any]]:
        """The journal lines as written on disk."""
        if not self.actions_path.exists():
            return []
        from photosort.jsontext import loads  # non-UTF-8 file names are \udcXX escapes

        lines = self.actions_path.read_bytes().splitlines()
        return [loads(line) for line in lines if line.strip()]

    def append_line(self, record: dict[str, Any]) -> dict[str, Any]:
        """Append a journal line by hand, as the tool would have right before a crash."""
        lines = self.journal()
        full = {"seq": (lines[-1]["seq"] + 1) if lines else 1, "ts": "2026-01-01T00:00:00.000Z"}
        full.update(record)
        with open(self.actions_path, "ab") as fh:
            fh.write(orjson.dumps(full) + b"\n")
        return full

    def photo_files(self) -> dict[str, str]:
        """Every photo file under the library root (source, dest, trash): path -> sha256."""
        roots = {self.source, self.dest}
        out: dict[str, str] = {}
        for base in roots:
            for path in base.rglob("*"):
                if (
                    path.is_file()
                    and path.suffix.lower() in PHOTO_SUFFIXES
                    and "cache" not in path.relative_to(base).parts
                ):
                    out[str(path)] = digest(path)
        return out

    def contents(self) -> list[str]:
        """The multiset of photo contents (sorted hashes): equal before/after = nothing lost."""
        return sorted(self.photo_files().values())


def _photo_pool(stamps: Path) -> Iterator[Path]:
    classes = sorted(p for p in stamps.iterdir() if p.is_dir())
    per_class = [sorted(c.glob("*.jpg")) for c in classes]
    # Round-robin over classes so loose photos are a real mix.
    for group in itertools.zip_longest(*per_class):
        for p in group:
            if p is not None:
                yield p


@pytest.fixture
def cr2_path() -> Path:
    return _cr2_path()


MakeLibrary = Callable[..., Library]


@pytest.fixture
def make_library(tmp_path: Path) -> Iterator[MakeLibrary]:
    """Factory: `make_library(clusters={"birds": 3, "coins": 3}, loose=6, into=False,
    nested=False, root=None)`.

    Cluster folders get real photos of that stamps6 class (when the class exists); loose photos
    (`IMG_0001.jpg`, ...) are a round-robin mix of the remaining photos. With `into=True` the
    clusters live in a separate dest folder; `nested=True` puts the loose photos in camera folders
    (`DCIM/100CANON/...`, `2024/summer/...`).
    """
    made: list[Library] = []
    counter = itertools.count()
    stamps = STAMPS

    def make(
        root: Path | None = None,
        clusters: Mapping[str, int] | None = None,
        loose: int = 6,
        *,
        into: bool = False,
        nested: bool = False,
    ) -> Library:
        clusters = {"birds": 3, "coins": 3} if clusters is None else clusters
        root = root or tmp_path / f"lib{next(counter)}"
        source = root / ("camera" if into else "photos")
        dest = root / "sorted" if into else source
        source.mkdir(parents=True, exist_ok=True)
        dest.mkdir(parents=True, exist_ok=True)
        lib = Library(root, source, dest, _photo_pool(stamps))
        used: set[Path] = set()
        for name, count in clusters.items():
            (dest / name).mkdir(exist_ok=True)
            own = sorted((stamps / name).glob("*.jpg")) if (stamps / name).is_dir() else []
            members = []
            for i in range(count):
                photo = own[i] if i < len(own) else next(p for p in lib._pool if p not in used)
                used.add(photo)
                rel = f"{name}/{photo.name}"
                lib.add(rel, under=dest, src=photo)
                members.append(rel)
            lib.clusters[name] = members
        lib._pool = (p for p in _photo_pool(stamps) if p not in used)
        folders = ["DCIM/100CANON", "DCIM/101CANON", "2024/summer"]
        for i in range(loose):
            rel = f"IMG_{i + 1:04d}.jpg"
            if nested:
                rel = f"{folders[i % len(folders)]}/{rel}"
            lib.add(rel)
            lib.loose.append(rel)
        made.append(lib)
        return lib

    yield make
    for lib in made:
        lib.close_all()


@pytest.fixture
def library(make_library: MakeLibrary) -> Library:
    """The default library: clusters birds (3) and coins (3), six loose photos, dest = source."""
    return make_library()


# ---------------------------------------------------------------------- HTTP server
class LiveServer:
    """A real uvicorn server on 127.0.0.1 in a background thread, with an httpx client."""

    def __init__(self, app: Any, ctx: Any) -> None:
        import uvicorn

        self.ctx = ctx
        # proto=IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose
        # proto says TCP; with proto 0 Nagle + delayed ACK add ~40 ms to every request.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        self.client = httpx.Client(base_url=self.url, timeout=10)

    def new_client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    def stop(self) -> None:
        if not self.thread.is_alive():
            return
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=15)
        with contextlib.suppress(OSError):
            self.sock.close()


StartServer = Callable[..., LiveServer]


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Factory: `start_server(lib, rescan_interval=0, engine=None, watch=False)` -> LiveServer
    over a fresh session of `lib`; `engine(session)` makes its suggestion engine (default:
    suggestions off, NoSuggestions); `watch` turns on live folders; `scan_cache` opens the
    session as `serve` does. Stopping the server closes
    the session."""
    from photosort.api.app import create_app
    from photosort.api.context import AppContext
    from photosort.session.engine import Session

    servers: list[LiveServer] = []

    def start(
        lib: Library,
        *,
        rescan_interval: float = 0,
        engine: Callable[[Any], Any] | None = None,
        guard: Any = None,
        watch: bool = False,
        scan_cache: bool = False,
    ) -> LiveServer:
        session = Session(lib.source, lib.into, scan_cache=scan_cache)
        ctx = AppContext(session, engine(session) if engine else None)
        app = create_app(
            ctx, static_dir=None, rescan_interval=rescan_interval, guard=guard, watch=watch
        )
        server = LiveServer(app, ctx)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(library: Library, start_server: StartServer) -> LiveServer:
    """A live server over the default library."""
    return start_server(library)


def assert_error(response: httpx.Response, status: int | None = None, code: str | None = None):
    """Every 4xx body is `{"error": {"code", "message"}}`."""
    if status is not None:
        assert response.status_code == status, response.text
    else:
        assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


@pytest.fixture
def check_error() -> Callable[..., dict[str, str]]:
    """`check_error(response, status=None, code=None)` asserts the shared error shape."""
    return assert_error


@pytest.fixture
def hash_of() -> Callable[[Path], str]:
    return digest


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx honours proxy variables; the live server is on loopback.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
