"""The embedder interface and the preprocessing helpers every embedder shares.

An embedder turns decoded photos into unit vectors. Vectors from different embedders (or from
the same model with different weights or preprocessing) must never be compared, so every
embedder carries an ``id`` that changes whenever its vectors would; caches and centroids are
keyed by it.

Preprocessing is done with Pillow + numpy only (torchvision is not a dependency). Importing
this module does not import torch: a server whose model runs in its own process
(``ml/remote.py``) uses the interface without paying for torch.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, TypeGuard, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from photosort.errors import PhotosortError

if TYPE_CHECKING:
    import torch

__all__ = [
    "Embedder",
    "EmbedderUnavailable",
    "TextEmbedder",
    "center_crop_resize",
    "l2_normalise",
    "resize_shorter_center_crop",
    "supports_text",
    "to_rgb",
    "torch_threads",
]


class EmbedderUnavailable(PhotosortError):
    """The requested embedder (model, weights, device) cannot be loaded here."""

    code = "embedder_unavailable"
    status = 400


@runtime_checkable
class Embedder(Protocol):
    """Turns photos into L2-normalised float32 vectors.

    Attributes:
        id: model name + revision/weights hash + preprocessing version (+ options that change
            the vectors, e.g. pooling). Changes whenever the vectors would.
        kind: ``"clip"`` or ``"efficientnet-lite0"``.
        dim: length of each vector.
        device: the torch device it runs on (``"cpu"``, ``"cuda"``, ``"mps"``...).
        input_edge: decode photos so their long edge is at least this many pixels (JPEG
            ``draft``); anything larger is fine, the embedder resizes.
    """

    id: str
    kind: str
    dim: int
    device: str
    input_edge: int

    def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        """Return an ``(n, dim)`` float32 array of unit rows, one per image, in order."""
        ...


@runtime_checkable
class TextEmbedder(Embedder, Protocol):
    """An embedder with a text tower in the same space as its images (CLIP)."""

    def embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Return an ``(n, dim)`` float32 array of unit rows, one per text, in order."""
        ...


def supports_text(embedder: Embedder) -> TypeGuard[TextEmbedder]:
    """True when ``embedder`` can also embed texts (``embed_texts``).

    An embedder whose class has ``embed_texts`` but whose instance lacks a tokenizer sets
    ``text_supported = False``.
    """
    return callable(getattr(embedder, "embed_texts", None)) and bool(
        getattr(embedder, "text_supported", True)
    )


# --------------------------------------------------------------------------- numerics


