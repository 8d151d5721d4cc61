"""A session's settings: one frozen, validated value, and the one place their defaults live.

Changes are validated whole before they reach the journal (`changed`); replay is lenient
(`replayed`), so a journal written by any version, even with a value that is invalid today,
still opens: a bad field is skipped with a warning and the rest applies.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from photosort.errors import BadClusterName, BadSettings
from photosort.session.paths import validate_cluster_name

log = logging.getLogger("photosort.session")

# Where the auto-move threshold starts when neither the reviewer nor the session's evidence
# (the recommendation) gives one.
FALLBACK_THRESHOLD = 0.9
HOTKEY_SLOTS = 9


class SessionSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    manual_only: bool = Field(default=False, description="No suggestions, no auto-move.")
    threshold: float | None = Field(
        default=None, ge=-1.0, le=1.0, description="Auto-move score threshold; null = recommended."
    )
    min_samples: int = Field(default=3, ge=1, le=1000)
    min_margin: float = Field(default=0.0, ge=0.0, le=2.0)
    target_precision: float = Field(default=0.97, gt=0.5, lt=1.0)
    top_k: int = Field(default=5, ge=1, le=9)
    slots: tuple[str | None, ...] = Field(
        default=(),
        max_length=HOTKEY_SLOTS,
        description="Clusters pinned to hotkeys 1-9 by position (null: a free slot).",
    )

    @field_validator("slots")
    @classmethod
    def _slot_paths(cls, slots: tuple[str | None, ...]) -> tuple[str | None, ...]:
        try:
            paths = [None if s is None else validate_cluster_name(s) for s in slots]
        except BadClusterName as exc:
            raise ValueError(exc.message) from None
        pinned = [p for p in paths if p is not None]
        if len(set(pinned)) != len(pinned):
            raise ValueError("a cluster can hold only one hotkey slot")
        return tuple(paths)

    def changed(self, changes: Mapping[str, Any]) -> SessionSettings:
        """These settings with `changes` applied; raises `BadSettings` naming the bad field."""
        try:
            return SessionSettings.model_validate({**self.model_dump(), **changes})
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "settings"
            raise BadSettings(f"bad setting {field}: {first['msg']}") from None

    def replayed(self, changes: Any) -> SessionSettings:
        """`changes` from a journal line applied field by field; what is invalid is skipped."""
        if not isinstance(changes, Mapping):
            log.warning("ignoring a settings line that is not an object: %r", changes)
            return self
        current = self
        for key, value in changes.items():
            try:
                current = current.changed({key: value})
            except BadSettings as exc:
                log.warning("ignoring journaled setting %s=%r: %s", key, value, exc.message)
        return current

    def diff(self, other: SessionSettings) -> tuple[dict[str, Any], dict[str, Any]]:
        """(new values, previous values) of the fields where `other` differs from these."""
        mine, theirs = self.model_dump(), other.model_dump()
        keys = [k for k in theirs if theirs[k] != mine[k]]
        return {k: theirs[k] for k in keys}, {k: mine[k] for k in keys}
