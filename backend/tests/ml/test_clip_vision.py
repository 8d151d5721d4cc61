"""CLIP's vision tower in plain torch equals transformers' own, for every checkpoint layout it
reads, and spares the cold start the transformers import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from ml_helpers import photo

from photosort.ml.clip import ClipEmbedder
from photosort.ml.clip_vision import VisionTower, load_vision_tower

BACKEND = Path(__file__).resolve().parents[2]


def _save_clip(folder: Path, *, act: str = "quick_gelu", **save: Any) -> Any:
    """A small random CLIPModel saved with `save_pretrained(**save)`; the model itself."""
    from transformers import CLIPConfig, CLIPModel

    cfg = CLIPConfig(
        text_config={"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                     "num_attention_heads": 2, "vocab_size": 64},
        vision_config={"hidden_size": 48, "intermediate_size": 96, "num_hidden_layers": 3,
                       "num_attention_heads": 4, "image_size": 48, "patch_size": 16,
                       "hidden_act": act, "layer_norm_eps": 1e-6},
        projection_dim=24,
    )  # fmt: skip
    torch.manual_seed(7)
    model = CLIPModel(cfg).eval()
    model.save_pretrained(folder, **save)
    return model


def _fresh_python(code: str) -> str:
    """What `code` prints in a fresh interpreter (what it imports is its own), offline."""
    env = {**os.environ, "PYTHONPATH": str(BACKEND), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=180
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _reference(model: Any, pixels: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        ids = torch.zeros((1, 4), dtype=torch.long)
        out: torch.Tensor = model(pixel_values=pixels, input_ids=ids).image_embeds
    return out


def _ours(tower: VisionTower, pixels: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        out: torch.Tensor = tower(pixels)
    return torch.nn.functional.normalize(out, dim=-1)


@pytest.mark.parametrize("act", ["quick_gelu", "gelu", "gelu_pytorch_tanh"])
def test_the_plain_tower_equals_transformers_image_embeds(tmp_path: Path, act: str) -> None:
    model = _save_clip(tmp_path, act=act)
    tower = load_vision_tower(tmp_path)
    assert tower is not None
    pixels = torch.randn(3, 3, 48, 48, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(_ours(tower, pixels), _reference(model, pixels), atol=1e-5, rtol=0)


def test_a_sharded_checkpoint_reads_the_same_weights(tmp_path: Path) -> None:
    model = _save_clip(tmp_path, max_shard_size="60KB")
    assert (tmp_path / "model.safetensors.index.json").is_file()
    tower = load_vision_tower(tmp_path)
    assert tower is not None
    pixels = torch.randn(2, 3, 48, 48, generator=torch.Generator().manual_seed(2))
    torch.testing.assert_close(_ours(tower, pixels), _reference(model, pixels), atol=1e-5, rtol=0)


def test_a_pickled_checkpoint_reads_the_same_weights(tmp_path: Path) -> None:
    """Older exports hold pytorch_model.bin only."""
    model = _save_clip(tmp_path)
    (tmp_path / "model.safetensors").unlink()
    torch.save(model.state_dict(), tmp_path / "pytorch_model.bin")
    tower = load_vision_tower(tmp_path)
    assert tower is not None
    pixels = torch.randn(2, 3, 48, 48, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(_ours(tower, pixels), _reference(model, pixels), atol=1e-5, rtol=0)


def test_a_checkpoint_it_does_not_reproduce_still_loads_through_transformers(
    tmp_path: Path,
) -> None:
    model = _save_clip(tmp_path, act="relu")  # an activation the plain tower does not have
    assert load_vision_tower(tmp_path) is None
    embedder = ClipEmbedder(tmp_path, "cpu")
    pixels = embedder.preprocess([photo(3, (64, 48))])
    with torch.inference_mode():
        ours = embedder.embed_images([photo(3, (64, 48))])
    np.testing.assert_allclose(ours, _reference(model, pixels).numpy(), atol=1e-5)


def test_a_broken_or_foreign_config_is_left_to_transformers(tmp_path: Path) -> None:
    _save_clip(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "model_type": "siglip"}))
    assert load_vision_tower(tmp_path) is None
    broken = {**config, "vision_config": {"patch_size": 0}}
    (tmp_path / "config.json").write_text(json.dumps(broken))
    assert load_vision_tower(tmp_path) is None
    # A config that disagrees with its weights, even absurdly, allocates nothing first.
    huge = {**config, "vision_config": {**config["vision_config"], "hidden_size": 10**9}}
    (tmp_path / "config.json").write_text(json.dumps(huge))
    assert load_vision_tower(tmp_path) is None
    (tmp_path / "config.json").write_text("{not json")
    assert load_vision_tower(tmp_path) is None


def test_a_checkpoint_missing_a_vision_weight_is_left_to_transformers(tmp_path: Path) -> None:
    from safetensors.torch import load_file, save_file

    _save_clip(tmp_path)
    weights = load_file(str(tmp_path / "model.safetensors"))
    del weights["vision_model.post_layernorm.bias"]
    save_file(weights, str(tmp_path / "model.safetensors"), metadata={"format": "pt"})
    assert load_vision_tower(tmp_path) is None


def test_indexing_with_a_plain_clip_never_imports_transformers(tiny_clip_dir: Path) -> None:
    """The cold start's point: loading CLIP and embedding photos pay for torch alone."""
    code = (
        "import sys\n"
        "from PIL import Image\n"
        "from photosort.ml.select import load_embedder\n"
        f"e = load_embedder({str(tiny_clip_dir)!r}, 'cpu').embedder\n"
        "assert e is not None and e.kind == 'clip'\n"
        "v = e.embed_images([Image.new('RGB', (64, 48), (200, 30, 30))])\n"
        "print(v.shape, 'transformers' in sys.modules, 'torch._dynamo' in sys.modules)\n"
    )
    out = _fresh_python(code)
    assert out.split()[-2:] == ["False", "False"], out


def test_once_indexing_caught_up_the_text_code_is_ready_and_search_works(
    tiny_clip_dir: Path, tmp_path: Path
) -> None:
    """The cold start skips transformers; once every photo is indexed it is imported (not the
    text tower's weights), so the first text search does not wait for the import."""
    source = tmp_path / "photos"
    (source / "red").mkdir(parents=True)
    for i in range(3):
        photo(i, (64, 48)).save(source / "red" / f"r{i}.jpg")
        photo(10 + i, (64, 48)).save(source / f"q{i}.jpg")
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from photosort.session import Session\n"
        "from photosort.suggest import SuggestionService\n"
        "from photosort.ml.select import load_embedder\n"
        f"s = Session(Path({str(source)!r}))\n"
        f"choice = load_embedder({str(tiny_clip_dir)!r}, 'cpu')\n"
        "service = SuggestionService(s, lambda: (choice.embedder, choice.reason))\n"
        "loaded = 'transformers' in sys.modules\n"
        "service.run_in_background()\n"
        "deadline = time.monotonic() + 60\n"
        "while 'transformers' not in sys.modules and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "emb = service.state.embedder\n"
        "print(loaded, 'transformers' in sys.modules, emb._text is None,\n"
        "      all(service.suggestions(s.queue_items()).values()),\n"
        "      emb.embed_texts(['a photo']).shape)\n"
        "service.close()\n"
    )
    loaded, imported, no_weights, suggested, *shape = _fresh_python(code).split()
    assert (loaded, imported, no_weights, suggested) == ("False", "True", "True", "True")
    assert "".join(shape) == "(1,16)"
