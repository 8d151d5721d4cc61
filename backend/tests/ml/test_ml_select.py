"""Embedder selection: auto falls back fast and says why; explicit requests fail clearly."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from photosort.errors import PhotosortError
from photosort.ml import clip as clip_mod
from photosort.ml import select
from photosort.ml.clip import ClipEmbedder
from photosort.ml.efficientnet import EfficientNetLite0Embedder
from photosort.ml.select import (
    DeviceUnavailable,
    EmbedderUnavailable,
    hub_reachable,
    load_embedder,
    resolve_device,
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again once the socket is gone


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real HF cache, no downloads, whatever the machine running the tests has."""
    monkeypatch.setattr(select, "find_cached_snapshot", lambda *a, **k: None)
    monkeypatch.delenv("PHOTOSORT_OFFLINE", raising=False)

    def no_download(*a: object, **k: object) -> None:
        # pytest.fail raises a BaseException, which auto's fallback does not swallow
        pytest.fail("tests must never download")

    monkeypatch.setattr(clip_mod, "_download", no_download)
    select._reach_memo.clear()


@pytest.fixture
def unreachable_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    """No offline flag at all, and the hub probe pointed at a closed local port."""
    for name in select.OFFLINE_ENV:
        monkeypatch.delenv(name, raising=False)
    address = ("127.0.0.1", _closed_port())
    monkeypatch.setattr(select, "HUB_ADDRESS", address)
    yield address


def test_errors_are_domain_errors() -> None:
    assert issubclass(EmbedderUnavailable, PhotosortError)
    assert issubclass(DeviceUnavailable, PhotosortError)


def test_resolve_device() -> None:
    auto = resolve_device("auto")
    assert auto == ("cuda" if torch.cuda.is_available() else auto)
    if not torch.cuda.is_available():
        assert auto in ("cpu", "mps")
        with pytest.raises(DeviceUnavailable, match="cuda"):
            resolve_device("cuda")
        with pytest.raises(DeviceUnavailable):
            resolve_device("cuda:0")
    assert resolve_device("cpu") == "cpu"
    assert resolve_device(" CPU ") == "cpu"
    with pytest.raises(DeviceUnavailable, match="unknown device"):
        resolve_device("tpu")
    if not (torch.backends.mps.is_available()):
        with pytest.raises(DeviceUnavailable, match="MPS"):
            resolve_device("mps")


def test_explicit_efficientnet() -> None:
    choice = load_embedder("efficientnet-lite0", "cpu")
    assert isinstance(choice.embedder, EfficientNetLite0Embedder)
    assert choice.requested == "efficientnet-lite0"
    assert "EfficientNet-Lite0" in choice.reason
    assert not choice.fell_back


def test_auto_offline_flag_falls_back_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHOTOSORT_OFFLINE", "1")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(select, "HUB_ADDRESS", ("127.0.0.1", 9))  # must not even be probed
    probed: list[bool] = []

    def probe(*a: object, **k: object) -> bool:
        probed.append(True)
        return True

    monkeypatch.setattr(select, "hub_reachable", probe)
    t0 = time.perf_counter()
    choice = load_embedder("auto", "cpu")
    elapsed = time.perf_counter() - t0
    assert isinstance(choice.embedder, EfficientNetLite0Embedder)
    assert choice.fell_back and choice.requested == "auto"
    assert "openai/clip-vit-base-patch32" in choice.reason
    assert "offline mode" in choice.reason and "PHOTOSORT_OFFLINE" in choice.reason
    assert "EfficientNet-Lite0" in choice.reason
    assert not probed
    assert elapsed < 5, elapsed


def test_auto_hf_offline_flag_falls_back() -> None:
    # the autouse conftest fixture sets HF_HUB_OFFLINE=1
    choice = load_embedder("auto", "cpu")
    assert isinstance(choice.embedder, EfficientNetLite0Embedder)
    assert "HF_HUB_OFFLINE" in choice.reason


def test_auto_unreachable_hub_falls_back_fast(unreachable_hub: tuple[str, int]) -> None:
    t0 = time.perf_counter()
    choice = load_embedder("auto", "cpu")
    elapsed = time.perf_counter() - t0
    assert isinstance(choice.embedder, EfficientNetLite0Embedder)
    assert "unreachable" in choice.reason and "EfficientNet-Lite0" in choice.reason
    assert f"{unreachable_hub[0]}:{unreachable_hub[1]}" in choice.reason
    assert elapsed < 5, elapsed


def test_hub_probe_is_bounded_and_honest(unreachable_hub: tuple[str, int]) -> None:
    t0 = time.perf_counter()
    assert hub_reachable(timeout=1.5) is False
    assert time.perf_counter() - t0 < 2.0
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        select.HUB_ADDRESS = server.getsockname()
        assert hub_reachable(timeout=1.5) is True


def test_hub_address_follows_endpoint_and_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(select, "HUB_ADDRESS", None)
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert select._hub_address() == ("huggingface.co", 443)
    monkeypatch.setenv("HF_ENDPOINT", "http://mirror.example:8080")
    assert select._hub_address() == ("mirror.example", 8080)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert select._hub_address() == ("proxy.example", 3128)


def test_explicit_clip_unavailable_raises(unreachable_hub: tuple[str, int]) -> None:
    t0 = time.perf_counter()
    with pytest.raises(EmbedderUnavailable, match="unreachable"):
        load_embedder("clip", "cpu")
    assert time.perf_counter() - t0 < 5


def test_explicit_clip_offline_raises() -> None:
    with pytest.raises(EmbedderUnavailable, match=r"openai/clip-vit-base-patch32.*offline"):
        load_embedder("clip", "cpu")
    with pytest.raises(EmbedderUnavailable, match="acme/some-clip"):
        load_embedder("acme/some-clip", "cpu")


def test_folder_path_loads_clip(tiny_clip_dir: Path) -> None:
    choice = load_embedder(str(tiny_clip_dir), "cpu")
    assert isinstance(choice.embedder, ClipEmbedder)
    assert choice.embedder.kind == "clip"
    assert str(tiny_clip_dir) in choice.reason
    assert choice.requested == str(tiny_clip_dir)
    assert not choice.fell_back


def test_auto_uses_clip_from_the_local_cache(
    tiny_clip_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        select,
        "find_cached_snapshot",
        lambda repo, **k: tiny_clip_dir if repo == select.DEFAULT_CLIP_MODEL else None,
    )
    choice = load_embedder("auto", "cpu")
    assert isinstance(choice.embedder, ClipEmbedder)
    assert "local Hugging Face cache" in choice.reason
    assert not choice.fell_back


def test_auto_falls_back_when_cached_clip_is_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    (broken / "model.safetensors").write_bytes(b"garbage")
    monkeypatch.setattr(select, "find_cached_snapshot", lambda repo, **k: broken)
    choice = load_embedder("auto", "cpu")
    assert isinstance(choice.embedder, EfficientNetLite0Embedder)
    assert "cannot load" in choice.reason


def test_bad_model_names(tmp_path: Path) -> None:
    with pytest.raises(EmbedderUnavailable, match="not found"):
        load_embedder(str(tmp_path / "missing-folder"), "cpu")
    with pytest.raises(EmbedderUnavailable, match="neither"):
        load_embedder("a/b/c", "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(DeviceUnavailable):
            load_embedder("efficientnet-lite0", "cuda")
