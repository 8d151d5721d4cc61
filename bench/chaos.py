"""Chaos: SIGKILL a real `photosort serve` at random instants, race many clients, fuzz the API.

Three attacks on a library of real photos (distinct JPEGs, plus a Latin-1 file name and one
with a newline), each ending in the same census: every photo's content hash exists exactly
once under the library (source, clusters, trash), the journal is dense, `verify` is clean.

1. crash loop: `serve` is killed (SIGKILL) at a random instant during an auto-move batch
   (`--model efficientnet-lite0`), a batch undo, or a burst of single actions, then started
   again; recovery runs and the census is taken after every restart;
2. race: N clients act on the same queue at once for S seconds (assign, skip, delete, undo);
3. fuzz: schemathesis generates requests from the OpenAPI schema (fixed seed, SSE excluded);
4. full disk: DEST on a 2 MiB tmpfs (a private mount namespace; root only, skipped with a
   line otherwise), partly taken by a filler file: photos are filed until the disk is full
   (200 or 507), the filler goes, an undo and more filings follow, `serve` starts again.
   Every answer must match the disk after the restart, no journal line may be unreadable.

Prints a table tried / failed / lost / duplicated / 5xx and writes bench/out/chaos.json.

    python bench/chaos.py              # 200 kills, 10 clients x 60 s, 10,000 fuzz requests
    python bench/chaos.py --quick      # 24 kills, 4 clients x 10 s, 1,500 fuzz requests
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import itertools
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT_DIR, PHOTOSORT, Server, print_table, real_photos, write_json

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}
CLUSTERS = ("birds", "coins", "mammals")
ODD_NAMES = (os.fsdecode(b"caf\xe9.jpg"), "new\nline.jpg")


@dataclass
class Tally:
    """What one attack did and what it found."""

    attack: str
    tried: int = 0  # requests sent
    kills: int = 0  # SIGKILLs (crash loop)
    failed: int = 0  # requests with no answer (killed in flight) or a refusal (4xx)
    answered_5xx: int = 0
    lost: int = 0  # photos whose content is nowhere any more
    duplicated: int = 0  # extra copies of a photo's content
    verify_problems: int = 0
    journal_gaps: int = 0
    unreadable_lines: int = 0  # journal lines a restart could not read (torn or corrupt)
    contradicted: int = 0  # answers the disk contradicts (a 200 not done, a 507 done)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (
            self.answered_5xx
            or self.lost
            or self.duplicated
            or self.verify_problems
            or self.journal_gaps
            or self.unreadable_lines
            or self.contradicted
        )


# ----------------------------------------------------------------------------- the library
def build_library(root: Path, loose: int) -> tuple[Path, collections.Counter[str]]:
    """Clusters of 3 real photos each, `loose` distinct real photos queued, two odd names."""
    per_class = max(4, (loose + len(ODD_NAMES)) // 3 + 4)
    pool = real_photos(per_class=per_class)
    source = root / "photos"
    source.mkdir(parents=True)
    rest: list[Path] = []
    for name, photos in pool.items():
        if name in CLUSTERS:
            (source / name).mkdir()
            for p in photos[:3]:
                shutil.copyfile(p, source / name / p.name)
            rest += photos[3:]
        else:
            rest += photos
    rng = random.Random(7)
    rng.shuffle(rest)
    wanted = loose + len(ODD_NAMES)
    if len(rest) < wanted:
        raise SystemExit(f"only {len(rest)} distinct photos for {wanted} loose ones")
    for i, p in enumerate(rest[:loose]):
        shutil.copyfile(p, source / f"IMG_{i:05d}.jpg")
    for name, p in zip(ODD_NAMES, rest[loose:wanted], strict=True):
        shutil.copyfile(p, source / name)
    return source, census(source)


def census(source: Path) -> collections.Counter[str]:
    """Content hash -> number of photo files holding it (renditions cache excluded)."""
    out: collections.Counter[str] = collections.Counter()
    for dirpath, dirnames, filenames in os.walk(source):
        if Path(dirpath) == source / ".clustering":
            dirnames[:] = [d for d in dirnames if d == "trash"]
        for name in filenames:
            if Path(name).suffix.lower() in PHOTO_SUFFIXES and not name.startswith("."):
                out[hashlib.sha256(Path(dirpath, name).read_bytes()).hexdigest()] += 1
    return out


def check(
    source: Path,
    expected: collections.Counter[str],
    tally: Tally,
    when: str,
    dest: Path | None = None,
) -> None:
    """Every photo exactly once, a dense journal (but for the seqs failed writes spent, which
    the next line names), `verify` clean (in-process, read-only)."""
    from photosort.session import Session

    now = census(source) + (census(dest) if dest else collections.Counter())
    lost = sum(1 for h in expected if now[h] == 0)
    dup = sum(now[h] - 1 for h in expected if now[h] > 1) + sum(
        c for h, c in now.items() if h not in expected
    )
    session = Session(source, dest, read_only=True)
    try:
        problems = session.verify()
        records = session.records_since()
    finally:
        session.close()
    gaps = sum(
        1
        for a, b in itertools.pairwise(records)
        if b["seq"] != a["seq"] + 1 and b.get("spent") != [a["seq"] + 1, b["seq"] - 1]
    )
    tally.lost += lost
    tally.duplicated += dup
    tally.verify_problems += len(problems)
    tally.journal_gaps += gaps
    if lost or dup or problems or gaps:
        tally.notes.append(f"{when}: lost {lost}, duplicated {dup}, gaps {gaps}, {problems[:3]}")


# ----------------------------------------------------------------------------- actions
def post_json(client: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    """JSON as a browser sends it: a non-UTF-8 file name travels as a `\\udcXX` escape."""
    headers = {"Content-Type": "application/json"}
    return client.post(path, content=json.dumps(body).encode(), headers=headers)


class Actor:
    """One reviewer firing single actions at the queue until told to stop."""

    def __init__(self, url: str, rng: random.Random, tally: Tally, lock: threading.Lock) -> None:
        self.client = httpx.Client(base_url=url, timeout=30.0)
        self.rng, self.tally, self.lock = rng, tally, lock

    def step(self) -> bool:
        """One action; False once the server is gone."""
        try:
            items = [i["item"] for i in self.client.get("/api/queue?limit=20").json()["items"]]
            roll = self.rng.random()
            if roll < 0.2 or not items:
                r = post_json(self.client, "/api/undo", {})
            else:
                item = self.rng.choice(items)
                if roll < 0.7:
                    body = {"item": item, "cluster": self.rng.choice(CLUSTERS)}
                    r = post_json(self.client, "/api/assign", body)
                elif roll < 0.85:
                    r = post_json(self.client, "/api/skip", {"item": item})
                else:
                    r = post_json(self.client, "/api/delete", {"item": item})
        except (httpx.TransportError, ValueError):
            with self.lock:
                self.tally.tried += 1
                self.tally.failed += 1
            return False
        with self.lock:
            self.tally.tried += 1
            if r.status_code >= 500:
                self.tally.answered_5xx += 1
                self.tally.notes.append(f"{r.status_code}: {r.text[:200]}")
            elif r.status_code >= 400:
                self.tally.failed += 1
        return True

    def close(self) -> None:
        self.client.close()


def _count(tally: Tally, lock: threading.Lock, call: Any) -> None:
    """One request, tallied: no answer (killed in flight), a refusal, or a 5xx."""
    try:
        r = call()
    except httpx.TransportError:
        with lock:
            tally.tried += 1
            tally.failed += 1
        return
    with lock:
        tally.tried += 1
        if r.status_code >= 500:
            tally.answered_5xx += 1
            tally.notes.append(f"{r.status_code}: {r.text[:200]}")
        elif r.status_code >= 400:
            tally.failed += 1


def _in_background(fn: Any) -> threading.Thread:
    t = threading.Thread(target=fn, daemon=True)
    t.start()
    return t


def _wait_for_suggestions(client: httpx.Client, timeout: float = 120.0) -> bool:
    """Until every queued photo has suggestions (what an auto-move needs)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get("/api/queue?limit=1000").json()
        if page["items"] and all(i["suggestions"] for i in page["items"]):
            return True
        if not page["items"]:
            return False
        time.sleep(0.2)
    return False


