"""The embedder in a process of its own, and the `Embedder` that talks to it.

Why a process: a server's cold start is two long imports, its web stack and torch (plus the
weights). In one interpreter they share one lock and take turns on one core; measured on
2 cores, CLIP's first suggestion came 1.6-1.7 s after the model's load alone, most of it that
contention. `serve` starts this process before its own imports, so the model loads on the
other core while the server comes up; the server imports torch only later, for its float16
products, once the first vectors have come (ml/matrix.py).

The wire: the child's stdin and stdout, each message a little-endian 8-byte length and a pickle
(the child is ours, started from this very package; nothing else writes to these pipes). The
child answers one request at a time, in order; `RemoteEmbedder` holds a lock per exchange.

If the child dies (out of memory, a crash in a native library), the next request starts it
again once and retries; a second failure is that request's error (its photos fail, indexing
goes on). When the parent dies, the child leaves too (ml/worker.py says how).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

# Nothing heavier than the standard library at import: `photosort.launch` imports this module
# to start the child before anything else (pydantic, numpy and Pillow come later, when used).
if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from PIL import Image

__all__ = [
    "ModelProcess",
    "ModelProcessDied",
    "RemoteEmbedder",
    "model_process_wanted",
    "start_early",
    "take_early",
]

log = logging.getLogger(__name__)

_HEADER: Final = struct.Struct("<Q")
#: A message larger than this is not one of ours: a batch of 16 decoded 12 MP photos is ~9 MB.
MAX_MESSAGE: Final = 1 << 31
CLOSE_WAIT_S: Final = 2.0


class ModelProcessDied(RuntimeError):
    """The model's process ended while it was asked something (its exit status says how)."""


def model_process_wanted() -> bool:
    """Whether `serve` runs the model in its own process (``PHOTOSORT_MODEL_PROCESS=0``: not)."""
    from photosort import config

    return config.load().photosort_model_process


_early: ModelProcess | None = None


def start_early(model: str, device: str) -> None:
    """Start the model's process now, for `take_early` to claim (the command line's entry
    point does this for `serve` before importing the CLI: 0.4-0.5 s of imports)."""
    global _early
    _early = ModelProcess(model, device)
    # A command that never claims it (a bad option, --help) leaves it no time to finish a load.
    atexit.register(_discard_early)


def take_early(model: str, device: str) -> ModelProcess | None:
    """The process `start_early` started, if it is for this model and device (else it goes)."""
    global _early
    early, _early = _early, None
    if early is not None and (early.model, early.device) != (model, device):
        early.discard()
        return None
    return early


def _discard_early() -> None:
    global _early
    early, _early = _early, None
    if early is not None:
        early.discard()


