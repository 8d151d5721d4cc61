"""Recall of the nearest-neighbour index (`photosort.ml.AnnIndex`) on real EfficientNet-Lite0
vectors, against the exact top 30 by brute-force cosine over every row.

The vectors are of `--rows` distinct draws of the stamps6 photos (clutter and white, 390
photos), changed the way `draws.py` changes them (a crop of up to 5%, a flip half the time,
exposure ±10%, a JPEG re-encode at quality 75-95), decoded and embedded in memory by the
product's offline embedder on the CPU. They are embedded once, in blocks saved as they are
done (an interrupted run resumes), and cached in bench/out/ann_recall/.

The index is the product's own class, built over all the rows as more-like-this builds it. For
each candidate count (the one more-like-this asks for, 32 x its limit of 30 = 960, and others
around it) and each number of cells probed (the product's choice, and more), it reports:

- all rows: the share of a query row's exact top 30 found among the candidates (what
  more-like-this re-scores), with the query row in the library as in more-like-this;
- other photos: the same with every draw of the query's own source photo left out of both
  the exact top 30 and the candidates. Draws of one photo are near-duplicates of each other
  (about 250 per photo here), which a library of distinct photos does not have: they make the
  plain figure easy, and this one spends part of the candidate budget on them;
- held out: an index over the draws of 90% of the photos, queried with draws of the other
  10% (no draw of the query's photo is in the library at all).

Latency, at the cells the product probes, is the index search alone and the search plus the
exact re-scoring of the candidates (median and p95, one query at a time).

    nice python bench/ann_recall.py [--rows 100000] [--queries 500] [--as-rows N]
        [--probes 4,8,16] [--embed-only | --part I/N]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "backend"))

from PIL import Image

from common import OUT_DIR, loadavg, percentile, print_table, write_json
from data import stamps6
from draws import vary_image
from photosort.ml import AnnIndex, VectorMatrix, load_embedder
from photosort.ml.ann import ROWS_PER_CELL

MODEL = "efficientnet-lite0"
BLOCK = 1000  # draws embedded and saved at a time
TOP = 30  # more-like-this's page
CACHE = OUT_DIR / "ann_recall"
PRODUCT_ROWS_PER_CELL = ROWS_PER_CELL


def sources() -> list[Path]:
    root = stamps6()
    return sorted(p for sub in ("clutter", "white") for p in (root / sub).glob("*/*.jpg"))


def _draw_block(
    photos: list[Image.Image], block: int, seed: int
) -> tuple[list[Image.Image], NDArray[np.int32], list[bytes]]:
    """BLOCK changed copies: each block has its own generator, so a resumed run draws the
    same photos as an uninterrupted one."""
    rng = random.Random(f"{seed}:{block}")
    images: list[Image.Image] = []
    which: list[int] = []
    digests: list[bytes] = []
    while len(images) < BLOCK:
        k = rng.randrange(len(photos))
        data = vary_image(photos[k], rng)
        digests.append(hashlib.sha256(data).digest()[:16])
        with Image.open(io.BytesIO(data)) as im:
            images.append(im.convert("RGB"))
        which.append(k)
    return images, np.asarray(which, dtype=np.int32), digests


def _block(seed: int, b: int) -> Path:
    return CACHE / f"s{seed}-b{b:04d}.npz"


def _embed_blocks(todo: list[int], seed: int) -> None:
    paths = sources()
    photos = []
    for p in paths:
        with Image.open(p) as im:
            photos.append(im.convert("RGB"))
    embedder = load_embedder(MODEL, "cpu").embedder
    started = time.perf_counter()
    # Drawing (Pillow, which releases the GIL) runs one block ahead of the model.
    with ThreadPoolExecutor(1) as pool:
        ahead = pool.submit(_draw_block, photos, todo[0], seed) if todo else None
        for i, b in enumerate(todo):
            assert ahead is not None
            images, which, digests = ahead.result()
            if i + 1 < len(todo):
                ahead = pool.submit(_draw_block, photos, todo[i + 1], seed)
            vectors = embedder.embed_images(images).astype(np.float16)
            digest = np.frombuffer(b"".join(digests), "S16")
            tmp = _block(seed, b).with_suffix(".tmp.npz")
            np.savez(tmp, vectors=vectors, src=which, digest=digest)
            tmp.rename(_block(seed, b))
            rate = (i + 1) * BLOCK / (time.perf_counter() - started)
            left = (len(todo) - i - 1) * BLOCK / rate
            print(f"block {b}: {rate:.1f} draws/s, {left / 60:.0f} min left", flush=True)


def embed(
    rows: int, seed: int, part: tuple[int, int] = (0, 1)
) -> tuple[NDArray[np.float16], NDArray[np.int32]] | None:
    """(rows x 1280) float16 unit vectors of distinct draws and each one's source photo;
    None while blocks of another `part` (worker I of N: blocks I, I + N, ...) are missing."""
    final = CACHE / f"vectors-{rows}-s{seed}.npy"
    final_src = final.with_suffix(".src.npy")
    if final.exists() and final_src.exists():
        return np.load(final), np.load(final_src)
    CACHE.mkdir(parents=True, exist_ok=True)
    blocks = -(-rows // BLOCK)
    mine = range(part[0], blocks, part[1])
    todo = [b for b in mine if not _block(seed, b).exists()]
    print(f"{len(mine) - len(todo)}/{len(mine)} blocks of this part cached", flush=True)
    _embed_blocks(todo, seed)
    if not all(_block(seed, b).exists() for b in range(blocks)):
        print("other parts' blocks still missing")
        return None
    parts = [np.load(_block(seed, b)) for b in range(blocks)]
    vectors = np.concatenate([p["vectors"] for p in parts])[:rows]
    src = np.concatenate([p["src"] for p in parts])[:rows]
    digest = np.concatenate([p["digest"] for p in parts])[:rows]
    keep = np.sort(np.unique(digest, return_index=True)[1])  # the same bytes twice: once
    if len(keep) < rows:
        print(f"{rows - len(keep)} draws repeated bytes: dropped")
    np.save(final, vectors[keep])
    np.save(final_src, src[keep])
    return vectors[keep], src[keep]


def matrix_of(vectors: NDArray[np.float16]) -> VectorMatrix:
    matrix = VectorMatrix(vectors.shape[1])
    for a in range(0, len(vectors), 65_536):
        block = vectors[a : a + 65_536]
        matrix.put_many([f"r{a + i}" for i in range(len(block))], block)
    return matrix


def build(matrix: VectorMatrix, as_rows: int | None) -> tuple[AnnIndex, float]:
    """The product's index over every row, built as more-like-this builds it; and seconds.
    With `as_rows`, it gets the cells (and so the cells probed) it would have in a library of
    that many rows."""
    import faiss  # noqa: F401  (imported before the clock: a server imports it once)

    import photosort.ml.ann as ann_module

    if as_rows is not None:
        cells = int(np.clip(as_rows // PRODUCT_ROWS_PER_CELL, 1, 256))
        ann_module.ROWS_PER_CELL = max(1, len(matrix) // cells)  # type: ignore[misc]
    ann = AnnIndex(matrix)
    t, cpu = time.perf_counter(), time.process_time()
    ann.build_in_background()
    if not ann.wait():
        raise SystemExit("the index was not built")
    ann_module.ROWS_PER_CELL = PRODUCT_ROWS_PER_CELL  # type: ignore[misc]
    print(f"index built: {time.perf_counter() - t:.1f} s, {time.process_time() - cpu:.1f} s CPU")
    return ann, time.perf_counter() - t


def exact_top(matrix: VectorMatrix, queries: NDArray[np.float32], allowed: Any) -> Any:
    """Per query, the set of rows of its exact top TOP among the rows `allowed(q)` admits
    (a boolean mask over the rows, or None for all)."""
    sims = matrix.cosines(queries)  # rows x queries, the product's own kernel
    out = []
    for q in range(len(queries)):
        col = sims[:, q].copy()
        mask = allowed(q)
        if mask is not None:
            col[~mask] = -np.inf
        out.append(set(np.argpartition(-col, TOP)[:TOP].tolist()))
    return out


def sweep(
    ann: AnnIndex,
    matrix: VectorMatrix,
    queries: NDArray[np.float32],
    truths: dict[str, Any],
    allowed: dict[str, Any],
    counts: list[int],
    probes: list[int],
    timed: int | None = None,
) -> list[dict[str, Any]]:
    """Recall of every truth for each (cells probed, candidate count); latency of the search
    and of the search plus the exact re-scoring where `timed` cells are probed (the CPU is
    scarce here: the other rows only search)."""
    index: Any = ann._index  # the bench sweeps the product's probe count
    rows: list[dict[str, Any]] = []
    for nprobe in probes:
        index.nprobe = nprobe
        for count in counts:
            hits: dict[str, list[float]] = {name: [] for name in truths}
            search_ms, total_ms = [], []
            for q, anchor in enumerate(queries):
                t = time.perf_counter()
                cand = ann.search(anchor, count)
                t1 = time.perf_counter()
                if nprobe == timed:  # what more-like-this does with them
                    sims = matrix.cosines_at(cand, anchor)[:, 0]
                    np.argpartition(-sims, min(TOP, len(sims) - 1))[:TOP]
                    total_ms.append((time.perf_counter() - t) * 1e3)
                    search_ms.append((t1 - t) * 1e3)
                for name, truth in truths.items():
                    mask = allowed[name](q)
                    kept = set((cand if mask is None else cand[mask[cand]]).tolist())
                    hits[name].append(len(kept & truth[q]) / TOP)
            row: dict[str, Any] = {"nprobe": nprobe, "candidates": count}
            row.update({f"recall_{n}": float(np.mean(h)) for n, h in hits.items()})
            for name, ms in (("search", sorted(search_ms)), ("total", sorted(total_ms))):
                if ms:
                    row[f"{name}_ms_p50"] = percentile(ms, 50)
                    row[f"{name}_ms_p95"] = percentile(ms, 95)
            rows.append(row)
            print(row, flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--embed-only", action="store_true")
    ap.add_argument("--part", default="0/1", help="embed as worker I of N (I/N)")
    ap.add_argument(
        "--as-rows", type=int, help="give the index the cells it would have at this many rows"
    )
    ap.add_argument("--probes", help="cells probed to sweep (default: 1x, 2x, 4x the product's)")
    ap.add_argument("--json", type=Path, default=OUT_DIR / "ann_recall.json")
    args = ap.parse_args()
    import torch

    # One thread re-scores a query's candidates (a matrix-vector product of at most a few
    # thousand rows): on shared, busy cores a second one mostly measures OpenMP's waits.
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    i, n = (int(x) for x in args.part.split("/"))
    embedded = embed(args.rows, args.seed, (i, n))
    print(f"{time.perf_counter() - t0:.0f} s", flush=True)
    if embedded is None or args.embed_only:
        return
    vectors, src = embedded
    counts = [30, 60, 120, 250, 500, 960, 2000, 4000]
    rng = np.random.default_rng(args.seed)
    matrix = matrix_of(vectors)
    ann, build_s = build(matrix, args.as_rows)
    cells, in_use = int(ann._index.nlist), int(ann._index.nprobe)
    wanted = [int(p) for p in args.probes.split(",")] if args.probes else [1, 2, 4]
    probes = sorted({min(cells, p if args.probes else p * in_use) for p in [*wanted, in_use]})
    print(f"index over {len(matrix)} rows: {build_s:.1f} s, {cells} cells, {in_use} probed")
    picked = rng.choice(len(vectors), args.queries, replace=False)
    queries = matrix.take(picked)
    masks = [src != src[r] for r in picked]
    allowed = {"all": lambda q: None, "other": lambda q: masks[q]}
    truths = {name: exact_top(matrix, queries, ok) for name, ok in allowed.items()}
    rows = sweep(ann, matrix, queries, truths, allowed, counts, probes, in_use)

    # Held out: no draw of the query's photo in the library at all.
    photos = np.unique(src)
    held = rng.choice(photos, max(1, len(photos) // 10), replace=False)
    outside = np.isin(src, held)
    lib = matrix_of(vectors[~outside])
    ann_h, build_h = build(lib, args.as_rows)
    cells_h = int(ann_h._index.nlist)
    picked_h = rng.choice(np.flatnonzero(outside), args.queries, replace=False)
    queries_h = vectors[picked_h].astype(np.float32)
    queries_h /= np.linalg.norm(queries_h, axis=1, keepdims=True)
    none = {"held_out": lambda q: None}
    truth_h = {"held_out": exact_top(lib, queries_h, none["held_out"])}
    held_probes = sorted({min(cells_h, p) for p in probes})
    rows_h = sweep(ann_h, lib, queries_h, truth_h, none, counts, held_probes)
    report(args, rows, rows_h, len(vectors), len(lib), (cells, in_use, build_s, cells_h, build_h))


def report(
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    rows_h: list[dict[str, Any]],
    n: int,
    n_lib: int,
    index: tuple[int, int, float, int, float],
) -> None:
    held = {(r["nprobe"], r["candidates"]): r["recall_held_out"] for r in rows_h}
    table = [
        [
            r["nprobe"],
            r["candidates"],
            f"{100 * r['recall_all']:.1f}%",
            f"{100 * r['recall_other']:.1f}%",
            f"{100 * held[k]:.1f}%" if (k := (r["nprobe"], r["candidates"])) in held else "",
            f"{r['search_ms_p50']:.2f} / {r['search_ms_p95']:.2f}" if "search_ms_p50" in r else "",
            f"{r['total_ms_p50']:.2f} / {r['total_ms_p95']:.2f}" if "total_ms_p50" in r else "",
        ]
        for r in rows
    ]
    cells, in_use, build_s, cells_h, build_h = index
    print_table(
        ["probed", "candidates", "all rows", "other photos", "held out", "search ms", "+ rescore"],
        table,
        title=f"\nrecall of the exact top {TOP}, {args.queries} queries, {n:,} rows "
        f"({cells} cells, {in_use} probed as the product would"
        f"{f' at {args.as_rows:,} rows' if args.as_rows else ''}; index built in "
        f"{build_s:.1f} s), held out: "
        f"{n_lib:,} rows ({cells_h} cells, {build_h:.1f} s); latency p50 / p95, load "
        f"{loadavg()}",
    )
    write_json(
        args.json,
        "ann_recall",
        {
            "rows": n,
            "cells_as_at_rows": args.as_rows,
            "queries": args.queries,
            "top": TOP,
            "cells": cells,
            "nprobe_in_use": in_use,
            "build_s": build_s,
            "held_out_rows": n_lib,
            "held_out_cells": cells_h,
            "held_out_build_s": build_h,
            "results": rows,
            "held_out": rows_h,
            "load_after": loadavg(),
        },
    )


if __name__ == "__main__":
    main()
