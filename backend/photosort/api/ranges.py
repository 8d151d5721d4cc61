"""Which `Range` headers a file answer can serve, checked before Starlette's `FileResponse`
(which serves ranges itself) so a bad one gets the API's JSON error, not a plain-text body."""

from __future__ import annotations

from fastapi.responses import FileResponse
from starlette.responses import MalformedRangeHeader, RangeNotSatisfiable


def range_problem(header: str | None, if_range: str | None, size: int) -> str | None:
    """Why `header` cannot be served from a file of `size` bytes, or None when it can (or
    when there is no range to serve). With `If-Range`, `FileResponse` decides: a stale
    validator means the whole file, whatever the range says."""
    if header is None or if_range is not None:
        return None
    try:
        # The very parser FileResponse serves with, so the check and the answer agree.
        FileResponse._parse_range_header(header, size)
    except RangeNotSatisfiable:
        return f"range {header!r} starts past the end of the file ({size} bytes)"
    except MalformedRangeHeader as exc:
        return f"malformed range {header!r}: {exc.content}"
    return None
