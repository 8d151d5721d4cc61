"""Keeping the queue and the clusters in step with the disk: the scan a session opens with
(walked, or the one the last `serve` kept), the background rescans, and live folders (a
watcher's `notice`, newcomers queued by `settle` once whole)."""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import photosort.session.scancache as scancache
from photosort.session.arrivals import Arrivals, signature
from photosort.session.core import SessionCore
from photosort.session.groups import GroupProbe, face_of, is_member
from photosort.session.ignore import IGNORE_FILE, IgnoreRules
from photosort.session.journal import CLUSTERING_DIR
from photosort.session.scan import ScanResult, photos_below, queueable, scan, unchanged

log = logging.getLogger("photosort.session")

FULL_RESCAN_S = 60.0
VERIFY_CACHED_SCAN_AFTER_S = 10.0


class DiskSync:
    def __init__(self, core: SessionCore, *, keep_scan: bool) -> None:
        self.core = core
        self.stamps: dict[str, int] = {}
        self.ignores = IgnoreRules([], [])
        self.arrivals = Arrivals()
        self.close_folders: frozenset[str] = frozenset()  # folders whose closes are reported
        self.full_scan_at = time.monotonic()
        cache = core.dest / CLUSTERING_DIR / scancache.CACHE_NAME
        self.scan_cache: Path | None = cache if keep_scan else None

    def open(self, cached: scancache.CachedScan | None) -> None:
        """The first queue: from the kept scan when it still holds, else a walk. For `serve`
        the walk goes on in the background once it has found the first photos: they are
        the queue until it ends (`core.counting`), then its whole result is."""
        if cached is not None:
            self.adopt(cached.result, shown=cached.order)
            # The background refresh walks the folders anyway, once the first pages are out.
            self.full_scan_at = time.monotonic() - FULL_RESCAN_S + VERIFY_CACHED_SCAN_AFTER_S
        elif self.scan_cache is not None:
            shown = threading.Event()
            self.core.counted.clear()
            threading.Thread(
                target=self._count, args=(shown,), name="photosort-count", daemon=True
            ).start()
            shown.wait()
        else:
            self.adopt(scan(self.core.source, self.core.dest))

    def _count(self, shown: threading.Event) -> None:
        """The first walk of a `serve` start: the first photos found are adopted as soon as
        there are enough for the first pages; the whole walk when it ends."""
        core = self.core

        def early(partial: ScanResult) -> None:
            with core.lock:
                if not core.closed:
                    self.adopt(partial)
            shown.set()

        try:
            result = scan(core.source, core.dest, early)
            with core.lock:
                core.counted.set()
                if not core.closed:
                    appeared, vanished = self.adopt(result)
                    if shown.is_set():  # what was shown was the first photos: tell it settled
                        core.events.publish(
                            {
                                "type": "queue-changed",
                                "appeared": len(appeared),
                                "vanished": len(vanished),
                                "stats": core.stats(),
                            }
                        )
        except Exception:  # an unreadable folder tree: the next refresh walks again
            log.exception("walking the folders failed")
            self.full_scan_at = time.monotonic() - FULL_RESCAN_S
        finally:
            core.counted.set()
            shown.set()

    def cached_scan(self) -> scancache.CachedScan | None:
        if self.scan_cache is None:
            return None
        core = self.core
        cached = scancache.load(
            self.scan_cache, roots=(core.source, core.dest), last_seq=core.last_seq()
        )
        # Used once: a later start must not trust it after this run's changes.
        scancache.remove(self.scan_cache)
        return cached

    def keep_scan(self) -> None:
        """Keep the queue, groups and members as they stand, stamped now, for the next start
        (not while the first walk goes on: they are only its first photos)."""
        if self.scan_cache is None or self.core.counting:
            return
        core = self.core
        order = list(core.state.order.items)
        queued = set(order)
        folders = dict.fromkeys(self.stamps)
        folders.update(dict.fromkeys(str(core.dest / c) for c in core.members))
        scancache.save(
            self.scan_cache,
            roots=(core.source, core.dest),
            last_seq=core.last_seq(),
            stamps=scancache.folder_stamps(list(folders)),
            order=order,
            companions={f: c for f, c in core.companions.items() if f in queued},
            members=core.members,
        )

    def refresh(self, *, wait_whole: bool = False) -> tuple[set[str], set[str]]:
        core = self.core
        with core.lock:
            generation = core.generation
            stamps = self.stamps
            moving = bool(core.running_batches)
            if core.counting:  # the first walk is still going: it will be adopted whole
                return set(), set()
        # No folder changed since the last scan: nothing can have appeared or vanished. (A full
        # walk now and then anyway, for file systems with unreliable folder mtimes.) While a
        # batch moves files, every chunk changes the generation, so a walk would only be thrown
        # away (at 1M: seconds of CPU and every name in memory); the first refresh after it walks.
        if moving or (unchanged(stamps) and time.monotonic() - self.full_scan_at < FULL_RESCAN_S):
            self.settle()  # newcomers still being written are not in any folder's mtime
            return set(), set()
        result = scan(core.source, core.dest)
        with core.lock:
            if generation != core.generation:
                return set(), set()  # our own move raced the scan; the next refresh will see it
            return self.adopt(result, publish=True, wait_whole=wait_whole)

    def adopt(
        self,
        result: ScanResult,
        *,
        publish: bool = False,
        wait_whole: bool = False,
        shown: Sequence[str] | None = None,
    ) -> tuple[set[str], set[str]]:
        core = self.core
        core.members = result.members
        self._keep_created_clusters()
        self.ignores = IgnoreRules.load((core.source, core.dest))
        core.companions = result.companions
        if core.state.hidden:  # copy mode: copied photos stay in the source, not in the queue
            result.queued -= core.state.hidden
        self.stamps = result.stamps
        self.full_scan_at = time.monotonic()
        queued: set[str] = result.queued
        if wait_whole:  # while the session runs, a newcomer may still be being written
            order = core.state.order
            newcomers = [i for i in queued if i not in order]
            whole = self.arrivals.look(core.source, newcomers)
            queued = queued - {i for i in newcomers if i not in whole}
        appeared, vanished = core.state.order.sync(queued, shown)
        if publish:
            core.queue_changed(appeared, vanished)
        return appeared, vanished

    def _keep_created_clusters(self) -> None:
        """A cluster the reviewer made stays one while its folder is there, holding no photo
        yet: a scan only counts folders that hold photos."""
        core = self.core
        for name in core.created_clusters():
            if name not in core.members:
                folder = core.dest / name
                if folder.is_dir() and not folder.is_symlink():
                    core.members[name] = set()

    def watched_folders(self) -> list[str]:
        with self.core.lock:
            stamps = self.stamps
        src = str(self.core.source)
        below, clusters = src + os.sep, str(self.core.dest) + os.sep
        return sorted(
            f
            for f in stamps
            if f == src
            or (
                f.startswith(below)
                and not f.startswith(clusters)
                and os.path.basename(f) != IGNORE_FILE
            )
        )

    # ---------------------------------------------------------------- live folders
    def notice(self, paths: Iterable[str | os.PathLike[str]], closed: Iterable[str] = ()) -> None:
        core = self.core
        items = [i for i in map(self._source_item, paths) if i is not None]
        shut = [i for i in map(self._source_item, closed) if i is not None]
        if not items and not shut:
            return
        with core.lock:
            if core.closed:
                return
            looked = self._to_look_at([*items, *shut])
            closes = set(shut)
            self.arrivals.look(core.source, looked)
            # Seen being written where closes are reported: it waits for its close. (Files
            # found below a folder moved in, or by a rescan, go by stillness.)
            events = set(items)
            self.arrivals.writing(i for i in looked if i in events and self._reports_closes(i))
            renamed_in = tuple(f"{i}/" for i in closes if os.path.isdir(core.source / i))
            self.arrivals.closed(i for i in looked if i in closes or i.startswith(renamed_in))
            self._leave(items)
        self.settle()

    def _to_look_at(self, items: list[str]) -> set[str]:
        """The newcomers among these changed paths (a folder moved in brings all below it),
        and the queued photos whose file differs from when it was shown (written again)."""
        core = self.core
        newcomers: set[str] = set()
        for item in items:
            try:
                mode = os.lstat(os.path.join(core.source, item)).st_mode
            except OSError:
                # Gone (our own moves: one a file, thousands a second during an auto-move,
                # each worth three realpaths in `may_queue`): only `_leave` cares.
                continue
            if stat.S_ISDIR(mode):  # a folder moved in whole
                walked: dict[str, int] = {}
                newcomers.update(photos_below(core.source, item, walked, self.ignores))
                # Watched from now on (`watched_folders`); stamped as not to be trusted,
                # so the next refresh walks. A new dict: `refresh` reads the old unlocked.
                self.stamps = {**self.stamps, **dict.fromkeys(walked, -1)}
            elif item not in core.state.order:
                newcomers.add(item)
            elif core.changed_since_shown(item):
                newcomers.add(item)  # read afresh once whole again (`settle`)
        return {i for i in newcomers if self.may_queue(i)}

    def remember_shown(self, items: Iterable[str]) -> None:
        """These queued photos are being shown: what they are now is what a filing moves.
        One being written again as live folders saw (waiting in `arrivals`) keeps what was
        shown before, so it is not filed half-written; without live folders, showing it is
        the only way to learn it changed."""
        core = self.core
        with core.lock:
            for item in items:
                if item not in self.arrivals:
                    sig = signature(core.source / item)
                    if sig is not None:
                        core.shown[item] = sig

    def closes_reported(self, folders: Iterable[str]) -> None:
        with self.core.lock:
            self.close_folders = frozenset(folders)
            if not self.close_folders:
                self.arrivals.unknown()

    def closes_missed(self) -> None:
        with self.core.lock:
            self.arrivals.unknown()

    def _reports_closes(self, item: str) -> bool:
        folder = os.path.dirname(os.path.join(self.core.source, item))
        return folder in self.close_folders

    def settle(self) -> None:
        core = self.core
        with core.lock:
            if not self.arrivals or core.closed:
                return
            whole = self.arrivals.look(core.source, self.arrivals.pending())
            order = core.state.order
            rewritten = {i for i in whole if i in order}
            whole = {i for i in whole if i not in order and self.may_queue(i)}
            for item in whole | rewritten:
                sig = signature(core.source / item)
                if sig is not None:
                    core.shown[item] = sig  # what a filing of it will move
            if whole or rewritten:
                appeared, demoted = self._regroup(whole) if whole else (set(), set())
                core.generation += 1  # a scan that started before this must not undo it
                core.state.order.remove_many(demoted)
                core.state.order.add_many(appeared)
                core.queue_changed(appeared, demoted, rewritten)

    def _regroup(self, arrived: set[str]) -> tuple[set[str], set[str]]:
        """Group the arrivals as a scan would, looking up each one's group by name (a flat
        folder of 100k photos is not listed per arrival): an arrival that is a face joins the
        queue (its companions recorded); one that is a companion (a RAW whose JPEG is there)
        does not; a queued file that became a companion (a RAW whose JPEG just arrived)
        leaves the queue, since its face now stands for it. Returns (join, leave). A twin
        whose stem differs only in case is settled by the next full scan instead."""
        core = self.core
        order, hidden = core.state.order, core.state.hidden
        probe = GroupProbe(core.source, lambda item: core.companions.get(item, ()))
        join: set[str] = set()
        leave: set[str] = set()
        for item in arrived:
            files = (item, *probe.companions(item))
            folder = item.rpartition("/")[0]
            face_name = face_of(f.rpartition("/")[2] for f in files)
            if face_name is None:
                continue
            face = f"{folder}/{face_name}" if folder else face_name
            others = tuple(f for f in files if f != face)
            if others:
                core.companions[face] = others
            else:
                core.companions.pop(face, None)
            leave.update(o for o in others if o in order)
            if face in arrived and face not in hidden:
                join.add(face)
        return join, leave

    def arrivals_pending(self) -> bool:
        with self.core.lock:
            return bool(self.arrivals)

    def _leave(self, items: list[str]) -> None:
        """Queued photos at (or below: a folder renamed away) these paths that are gone."""
        core = self.core
        order = core.state.order
        gone = {i for i in items if i in order and not (core.source / i).is_file()}
        # A vanished path named like a photo was a file (our own moves report thousands of
        # those a second); any other may have been a folder renamed away, with queued photos.
        folders = tuple(
            f"{i}/"
            for i in items
            if i not in order
            and not is_member(i.rpartition("/")[2])
            and not (core.source / i).is_dir()
        )
        if folders:
            gone.update(i for i in order.items if i.startswith(folders))
            gone = {i for i in gone if not (core.source / i).is_file()}
        if gone:
            core.generation += 1
            order.remove_many(gone)
            core.queue_changed(set(), gone)

    def _source_item(self, path: str | os.PathLike[str]) -> str | None:
        """The item a watched path stands for, or None when it lies outside the source."""
        rel = os.path.relpath(os.fspath(path), self.core.source)
        if rel == "." or rel.startswith(".." + os.sep) or rel == ".." or os.path.isabs(rel):
            return None
        return rel.replace(os.sep, "/")

    def may_queue(self, item: str) -> bool:
        """`scan` would queue it: a photo outside the clusters, reached without a link."""
        source = self.core.source
        if not queueable(source, self.core.dest, item, self.ignores):
            return False
        parent = (source / item).parent
        return os.path.realpath(parent) == str(parent)
