"""What `pipx install photosort` gets: the sdist and the wheel carry the built UI, and the wheel
installed in a fresh virtualenv outside the repository serves it, files a photo and undoes it.

The fresh virtualenv sees this one's third-party packages (torch, fastapi...) through a `.pth`
file instead of installing them again; photosort itself comes only from the wheel (this
venv's editable install is not a site folder there, so its path hook never runs), which the
test checks through `photosort.__file__`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import httpx
import pytest
from serving import ctrl_c, serve

REPO = Path(__file__).resolve().parents[3]
STATIC = REPO / "backend" / "photosort" / "static"

pytestmark = pytest.mark.installed


def _run(*args: str | Path, cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    r = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert r.returncode == 0, f"{args} failed:\n{r.stdout}\n{r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def clean_env() -> dict[str, str]:
    """No PYTHONPATH (it would put a checkout ahead of the installed wheel)."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory, clean_env: dict[str, str]) -> list[Path]:
    """`python -m build` (what `make dist` runs) over a copy of what the sdist is made of, so
    the build's egg-info and build/ folders never land in the checkout."""
    if not (STATIC / "index.html").is_file():
        pytest.fail(f"the built UI is missing ({STATIC}): run `make ui` (make test does)")
    work = tmp_path_factory.mktemp("pkg")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, work / name)
    shutil.copytree(
        REPO / "backend" / "photosort",
        work / "backend" / "photosort",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    out = work / "dist"
    # The sdist first, then the wheel built from it: the wheel proves the sdist is complete.
    _run(
        sys.executable,
        "-m",
        "build",
        "--no-isolation",
        "--outdir",
        out,
        work,
        cwd=work,
        env=clean_env,
        timeout=180,
    )
    return sorted(out.iterdir())


def test_sdist_and_wheel_carry_the_built_ui(dists: list[Path]) -> None:
    sdist = next(p for p in dists if p.name.endswith(".tar.gz"))
    wheel = next(p for p in dists if p.suffix == ".whl")
    with tarfile.open(sdist) as tar:
        in_sdist = {Path(*Path(n).parts[1:]).as_posix() for n in tar.getnames()}
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = set(zf.namelist())
    built = [p.relative_to(STATIC.parent).as_posix() for p in STATIC.rglob("*") if p.is_file()]
    assert built and "static/index.html" in built
    for rel in built:
        assert f"backend/photosort/{rel}" in in_sdist, rel
        assert f"photosort/{rel}" in in_wheel, rel
    assert "photosort/py.typed" in in_wheel


def test_installed_wheel_serves_the_ui_files_and_undoes(
    dists: list[Path], tmp_path: Path, clean_env: dict[str, str], make_library
) -> None:
    wheel = next(p for p in dists if p.suffix == ".whl")
    version = wheel.name.split("-")[1]
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=clean_env)
    py = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        py,
        "install",
        "--no-deps",
        "--no-index",
        "--disable-pip-version-check",
        "-q",
        wheel,
        cwd=tmp_path,
        env=clean_env,
    )
    site = Path(
        _run(
            py,
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            cwd=tmp_path,
            env=clean_env,
        ).strip()
    )
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "dev-venv-packages.pth").write_text("\n".join(sorted(here)) + "\n")

    where = _run(
        py, "-c", "import photosort; print(photosort.__file__)", cwd=tmp_path, env=clean_env
    ).strip()
    assert Path(where).is_relative_to(site), f"photosort came from {where}, not the wheel"
    photosort = venv / "bin" / "photosort"
    said = _run(photosort, "--version", cwd=tmp_path, env=clean_env).strip()
    assert said == f"photosort {version}"

    lib = make_library(loose=2)
    proc, url = serve(
        [lib.source, "--model", "none"], launcher=[photosort], env=clean_env, cwd=tmp_path
    )
    try:
        _check_served(url, lib)
    finally:
        ctrl_c(proc)


def _check_served(url: str, lib) -> None:
    page = httpx.get(f"{url}/")
    assert page.status_code == 200 and 'id="root"' in page.text, page.text[:300]
    script = page.text.split('<script type="module" crossorigin src="', 1)[1].split('"', 1)[0]
    js = httpx.get(f"{url}{script}")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]

    item = lib.loose[0]
    data = (lib.source / item).read_bytes()
    r = httpx.post(f"{url}/api/assign", json={"item": item, "cluster": "birds"})
    assert r.status_code == 200, r.text
    assert (lib.source / "birds" / item).read_bytes() == data
    assert not (lib.source / item).exists()
    r = httpx.post(f"{url}/api/undo", json={})
    assert r.status_code == 200, r.text
    assert (lib.source / item).read_bytes() == data
    assert not (lib.source / "birds" / item).exists()
