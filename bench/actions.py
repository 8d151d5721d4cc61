"""Reviewer-action latency and session-open time against a real `photosort serve` process.

For each size N it builds a library of N real photos (small JPEGs from the stamps6 set, hard
linked under unique names, so 100k photos cost almost no disk), loose in the source folder
plus a few started cluster folders, then:

1. starts `photosort serve LIB --model none` as a subprocess and times process start to the
   first successful `GET /api/queue?limit=50` ("first page", cold: no `.clustering/` yet);
2. over HTTP on loopback (one keep-alive connection) times `skip`, `delete`, `assign`,
   `undo` (consecutive undos: they reverse the assigns), `GET /api/session` and
   `GET /api/queue` on items from the queue head;
3. stops the server (SIGINT), starts it again on the same folder (warm: `.clustering/` and
   its journal are there) and times the first page again;
4. runs `photosort verify` to prove the journal and the files still agree.

SPEC section 10 targets: first page <= 3 s at 100k (warm), any action p95 <= 30 ms.

    python bench/actions.py                        # 10k and 100k, bench/out/actions.json
    python bench/actions.py --sizes 2000 --samples 100
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    OUT_DIR,
    PHOTOSORT,
    Server,
    copy_pool,
    filesystem_of,
    loadavg,
    print_table,
    real_photos,
    summarize_ms,
    timed_calls,
    write_json,
)

FIRST_PAGE = "/api/queue?limit=50"
TARGET_FIRST_PAGE_S = 3.0
TARGET_ACTION_P95_MS = 30.0
ACTIONS = ("assign", "skip", "delete", "undo", "assign@tail")
CLASSES = ("birds", "coins", "flowers", "fruit", "mammals", "vegetables")


def make_library(
    root: Path, n: int, pool: dict[str, list[Path]], clusters: int, members: int
) -> dict[str, Any]:
    """N loose photos in `root` plus `clusters` folders of `members` photos, all hard links."""
    t0 = time.perf_counter()
    root.mkdir(parents=True)
    flat = [p for paths in pool.values() for p in paths]
    for i in range(n):
        src = flat[i % len(flat)]
        (root / f"IMG_{i + 1:06d}.jpg").hardlink_to(src)
    names = list(pool)[:clusters]
    for name in names:
        (root / name).mkdir()
        for j in range(members):
            src = pool[name][j % len(pool[name])]
            (root / name / f"{name}_{j + 1:02d}.jpg").hardlink_to(src)
    return {
        "loose": n,
        "clusters": names,
        "members_per_cluster": members,
        "distinct_source_photos": len(flat),
        "build_s": round(time.perf_counter() - t0, 2),
    }


def open_server(lib: Path, model: str) -> tuple[Server, dict[str, Any]]:
    load = loadavg()
    server = Server([str(lib), "--model", model])
    server.start()
    first_page = server.wait_for(FIRST_PAGE)
    return server, {
        "first_page_s": round(first_page, 3),
        "server_cpu_s": _round(server.cpu_seconds()),
        "loadavg_before": load,
        # what the CLI prints once the session is open, and just before uvicorn starts
        "session_open_s": _round(server.since_start("photosort:")),
        "uvicorn_start_s": _round(server.since_start("open http")),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def head_items(client: httpx.Client, count: int, offset: int = 0) -> list[str]:
    """`count` queued items from `offset` on, in queue order."""
    items: list[str] = []
    while len(items) < count:
        params = {"offset": offset + len(items), "limit": 1000}
        page = client.get("/api/queue", params=params).json()
        if not page["items"]:
            break
        items += [it["item"] for it in page["items"]]
    if len(items) < count:
        raise SystemExit(f"need {count} queued items, the queue has {len(items)}")
    return items[:count]


def measure_actions(server: Server, samples: int, warmup: int) -> dict[str, Any]:
    per = samples + warmup
    results: dict[str, Any] = {"_loadavg": loadavg()}
    with httpx.Client(base_url=server.url, timeout=60.0) as c:
        clusters = [cl["name"] for cl in c.get("/api/session").json()["clusters"]]
        items = head_items(c, 3 * per)
        skip_items, delete_items, assign_items = items[:per], items[per : 2 * per], items[2 * per :]
        total = c.get("/api/queue", params={"limit": 1}).json()["total"]
        tail_items = head_items(c, per, offset=total - per)

        plan: list[tuple[str, Callable[[int], httpx.Response]]] = [
            ("skip", lambda i: c.post("/api/skip", json={"item": skip_items[i]})),
            ("delete", lambda i: c.post("/api/delete", json={"item": delete_items[i]})),
            (
                "assign",
                lambda i: c.post(
                    "/api/assign",
                    json={"item": assign_items[i], "cluster": clusters[i % len(clusters)]},
                ),
            ),
            # consecutive undos, newest first: they move the assigned photos back
            ("undo", lambda i: c.post("/api/undo", json={})),
            # the far end of the queue (a reviewer picking from the filmstrip's end)
            (
                "assign@tail",
                lambda i: c.post(
                    "/api/assign",
                    json={"item": tail_items[i], "cluster": clusters[i % len(clusters)]},
                ),
            ),
            ("GET session", lambda i: c.get("/api/session")),
            ("GET queue", lambda i: c.get("/api/queue", params={"offset": 0, "limit": 50})),
        ]
        for name, call in plan:
            durations, errors = timed_calls(samples, warmup, call)
            results[name] = {**summarize_ms(durations), "errors": errors}
        results["_final_stats"] = c.get("/api/session").json()["stats"]
    return results


def file_batch(lib: Path, count: int) -> dict[str, Any]:
    """Grow the journal the way a long session does: file `count` photos, spread over the whole
    queue, as one auto batch through the product's own session engine (in this process)."""
    from photosort.session import MovePlan, Session, new_batch_id

    session = Session(lib)
    try:
        queue = session.queue_items()
        clusters = [name for name, _ in session.clusters()]
        step = max(1, len(queue) // count)
        picked = queue[::step][:count]
        plans = [MovePlan(it, "", clusters[i % len(clusters)]) for i, it in enumerate(picked)]
        t0 = time.perf_counter()
        done = session.move_batch(plans, batch=new_batch_id())
        seconds = time.perf_counter() - t0
        lines = session.last_seq()
    finally:
        session.close()
    return {
        "files": len(done),
        "seconds": round(seconds, 2),
        "files_per_s": round(len(done) / seconds, 1),
        "journal_lines": lines,
    }


def verify(lib: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(PHOTOSORT), "verify", str(lib)], capture_output=True, text=True, check=False
    )
    return {
        "ok": proc.returncode == 0,
        "seconds": round(time.perf_counter() - t0, 2),
        "output": (proc.stdout + proc.stderr).strip()[-2000:],
    }


