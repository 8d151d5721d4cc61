"""Shared helpers for the benchmarks: real photo pools, a real server process, percentiles,
tables and JSON reports. Each benchmark prints a table and writes JSON under bench/out/."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from data import stamps6

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "bench" / "out"
PHOTOSORT = Path(sys.executable).parent / "photosort"
# What the `photosort` script runs, for whichever photosort PYTHONPATH names (a baseline
# checkout from before `photosort.launch` existed included).
LAUNCH = (
    "import sys\n"
    "try:\n    from photosort.launch import main\n"
    "except ImportError:\n    from photosort.cli import app as main\n"
    "sys.argv[0] = 'photosort'\n"
    "main()\n"
)


# ----------------------------------------------------------------------------- photos
def real_photos(classes: Sequence[str] | None = None, per_class: int = 4) -> dict[str, list[Path]]:
    """Real JPEGs by class: from stamps6/clutter (shared, else the repo's test set)."""
    clutter = stamps6() / "clutter"
    pool: dict[str, list[Path]] = {}
    if clutter.is_dir():
        for folder in sorted(p for p in clutter.iterdir() if p.is_dir()):
            if classes is None or folder.name in classes:
                pool[folder.name] = sorted(folder.glob("*.jpg"))[:per_class]
    else:  # the committed sample set: real photos too, grouped by its manifest
        manifest = REPO / "sample" / ".manifest.json"
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        for f in files:
            if f["group"] != "raw" and (classes is None or f["group"] in classes):
                path = REPO / "sample" / f["path"]
                if path.is_file() and len(pool.setdefault(f["group"], [])) < per_class:
                    pool[f["group"]].append(path)
    pool = {k: v for k, v in pool.items() if v}
    if not pool:
        raise SystemExit("no real photos found (../shared/datasets or sample/)")
    return pool


def copy_pool(pool: dict[str, list[Path]], into: Path) -> dict[str, list[Path]]:
    """Copy the pool next to the library, so hard links never cross a mount point."""
    out: dict[str, list[Path]] = {}
    for cls, paths in pool.items():
        (into / cls).mkdir(parents=True, exist_ok=True)
        out[cls] = []
        for p in paths:
            dst = into / cls / p.name
            if not dst.exists():
                shutil.copyfile(p, dst)
            out[cls].append(dst)
    return out


# ----------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """`photosort serve` as a real subprocess; stdout lines are time-stamped as they arrive."""

    args: list[str]
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[str] | None = None
    started: float = 0.0
    lines: list[tuple[float, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-c", LAUNCH, "serve", *self.args, "--port", str(self.port)]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        threading.Thread(target=self._read, daemon=True).start()
        return self.started

    def _read(self) -> None:
        assert self.proc and self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append((time.perf_counter() - self.started, line.rstrip()))

    def since_start(self, prefix: str) -> float | None:
        """Seconds from process start to the first output line starting with `prefix`."""
        return next((t for t, line in self.lines if line.startswith(prefix)), None)

    def wait_for(self, path: str, timeout: float = 120.0) -> float:
        """Poll `path` until it answers 200; seconds since the process started."""
        import httpx

        deadline = time.perf_counter() + timeout
        with httpx.Client(base_url=self.url, timeout=30.0) as client:
            while True:
                if self.proc and self.proc.poll() is not None:
                    raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.log()}")
                with contextlib.suppress(httpx.TransportError):
                    if client.get(path).status_code == 200:
                        return time.perf_counter() - self.started
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"{path} did not answer in {timeout}s:\n{self.log()}")
                time.sleep(0.01)

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server process has used so far: unlike wall time, it
        barely moves when other work shares the machine."""
        if not self.proc:
            return None
        try:
            with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log(self) -> str:
        return "\n".join(line for _, line in self.lines[-40:])

    def stop(self, timeout: float = 60.0) -> float:
        """Graceful stop (SIGINT, as Ctrl-C); returns the seconds shutdown took."""
        if not self.proc or self.proc.poll() is not None:
            return 0.0
        t0 = time.perf_counter()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return time.perf_counter() - t0


@contextlib.contextmanager
def running(args: list[str]) -> Iterator[Server]:
    server = Server(args)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# ----------------------------------------------------------------------------- numbers
def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of an already sorted sequence."""
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summarize_ms(samples_s: Sequence[float]) -> dict[str, float]:
    v = sorted(x * 1000.0 for x in samples_s)
    return {
        "n": len(v),
        "p50_ms": round(percentile(v, 50), 2),
        "p95_ms": round(percentile(v, 95), 2),
        "p99_ms": round(percentile(v, 99), 2),
        "max_ms": round(v[-1], 2) if v else float("nan"),
        "mean_ms": round(sum(v) / len(v), 2) if v else float("nan"),
    }


def timed_calls(
    samples: int, warmup: int, call: Callable[[int], httpx.Response]
) -> tuple[list[float], int]:
    """Call `call(i)` warmup+samples times; durations of the last `samples`, and the errors
    (a non-200 answer or a dropped connection; the first three are printed)."""
    durations: list[float] = []
    errors = 0
    for i in range(warmup + samples):
        t0 = time.perf_counter()
        try:
            response = call(i)
        except httpx.TransportError as exc:  # e.g. the server dropped the connection
            errors += 1
            if errors <= 3:
                print(f"  request {i}: {exc!r}")
            continue
        dt = time.perf_counter() - t0
        if response.status_code != 200:
            errors += 1
            if errors <= 3:
                print(f"  {response.request.url.path}: {response.status_code} {response.text}")
        if i >= warmup:
            durations.append(dt)
    return durations, errors


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "") -> None:
    cells = [[str(h) for h in headers], *[[_fmt(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    if title:
        print(title)
    for n, r in enumerate(cells):
        padded = (
            c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        print("  ".join(padded))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


# ----------------------------------------------------------------------------- reports
def machine() -> dict[str, Any]:
    cpu = platform.processor()
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
    }


def loadavg() -> float | None:
    """The 1-minute load average (other work on the machine skews wall-clock timings)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def code_version() -> dict[str, Any]:
    """Which code ran: the git commit (and whether the tree had changes) and the imported
    photosort package (PYTHONPATH can point a benchmark at a patched copy)."""
    info: dict[str, Any] = {}
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "backend"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        info["commit"] = rev.stdout.strip() or None
        info["backend_changed"] = bool(dirty.stdout.strip())
    except OSError:
        pass
    with contextlib.suppress(ImportError):
        import photosort

        info["photosort"] = str(Path(photosort.__file__).parent)
    return info


def write_json(path: Path, benchmark: str, payload: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "benchmark": benchmark,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "code": code_version(),
        **payload,
    }
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path


def filesystem_of(path: Path) -> str:
    """The file system type under `path` (fsync costs depend on it), from /proc/mounts."""
    best, fstype = "", "unknown"
    real = os.path.realpath(path)
    with contextlib.suppress(OSError), open("/proc/mounts", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            mount = parts[1] if len(parts) >= 3 else ""
            inside = real == mount or real.startswith(mount.rstrip("/") + "/")
            if mount and inside and len(mount) >= len(best):
                best, fstype = mount, parts[2]
    return fstype
