"""No function in backend/photosort runs past 60 lines without a `# long:` reason, and no class
past 400."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "long_functions.py"


def test_no_long_function_without_a_reason():
    res = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout


def test_the_check_sees_a_long_function():
    res = subprocess.run(
        [sys.executable, str(SCRIPT), "20"], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 1 and "embed_jobs" in res.stdout


def test_the_check_sees_a_long_class():
    res = subprocess.run(
        [sys.executable, str(SCRIPT), "1000", "300"], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 1 and "class Session" in res.stdout, res.stdout