def _newest_active_batch(client: httpx.Client) -> str | None:
    page = client.get("/api/actions?limit=5000").json()
    undone = set(page["undone"])
    for rec in reversed(page["records"]):
        if rec["type"] == "auto-batch-start" and rec["seq"] not in undone:
            return str(rec["batch"])
    return None


def _start_work(
    kind: str, url: str, rng: random.Random, tally: Tally, lock: threading.Lock
) -> float:
    """Start one kind of work in the background; returns the window to kill it within."""
    client = httpx.Client(base_url=url, timeout=60.0)
    if kind == "batch" and _wait_for_suggestions(client):
        body = {"threshold": -1.0, "min_samples": 1, "min_margin": 0.0, "dry_run": False}
        _in_background(
            lambda: _count(tally, lock, lambda: client.post("/api/auto-move", json=body))
        )
        return 1.5
    batch = _newest_active_batch(client) if kind == "batch-undo" else None
    if batch:
        body = {"batch": batch}
        _in_background(lambda: _count(tally, lock, lambda: client.post("/api/undo", json=body)))
        return 0.6
    actor = Actor(url, rng, tally, lock)

    def burst() -> None:
        while actor.step():
            pass
        actor.close()

    _in_background(burst)
    return 1.5


def crash_loop(
    source: Path,
    expected: collections.Counter[str],
    *,
    kills: int,
    seed: int,
    batch_every: int = 8,
    model: str = "efficientnet-lite0",
) -> Tally:
    """Kill `serve` (SIGKILL) `kills` times at random instants; census after each restart."""
    tally = Tally("crash loop (SIGKILL)")
    rng = random.Random(seed)
    lock = threading.Lock()
    started = time.monotonic()
    for n in range(kills):
        kind = "batch" if n % batch_every == 0 else "batch-undo" if n % 4 == 1 else "burst"
        server = Server([str(source), "--model", model if kind == "batch" else "none"])
        server.start()
        try:
            server.wait_for("/api/health")
            check(source, expected, tally, f"restart {n}")
            window = _start_work(kind, server.url, random.Random(rng.random()), tally, lock)
            time.sleep(rng.uniform(0.0, window))
        finally:
            assert server.proc is not None
            server.proc.kill()  # SIGKILL: no shutdown, no checkpoint, no flush
            server.proc.wait()
        tally.kills += 1
    # The last start recovers what the last kill cut short; then `photosort verify` itself.
    server = Server([str(source), "--model", "none"])
    server.start()
    try:
        server.wait_for("/api/health")
    finally:
        server.stop()
    check(source, expected, tally, "final")
    import subprocess

    r = subprocess.run(
        [str(PHOTOSORT), "verify", str(source)], capture_output=True, text=True, timeout=120
    )
    if r.returncode != 0:
        tally.verify_problems += 1
        tally.notes.append(f"photosort verify exited {r.returncode}: {r.stderr.strip()[:300]}")
    tally.seconds = round(time.monotonic() - started, 1)
    return tally


