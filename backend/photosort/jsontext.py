"""JSON for the journal, `state.json` and API answers, lossless for every file name.

Item strings are file names as `os.fsdecode` gives them, so a name that is not UTF-8 (a
Latin-1 `caf\\xe9.jpg`) holds a lone surrogate (U+DCE9) that orjson and pydantic refuse to
write. Such text is written as the JSON escape `\\udce9`: valid JSON that `json.loads` and
JavaScript's `JSON.parse` read back to the same string, so the name round-trips through the
journal and the browser unchanged. Everything else takes orjson's fast path.

Values JSON cannot carry faithfully (integers beyond 64 bits, which read back as floats,
NaN, non-string keys) raise `Unserialisable` before anything is written.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from photosort.errors import PhotosortError

_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1


class Unserialisable(PhotosortError):
    code = "invalid_value"
    status = 400


def dumps(obj: Any, *, indent: bool = False) -> bytes:
    try:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2 if indent else 0)
    except TypeError as exc:
        fast_error = str(exc)
    _check(obj, fast_error)
    try:
        text = json.dumps(
            obj,
            ensure_ascii=False,
            allow_nan=False,
            indent=2 if indent else None,
            separators=None if indent else (",", ":"),
        )
    except (TypeError, ValueError) as exc:
        raise Unserialisable(f"cannot be written as JSON: {exc}") from None
    # A lone surrogate can only stand inside a JSON string, where `\udcXX` is its escape.
    return text.encode("utf-8", "backslashreplace")


def loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        if b"\\ud" not in raw.lower():
            raise
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise orjson.JSONDecodeError(str(exc), raw.decode("utf-8", "replace"), 0) from None


def _check(obj: Any, why: str) -> None:
    """Refuse what the fallback writer would write but no reader would read back the same."""
    stack = [obj]
    while stack:
        value = stack.pop()
        if isinstance(value, bool) or value is None or isinstance(value, str | float):
            continue
        if isinstance(value, int):
            if not _INT_MIN <= value <= _INT_MAX:
                raise Unserialisable(f"the number {value} is beyond what JSON here can carry")
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise Unserialisable(f"cannot be written as JSON: {why}")
                stack.append(item)
        elif isinstance(value, list | tuple):
            stack.extend(value)
        else:
            raise Unserialisable(f"cannot be written as JSON: {why}")
