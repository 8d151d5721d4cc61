"""`serve` answers before the model has loaded: nothing on its way to the first request
imports torch (that import alone takes seconds); the background loader does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

# In a fresh interpreter: the imports and the engine `serve` builds (the model's own process
# started, the wait for it held back by the test hook), then the API app over them. Prints the
# heavy modules loaded.
SERVE_PATH = """
import os, sys
os.environ["PHOTOSORT_TEST_LOAD_DELAY_S"] = "30"
from photosort.api.app import create_app
from photosort.api.context import AppContext
from photosort.cli import _model_process, _suggestion_engine, open_session
process = _model_process("efficientnet-lite0", "cpu")
session = open_session(__import__("pathlib").Path(sys.argv[1]), None)
engine = _suggestion_engine(session, "efficientnet-lite0", "cpu", process)
create_app(AppContext(session, engine), static_dir=None)
print(engine.embedder_info()["status"])
print(",".join(m for m in ("torch", "transformers") if m in sys.modules) or "-")
sys.stdout.flush()
os._exit(0)
"""


def test_serve_reaches_its_first_request_without_torch(make_library: Any) -> None:
    lib = make_library(clusters={"birds": 1}, loose=2)
    done = subprocess.run(
        [sys.executable, "-c", SERVE_PATH, str(Path(lib.source))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    status, heavy = done.stdout.split()[-2:]
    assert status == "loading"
    assert heavy == "-", f"imported before the model loads: {heavy}"
