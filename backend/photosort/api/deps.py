"""Request-scoped access to the running context and the reviewer's name."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from photosort.api.context import AppContext
from photosort.errors import PhotosortError


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


Ctx = Annotated[AppContext, Depends(get_ctx)]


def reviewer_name(body_value: str | None, header_value: str | None) -> str:
    name = (body_value or header_value or "local").strip()
    if (
        not name
        or len(name) > 64
        or any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in name)
    ):
        raise PhotosortError("reviewer must be 1-64 printable characters (no lone surrogates)")
    return name


ReviewerHeader = Annotated[str | None, Header(alias="X-Reviewer")]