def l2_normalise(x: NDArray[np.floating] | torch.Tensor) -> NDArray[np.float32]:
    """Rows scaled to unit length, as float32 (an all-zero row stays zero)."""
    if not isinstance(x, np.ndarray):  # a tensor (torch is imported by whoever made it)
        import torch

        x = x.detach().to(device="cpu", dtype=torch.float32).numpy()
    arr = np.asarray(x, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    out: NDArray[np.float32] = (arr / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
    return out


# --------------------------------------------------------------------------- images


def to_rgb(image: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """RGB version of ``image``; transparency is composited onto ``background`` (white).

    Dropping the alpha channel instead would expose whatever colour the transparent pixels
    happen to hold (often black), which changes the embedding of cut-outs and logos.
    """
    if image.mode == "RGB":
        return image
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, background)
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16/32-bit greyscale (some PNG/TIFF): scale to 8 bits before RGB.
        arr = np.asarray(image, dtype=np.float64)
        top = float(arr.max()) if arr.size else 0.0
        scaled = np.clip(arr * (255.0 / top if top > 255.0 else 1.0), 0, 255)
        return Image.fromarray(scaled.astype(np.uint8), "L").convert("RGB")
    return image.convert("RGB")


def center_crop_resize(
    image: Image.Image,
    size: int,
    *,
    crop_fraction: float = 1.0,
    resample: Image.Resampling = Image.Resampling.BICUBIC,
    within: tuple[float, float, float, float] | None = None,
) -> NDArray[np.uint8]:
    """Centre square crop of ``crop_fraction`` x the shorter side, resized to ``size`` x ``size``.

    Equivalent to "resize the shorter side to ``size / crop_fraction``, then centre-crop
    ``size``", but crops first, so the resize only touches the pixels that are kept.
    ``reducing_gap`` makes large downscales fast (box-reduce first, then a precise resample).
    ``within``: only that part of the square (left, top, right, bottom as fractions of its
    side), cut from the photo's own pixels. Returns an ``(size, size, 3)`` uint8 array.
    """
    rgb = to_rgb(image)
    w, h = rgb.size
    if w <= 0 or h <= 0:
        raise ValueError("empty image")
    side = max(1.0, min(w, h) * crop_fraction)
    left = (w - side) / 2.0
    top = (h - side) / 2.0
    box = (left, top, left + side, top + side)
    if within is not None:
        x0, y0, x1, y1 = within
        box = (left + x0 * side, top + y0 * side, left + x1 * side, top + y1 * side)
    out = rgb.resize((size, size), resample, box=box, reducing_gap=3.0)
    return np.asarray(out, dtype=np.uint8)


def resize_shorter_center_crop(
    image: Image.Image,
    shorter: int,
    crop: tuple[int, int],
    *,
    resample: Image.Resampling = Image.Resampling.BICUBIC,
) -> NDArray[np.uint8]:
    """Hugging Face / torchvision eval preprocessing, done in one Pillow resize.

    Same geometry as "resize so the shorter side is ``shorter`` (long side truncated to an
    int), then centre-crop ``crop`` = (height, width) with floor offsets" (CLIP's image
    processor), but only the kept region is resampled and big downscales box-reduce first
    (``reducing_gap``), so a multi-megapixel input costs milliseconds, not hundreds of them.
    Crops larger than the resized image are zero-padded like the reference. Returns
    ``(crop_h, crop_w, 3)`` uint8.
    """
    rgb = to_rgb(image)
    w, h = rgb.size
    if w <= 0 or h <= 0:
        raise ValueError("empty image")
    if w <= h:
        new_w, new_h = shorter, int(shorter * h / w)
    else:
        new_w, new_h = int(shorter * w / h), shorter
    crop_h, crop_w = crop
    top = (new_h - crop_h) // 2
    left = (new_w - crop_w) // 2
    if top < 0 or left < 0:
        full = np.asarray(rgb.resize((new_w, new_h), resample, reducing_gap=3.0), np.uint8)
        out = np.zeros((crop_h, crop_w, 3), dtype=np.uint8)
        oy, ox = max(0, -top), max(0, -left)
        sy, sx = max(0, top), max(0, left)
        hh, ww = min(crop_h - oy, new_h - sy), min(crop_w - ox, new_w - sx)
        out[oy : oy + hh, ox : ox + ww] = full[sy : sy + hh, sx : sx + ww]
        return out
    fx, fy = w / new_w, h / new_h
    box = (left * fx, top * fy, (left + crop_w) * fx, (top + crop_h) * fy)
    res = rgb.resize((crop_w, crop_h), resample, box=box, reducing_gap=3.0)
    return np.asarray(res, dtype=np.uint8)


# --------------------------------------------------------------------------- threads

_threads_lock = threading.Lock()


@contextlib.contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(n)`` and restore the previous value after.

    ``None`` leaves torch's setting alone (its default is the number of physical cores, or
    ``OMP_NUM_THREADS``). Nothing is changed at import time.
    """
    if n is None or n <= 0:
        yield
        return
    import torch

    with _threads_lock:
        previous = torch.get_num_threads()
        changed = previous != n
        if changed:
            torch.set_num_threads(n)
    try:
        yield
    finally:
        if changed:
            with _threads_lock:
                torch.set_num_threads(previous)
