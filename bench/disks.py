"""Filing on the disks photographers use: a memory card's camera folder of N photos (one flat
folder, as a camera writes it) on exFAT, FAT32 and NTFS images mounted through FUSE, and on
this machine's own disk as the baseline, in the same run. A real `photosort serve --model
none` process; assign and undo over HTTP, session open to the first queue page.

Needs root and the FUSE tools (`make disk-tools`); a kind that cannot be mounted is reported
and skipped. Usage: `python bench/disks.py [--photos 3000] [--actions 100]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

from common import (
    OUT_DIR,
    Server,
    code_version,
    loadavg,
    machine,
    print_table,
    real_photos,
    summarize_ms,
    timed_calls,
)
from mounts import KINDS, Unavailable, mounted


def _card(root: Path, photos: int) -> Path:
    """`DCIM/100CANON` with `photos` distinct JPEGs (a few bytes appended to real ones) and a
    `Sorted` folder with two clusters beside it."""
    pool = [p for files in real_photos().values() for p in files]
    camera = root / "DCIM" / "100CANON"
    camera.mkdir(parents=True)
    for i in range(photos):
        data = pool[i % len(pool)].read_bytes() + i.to_bytes(4, "little")
        (camera / f"IMG_{i:04d}.JPG").write_bytes(data)
    for name in ("birds", "coins"):
        (root / "Sorted" / name).mkdir(parents=True)
        shutil.copyfile(pool[0], root / "Sorted" / name / "seed.jpg")
    return root


def _measure(root: Path, actions: int) -> dict[str, object]:
    server = Server([str(root / "DCIM"), "--into", str(root / "Sorted"), "--model", "none"])
    started = server.start()
    try:
        server.wait_for("/api/health")
        with httpx.Client(base_url=server.url, timeout=60) as client:
            first = client.get("/api/queue?limit=50")
            opened = time.perf_counter() - started
            items = [i["item"] for i in client.get(f"/api/queue?limit={actions}").json()["items"]]

            def assign(i: int) -> httpx.Response:
                body = {"item": items[i], "cluster": ("birds", "coins")[i % 2]}
                return client.post("/api/assign", json=body)

            assigns, errors = timed_calls(len(items), 0, assign)
            undos, undo_errors = timed_calls(
                len(items), 0, lambda _i: client.post("/api/undo", json={})
            )
    finally:
        server.stop()
    assert first.status_code == 200
    return {
        "open_to_first_page_s": round(opened, 2),
        "assign": summarize_ms(assigns),
        "undo": summarize_ms(undos),
        "errors": errors + undo_errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=3000)
    parser.add_argument("--actions", type=int, default=100)
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="photosort-disks-") as tmp:
        for kind in ("local", *KINDS):
            where = Path(tmp) / kind
            try:
                if kind == "local":
                    results[kind] = _measure(_card(where, args.photos), args.actions)
                    continue
                with mounted(
                    kind, Path(tmp) / f"{kind}-image", size_mb=96 + args.photos // 20
                ) as m:
                    results[kind] = _measure(_card(m, args.photos), args.actions)
            except Unavailable as exc:
                print(f"skipped: {exc}")
    rows = [
        [
            kind,
            r["open_to_first_page_s"],
            r["assign"]["p50_ms"],
            r["assign"]["p95_ms"],
            r["undo"]["p50_ms"],
            r["undo"]["p95_ms"],
            r["errors"],
        ]
        for kind, r in results.items()
        if isinstance(r, dict)
    ]
    print_table(
        ["disk", "open s", "assign p50 ms", "assign p95", "undo p50", "undo p95", "errors"],
        rows,
        title=f"{args.photos} photos in one camera folder, {args.actions} assigns then undos",
    )
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    report = {
        "photos": args.photos,
        "actions": args.actions,
        "results": results,
        "machine": machine(),
        "load": loadavg(),
        "code": code_version(),
    }
    (OUT_DIR / "disks.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    if any(isinstance(r, dict) and r["errors"] for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
