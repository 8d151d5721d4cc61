"""Choosing the embedder: ``--model auto|clip|efficientnet-lite0|FOLDER|HUB_ID``.

``auto`` prefers CLIP (``openai/clip-vit-base-patch32``) when it can be had without waiting:
from a local folder or the local Hugging Face cache; otherwise, unless offline mode is on
(``PHOTOSORT_OFFLINE=1``, ``HF_HUB_OFFLINE=1`` or ``TRANSFORMERS_OFFLINE=1``), one short TCP
reachability check of the hub decides whether a download is attempted; anything else falls
back to the offline EfficientNet-Lite0 with a one-line reason. An explicit CLIP request that
cannot be met raises :class:`EmbedderUnavailable` instead of silently switching models.

Nothing here changes process-wide settings: every Hugging Face load is made from a local
folder with ``local_files_only=True``, so no code path waits on a hub lookup.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from photosort import config
from photosort.config import OFFLINE_ENV
from photosort.ml.clip import DEFAULT_CLIP_MODEL, ClipEmbedder, find_cached_snapshot
from photosort.ml.device import DeviceUnavailable, inference_threads, resolve_device
from photosort.ml.efficientnet import EfficientNetLite0Embedder
from photosort.ml.embedder import Embedder, EmbedderUnavailable

__all__ = [
    "DEFAULT_CLIP_MODEL",
    "EFFICIENTNET_NAMES",
    "OFFLINE_ENV",
    "DeviceUnavailable",
    "EmbedderChoice",
    "EmbedderUnavailable",
    "hub_reachable",
    "load_embedder",
    "offline_mode",
    "resolve_device",
]

EFFICIENTNET_NAMES: Final = frozenset(
    {"efficientnet-lite0", "efficientnet_lite0", "efficientnet", "effnet", "offline"}
)
HUB_TIMEOUT_S: Final = 1.5

#: (host, port) probed by :func:`hub_reachable`; ``None`` derives it from ``HF_ENDPOINT`` /
#: ``HTTPS_PROXY``. Tests point it at a closed local port.
HUB_ADDRESS: tuple[str, int] | None = None

_reach_lock = threading.Lock()
_reach_memo: dict[tuple[str, int], tuple[float, bool]] = {}
_REACH_TTL_S: Final = 60.0


@dataclass(frozen=True)
class EmbedderChoice:
    """The embedder in use, why it was chosen, and what was asked for."""

    embedder: Embedder
    reason: str
    requested: str

    @property
    def fell_back(self) -> bool:
        """True when ``auto`` wanted CLIP but settled for the offline embedder."""
        return self.requested == "auto" and self.embedder.kind != "clip"


def offline_mode() -> str | None:
    """The name of the environment variable that forbids network use, if one is set."""
    return config.load().offline_variable()


def _hub_address() -> tuple[str, int]:
    if HUB_ADDRESS is not None:
        return HUB_ADDRESS
    env = config.load()
    proxy = env.https_proxy
    if proxy:
        parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if parts.hostname:
            return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    endpoint = urlsplit(env.hub_endpoint)
    host = endpoint.hostname or "huggingface.co"
    return host, endpoint.port or (80 if endpoint.scheme == "http" else 443)


def hub_reachable(timeout: float = HUB_TIMEOUT_S) -> bool:
    """One TCP connect to the hub (or the HTTPS proxy), bounded by ``timeout`` seconds.

    The connect (DNS included, which ``socket`` cannot time out) runs in a daemon thread, so
    a hung resolver never holds the caller longer than ``timeout``. The answer is memoised for
    a minute.
    """
    address = _hub_address()
    now = time.monotonic()
    with _reach_lock:
        memo = _reach_memo.get(address)
        if memo is not None and now - memo[0] < _REACH_TTL_S:
            return memo[1]
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection(address, timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    t = threading.Thread(target=probe, name="photosort-hub-probe", daemon=True)
    t.start()
    t.join(timeout)
    ok = bool(result and result[0])
    with _reach_lock:
        _reach_memo[address] = (time.monotonic(), ok)
    return ok


def _is_path_like(text: str) -> bool:
    p = Path(text).expanduser()
    return p.is_absolute() or text.startswith((".", "~")) or "\\" in text or p.exists()


def _clip(model: str | Path, device: str, *, label: str, download: bool = False) -> ClipEmbedder:
    try:
        return ClipEmbedder(model, device, local_files_only=not download)
    except EmbedderUnavailable:
        raise
    except Exception as e:  # e.g. out of memory moving it to the device
        raise EmbedderUnavailable(f"{label} failed to load: {e}") from e


def _load_clip(target: str, device: str, *, label: str) -> tuple[ClipEmbedder, str]:
    """A CLIP embedder for a folder or hub id, and how it was obtained; or EmbedderUnavailable."""
    folder = Path(target).expanduser()
    if folder.is_dir():
        return _clip(folder, device, label=label), f"{label} loaded from {folder}"
    if _is_path_like(target):
        raise EmbedderUnavailable(f"model folder not found: {target}")
    if target.count("/") > 1 or not target.strip() or " " in target:
        raise EmbedderUnavailable(f"{target!r} is neither a model folder nor a hub id")
    cached = find_cached_snapshot(target)
    if cached is not None:
        emb = _clip(cached, device, label=label)
        return emb, f"{label} loaded from the local Hugging Face cache"
    flag = offline_mode()
    if flag is not None:
        raise EmbedderUnavailable(
            f"{label} is not in the local cache and offline mode is on ({flag}=1)"
        )
    if not hub_reachable():
        host, port = _hub_address()
        raise EmbedderUnavailable(
            f"{label} is not in the local cache and the hub is unreachable ({host}:{port})"
        )
    emb = _clip(target, device, label=label, download=True)
    return emb, f"{label} downloaded from the Hugging Face hub"


def load_embedder(model: str = "auto", device: str = "auto") -> EmbedderChoice:
    """Load the embedder named by ``model`` on ``device`` and say why it is the one in use.

    ``model``: ``"auto"`` (CLIP if it can be had without waiting, else EfficientNet-Lite0),
    ``"clip"`` (``openai/clip-vit-base-patch32``), ``"efficientnet-lite0"``, a local folder
    or a hub id. ``device``: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"mps"``.

    Raises:
        EmbedderUnavailable: an explicitly requested CLIP model cannot be loaded.
        DeviceUnavailable: an explicit device this machine does not have.
    """
    requested = (model or "auto").strip()
    dev = resolve_device(device)
    key = requested.lower()

    if key in EFFICIENTNET_NAMES:
        emb = EfficientNetLite0Embedder(dev, threads=inference_threads(dev))
        return EmbedderChoice(emb, f"EfficientNet-Lite0 as requested, on {dev}", requested)

    if key == "auto":
        label = f"CLIP {DEFAULT_CLIP_MODEL}"
        try:
            clip, how = _load_clip(DEFAULT_CLIP_MODEL, dev, label=label)
        except Exception as e:  # auto never fails for want of CLIP: say why and fall back
            why = e.message if isinstance(e, EmbedderUnavailable) else f"{label} failed: {e}"
            fallback = EfficientNetLite0Embedder(dev, threads=inference_threads(dev))
            return EmbedderChoice(
                fallback, f"{why}; using offline EfficientNet-Lite0 on {dev}", requested
            )
        return EmbedderChoice(clip, f"{how}, on {dev}", requested)

    target = DEFAULT_CLIP_MODEL if key == "clip" else requested
    clip, how = _load_clip(target, dev, label=f"CLIP {target}")
    return EmbedderChoice(clip, f"{how}, on {dev}", requested)
