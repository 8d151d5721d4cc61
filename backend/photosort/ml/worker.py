"""The model's own process: ``python -m photosort.ml.worker MODEL DEVICE``.

Started by `ml/remote.py` (see there for why and for the wire). It loads the embedder, says
"ready" with what the parent needs to know of it (or why it cannot), then answers requests
until its stdin ends. Ctrl-C in the terminal reaches every process of the group: this one
ignores it and leaves when the server, its parent, goes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from typing import IO, Any

from photosort.errors import PhotosortError
from photosort.ml.embedder import Embedder, EmbedderUnavailable, supports_text
from photosort.ml.remote import receive, send

PARENT_POLL_S = 0.5
PR_SET_PDEATHSIG = 1  # linux/prctl.h
DIE_WITH_PARENT = "--die-with-parent"


def describe(embedder: Embedder, reason: str) -> dict[str, Any]:
    """What `RemoteEmbedder` mirrors of the model."""
    labels_id = getattr(embedder, "labels_id", None)
    return {
        "id": embedder.id,
        "kind": embedder.kind,
        "dim": embedder.dim,
        "device": embedder.device,
        "input_edge": embedder.input_edge,
        "reason": reason,
        "text_supported": supports_text(embedder),
        "labels_id": labels_id if isinstance(labels_id, str) else None,
    }


def answer(embedder: Embedder, op: str, args: tuple[Any, ...]) -> tuple[str, Any]:
    """One request: ("ok", result) or ("error", (kind, message))."""
    try:
        if op == "embed_images":
            return "ok", embedder.embed_images(*args)
        if op == "embed_images_labeled":
            return "ok", embedder.embed_images_labeled(*args)  # type: ignore[attr-defined]
        if op == "embed_texts":
            if not supports_text(embedder):
                raise EmbedderUnavailable(f"{embedder.id} has no text tower")
            return "ok", embedder.embed_texts(*args)
        if op == "prepare_text_code":
            prepare = getattr(embedder, "prepare_text_code", None)
            return "ok", prepare() if callable(prepare) else None
        return "error", ("error", f"unknown request {op!r}")
    except EmbedderUnavailable as exc:
        return "error", ("unavailable", exc.message)
    except Exception as exc:  # the parent raises it as this request's error
        return "error", ("error", f"{type(exc).__name__}: {exc}")


def serve(model: str, device: str, requests: IO[bytes], replies: IO[bytes]) -> None:
    from photosort.ml.select import load_embedder

    try:
        choice = load_embedder(model, device)
    except PhotosortError as exc:
        send(replies, ("failed", exc.message))
        return
    except Exception as exc:
        send(replies, ("failed", f"the model failed to load: {exc}"))
        return
    send(replies, ("ready", describe(choice.embedder, choice.reason)))
    while True:
        request = receive(requests)
        if request is None:
            return
        op, args = request
        send(replies, answer(choice.embedder, op, tuple(args)))


def _leave_with_parent(kernel_signal: bool) -> None:
    """Exit when the parent has gone, even mid-load (a first CLIP download can take minutes,
    a stalled network disk longer, and stdin's end is read only between requests).

    On Linux with `kernel_signal`, the kernel kills this process when the parent's thread that
    started it ends (so only a child started by the main thread asks for it). Otherwise a
    thread watches `getppid`: POSIX re-parents an orphan. Elsewhere the end of stdin, read
    after the load, does it."""
    if kernel_signal and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = os.getppid()

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(0)
            time.sleep(PARENT_POLL_S)

    threading.Thread(target=watch, name="photosort-parent-watch", daemon=True).start()


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[2:] not in ([], [DIE_WITH_PARENT]):
        print(
            f"usage: python -m photosort.ml.worker MODEL DEVICE [{DIE_WITH_PARENT}]",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _leave_with_parent(argv[2:] == [DIE_WITH_PARENT])
    # The replies keep the real stdout; anything a library prints goes to stderr instead of
    # into the middle of a message.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the parent has gone
        serve(argv[0], argv[1], sys.stdin.buffer, replies)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
