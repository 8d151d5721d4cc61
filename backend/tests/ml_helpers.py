"""Helpers for the tests that load models (ml/ and suggest/): a tiny CLIP, photos, cache writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from testdata import STAMPS6

STAMPS = STAMPS6

TINY_PROJECTION = 16


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP byte -> printable unicode table (the tokenizer's base alphabet)."""
    bs = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs], strict=True))


def build_tiny_clip(folder: Path, *, tokenizer: bool = True, processor: bool = True) -> Path:
    """Save a tiny random CLIP (+ image processor + BPE tokenizer) into ``folder``."""
    import torch
    from transformers import CLIPConfig, CLIPModel, CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    alphabet = list(_bytes_to_unicode().values())
    vocab: dict[str, int] = {}
    for ch in alphabet:
        vocab[ch] = len(vocab)
    for ch in alphabet:
        vocab[ch + "</w>"] = len(vocab)
    merges = ["p h", "o t", "ph ot", "phot o</w>", "c a", "ca t</w>", "d o", "do g</w>"]
    for m in merges:
        vocab[m.replace(" ", "")] = len(vocab)
    bos, eos = len(vocab), len(vocab) + 1
    vocab["<|startoftext|>"] = bos
    vocab["<|endoftext|>"] = eos

    cfg = CLIPConfig(
        text_config={
            "vocab_size": len(vocab),
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "max_position_embeddings": 32,
            "bos_token_id": bos,
            "eos_token_id": eos,
            "pad_token_id": eos,
        },
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": 32,
            "patch_size": 8,
        },
        projection_dim=TINY_PROJECTION,
    )
    torch.manual_seed(1234)
    CLIPModel(cfg).save_pretrained(folder)

    if tokenizer:
        (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
        (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
        tok = CLIPTokenizer.from_pretrained(str(folder))
        tok.model_max_length = 32
        tok.save_pretrained(folder)
    if processor:
        import transformers

        proc_cls = getattr(transformers, "CLIPImageProcessorPil", None)
        if proc_cls is None:  # transformers 4.x
            proc_cls = transformers.CLIPImageProcessor
        proc_cls(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(
            folder
        )
    return folder


def stamps_images(subset: str) -> tuple[list[Image.Image], np.ndarray]:
    """All photos of ``stamps6/<subset>`` (decoded, RGB) and their class indices."""
    root = STAMPS / subset
    images: list[Image.Image] = []
    labels: list[int] = []
    for ci, cls in enumerate(sorted(p.name for p in root.iterdir() if p.is_dir())):
        for f in sorted((root / cls).glob("*.jpg")):
            with Image.open(f) as im:
                images.append(im.convert("RGB"))
            labels.append(ci)
    return images, np.asarray(labels)


def photo(seed: int = 0, size: tuple[int, int] = (96, 64)) -> Image.Image:
    """A small smooth synthetic RGB photo (gradients + a disc), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    c = rng.uniform(0, 1, size=(3, 3)).astype(np.float32)
    img = np.stack([c[i, 0] * xx / w + c[i, 1] * yy / h + c[i, 2] for i in range(3)], axis=-1)
    cx, cy, r = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h, 0.25 * min(w, h)
    img[(xx - cx) ** 2 + (yy - cy) ** 2 < r * r] = rng.uniform(0, 1, size=3)
    return Image.fromarray(np.clip(img / img.max() * 255, 0, 255).astype(np.uint8), "RGB")


def record_cache_writes(service: Any) -> list[str]:
    """The fingerprints a `SuggestionService` writes to its (real) embedding cache, that is
    what the model embedded, in write order."""
    written: list[str] = []
    put_many = service.cache.put_many

    def recording(items: Any, embedder_id: str) -> int:
        written.extend(items)
        result: int = put_many(items, embedder_id)
        return result

    service.cache.put_many = recording
    return written
