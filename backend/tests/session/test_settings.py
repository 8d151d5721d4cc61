"""Session settings: validated before they reach the journal, replayed whatever was written."""

from __future__ import annotations

import logging
from typing import Any

import orjson
import pytest

from photosort.errors import BadSettings
from photosort.session.settings import FALLBACK_THRESHOLD, SessionSettings


@pytest.mark.parametrize(
    "changes",
    [
        {"manual_only": None},
        {"threshold": 2},
        {"top_k": 0},
        {"min_samples": "many"},
        {"target_precision": 1.0},
        {"colour": "blue"},
    ],
)
def test_bad_settings_are_refused_before_the_journal(library: Any, changes: dict[str, Any]):
    s = library.open()
    with pytest.raises(BadSettings):
        s.update_settings(changes)
    assert library.journal() == []
    assert s.settings == SessionSettings()
    s.close()


def test_a_change_journals_only_what_changed_with_its_previous_value(library: Any):
    s = library.open()
    s.update_settings({"threshold": 0.8, "top_k": 5, "manual_only": True})
    line = library.journal()[-1]
    assert line["settings"] == {"threshold": 0.8, "manual_only": True}
    assert line["previous"] == {"threshold": None, "manual_only": False}
    s.undo()
    assert s.settings == SessionSettings()
    s.close()


def test_replay_skips_invalid_journaled_values_and_keeps_the_rest(
    library: Any, caplog: pytest.LogCaptureFixture
):
    library.clustering.mkdir(exist_ok=True)
    lines = [
        {"seq": 1, "ts": "2026-01-01T00:00:00Z", "type": "settings", "reviewer": "old",
         "settings": {"manual_only": None, "top_k": 3, "threshold": "high", "colour": 1},
         "previous": {}},
        {"seq": 2, "ts": "2026-01-01T00:00:01Z", "type": "settings", "reviewer": "old",
         "settings": ["not", "an", "object"], "previous": None},
        {"seq": 3, "ts": "2026-01-01T00:00:02Z", "type": "settings", "reviewer": "old",
         "settings": {"threshold": 2.5, "min_margin": 0.1}, "previous": {}},
    ]  # fmt: skip
    library.actions_path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
    with caplog.at_level(logging.WARNING, logger="photosort.session"):
        s = library.open()
    assert s.settings == SessionSettings(top_k=3, min_margin=0.1)
    assert "manual_only" in caplog.text and "threshold" in caplog.text
    s.undo(3)  # its `previous` is empty: nothing to restore, and no crash
    assert s.settings.min_margin == 0.1
    s.close()


def test_defaults_live_in_one_place():
    d = SessionSettings()
    assert (d.manual_only, d.threshold, d.min_samples, d.top_k) == (False, None, 3, 5)
    assert -1.0 <= FALLBACK_THRESHOLD <= 1.0
