"""The CLIP embedder through its real loading path (a tiny real CLIP saved to disk)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from ml_helpers import TINY_PROJECTION, build_tiny_clip, photo

from photosort.ml.clip import ClipEmbedder, find_cached_snapshot
from photosort.ml.embedder import EmbedderUnavailable, TextEmbedder, supports_text


@pytest.fixture(scope="module")
def clip(tiny_clip_dir: Path) -> ClipEmbedder:
    return ClipEmbedder(tiny_clip_dir, "cpu")


def test_contract(clip: ClipEmbedder, tiny_clip_dir: Path) -> None:
    assert isinstance(clip, TextEmbedder)
    assert supports_text(clip)
    assert clip.kind == "clip"
    assert clip.dim == TINY_PROJECTION
    assert clip.device == "cpu"
    assert clip.dtype == torch.float32
    assert clip.input_edge == 32
    assert clip.id.startswith(f"clip:{tiny_clip_dir.name}@") and clip.id.endswith(":prep1")


def test_images_unit_deterministic_and_batch_equals_single(clip: ClipEmbedder) -> None:
    imgs = [photo(i, (40 + 9 * i, 30 + 5 * i)) for i in range(5)]
    vecs = clip.embed_images(imgs)
    assert vecs.shape == (5, TINY_PROJECTION) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(
        clip.embed_images([imgs[0], imgs[0]])[0], clip.embed_images([imgs[0], imgs[0]])[1]
    )
    np.testing.assert_allclose(clip.embed_images(imgs), vecs, atol=1e-6)
    singles = np.concatenate([clip.embed_images([im]) for im in imgs])
    np.testing.assert_allclose(singles, vecs, atol=1e-5)
    assert not np.allclose(vecs[0], vecs[1])  # different photos, different vectors
    assert clip.embed_images([]).shape == (0, TINY_PROJECTION)


def test_vectors_are_clips_own_image_embeds(clip: ClipEmbedder, tiny_clip_dir: Path) -> None:
    """Same as CLIPModel(...).image_embeds with CLIP's own image processor."""
    import transformers

    model: Any = transformers.CLIPModel.from_pretrained(str(tiny_clip_dir), local_files_only=True)
    model.eval()
    proc_cls = (
        getattr(transformers, "CLIPImageProcessorPil", None) or transformers.CLIPImageProcessor
    )
    proc: Any = proc_cls.from_pretrained(str(tiny_clip_dir), local_files_only=True)
    tok: Any = transformers.AutoTokenizer.from_pretrained(str(tiny_clip_dir), local_files_only=True)
    imgs = [photo(7, (64, 64)), photo(8, (48, 48))]
    texts = ["a photo of a cat", "dog"]
    with torch.inference_mode():
        out = model(
            pixel_values=proc(images=imgs, return_tensors="pt")["pixel_values"],
            **tok(texts, padding=True, return_tensors="pt"),
        )
    ref_img = torch.nn.functional.normalize(out.image_embeds, dim=-1).numpy()
    ref_txt = torch.nn.functional.normalize(out.text_embeds, dim=-1).numpy()
    np.testing.assert_allclose(clip.embed_images(imgs), ref_img, atol=2e-3)
    np.testing.assert_allclose(clip.embed_texts(texts), ref_txt, atol=1e-5)


def test_texts(clip: ClipEmbedder) -> None:
    texts = ["a photo of a cat", "a dog", "CAT photo", "x" * 500]  # the last one is truncated
    vecs = clip.embed_texts(texts)
    assert vecs.shape == (4, TINY_PROJECTION) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    singles = np.concatenate([clip.embed_texts([t]) for t in texts])
    np.testing.assert_allclose(singles, vecs, atol=1e-5)  # padding does not leak
    assert clip.embed_texts([]).shape == (0, TINY_PROJECTION)


def test_folder_without_tokenizer_or_processor(tmp_path: Path) -> None:
    folder = build_tiny_clip(tmp_path / "bare", tokenizer=False, processor=False)
    emb = ClipEmbedder(folder, "cpu")
    assert not supports_text(emb)
    assert emb.input_edge == 32  # OpenAI's preprocessing at the model's input size
    assert emb.embed_images([photo(1)]).shape == (1, TINY_PROJECTION)
    with pytest.raises(EmbedderUnavailable, match="tokenizer"):
        emb.embed_texts(["x"])


def test_non_standard_processor_config_falls_back_to_transformers(
    tiny_clip_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "square"
    shutil.copytree(tiny_clip_dir, folder)
    cfg_path = folder / "preprocessor_config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["size"] = {"height": 32, "width": 32}
    cfg["do_center_crop"] = False
    cfg_path.write_text(json.dumps(cfg))
    emb = ClipEmbedder(folder, "cpu")
    assert not emb._prep.fast
    vecs = emb.embed_images([photo(2, (70, 40)), photo(3)])
    assert vecs.shape == (2, TINY_PROJECTION)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # a different preprocessing config is a different id (vectors would differ)
    assert emb.id != ClipEmbedder(tiny_clip_dir, "cpu").id


def test_id_tracks_the_weights(tiny_clip_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tiny-clip"
    shutil.copytree(tiny_clip_dir, copy)
    assert ClipEmbedder(copy, "cpu").id == ClipEmbedder(tiny_clip_dir, "cpu").id
    other = build_tiny_clip(tmp_path / "other" / "tiny-clip")  # same name, same seed
    weights = other / "model.safetensors"
    from safetensors.torch import load_file, save_file

    state = load_file(str(weights))
    key = next(k for k in state if k.endswith("visual_projection.weight"))
    state[key] = state[key] * 2.0
    save_file(state, str(weights), metadata={"format": "pt"})
    assert ClipEmbedder(other, "cpu").id != ClipEmbedder(tiny_clip_dir, "cpu").id


def _fake_hub_cache(cache: Path, repo_id: str, src: Path, commit: str = "a" * 40) -> Path:
    repo_dir = cache / ("models--" + repo_id.replace("/", "--"))
    snap = repo_dir / "snapshots" / commit
    shutil.copytree(src, snap)
    (repo_dir / "refs").mkdir(parents=True)
    (repo_dir / "refs" / "main").write_text(commit)
    return snap


def test_loads_from_the_local_hub_cache_by_id(tiny_clip_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    snap = _fake_hub_cache(cache, "acme/tiny-clip", tiny_clip_dir)
    assert find_cached_snapshot("acme/tiny-clip", cache_dir=cache) == snap
    assert find_cached_snapshot("acme/absent", cache_dir=cache) is None
    emb = ClipEmbedder("acme/tiny-clip", "cpu", cache_dir=cache)
    assert emb.id == "clip:acme/tiny-clip@aaaaaaaaaaaa:prep1"
    # loading the snapshot folder directly gives the same identity
    assert ClipEmbedder(snap, "cpu").id == emb.id


def test_missing_models_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(EmbedderUnavailable, match="not found"):
        ClipEmbedder(tmp_path / "nope", "cpu")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EmbedderUnavailable, match="not a CLIP model folder"):
        ClipEmbedder(empty, "cpu")
    with pytest.raises(EmbedderUnavailable, match="not in the local"):
        ClipEmbedder("acme/not-cached-anywhere", "cpu", cache_dir=tmp_path / "hub")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    (broken / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(EmbedderUnavailable, match="cannot load"):
        ClipEmbedder(broken, "cpu")