def run_size(
    n: int, work: Path, pool: dict[str, list[Path]], args: argparse.Namespace
) -> dict[str, Any]:
    lib = work / f"lib-{n}"
    if lib.exists():
        shutil.rmtree(lib)
    print(f"\n== {n} photos: building {lib}")
    library = make_library(lib, n, pool, args.clusters, args.members)
    print(f"   built in {library['build_s']} s")

    server, cold = open_server(lib, args.model)
    print(f"   cold open: first page after {cold['first_page_s']} s")
    try:
        actions = measure_actions(server, args.samples, args.warmup)
    except Exception:
        print(f"   the server said:\n{server.log()}", file=sys.stderr)
        raise
    finally:
        shutdown_s = server.stop()
    final_stats = actions.pop("_final_stats")
    load = [actions.pop("_loadavg"), loadavg()]

    server, warm = open_server(lib, args.model)
    print(f"   warm open: first page after {warm['first_page_s']} s")
    server.stop()

    grown = None
    if args.journal:
        batch = file_batch(lib, min(args.journal, n // 2))
        print(f"   filed {batch['files']} photos in one batch: {batch['files_per_s']} files/s")
        server, grown = open_server(lib, args.model)
        grown["journal_lines"] = batch["journal_lines"]
        grown["batch"] = batch
        print(f"   warm open, {batch['journal_lines']} journal lines: {grown['first_page_s']} s")
        server.stop()

    checked = verify(lib) if args.verify else None
    if checked:
        print(f"   verify: {'ok' if checked['ok'] else 'MISMATCH'} ({checked['seconds']} s)")
    if not args.keep:
        shutil.rmtree(lib)
    return {
        "photos": n,
        "library": library,
        "open_cold": cold,
        "open_warm": warm,
        "open_warm_big_journal": grown,
        "shutdown_s": round(shutdown_s, 2),
        "actions": actions,
        "loadavg_during_actions": load,
        "final_stats": final_stats,
        "verify": checked,
    }


def report(runs: list[dict[str, Any]], model: str) -> None:
    rows = []
    for r in runs:
        for name, s in r["actions"].items():
            target = name in ACTIONS
            ok = s["p95_ms"] <= TARGET_ACTION_P95_MS and not s["errors"]
            rows.append(
                [
                    r["photos"],
                    name,
                    s["n"],
                    s["p50_ms"],
                    s["p95_ms"],
                    s["p99_ms"],
                    s["max_ms"],
                    s["errors"],
                    ("ok" if ok else "MISS") if target else "-",
                ]
            )
    headers = ["photos", "request", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "err", "p95<=30"]
    print()
    loads = ", ".join(f"{r['photos']}: {r['loadavg_during_actions']}" for r in runs)
    title = f"HTTP latency on loopback, one keep-alive connection (load average {loads})"
    print_table(headers, rows, title)
    rows = []
    for r in runs:
        for kind in ("open_cold", "open_warm", "open_warm_big_journal"):
            o = r[kind]
            if o is None:
                continue
            ok = o["first_page_s"] <= TARGET_FIRST_PAGE_S
            rows.append(
                [
                    r["photos"],
                    kind.removeprefix("open_").replace(
                        "_big_journal", f"+{o.get('journal_lines')}"
                    ),
                    o["session_open_s"],
                    o["first_page_s"],
                    o["server_cpu_s"],
                    o["loadavg_before"],
                    "ok" if ok else "MISS",
                ]
            )
    print()
    print_table(
        ["photos", "open", "session open s", "first page s", "server CPU s", "load", "<=3 s"],
        rows,
        f"Process start to first queue page (`--model {model}`)",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated photo counts")
    ap.add_argument("--samples", type=int, default=300, help="timed requests per kind")
    ap.add_argument("--warmup", type=int, default=10, help="untimed requests per kind first")
    ap.add_argument("--clusters", type=int, default=5)
    ap.add_argument("--members", type=int, default=4, help="photos per started cluster")
    ap.add_argument("--model", default="none", help="passed to `photosort serve --model`")
    ap.add_argument("--workdir", type=Path, default=None, help="default: a fresh folder in /tmp")
    ap.add_argument("--keep", action="store_true", help="keep the generated libraries")
    ap.add_argument("--no-verify", dest="verify", action="store_false")
    ap.add_argument(
        "--journal",
        type=int,
        default=20000,
        help="then file this many photos (at most half the library) as one auto batch and\n"
        "time a third, warm open with that journal (0: skip)",
    )
    ap.add_argument("--json", type=Path, default=OUT_DIR / "actions.json")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    work = args.workdir or Path(tempfile.mkdtemp(prefix="photosort-bench-actions-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        pool = copy_pool(real_photos(CLASSES, per_class=4), work / "pool")
        runs = [run_size(n, work, pool, args) for n in sizes]
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    report(runs, args.model)
    path = write_json(
        args.json,
        "actions",
        {
            "targets": {
                "first_page_s": TARGET_FIRST_PAGE_S,
                "action_p95_ms": TARGET_ACTION_P95_MS,
            },
            "settings": {
                "samples": args.samples,
                "warmup": args.warmup,
                "model": args.model,
                "filesystem": filesystem_of(work),
            },
            "runs": runs,
        },
    )
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
