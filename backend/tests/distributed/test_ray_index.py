"""`photosort index --ray`: a real local Ray runtime embeds real photos from sample/ into the
session's own cache, with the same vectors the local `index` writes for the same bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from photosort.cli import app
from photosort.media.fingerprint import fingerprint
from photosort.ml.cache import EmbeddingCache

pytest.importorskip("ray", reason="the ray extra is not installed (pip install '.[ray]')")

PHOTOSORT = Path(sys.executable).parent / "photosort"
SAMPLE = Path(__file__).resolve().parents[3] / "sample"
MODEL = "efficientnet-lite0"


def build_library(root: Path) -> tuple[Path, list[Path]]:
    """Loose photos, a copy of one of them (same content, another name), two filed in
    `birds/`, and a truncated JPEG; returns the source and its decodable photos."""
    source = root / "photos"
    (source / "birds").mkdir(parents=True)
    loose = sorted(SAMPLE.glob("*.jpg"))[:6]
    for p in loose:
        shutil.copyfile(p, source / p.name)
    shutil.copyfile(loose[0], source / "copy_of_first.jpg")
    for p in sorted((SAMPLE / "birds").glob("*.jpg"))[:2]:
        shutil.copyfile(p, source / "birds" / p.name)
    (source / "broken.jpg").write_bytes(loose[1].read_bytes()[:3000])
    photos = [p for p in source.rglob("*.jpg") if p.name != "broken.jpg"]
    return source, photos


def run_cli(*args: str, timeout: float = 240.0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [str(PHOTOSORT), *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def cached_vectors(
    source: Path, photos: list[Path], suffix: str = ""
) -> tuple[str, dict[str, np.ndarray]]:
    """The cached vectors of `photos` (or, with suffix ":imagenet-probs", the classifier's
    class probabilities, which offline names and text search read)."""
    with EmbeddingCache(source / ".clustering" / "embeddings.sqlite") as cache:
        ids = [i for i in cache.embedder_ids() if i.endswith(suffix)]
        if not suffix:
            ids = [i for i in ids if not i.endswith(":imagenet-probs")]
        assert len(ids) == 1, ids
        (embedder_id,) = ids
        vecs = cache.get_many([fingerprint(p) for p in photos], embedder_id)
    return embedder_id, vecs


def test_ray_index_writes_the_local_vectors_into_the_session_cache(tmp_path: Path) -> None:
    ray_src, ray_photos = build_library(tmp_path / "on-ray")
    local_src, local_photos = build_library(tmp_path / "local")

    t0 = time.perf_counter()
    r = run_cli("index", str(ray_src), "--model", MODEL, "--ray", "local")
    ray_s = time.perf_counter() - t0
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "ray: 10 photo(s) to embed, 0 cached; 1 actor(s) x (2 CPU) on cpu" in r.stderr, r.stderr
    # 9 photos + the broken one; the copy shares its original's embedding.
    assert "indexed 10 of 10 photos (1 failed)" in r.stdout, r.stdout
    assert "1 photo(s) could not be decoded" in r.stderr, r.stderr

    r_local = run_cli("index", str(local_src), "--model", MODEL)
    assert r_local.returncode == 0, r_local.stderr
    # (the local count says 11 of 11: it counts a photo that fails to decode twice)
    assert "(1 failed)" in r_local.stdout, r_local.stdout

    ray_id, on_ray = cached_vectors(ray_src, ray_photos)
    local_id, local = cached_vectors(local_src, local_photos)
    assert ray_id == local_id
    assert len(on_ray) == len(local) == 8  # 9 decodable photos, one pair of identical bytes
    assert on_ray.keys() == local.keys()
    for fp, vec in local.items():
        assert vec.shape == on_ray[fp].shape == (1280,)
        np.testing.assert_allclose(on_ray[fp], vec, atol=2e-3)
        assert float(on_ray[fp] @ vec) > 0.9999
    # The class probabilities come back from the actors too, so "t bird" finds these photos.
    _, ray_probs = cached_vectors(ray_src, ray_photos, ":imagenet-probs")
    _, local_probs = cached_vectors(local_src, local_photos, ":imagenet-probs")
    assert ray_probs.keys() == local_probs.keys() == local.keys()
    for fp, probs in local_probs.items():
        assert int(np.argmax(ray_probs[fp])) == int(np.argmax(probs))
        np.testing.assert_allclose(ray_probs[fp], probs, atol=2e-3)

    # A second run finds everything cached, so Ray is never started. (A photo that failed is
    # tried again on every run, as the local path does: the broken one goes first.)
    (ray_src / "broken.jpg").unlink()
    t0 = time.perf_counter()
    again = run_cli("index", str(ray_src), "--model", MODEL, "--ray", "local")
    assert again.returncode == 0, again.stderr
    assert "indexed 9 of 9 photos (0 failed)" in again.stdout, again.stdout
    assert "ray: " not in again.stderr, again.stderr
    print(f"ray index {ray_s:.1f} s, warm re-run {time.perf_counter() - t0:.1f} s")


def test_ray_without_the_extra_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, _ = build_library(tmp_path)
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    r = CliRunner().invoke(app, ["index", str(source), "--ray", "auto"])
    assert r.exit_code == 2, r.output
    text = r.stderr.strip()
    assert len(text.splitlines()) == 1, text
    assert text.startswith("error:") and "pip install 'photosort[ray]'" in text, text
    assert not (source / ".clustering").exists()  # nothing loaded, nothing written


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("127.0.0.1:9", "cannot reach the Ray cluster at 127.0.0.1:9"),  # nothing listens
        ("ray://127.0.0.1:9", "cannot reach the Ray cluster at ray://127.0.0.1:9"),
        ("headnode", "give auto, local, HOST:PORT or ray://HOST:PORT"),
        ("head:port", "give auto, local, HOST:PORT or ray://HOST:PORT"),
    ],
)
def test_a_bad_or_unreachable_address_is_one_clear_line_at_once(
    tmp_path: Path, address: str, says: str
) -> None:
    source, _ = build_library(tmp_path)
    t0 = time.perf_counter()
    r = CliRunner().invoke(app, ["index", str(source), "--ray", address])
    assert time.perf_counter() - t0 < 30  # Ray alone would retry for minutes
    assert r.exit_code == 2, r.output
    text = r.stderr.strip()
    assert len(text.splitlines()) == 1, text
    assert text.startswith("error:") and says in text, text
    assert not (source / ".clustering").exists()  # no model loaded, nothing written


def test_placement_follows_the_cluster_resources() -> None:
    from photosort.distributed.ray_index import RayUnavailable, plan_placement

    # GPUs: one actor (one model) per GPU, CPUs shared out for decoding.
    gpu = plan_placement({"CPU": 32.0, "GPU": 4.0}, 16.0, "cuda:1")
    assert (gpu.actors, gpu.gpus, gpu.cpus, gpu.device) == (4, 1.0, 4.0, "cuda")
    # An explicit CPU run on a GPU cluster leaves the GPUs alone.
    cpu = plan_placement({"CPU": 32.0, "GPU": 4.0}, 16.0, "cpu")
    assert (cpu.actors, cpu.gpus, cpu.cpus, cpu.device) == (8, 0.0, 4.0, "cpu")
    # A 2-core machine: one actor with both cores.
    small = plan_placement({"CPU": 2.0}, 2.0, "auto")
    assert (small.actors, small.cpus, small.device) == (1, 2.0, "cpu")
    with pytest.raises(RayUnavailable, match="no GPU"):
        plan_placement({"CPU": 8.0}, 8.0, "cuda")
