"""Journal property test: hypothesis generates sequences of actions, bad requests,
crashes (the session is abandoned without closing: no checkpoint) and restarts. After every
step the state replayed from the journal equals the live state, and the disk holds every
photo exactly once, where the journal says."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from photosort.errors import PhotosortError
from photosort.locks import release
from photosort.session.engine import Session

CLUSTERS = ["birds", "coins"]
BAD_ITEMS = ["../x.jpg", "/etc/passwd", "a\x00b.jpg", "\ud800.jpg", "x" * 300, "nope.jpg", ""]
BAD_CLUSTERS = ["..", "CON", "a//b", "x\u202ey", "trail.", "\udcff", ""]


def _census(root: Path) -> collections.Counter[str]:
    out: collections.Counter[str] = collections.Counter()
    for p in root.rglob("*.jpg"):
        if "cache" not in p.parts:
            out[hashlib.sha256(p.read_bytes()).hexdigest()] += 1
    return out


def _view(s: Session) -> dict[str, Any]:
    return {
        "stats": s.stats(),
        "queue": s.queue_items(),
        "clusters": s.clusters(),
        "undone": sorted(s.undone_seqs()),
        "settings": dict(s.settings),
        "last_seq": s.last_seq(),
    }


@pytest.fixture
def machine_factory(make_library):
    def build() -> type[RuleBasedStateMachine]:
        class JournalMachine(RuleBasedStateMachine):
            @initialize()
            def open_library(self) -> None:
                self.lib = make_library(clusters={"birds": 2, "coins": 2}, loose=6)
                self.lib.add(os.fsdecode(b"caf\xe9.jpg"))  # not UTF-8
                self.lib.add("new\nline.jpg")
                self.expected = _census(self.lib.source)
                self.session = Session(self.lib.source)

            def _queued(self) -> list[str]:
                return self.session.queue_items()

            @rule(data=st.data(), cluster=st.sampled_from(CLUSTERS))
            def assign(self, data: st.DataObject, cluster: str) -> None:
                items = self._queued()
                if items:
                    self.session.assign(data.draw(st.sampled_from(items)), cluster)

            @rule(data=st.data(), name=st.sampled_from(["new", "Café", "x y"]))
            def assign_new_cluster(self, data: st.DataObject, name: str) -> None:
                items = self._queued()
                if items:
                    self.session.assign(data.draw(st.sampled_from(items)), name, create=True)

            @rule(data=st.data())
            def delete(self, data: st.DataObject) -> None:
                items = self._queued()
                if items:
                    self.session.delete(data.draw(st.sampled_from(items)))

            @rule(data=st.data())
            def skip(self, data: st.DataObject) -> None:
                items = self._queued()
                if items:
                    self.session.skip(data.draw(st.sampled_from(items)))

            @rule(seed=st.integers(min_value=0, max_value=2**63 - 1))
            def shuffle(self, seed: int) -> None:
                self.session.shuffle(seed)

            @rule()
            def undo(self) -> None:
                # Nothing left to undo, or a conflict: a clear error and no change.
                with contextlib.suppress(PhotosortError):
                    self.session.undo()

            @rule(seq=st.integers(min_value=-3, max_value=60))
            def undo_seq(self, seq: int) -> None:
                with contextlib.suppress(PhotosortError):
                    self.session.undo(seq)

            @rule(item=st.sampled_from(BAD_ITEMS), cluster=st.sampled_from(BAD_CLUSTERS + CLUSTERS))
            def bad_request(self, item: str, cluster: str) -> None:
                before = self.session.last_seq()
                with pytest.raises(PhotosortError):
                    self.session.assign(item, cluster, create=True)
                assert self.session.last_seq() == before

            @rule()
            def crash_and_restart(self) -> None:
                # SIGKILL leaves no checkpoint and no orderly close: drop the session as is
                # (the OS lets go of the process's file and its lock).
                fh = self.session._journal._fh
                assert fh is not None
                fh.close()
                release(self.session._journal._writer)
                self.session = Session(self.lib.source)

            @rule()
            def clean_restart(self) -> None:
                self.session.close()
                self.session = Session(self.lib.source)

            @invariant()
            def replay_equals_live_and_disk(self) -> None:
                if not hasattr(self, "session"):
                    return
                replayed = Session(self.lib.source, read_only=True)
                try:
                    assert _view(replayed) == _view(self.session)
                finally:
                    replayed.close()
                assert _census(self.lib.source) == self.expected
                s = self.session
                for item in s.queue_items():
                    assert (s.source / item).is_file(), item
                for members in s.members_snapshot().values():
                    for m in members:
                        assert (s.dest / m).is_file(), m
                seqs = [r["seq"] for r in s.records_since()]
                assert seqs == list(range(1, len(seqs) + 1))

            def teardown(self) -> None:
                if hasattr(self, "session"):
                    self.session.close()

        return JournalMachine

    return build


def test_replayed_state_equals_live_state_and_disk(machine_factory):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        machine_factory(),
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
