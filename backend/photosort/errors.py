"""Domain errors. Each carries a stable code; the API maps them to 4xx responses."""

from __future__ import annotations

import errno
from collections.abc import Mapping, Sequence
from typing import Any


class PhotosortError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadPath(PhotosortError):
    """An item path that is absolute, escapes the session, or is malformed."""

    code = "bad_path"
    status = 400


class NotFound(PhotosortError):
    code = "not_found"
    status = 404


class NotQueued(PhotosortError):
    """The item exists but is no longer queued (another reviewer filed it first)."""

    code = "not_queued"
    status = 409


class UnknownCluster(PhotosortError):
    code = "unknown_cluster"
    status = 404


class BadClusterName(PhotosortError):
    code = "bad_cluster_name"
    status = 400


class NothingToUndo(PhotosortError):
    code = "nothing_to_undo"
    status = 409


class AlreadyUndone(PhotosortError):
    code = "already_undone"
    status = 409


class Conflict(PhotosortError):
    code = "conflict"
    status = 409


class DecodeFailed(PhotosortError):
    """A photo whose bytes cannot be decoded into an image."""

    code = "decode_failed"
    status = 422


class SessionFolderError(PhotosortError):
    """The source or dest folder is missing, not a folder, or not readable/writable."""

    code = "bad_folder"
    status = 400


class BadSettings(PhotosortError):
    """A settings change with a value out of range or of the wrong type."""

    code = "bad_settings"
    status = 400


class DiskFull(PhotosortError):
    """The disk (or quota) is full: nothing was moved; free space and try again."""

    code = "disk_full"
    status = 507


class MovesFailed(PhotosortError):
    """An action that moved nothing because every one of its moves failed: the answer lists
    each photo with the reason (they all stay queued). A full disk is 507, anything else 409."""

    code = "moves_failed"
    status = 409

    def __init__(self, message: str, failed: list[dict[str, str]], *, disk_full: bool) -> None:
        super().__init__(message)
        self.failed = failed
        if disk_full:
            self.status = 507


def nothing_moved(what: str, failed: Sequence[Mapping[str, Any]]) -> MovesFailed:
    """The error of a batch none of whose moves happened: `failed` holds each move's item,
    reason and errno."""
    full = all(f.get("errno") in (errno.ENOSPC, errno.EDQUOT) for f in failed)
    listed = [{"item": str(f["item"]), "reason": str(f["reason"])} for f in failed]
    first = listed[0]
    more = f" (and {len(listed) - 1} more)" if len(listed) > 1 else ""
    return MovesFailed(
        f"{what}: nothing moved; {first['item']}: {first['reason']}{more}",
        listed,
        disk_full=full,
    )
