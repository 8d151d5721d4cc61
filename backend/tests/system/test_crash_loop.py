"""Crash safety, proven: a real `photosort serve` is SIGKILLed at random
instants (fixed seed) during auto-move batches, batch undos and bursts of single actions on
real JPEGs, and restarted each time. After every restart each photo's content exists exactly
once, the journal is dense and `verify` is clean; at the end `photosort verify` exits 0.

The same loop at scale (200 kills) is `bench/chaos.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

KILLS = 22


@pytest.mark.timeout(600)
def test_sigkill_at_random_instants_loses_and_duplicates_nothing(tmp_path):
    import chaos

    source, expected = chaos.build_library(tmp_path, loose=24)
    tally = chaos.crash_loop(source, expected, kills=KILLS, seed=8, batch_every=8)
    assert tally.kills == KILLS
    assert tally.tried > KILLS and tally.failed > 0  # requests were cut short mid-flight
    assert tally.lost == 0, tally.notes
    assert tally.duplicated == 0, tally.notes
    assert tally.journal_gaps == 0, tally.notes
    assert tally.verify_problems == 0, tally.notes
    assert tally.answered_5xx == 0, tally.notes
    # The loop really acted: photos were filed, and some were killed mid-request.
    assert sum(1 for p in source.iterdir() if p.is_dir() and p.name in chaos.CLUSTERS) == 3
    journal = (source / ".clustering" / "actions.jsonl").read_bytes()
    assert b'"auto-batch-start"' in journal and b'"assign"' in journal
