"""The model in a process of its own (ml/remote.py, ml/worker.py): the same vectors, labels
and texts as the model in this process, its failures said in words, a crashed child started
again, and a child that leaves with its parent."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from ml_helpers import photo

from photosort.ml.efficientnet import EfficientNetLite0Embedder
from photosort.ml.embedder import EmbedderUnavailable, supports_text
from photosort.ml.remote import ModelProcess, ModelProcessDied, RemoteEmbedder
from photosort.ml.select import load_embedder

BACKEND = Path(__file__).resolve().parents[2]


@pytest.fixture
def effnet_process() -> Iterator[ModelProcess]:
    process = ModelProcess("efficientnet-lite0", "cpu")
    try:
        yield process
    finally:
        process.close()


def _gone(pid: int, within: float = 20.0) -> bool:
    """The process has ended (a zombie its parent has not reaped yet counts as ended)."""
    deadline = time.monotonic() + within
    stat = Path(f"/proc/{pid}/stat")
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            if stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.05)
    return False


def test_the_remote_model_gives_the_local_models_vectors_and_labels(
    effnet_process: ModelProcess, effnet: EfficientNetLite0Embedder
) -> None:
    remote = effnet_process.embedder()
    images = [photo(i, (96 + 8 * i, 72)) for i in range(5)]
    assert (remote.id, remote.kind, remote.dim) == (effnet.id, effnet.kind, effnet.dim)
    assert remote.input_edge == effnet.input_edge
    assert remote.labels_id == effnet.labels_id
    assert "EfficientNet-Lite0" in remote.reason
    assert not supports_text(remote)
    np.testing.assert_allclose(remote.embed_images(images), effnet.embed_images(images), atol=1e-6)
    assert remote.embed_images_labeled is not None
    vectors, labels = remote.embed_images_labeled(images)
    want_vectors, want_labels = effnet.embed_images_labeled(images)
    np.testing.assert_allclose(vectors, want_vectors, atol=1e-6)
    np.testing.assert_allclose(labels, want_labels, atol=1e-6)
    assert remote.embed_images([]).shape == (0, effnet.dim)


def test_clip_texts_and_the_text_code_come_from_the_remote_model(tiny_clip_dir: Path) -> None:
    local = load_embedder(str(tiny_clip_dir), "cpu").embedder
    process = ModelProcess(str(tiny_clip_dir), "cpu")
    try:
        remote = process.embedder()
        assert supports_text(remote) and supports_text(local)
        assert remote.embed_images_labeled is None  # no classifier head: no labels
        remote.prepare_text_code()
        texts = ["a red bird", "a blue car"]
        np.testing.assert_allclose(
            remote.embed_texts(texts),
            local.embed_texts(texts),  # type: ignore[attr-defined]
            atol=1e-5,
        )
        img = [photo(3, (80, 60))]
        np.testing.assert_allclose(remote.embed_images(img), local.embed_images(img), atol=1e-5)
    finally:
        process.close()


def test_a_model_that_cannot_load_says_why(tmp_path: Path) -> None:
    process = ModelProcess(str(tmp_path / "no-such-model"), "cpu")
    try:
        with pytest.raises(EmbedderUnavailable, match="model folder not found"):
            process.embedder()
    finally:
        process.close()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    process = ModelProcess(str(broken), "cpu")
    try:
        with pytest.raises(EmbedderUnavailable):
            process.embedder()
    finally:
        process.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_model_process_is_started_again_and_answers(
    effnet_process: ModelProcess, effnet: EfficientNetLite0Embedder
) -> None:
    remote = effnet_process.embedder()
    first = effnet_process.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    assert _gone(first)
    images = [photo(7, (90, 70))]
    np.testing.assert_allclose(remote.embed_images(images), effnet.embed_images(images), atol=1e-6)
    assert effnet_process.pid not in (None, first)


def test_a_closed_process_ends_and_refuses_requests(effnet_process: ModelProcess) -> None:
    remote = effnet_process.embedder()
    pid = effnet_process.pid
    assert pid is not None
    effnet_process.close()
    assert _gone(pid, within=5)
    with pytest.raises(ModelProcessDied, match="closed"):
        remote.embed_images([photo(1, (64, 48))])


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_the_model_process_leaves_when_its_parent_is_killed(tmp_path: Path) -> None:
    """kill -9 of the server: nothing is left running (the child reads the end of stdin)."""
    code = (
        "import sys\n"
        "from photosort.ml.remote import ModelProcess\n"
        "p = ModelProcess('efficientnet-lite0', 'cpu')\n"
        "p.embedder()\n"
        "print(p.pid, flush=True)\n"
        "sys.stdin.read()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(BACKEND)}
    parent = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        os.kill(child, 0)  # running
        parent.kill()
        parent.wait()
        assert _gone(child)
    finally:
        parent.kill()
        parent.communicate()


def test_a_server_with_a_remote_model_suggests_without_loading_the_model_itself(
    tmp_path: Path,
) -> None:
    """In a fresh interpreter: suggestions come, and the model's code (and transformers) never
    entered the server's process; only torch's float16 kernels did, after the first vectors."""
    source = tmp_path / "photos"
    for name, seed in (("red", 0), ("blue", 40)):
        (source / name).mkdir(parents=True)
        for i in range(3):
            photo(seed + i, (64, 48)).save(source / name / f"{name}{i}.jpg")
    photo(1, (64, 48)).save(source / "q-red.jpg")
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from photosort.ml.remote import ModelProcess\n"
        "from photosort.session import Session\n"
        "from photosort.suggest import SuggestionService\n"
        f"s = Session(Path({str(source)!r}))\n"
        "process = ModelProcess('efficientnet-lite0', 'cpu')\n"
        "service = SuggestionService.start(s, process=process)\n"
        "assert service.wait_idle(120)\n"
        "top = service.ranked(['q-red.jpg'])['q-red.jpg']\n"
        "print(service.embedder_info()['kind'], top[0][0])\n"
        "print([m for m in ('photosort.ml.efficientnet', 'photosort.ml.clip', 'transformers')"
        " if m in sys.modules])\n"
        "service.close()\n"
        "print(process.pid)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(BACKEND)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=240
    )
    assert done.returncode == 0, done.stderr
    kind_first, modules, pid = done.stdout.strip().splitlines()
    assert kind_first.split() == ["efficientnet-lite0", "red"]
    assert modules == "[]"
    assert pid == "None"  # closed with the service


def test_remote_embedder_is_an_embedder(effnet_process: ModelProcess) -> None:
    from photosort.ml.embedder import Embedder

    remote = effnet_process.embedder()
    assert isinstance(remote, RemoteEmbedder)
    assert isinstance(remote, Embedder)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_restart_never_takes_another_model(tiny_clip_dir: Path, tmp_path: Path) -> None:
    """Killed, then its folder gone (the restart fails), then other weights in its place: the
    model that was indexed with is the only one a restart may bring back."""
    folder = tmp_path / "clip"
    shutil.copytree(tiny_clip_dir, folder)
    process = ModelProcess(str(folder), "cpu")
    try:
        remote = process.embedder()
        img = [photo(2, (64, 48))]
        remote.embed_images(img)
        aside = tmp_path / "aside"
        folder.rename(aside)
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(ModelProcessDied, match="could not start again"):
            remote.embed_images(img)
        assert supports_text(remote)  # a failed restart is not a missing text tower
        aside.rename(folder)
        config = folder / "config.json"
        config.write_text(config.read_text() + "\n")  # another model id, same shapes
        with pytest.raises(ModelProcessDied, match="changed on disk"):
            remote.embed_images(img)
        with pytest.raises(ModelProcessDied, match="closed"):
            remote.embed_images(img)
    finally:
        process.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP is POSIX")
def test_closing_a_child_that_does_not_answer_kills_it(effnet_process: ModelProcess) -> None:
    remote = effnet_process.embedder()
    pid = effnet_process.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # stuck (a hung driver, a dead network disk)
    stuck = threading.Thread(target=lambda: _swallow(remote), daemon=True)
    stuck.start()
    time.sleep(0.3)  # the request is in flight, holding the lock
    started = time.monotonic()
    effnet_process.close()
    assert time.monotonic() - started < 10
    assert _gone(pid, within=5)
    stuck.join(10)
    assert not stuck.is_alive()


def _swallow(remote: RemoteEmbedder) -> None:
    with contextlib.suppress(Exception):
        remote.embed_images([photo(4, (64, 48))])