def race(
    source: Path, expected: collections.Counter[str], *, clients: int, seconds: float, seed: int
) -> Tally:
    """`clients` reviewers acting on the same queue at once for `seconds`."""
    tally = Tally(f"race ({clients} clients)")
    lock = threading.Lock()
    server = Server([str(source), "--model", "none"])
    server.start()
    started = time.monotonic()
    try:
        server.wait_for("/api/health")
        stop = time.monotonic() + seconds
        actors = [Actor(server.url, random.Random(seed + i), tally, lock) for i in range(clients)]

        def run(actor: Actor) -> None:
            while time.monotonic() < stop and actor.step():
                pass
            actor.close()

        threads = [threading.Thread(target=run, args=(a,)) for a in actors]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.stop()
    check(source, expected, tally, "after the race")
    tally.seconds = round(time.monotonic() - started, 1)
    return tally


def fuzz(source: Path, expected: collections.Counter[str], *, requests: int) -> Tally:
    """schemathesis over the live schema (all but the event stream): no 5xx, every answer
    matches its documented shape."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import checks

    tally = Tally("fuzz (schemathesis)")
    server = Server([str(source), "--model", "none"])
    server.start()
    started = time.monotonic()
    try:
        server.wait_for("/api/health")
        raw = httpx.get(f"{server.url}/openapi.json").json()
        schema = schemathesis.openapi.from_dict(raw).exclude(path="/api/events")
        operations = [r.ok() for r in schema.get_all_operations()]
        per_op = max(1, requests // len(operations))
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=per_op,
                derandomize=True,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def run(case: Any) -> None:
                tally.tried += 1
                response = case.call(base_url=server.url, timeout=30)
                if response.status_code >= 500:
                    tally.answered_5xx += 1
                elif response.status_code >= 400:
                    tally.failed += 1
                case.validate_response(
                    response,
                    checks=[checks.not_a_server_error, checks.response_schema_conformance],
                )

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:
                tally.notes.append(f"{operation.label}: {str(exc)[:300]}")
    finally:
        server.stop()
    check(source, expected, tally, "after the fuzz")
    tally.seconds = round(time.monotonic() - started, 1)
    return tally


# ----------------------------------------------------------------------------- full disk
FULL_DISK_SIZE = "2m"
# (free bytes left when filing starts, one cluster or three, `serve` started on a full disk)
FULL_DISK_ROUNDS = ((1_700_000, 1, False), (1_000_000, 3, False), (1_200_000, 1, True))


def full_disk(root: Path, *, seed: int, loose: int = 65) -> Tally:
    """Rounds of: fill DEST (a small tmpfs) by filing photos until it is full, free it, undo
    and file more, restart; the answers, the journal and the disk must agree."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from mounts import Unavailable, private_mounts, tmpfs, tmpfs_unavailable

    tally = Tally("full disk (2 MiB tmpfs)")
    reason = tmpfs_unavailable()
    started = time.monotonic()
    try:
        if reason:
            raise Unavailable(reason)
        private_mounts()
    except (Unavailable, RuntimeError) as exc:
        print(f"full disk: skipped ({exc})")
        tally.notes.append(f"skipped: {exc}")
        return tally
    rng = random.Random(seed)
    for n, (free, clusters, full_at_start) in enumerate(FULL_DISK_ROUNDS):
        source, expected = build_library(root / f"full{n}", loose)
        with tmpfs(root / f"full{n}" / "dest", FULL_DISK_SIZE) as dest:
            round_ = FullDiskRound(source, dest, expected, tally, rng, f"round {n}")
            round_.run(free, CLUSTERS[:clusters], full_at_start=full_at_start)
    tally.seconds = round(time.monotonic() - started, 1)
    return tally


