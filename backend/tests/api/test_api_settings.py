"""Settings over HTTP: refused before the journal when bad; defaults come from the server."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(
    "body",
    [
        {"manual_only": None},
        {"threshold": 2},
        {"top_k": None},
        {"min_margin": "wide"},
    ],
)
def test_bad_settings_get_a_4xx_and_no_journal_line(server: Any, library: Any, body: Any):
    r = server.client.post("/api/settings", json=body)
    assert 400 <= r.status_code < 500
    assert set(r.json()["error"]) == {"code", "message"}
    assert library.journal() == []
    assert server.client.get("/api/settings").json()["manual_only"] is False


def test_null_threshold_means_recommended_and_is_accepted(server: Any, library: Any):
    c = server.client
    c.post("/api/settings", json={"threshold": 0.5})
    r = c.post("/api/settings", json={"threshold": None})
    assert r.status_code == 200 and r.json()["threshold"] is None
    assert library.journal()[-1]["settings"] == {"threshold": None}


def test_session_exposes_the_defaults_the_ui_starts_from(server: Any):
    info = server.client.get("/api/session").json()
    defaults = info["defaults"]
    assert defaults["threshold"] is None and defaults["top_k"] == 5
    assert -1.0 <= defaults["fallback_threshold"] <= 1.0
    assert info["settings"] == {k: v for k, v in defaults.items() if k != "fallback_threshold"}
