"""CLIP embedder for Hugging Face CLIP checkpoints (``CLIPModel`` exports and hub snapshots).

``ClipEmbedder`` loads from a local folder (a ``save_pretrained`` export, or a snapshot in the
Hugging Face cache) and never touches the network unless asked to (``local_files_only=False``).
:func:`photosort.ml.select.load_embedder` decides whether a download is worth attempting.

Vectors are the pooled, projected embeddings (CLIP's ``image_embeds`` / ``text_embeds``). The
vision tower of a plain CLIP ViT runs in plain torch (`photosort.ml.clip_vision`), which spares
a cold start the ``transformers`` import; other checkpoints and the text tower go through
``transformers``, calling the towers directly (``visual_projection(vision_model(...)
.pooler_output)``): recent versions return a model-output object from
``get_image_features`` instead of a tensor. Tests check both equal ``CLIPModel``'s own
``image_embeds``.

Preprocessing follows the folder's image-processor config (resize the shorter side, centre
crop, rescale, normalise) but runs as one Pillow resize of the kept region + numpy, which is
pixel-for-pixel the reference geometry and far cheaper on large inputs. Configs outside that
shape fall back to the ``transformers`` image processor itself (its PIL backend: no
torchvision needed).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Final

import numpy as np
import torch
from numpy.typing import NDArray
from PIL import Image

from photosort.ml.clip_vision import load_vision_tower
from photosort.ml.embedder import (
    EmbedderUnavailable,
    l2_normalise,
    resize_shorter_center_crop,
    torch_threads,
)

__all__ = [
    "DEFAULT_CLIP_MODEL",
    "ClipEmbedder",
    "find_cached_snapshot",
    "folder_is_complete",
]

log = logging.getLogger("photosort.ml")

DEFAULT_CLIP_MODEL: Final = "openai/clip-vit-base-patch32"

#: Bump whenever our preprocessing changes in a way that changes vectors.
PREP_VERSION: Final = 1

WEIGHT_FILES: Final = ("model.safetensors", "pytorch_model.bin")
_OPENAI_MEAN: Final = (0.48145466, 0.4578275, 0.40821073)
_OPENAI_STD: Final = (0.26862954, 0.26130258, 0.27577711)
_RESAMPLE: Final = {
    0: Image.Resampling.NEAREST,
    1: Image.Resampling.LANCZOS,
    2: Image.Resampling.BILINEAR,
    3: Image.Resampling.BICUBIC,
    4: Image.Resampling.BOX,
    5: Image.Resampling.HAMMING,
}


# --------------------------------------------------------------------------- folders


def _weights_file(folder: Path) -> Path | None:
    for name in WEIGHT_FILES:
        if (folder / name).is_file():
            return folder / name
    if (folder / "model.safetensors.index.json").is_file():
        return folder / "model.safetensors.index.json"
    return None


def folder_is_complete(folder: Path) -> bool:
    """True when ``folder`` holds a loadable CLIP export (config + weights)."""
    return (folder / "config.json").is_file() and _weights_file(folder) is not None


def find_cached_snapshot(
    repo_id: str, *, revision: str | None = None, cache_dir: str | Path | None = None
) -> Path | None:
    """The local Hugging Face cache snapshot of ``repo_id``, if complete; never networks."""
    from huggingface_hub import snapshot_download

    try:
        path = snapshot_download(
            repo_id, revision=revision, cache_dir=cache_dir, local_files_only=True
        )
    except Exception:  # LocalEntryNotFoundError, bad ids, unreadable caches...
        return None
    if not isinstance(path, str):
        return None
    folder = Path(path)
    return folder if folder_is_complete(folder) else None


def _hub_cache_identity(folder: Path) -> tuple[str, str] | None:
    """(repo id, commit) when ``folder`` is ``.../models--org--name/snapshots/<commit>``."""
    parent = folder.parent
    repo_dir = parent.parent
    if parent.name != "snapshots" or not repo_dir.name.startswith("models--"):
        return None
    repo_id = repo_dir.name[len("models--") :].replace("--", "/")
    return repo_id, folder.name


def _folder_digest(folder: Path) -> str:
    """Cheap content hash of a model folder: configs in full, weights by size + head + tail."""
    h = hashlib.blake2b(digest_size=8)
    for name in ("config.json", "preprocessor_config.json"):
        p = folder / name
        h.update(name.encode())
        h.update(p.read_bytes() if p.is_file() else b"-")
    weights = _weights_file(folder)
    if weights is not None:
        files = [weights]
        if weights.name.endswith(".index.json"):
            index = json.loads(weights.read_text())
            files += sorted({folder / f for f in index.get("weight_map", {}).values()})
        for f in files:
            size = f.stat().st_size
            h.update(f"{f.name}:{size}".encode())
            with f.open("rb") as fh:
                h.update(fh.read(1 << 20))
                if size > 2 << 20:
                    fh.seek(size - (1 << 20))
                    h.update(fh.read(1 << 20))
    return h.hexdigest()[:12]


# --------------------------------------------------------------------------- embedder


class _Prep:
    """Image preprocessing parameters read from an image processor."""

    def __init__(self, processor: Any, image_size: int = 224) -> None:
        self.processor = processor

        def get(name: str, default: Any) -> Any:
            v = getattr(processor, name, None) if processor is not None else None
            return default if v is None else v

        size = get("size", {"shortest_edge": image_size})
        crop = get("crop_size", {"height": image_size, "width": image_size})
        self.shorter = _size_field(size, "shortest_edge")
        self.longest = _size_field(size, "longest_edge")
        self.crop_h = _size_field(crop, "height")
        self.crop_w = _size_field(crop, "width")
        self.do_resize = bool(get("do_resize", True))
        self.do_crop = bool(get("do_center_crop", True))
        self.do_rescale = bool(get("do_rescale", True))
        self.do_normalize = bool(get("do_normalize", True))
        self.rescale = float(get("rescale_factor", 1 / 255))
        self.mean = np.asarray(get("image_mean", _OPENAI_MEAN), dtype=np.float32).reshape(-1)
        self.std = np.asarray(get("image_std", _OPENAI_STD), dtype=np.float32).reshape(-1)
        resample = get("resample", 3)
        self.resample = _RESAMPLE.get(int(resample), None) if isinstance(resample, int) else None
        self.fast = (
            self.do_resize
            and self.do_crop
            and self.shorter is not None
            and self.longest is None
            and self.crop_h is not None
            and self.crop_w is not None
            and self.resample is not None
            and self.mean.size in (1, 3)
            and self.std.size in (1, 3)
        )
        # The long edge a decoder should give us: enough for the shorter side to reach the
        # target on square photos; draft decoding rounds up anyway.
        self.input_edge = int(max(self.shorter or image_size, self.crop_h or 0, self.crop_w or 0))

    def __call__(self, images: Sequence[Image.Image]) -> torch.Tensor:
        if not self.fast:
            if self.processor is None:  # pragma: no cover - _Prep(None) is always fast
                raise RuntimeError("no image processor")
            rgb = [im.convert("RGB") if im.mode != "RGB" else im for im in images]
            out = self.processor(images=rgb, return_tensors="pt")["pixel_values"]
            assert isinstance(out, torch.Tensor)
            return out.float()
        assert self.shorter is not None and self.crop_h is not None and self.crop_w is not None
        assert self.resample is not None
        pix = np.stack(
            [
                resize_shorter_center_crop(
                    im, self.shorter, (self.crop_h, self.crop_w), resample=self.resample
                )
                for im in images
            ]
        ).astype(np.float32)
        if self.do_rescale:
            pix *= np.float32(self.rescale)
        if self.do_normalize:
            pix -= self.mean
            pix /= self.std
        return torch.from_numpy(pix).permute(0, 3, 1, 2).contiguous()


def _size_field(size: Any, key: str) -> int | None:
    if isinstance(size, int):
        return size if key in ("shortest_edge", "height", "width") else None
    v = size.get(key) if isinstance(size, dict) else getattr(size, key, None)
    return int(v) if v is not None else None


class ClipEmbedder:
    """Image (and text) embeddings from a Hugging Face CLIP model.

    Args:
        model: a local folder (``save_pretrained`` export or cache snapshot) or a hub id.
        device: torch device string; fp16 on CUDA/MPS, fp32 on CPU (``dtype`` overrides).
        revision: hub revision (hub ids only).
        local_files_only: when ``model`` is a hub id, only use the local cache (default). With
            ``False`` a missing model is downloaded (weights in one format only).
        batch_size: images per forward pass (default 16 on CPU, 64 on GPUs).
        threads: torch intra-op threads while embedding (``None`` = torch's setting).

    Raises:
        EmbedderUnavailable: the folder/id cannot be found or loaded.
    """

    kind: str = "clip"

    def __init__(
        self,
        model: str | os.PathLike[str] = DEFAULT_CLIP_MODEL,
        device: str = "cpu",
        *,
        revision: str | None = None,
        local_files_only: bool = True,
        cache_dir: str | Path | None = None,
        batch_size: int | None = None,
        threads: int | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        folder, name, rev = self._resolve(model, revision, local_files_only, cache_dir)
        self.folder = folder
        self.name = name
        self.device = str(torch.device(device))
        dev_type = torch.device(self.device).type
        self.dtype = dtype or (torch.float16 if dev_type in ("cuda", "mps") else torch.float32)
        self.batch_size = max(1, batch_size or (16 if dev_type == "cpu" else 64))
        self.threads = threads
        self._lock = threading.Lock()

        # Only the vision tower (and its projection) is loaded up front: it is all indexing and
        # every suggestion need, and half of ViT-B/32's weights. The text tower and tokenizer
        # load on the first text search. A plain CLIP ViT loads without transformers at all
        # (photosort.ml.clip_vision: its import is most of a cold start).
        config = _read_config(folder)
        try:
            tower: Any = load_vision_tower(folder, config)
            if tower is None:
                tower = _TransformersVision(folder)
        except Exception as e:
            raise EmbedderUnavailable(f"cannot load CLIP model from {folder}: {e}") from e
        self._vision: Any = self._ready(tower)
        self._text: Any = None
        self._tokenizer: Any = None

        vision = config.get("vision_config") or {}
        image_size = int(vision.get("image_size", 224) or 224)
        self._prep = self._image_prep(folder, image_size)
        self.text_supported = _has_tokenizer_files(folder)
        self.dim = int(config.get("projection_dim", 512) or 512)
        self.input_edge = self._prep.input_edge
        text = config.get("text_config") or {}
        self._max_text = int(text.get("max_position_embeddings", 77) or 77)
        self.revision = rev if rev is not None else _folder_digest(folder)
        self.id = f"clip:{name}@{self.revision}:prep{PREP_VERSION}"

    def __repr__(self) -> str:
        return f"ClipEmbedder(id={self.id!r}, device={self.device!r})"

    # -- loading helpers

    @staticmethod
    def _resolve(
        model: str | os.PathLike[str],
        revision: str | None,
        local_files_only: bool,
        cache_dir: str | Path | None,
    ) -> tuple[Path, str, str | None]:
        """(folder, display name, revision or None) for a folder or hub id."""
        text = os.fspath(model)
        path = Path(text).expanduser()
        if path.is_dir():
            folder = path.resolve()
            if not folder_is_complete(folder):
                raise EmbedderUnavailable(
                    f"{folder} is not a CLIP model folder (needs config.json and "
                    "model.safetensors or pytorch_model.bin)"
                )
            ident = _hub_cache_identity(folder)
            if ident is not None:
                return folder, ident[0], ident[1][:12]
            return folder, folder.name, None
        if path.is_absolute() or text.startswith((".", "~")) or path.exists() or "\\" in text:
            raise EmbedderUnavailable(f"model folder not found: {text}")
        repo_id = text
        cached = find_cached_snapshot(repo_id, revision=revision, cache_dir=cache_dir)
        if cached is None and not local_files_only:
            cached = _download(repo_id, revision=revision, cache_dir=cache_dir)
        if cached is None:
            raise EmbedderUnavailable(f"CLIP {repo_id} is not in the local Hugging Face cache")
        ident = _hub_cache_identity(cached)
        return cached, repo_id, (ident[1][:12] if ident else None)

    @staticmethod
    def _image_prep(folder: Path, image_size: int) -> _Prep:
        """The folder's preprocessing, read from its JSON; the ``transformers`` image
        processor itself only for configs our fast path does not reproduce."""
        path = folder / "preprocessor_config.json"
        if not path.is_file():
            return _Prep(None, image_size)  # OpenAI's preprocessing at the model's input size
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise EmbedderUnavailable(f"cannot read the image processor in {folder}: {e}") from e
        if isinstance(settings, dict):
            prep = _Prep(SimpleNamespace(**settings), image_size)
            if prep.fast:
                return prep
        return _Prep(ClipEmbedder._load_image_processor(folder), image_size)

    @staticmethod
    def _load_image_processor(folder: Path) -> Any:
        import transformers

        # transformers >= 5: the PIL backend is its own class (the default one needs
        # torchvision); in 4.x the slow CLIPImageProcessor is the PIL/numpy one.
        proc: Any = getattr(transformers, "CLIPImageProcessorPil", None)
        if proc is None:  # pragma: no cover - transformers 4.x
            proc = transformers.CLIPImageProcessor
        try:
            return proc.from_pretrained(str(folder), local_files_only=True)
        except Exception as e:
            raise EmbedderUnavailable(f"cannot read the image processor in {folder}: {e}") from e

    def _ready(self, net: Any) -> Any:
        net.eval().requires_grad_(False)
        return net.to(device=self.device, dtype=self.dtype)

    def prepare_text_code(self) -> None:
        """Import the text tower's code (``transformers``), not its weights. Indexing calls it
        once it has caught up: the first text search or group name then waits for the
        weights alone (a fraction of a second) rather than for the import too (2.5 s on 2
        cores), and the cold start never paid for it. Under the lock: two threads resolving
        transformers' lazy names at once can fail ("cannot import name 'CLIPConfig'")."""
        if not self.text_supported or self._text is not None:
            return
        with self._lock:
            try:
                from transformers import (  # noqa: F401
                    AutoTokenizer,
                    CLIPConfig,
                    CLIPTextModelWithProjection,
                )
            except Exception as e:  # the text search that needs it says why
                log.debug("the text tower's code did not import ahead: %s", e)

    def _text_tower(self) -> tuple[Any, Any]:
        """The tokenizer and text tower, loaded on first use (under `_lock`)."""
        if self._text is None:
            if not self.text_supported:
                raise EmbedderUnavailable(
                    f"{self.folder} has no tokenizer; texts are not supported"
                )
            try:
                from transformers import AutoTokenizer, CLIPConfig, CLIPTextModelWithProjection

                tokenizer = AutoTokenizer.from_pretrained(str(self.folder), local_files_only=True)
                cfg: Any = CLIPConfig.from_pretrained(str(self.folder), local_files_only=True)
                text = _tower(CLIPTextModelWithProjection, self.folder, cfg.text_config, cfg)
            except Exception as e:
                self.text_supported = False
                raise EmbedderUnavailable(f"cannot load CLIP's text tower: {e}") from e
            self._tokenizer, self._text = tokenizer, self._ready(text)
        return self._tokenizer, self._text

    # -- inference

    def preprocess(self, images: Sequence[Image.Image]) -> torch.Tensor:
        """Photos -> (n, 3, h, w) float32 pixel values on the CPU."""
        return self._prep(images)

    def _image_features(self, pixel_values: torch.Tensor) -> torch.Tensor:
        px = pixel_values.to(device=self.device, dtype=self.dtype, non_blocking=True)
        out = self._vision(px)
        assert isinstance(out, torch.Tensor)
        return out

    def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        """(n, dim) float32 unit rows, in input order."""
        if len(images) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts: list[NDArray[np.float32]] = []
        with self._lock, torch_threads(self.threads), torch.inference_mode():
            for start in range(0, len(images), self.batch_size):
                px = self.preprocess(images[start : start + self.batch_size])
                parts.append(l2_normalise(self._image_features(px).float()))
        return np.concatenate(parts, axis=0)

    def embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """(n, dim) float32 unit rows for ``texts`` (truncated to the model's context)."""
        if not self.text_supported:
            raise EmbedderUnavailable(f"{self.folder} has no tokenizer; texts are not supported")
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts: list[NDArray[np.float32]] = []
        with self._lock, torch_threads(self.threads), torch.inference_mode():
            tokenizer, tower = self._text_tower()
            max_len = min(self._max_text, int(getattr(tokenizer, "model_max_length", 77)))
            for start in range(0, len(texts), 256):
                batch = list(texts[start : start + 256])
                enc = tokenizer(
                    batch, padding=True, truncation=True, max_length=max_len, return_tensors="pt"
                )
                ids = enc["input_ids"].to(self.device)
                mask = enc["attention_mask"].to(self.device)
                pooled = tower.text_model(input_ids=ids, attention_mask=mask).pooler_output
                parts.append(l2_normalise(tower.text_projection(pooled).float()))
        return np.concatenate(parts, axis=0)


def _read_config(folder: Path) -> dict[str, Any]:
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise EmbedderUnavailable(f"cannot read {folder / 'config.json'}: {e}") from e
    if not isinstance(config, dict):
        raise EmbedderUnavailable(f"{folder / 'config.json'} is not a model config")
    return config


class _TransformersVision(torch.nn.Module):
    """The vision tower through ``transformers``, for checkpoints `load_vision_tower` does not
    reproduce; called like it (pixels in, unnormalised image embeddings out)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        from transformers import CLIPConfig, CLIPVisionModelWithProjection

        cfg: Any = CLIPConfig.from_pretrained(str(folder), local_files_only=True)
        self.net = _tower(CLIPVisionModelWithProjection, folder, cfg.vision_config, cfg)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        pooled = self.net.vision_model(pixel_values=pixels).pooler_output
        out = self.net.visual_projection(pooled)
        assert isinstance(out, torch.Tensor)
        return out


def _tower(cls: Any, folder: Path, tower_cfg: Any, cfg: Any) -> Any:
    """One tower of a whole-CLIP checkpoint: its own weights are read, the other tower's are
    skipped (transformers would list each skipped weight as a warning: not a fault here)."""
    from transformers.utils import logging as hf_logging

    tower_cfg.projection_dim = cfg.projection_dim  # set on the whole model's config only
    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity(logging.ERROR)
    try:
        return cls.from_pretrained(str(folder), config=tower_cfg, local_files_only=True)
    finally:
        hf_logging.set_verbosity(level)


def _has_tokenizer_files(folder: Path) -> bool:
    return (folder / "tokenizer.json").is_file() or (
        (folder / "vocab.json").is_file() and (folder / "merges.txt").is_file()
    )


def _download(repo_id: str, *, revision: str | None, cache_dir: str | Path | None) -> Path | None:
    """Fetch one weights format + configs/tokenizer of ``repo_id`` into the HF cache."""
    from huggingface_hub import HfApi, snapshot_download

    try:
        info = HfApi().model_info(repo_id, revision=revision)
        names = {s.rfilename for s in (info.siblings or [])}
    except Exception as e:
        raise EmbedderUnavailable(f"cannot query the hub for {repo_id}: {e}") from e
    weights = next((w for w in WEIGHT_FILES if w in names), None)
    if weights is None:
        raise EmbedderUnavailable(f"{repo_id} has no PyTorch weights ({', '.join(WEIGHT_FILES)})")
    patterns = ["*.json", "*.txt", weights]
    try:
        path = snapshot_download(
            repo_id, revision=revision, cache_dir=cache_dir, allow_patterns=patterns
        )
    except Exception as e:
        raise EmbedderUnavailable(f"downloading {repo_id} failed: {e}") from e
    if not isinstance(path, str):
        return None
    folder = Path(path)
    return folder if folder_is_complete(folder) else None