def send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream (the other side has gone)."""
    head = _read_exactly(stream, _HEADER.size)
    if head is None:
        return None
    (size,) = _HEADER.unpack(head)
    if size > MAX_MESSAGE:
        raise ValueError(f"a {size}-byte message on the model's pipe")
    body = _read_exactly(stream, size)
    if body is None:
        return None
    return pickle.loads(body)


def _read_exactly(stream: IO[bytes], n: int) -> bytes | None:
    parts: list[bytes] = []
    left = n
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


class ModelProcess:
    """One child process running `photosort.ml.worker` for (``model``, ``device``).

    Started at once (the load begins in the child while the caller goes on); `embedder()`
    waits for it and returns the `RemoteEmbedder`, or raises `EmbedderUnavailable` with the
    child's reason.
    """

    def __init__(self, model: str, device: str) -> None:
        self.model = model
        self.device = device
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._info: dict[str, Any] | None = None
        # The id of the first model loaded; never reset: a restart must load the same model.
        self._expected_id: str | None = None
        self._closed = False
        self._spawn()

    def _spawn(self) -> None:
        # The child imports the very code the parent runs, wherever that came from.
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, path]))}
        # Linux's parent-death signal follows the thread that starts the child: asked for only
        # from the main thread, which lives as long as the server (a restart may come from a
        # pool thread that ends when idle).
        main = threading.current_thread() is threading.main_thread()
        die = ["--die-with-parent"] if main else []
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "photosort.ml.worker", self.model, self.device, *die],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._info = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def embedder(self) -> RemoteEmbedder:
        """Wait for the load; the embedder, or EmbedderUnavailable saying why not."""
        with self._lock:
            info = self._wait_ready()
        return RemoteEmbedder(self, info)

    def _wait_ready(self) -> dict[str, Any]:
        if self._info is not None:
            return self._info
        proc = self._running()
        assert proc.stdout is not None
        first = receive(proc.stdout)
        from photosort.ml.embedder import EmbedderUnavailable

        if first is None:
            raise EmbedderUnavailable(f"the model's process stopped while loading ({self._exit()})")
        status, payload = first
        if status != "ready":
            raise EmbedderUnavailable(str(payload))
        self._info = dict(payload)
        if self._expected_id is None:
            self._expected_id = str(self._info["id"])
        return self._info

    def _running(self) -> subprocess.Popen[bytes]:
        if self._closed or self._proc is None:
            raise ModelProcessDied("the model's process was closed")
        return self._proc

    def _exit(self) -> str:
        proc = self._proc
        if proc is None:
            return "closed"
        try:
            code = proc.wait(timeout=CLOSE_WAIT_S)
        except subprocess.TimeoutExpired:
            return "not answering"
        return f"exit status {code}"

    def call(self, op: str, *args: object) -> Any:
        """Ask the child `op(*args)`; its answer, or the exception it raised (as ours)."""
        with self._lock:
            try:
                return self._exchange(op, args)
            except ModelProcessDied as died:
                if self._closed:
                    raise
                log.warning("%s; starting it again", died)
                self._restart()
                return self._exchange(op, args)

    def _exchange(self, op: str, args: tuple[object, ...]) -> Any:
        proc = self._running()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            send(proc.stdin, (op, args))
            reply = receive(proc.stdout)
        except OSError as exc:  # a broken pipe, a reset: the child has gone
            raise ModelProcessDied(f"the model's process stopped ({exc})") from exc
        if reply is None:
            raise ModelProcessDied(f"the model's process stopped ({self._exit()})")
        status, payload = reply
        if status == "ok":
            return payload
        kind, message = payload
        from photosort.ml.embedder import EmbedderUnavailable

        if kind == "unavailable":
            raise EmbedderUnavailable(message)
        raise RuntimeError(message)

    def _restart(self) -> None:
        from photosort.ml.embedder import EmbedderUnavailable

        self._kill()
        self._spawn()
        try:
            after = self._wait_ready()
        except EmbedderUnavailable as exc:  # this request fails; the next one tries again
            raise ModelProcessDied(f"the model's process could not start again: {exc}") from exc
        if after["id"] != self._expected_id:
            # The weights changed on disk: its vectors must not mix with the ones indexed.
            self._closed = True
            self._kill()
            raise ModelProcessDied(
                f"the model changed on disk while in use ({self._expected_id} -> "
                f"{after['id']}); restart photosort"
            )

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            proc.wait(timeout=CLOSE_WAIT_S)  # it exits at the end of its stdin
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        """End the child (it finishes the request in hand first, if any; one that does not
        answer within CLOSE_WAIT_S is killed)."""
        if not self._lock.acquire(timeout=CLOSE_WAIT_S):
            self.discard()
            return
        try:
            self._closed = True
            self._kill()
        finally:
            self._lock.release()

    def discard(self) -> None:
        """End the child at once, whatever it is doing (a process nobody will use)."""
        self._closed = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        with self._lock:
            self._kill()


class RemoteEmbedder:
    """The `Embedder` (and `TextEmbedder` where the model has a text tower) of a
    `ModelProcess`: the same attributes and answers as the model in this process."""

    def __init__(self, process: ModelProcess, info: dict[str, Any]) -> None:
        self._process = process
        self.id: str = info["id"]
        self.kind: str = info["kind"]
        self.dim: int = info["dim"]
        self.device: str = info["device"]
        self.input_edge: int = info["input_edge"]
        self.reason: str = info["reason"]
        self.text_supported: bool = bool(info["text_supported"])
        self.labels_id: str | None = info["labels_id"]
        # Present only when the model has a classifier head, as on the model itself
        # (indexing looks for it to store class probabilities beside the vectors).
        self.embed_images_labeled: (
            Callable[[Sequence[Image.Image]], tuple[NDArray[np.float32], NDArray[np.float32]]]
            | None
        ) = self._embed_labeled if self.labels_id is not None else None

    def __repr__(self) -> str:
        return f"RemoteEmbedder({self.id!r}, pid={self._process.pid})"

    def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        out: NDArray[np.float32] = self._process.call("embed_images", list(images))
        return out

    def _embed_labeled(
        self, images: Sequence[Image.Image]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        vectors, labels = self._process.call("embed_images_labeled", list(images))
        return vectors, labels

    def embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        from photosort.ml.embedder import EmbedderUnavailable

        try:
            out: NDArray[np.float32] = self._process.call("embed_texts", list(texts))
        except EmbedderUnavailable:
            self.text_supported = False  # as the model itself says after a failed load
            raise
        return out

    def prepare_text_code(self) -> None:
        if self.text_supported:
            self._process.call("prepare_text_code")