@dataclass
class FullDiskRound:
    source: Path
    dest: Path
    expected: collections.Counter[str]
    tally: Tally
    rng: random.Random
    when: str
    told: dict[str, str] = field(default_factory=dict)  # item -> where a 200 or 507 left it

    def run(self, free: int, clusters: tuple[str, ...], *, full_at_start: bool) -> None:
        from mounts import fill

        filler = fill(self.dest) if full_at_start else None
        args = [str(self.source), "--into", str(self.dest), "--model", "none", "--no-browser"]
        server = Server(args)
        server.start()
        try:
            server.wait_for("/api/health")
            if filler is not None:
                filler.unlink()
            filler = fill(self.dest, leave=free)
            with httpx.Client(base_url=server.url, timeout=60.0) as c:
                for item in [i["item"] for i in c.get("/api/queue?limit=1000").json()["items"]]:
                    self.file(c, item, self.rng.choice(clusters))
                filler.unlink()  # the reviewer makes room, while serving
                r = c.post("/api/undo", json={})
                _tally_answer(self.tally, r)
                if r.status_code == 200:
                    self.told.update((rec["item"], "") for rec in r.json()["records"])
                queued = [i["item"] for i in c.get("/api/queue?limit=1000").json()["items"]]
                for item in queued[:2]:
                    self.file(c, item, self.rng.choice(clusters))
        finally:
            server.stop()
        restart = Server(args)
        restart.start()
        try:
            restart.wait_for("/api/health")
        finally:
            restart.stop()
        self.census()

    def file(self, c: httpx.Client, item: str, cluster: str) -> None:
        r = post_json(c, "/api/assign", {"item": item, "cluster": cluster, "create": True})
        _tally_answer(self.tally, r)
        if r.status_code == 200:
            self.told[item] = r.json()["records"][-1]["dst"]
        elif r.status_code == 507:
            self.told[item] = ""

    def census(self) -> None:
        """After the restart: no unreadable line, every answer true on disk, verify clean."""
        import subprocess

        tally, when = self.tally, self.when
        _count_unreadable(self.source, self.dest, tally, when)
        for item, where in self.told.items():
            there = self.dest / where if where else self.source / item
            if not there.is_file():
                tally.contradicted += 1
                tally.notes.append(f"{when}: answered {where or 'queued'} for {item}, not there")
        check(self.source, self.expected, tally, when, self.dest)
        cmd = [str(PHOTOSORT), "verify", str(self.source), "--into", str(self.dest)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            tally.verify_problems += 1
            tally.notes.append(f"{when}: verify exited {r.returncode}: {r.stdout[-300:]}")


def _tally_answer(tally: Tally, r: httpx.Response) -> None:
    tally.tried += 1
    if r.status_code >= 500 and r.status_code != 507:
        tally.answered_5xx += 1
        tally.notes.append(f"{r.status_code}: {r.text[:200]}")
    elif r.status_code >= 400:
        tally.failed += 1


def _count_unreadable(source: Path, dest: Path, tally: Tally, when: str) -> None:
    from photosort.session import Session

    session = Session(source, dest, read_only=True)
    try:
        bad = [w for w in session.recovery.warnings if "unreadable" in w]
    finally:
        session.close()
    torn = dest / ".clustering" / "actions.torn"
    bad += (
        [f"torn: {line[:60]!r}" for line in torn.read_bytes().splitlines()] if torn.exists() else []
    )
    tally.unreadable_lines += len(bad)
    tally.notes += [f"{when}: {b}" for b in bad]


# ----------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a short run (minutes, not tens)")
    ap.add_argument("--kills", type=int)
    ap.add_argument("--clients", type=int)
    ap.add_argument("--seconds", type=float)
    ap.add_argument("--requests", type=int)
    ap.add_argument("--loose", type=int, default=60)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--json", type=Path, default=OUT_DIR / "chaos.json")
    ap.add_argument(
        "--attacks",
        default="crash,race,fuzz,full-disk",
        help="which attacks, comma-separated (crash, race, fuzz, full-disk)",
    )
    args = ap.parse_args()
    kills = args.kills or (24 if args.quick else 200)
    clients = args.clients or (4 if args.quick else 10)
    seconds = args.seconds or (10.0 if args.quick else 60.0)
    requests = args.requests or (1500 if args.quick else 10000)

    tallies: list[Tally] = []
    with tempfile.TemporaryDirectory(prefix="photosort-chaos-") as tmp:
        for attack in args.attacks.split(","):
            if attack == "full-disk":
                tallies.append(full_disk(Path(tmp), seed=args.seed))
                continue
            source, expected = build_library(Path(tmp) / attack, args.loose)
            if attack == "crash":
                tallies.append(crash_loop(source, expected, kills=kills, seed=args.seed))
            elif attack == "race":
                tallies.append(
                    race(source, expected, clients=clients, seconds=seconds, seed=args.seed)
                )
            else:
                tallies.append(fuzz(source, expected, requests=requests))
    print_table(
        [
            "attack",
            "kills",
            "tried",
            "failed",
            "lost",
            "duplicated",
            "5xx",
            "unreadable",
            "contradicted",
            "verify",
            "gaps",
            "s",
        ],
        [
            [
                t.attack,
                t.kills,
                t.tried,
                t.failed,
                t.lost,
                t.duplicated,
                t.answered_5xx,
                t.unreadable_lines,
                t.contradicted,
                "clean" if not t.verify_problems else t.verify_problems,
                t.journal_gaps,
                t.seconds,
            ]
            for t in tallies
        ],
        title=f"chaos ({'quick' if args.quick else 'full'}, seed {args.seed})",
    )
    for t in tallies:
        for note in t.notes[:10]:
            print(f"  {t.attack}: {note}")
    path = write_json(
        args.json,
        "chaos",
        {
            "params": {
                "kills": kills,
                "clients": clients,
                "seconds": seconds,
                "requests": requests,
                "loose": args.loose,
                "seed": args.seed,
            },
            "results": [asdict(t) for t in tallies],
        },
    )
    print(f"wrote {path}")
    if not all(t.clean for t in tallies):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
