"""The API's JSON answers: any item string, including a file name that is not UTF-8."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from photosort import jsontext


class JSONTextResponse(JSONResponse):
    """Writes lone surrogates (file names that are not UTF-8, see `photosort.jsontext`) as
    `\\udcXX` escapes, which `JSON.parse` reads back to the same string, instead of failing
    the whole answer the way pydantic's and Starlette's UTF-8 encoders do."""

    def render(self, content: Any) -> bytes:
        return jsontext.dumps(content)
