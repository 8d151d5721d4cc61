"""Warm start of the background indexer: from `SuggestionService.run_in_background()` to every
queued photo linked to its vector, over a library whose vectors are all cached already.

The library is built as `bench/scale.py` builds it (N distinct small JPEGs, six clusters, every
vector in `.clustering/embeddings.sqlite` under the stand-in embedder's id). One run primes it
(the float16 matrix in `.clustering/vectors/` is filled from SQLite, what the first `serve`
after `photosort index` does), then each warm run opens the session again, in process, and
measures while the indexing thread links every photo:

- `linked_s`: start to every queued item having a matrix row (nothing is embedded);
- `probe_late_max_ms`: the worst lateness of a thread that sleeps 1 ms in a loop, i.e. the
  longest stretch in which another thread kept the GIL (or the machine kept the CPU);
- `page_*`: what a reviewer's first requests wait for meanwhile, every 50 ms: the first
  queue page of 50 and its suggestions.

    python bench/warm_index.py --items 300000 --workdir /tmp/w --keep     # build, keep it
    python bench/warm_index.py --items 300000 --workdir /tmp/w --reuse    # measure again

The machine these figures come from is shared: compare runs made back to back.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT_DIR, loadavg, print_table, summarize_ms, write_json
from scale import CLASSES, MEMBERS, StandInEmbedder, build

POLL_S = 0.02
PAGE_EVERY_S = 0.05


class FullCollections:
    """Python's full garbage collections meanwhile: each walks every object the process holds
    (hundreds of ms beside a million photos' worth), with the GIL held throughout."""

    def __init__(self) -> None:
        self.took: list[float] = []
        self._began = 0.0

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self._heard)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._heard)

    def _heard(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.took.append(time.perf_counter() - self._began)


class Probe:
    """A thread that wants the GIL every millisecond, and one that asks for the reviewer's
    first page every 50 ms; both note how long they had to wait."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.late: list[float] = []
        self.at: list[float] = []
        self.page: list[float] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._tick, daemon=True),
            threading.Thread(target=self._ask, daemon=True),
        ]

    def __enter__(self) -> Probe:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()

    def _tick(self) -> None:
        while not self._stop.is_set():
            t0 = time.perf_counter()
            time.sleep(0.001)
            self.late.append(time.perf_counter() - t0 - 0.001)
            self.at.append(t0)

    def _ask(self) -> None:
        session = self.service.session
        while not self._stop.wait(PAGE_EVERY_S):
            t0 = time.perf_counter()
            self.service.suggestions(session.queue_items(0, 50))
            self.page.append(time.perf_counter() - t0)


def all_linked(service: Any, want: int) -> bool:
    p = service.progress()
    if p["running"] or p["total"] < want or p["done"] < want:
        return False
    rows = service.vectors.queue_rows(service.session.queue_items())
    return bool(len(rows) and rows.min() >= 0)


def one_run(lib: Path, n: int, label: str) -> dict[str, Any]:
    # `serve` loads torch with the model; the stand-in embedder does not, so the first
    # scored page would import it on the probe's thread (seconds, GIL held) mid-measurement.
    import torch  # noqa: F401

    from photosort.session import Session
    from photosort.suggest import SuggestionService

    load = loadavg()
    t0 = time.perf_counter()
    session = Session(lib)
    opened = time.perf_counter() - t0
    service = SuggestionService(session, lambda: (StandInEmbedder(), "bench/warm_index.py"))
    want = n + MEMBERS * len(CLASSES)
    try:
        with FullCollections() as full, Probe(service) as probe:
            t0 = time.perf_counter()
            service.run_in_background()
            while not all_linked(service, want):
                time.sleep(POLL_S)
            linked = time.perf_counter() - t0
        t1 = time.perf_counter()
        stopped = service.indexer.stop(timeout=10.0)
        stop_s = time.perf_counter() - t1
    finally:
        service.close()
        session.close()
    late = summarize_ms(probe.late)
    worst = max(range(len(probe.late)), key=probe.late.__getitem__) if probe.late else None
    page = summarize_ms(probe.page)
    out = {
        "loadavg_before": load,
        "session_open_s": round(opened, 2),
        "linked_s": round(linked, 2),
        "stop_s": round(stop_s, 3),
        "stopped": stopped,
        "probe_late_p99_ms": late["p99_ms"],
        "probe_late_max_ms": late["max_ms"],
        # when the worst stretch began, in seconds after the indexer was started
        "probe_late_max_at_s": None if worst is None else round(probe.at[worst] - t0, 2),
        "full_gc_n": len(full.took),
        "full_gc_max_ms": round(1000 * max(full.took, default=0.0), 1),
        "page_n": page["n"],
        "page_p50_ms": page["p50_ms"],
        "page_p95_ms": page["p95_ms"],
        "page_max_ms": page["max_ms"],
    }
    print(f"   {label}: {out}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--items", type=int, default=100_000, help="queued photos (N)")
    ap.add_argument("--runs", type=int, default=2, help="warm runs")
    ap.add_argument("--workdir", type=Path, default=None, help="default: a fresh /tmp folder")
    ap.add_argument("--keep", action="store_true", help="keep the generated library")
    ap.add_argument("--reuse", action="store_true", help="measure a library kept before")
    ap.add_argument("--json", type=Path, default=OUT_DIR / "warm_index.json")
    args = ap.parse_args(argv)

    n = args.items
    work = args.workdir or Path(tempfile.mkdtemp(prefix="photosort-bench-warm-"))
    lib = work / f"lib-{n}"
    runs: dict[str, dict[str, Any]] = {}
    built: dict[str, Any] = {"reused": True}
    try:
        if not (args.reuse and lib.is_dir()):
            if lib.exists():
                shutil.rmtree(lib)
            print(f"== {n} photos: building {lib}", flush=True)
            built = build(lib, n)
            runs["prime"] = one_run(lib, n, "prime (matrix filled from SQLite)")
        for r in range(args.runs):
            runs[f"warm {r + 1}"] = one_run(lib, n, f"warm {r + 1}")
    finally:
        if not args.keep:
            shutil.rmtree(lib if args.workdir else work, ignore_errors=True)
    columns = ["linked_s", "stop_s", "probe_late_max_ms", "full_gc_n", "page_p95_ms", "page_max_ms"]
    print_table(
        ["run", "linked s", "stop s", "GIL wait max ms", "full GCs", "page p95 ms", "page max ms"],
        [[k, *(v[c] for c in columns)] for k, v in runs.items()],
        f"warm start of the indexer, {n} queued photos, loadavg {loadavg()}",
    )
    path = write_json(
        args.json,
        "warm_index",
        {
            "items": n,
            "library": built,
            "runs": runs,
            "note": "in process; 2-core VM shared with other engineers",
        },
    )
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
