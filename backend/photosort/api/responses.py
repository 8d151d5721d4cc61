"""The API's JSON answers: any item string, including a file name that is not UTF-8."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi.responses import FileResponse, JSONResponse

from photosort import jsontext
from photosort.formats import content_type

# Short and private: the same name may hold other bytes after an undo or a rename.
CACHE_CONTROL = "private, max-age=60"


class JSONTextResponse(JSONResponse):
    """Writes lone surrogates (file names that are not UTF-8, see `photosort.jsontext`) as
    `\\udcXX` escapes, which `JSON.parse` reads back to the same string, instead of failing
    the whole answer the way pydantic's and Starlette's UTF-8 encoders do."""

    def render(self, content: Any) -> bytes:
        return jsontext.dumps(content)


def original_file(path: Path) -> FileResponse:
    """A photo's or video's own bytes, shown inline (Starlette answers `Range` requests)."""
    return FileResponse(
        path,
        media_type=content_type(path.name),
        # A header holds text: a name that is not UTF-8 is shown with U+FFFD for its bytes.
        filename=os.fsencode(path.name).decode("utf-8", "replace"),
        content_disposition_type="inline",
        headers={"Cache-Control": CACHE_CONTROL},
    )
