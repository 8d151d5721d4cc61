"""The last scan, kept across restarts, so a warm start of a million-photo session serves its
first page without walking the folders or sorting the queue.

`serve` writes it when it stops: the queue in its order, the groups, the clusters' members, the
mtime of every folder it walked and the journal's last sequence number. The next `serve`
adopts it only when nothing it knows of changed: the same folders, each folder's mtime as
stamped, no journal line since (another command that acted, a recovery at start-up). Even then
the folders are walked again in the background right after start-up, and what that walk finds
is applied like any change behind the tool's back: a folder mtime is not trustworthy on every
file system, and a file may land in the instant between the last look and the stamp.

Format (`.clustering/scan.cache`): tokens separated by NUL, the one byte no file name can
hold, as UTF-8 (surrogateescape for names that are not), then a BLAKE2b digest of all that.
Not pickle: a session folder may be shared, and reading a cache must never run code. Every
path read back is checked to be a plain relative path, as a scan would have produced.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from photosort.fsutil import atomic_write_bytes
from photosort.session.scan import ScanResult, folder_mtime, unchanged

log = logging.getLogger("photosort.session")

CACHE_NAME = "scan.cache"
_MAGIC = "photosort-scan"
# 2: a cluster is any folder holding photos, keyed by its path, with only its own photos.
_VERSION = "2"
_SEP = "\x00"
# A path segment a scan never yields, in a NUL-joined section framed by NULs: empty (a
# leading, doubled or trailing `/`, an empty path) or starting with a dot (`.clustering`, `..`).
_UNSAFE = ("\x00.", "/.", "//", "\x00/", "/\x00", "\x00\x00")


@dataclass(frozen=True)
class CachedScan:
    result: ScanResult
    order: list[str]  # the queue in the order it was shown (`QueueOrder.items`)


def folder_stamps(folders: Iterator[str] | Sequence[str]) -> dict[str, int]:
    """Each folder's mtime now (-1 where it proves nothing: never matches)."""
    return {folder: folder_mtime(folder) for folder in folders}


def save(
    path: Path,
    *,
    roots: tuple[Path, Path],
    last_seq: int,
    stamps: Mapping[str, int],
    order: Sequence[str],
    companions: Mapping[str, Sequence[str]],
    members: Mapping[str, Sequence[str] | set[str]],
) -> None:
    """Write the cache crash-safely; a failure (a full disk) only costs the next start a walk."""
    tokens = [_MAGIC, _VERSION, *_roots(roots), str(last_seq), str(len(stamps))]
    for folder, mtime in stamps.items():
        tokens += (folder, str(mtime))
    tokens.append(str(len(order)))
    tokens += order
    tokens.append(str(len(companions)))
    for face, files in companions.items():
        tokens += (face, str(len(files)), *files)
    tokens.append(str(len(members)))
    for cluster, items in members.items():
        tokens += (cluster, str(len(items)), *items)
    body = _SEP.join(tokens).encode("utf-8", "surrogateescape")
    digest = hashlib.blake2b(body, digest_size=16).hexdigest().encode("ascii")
    try:
        atomic_write_bytes(path, body + b"\x00" + digest)
    except OSError as exc:
        log.warning("could not keep the scan for the next start (%s)", exc)


def load(path: Path, *, roots: tuple[Path, Path], last_seq: int) -> CachedScan | None:
    """The cached scan when it is whole and still describes the session; else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    body, _, digest = data.rpartition(b"\x00")
    if hashlib.blake2b(body, digest_size=16).hexdigest().encode("ascii") != digest:
        return None
    tokens = body.decode("utf-8", "surrogateescape").split(_SEP)
    try:
        cached = _parse(iter(tokens), roots, last_seq)
    except (StopIteration, ValueError):
        return None
    return cached


def remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _roots(roots: tuple[Path, Path]) -> list[str]:
    return [os.path.realpath(roots[0]), os.path.realpath(roots[1])]


def _parse(tokens: Iterator[str], roots: tuple[Path, Path], last_seq: int) -> CachedScan | None:
    if [next(tokens), next(tokens)] != [_MAGIC, _VERSION]:
        return None
    if [next(tokens), next(tokens)] != _roots(roots) or int(next(tokens)) != last_seq:
        return None
    stamps = {next(tokens): int(next(tokens)) for _ in range(int(next(tokens)))}
    if not unchanged(stamps):
        return None  # a folder gained, lost or renamed an entry since
    order = _section(tokens, int(next(tokens)))
    companions: dict[str, tuple[str, ...]] = {}
    for _ in range(int(next(tokens))):
        face = next(tokens)
        companions[face] = tuple(_section(tokens, int(next(tokens))))
    members: dict[str, set[str]] = {}
    for _ in range(int(next(tokens))):
        cluster = next(tokens)
        _check([cluster])
        items = _section(tokens, int(next(tokens)))
        if not all(i.rpartition("/")[0] == cluster for i in items):
            raise ValueError(cluster)
        members[cluster] = set(items)
    if next(tokens, None) is not None:
        raise ValueError("trailing tokens")
    queued = set(order)
    if len(queued) != len(order) or not queued.issuperset(companions):
        raise ValueError("queue")
    for files in companions.values():
        _check(files)
    result = ScanResult(queued=queued, companions=companions, members=members, stamps=stamps)
    return CachedScan(result, order)


def _section(tokens: Iterator[str], count: int) -> list[str]:
    items = list(itertools.islice(tokens, max(0, count)))
    if len(items) != count:
        raise ValueError(count)
    _check(items)
    return items


def _check(items: Sequence[str]) -> None:
    """Every item a relative path of plain segments, as a scan produces (a cache that says
    otherwise was not written by us, and must not name a file outside the session)."""
    if not items:
        return
    framed = f"{_SEP}{_SEP.join(items)}{_SEP}"
    if any(bad in framed for bad in _UNSAFE):  # str.find: a regex took 0.3 s over 1M paths
        raise ValueError("not a path a scan yields")
