"""A video's own bytes, for the UI's player: HTTP range requests (seeking, streaming)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from photosort.api import convertors  # noqa: F401 - registers {item:item}
from photosort.api.deps import Ctx
from photosort.api.errors import error_response
from photosort.api.ranges import range_problem
from photosort.api.responses import original_file
from photosort.api.schemas.core import ErrorResponse
from photosort.errors import NotFound
from photosort.formats import is_video

router = APIRouter(prefix="/api", tags=["images"])

Root = Literal["source", "dest", "trash"]


@router.get(
    "/video/{item:item}",
    response_class=FileResponse,
    responses={
        200: {"content": {"video/mp4": {}}, "description": "The whole video."},
        206: {"description": "The byte range asked for (`Range: bytes=...`)."},
        404: {"model": ErrorResponse},
        416: {"model": ErrorResponse, "description": "A range outside the file."},
    },
)
async def get_video(item: str, ctx: Ctx, request: Request, root: Root | None = None) -> Response:
    """The original bytes of a video, with its content type; `Range` gets a 206 with
    `Content-Range`. `item` and `root` are read as for `/api/image`."""
    path, _ = ctx.session.locate(item, root)
    if not is_video(path.name):
        raise NotFound(f"{item!r} is not a video")
    try:
        size = (await run_in_threadpool(path.stat)).st_size
    except FileNotFoundError:
        raise NotFound(f"{item!r} was moved away just now") from None
    problem = range_problem(request.headers.get("range"), request.headers.get("if-range"), size)
    if problem is not None:
        bad = error_response(416, "bad_range", problem)
        bad.headers["Content-Range"] = f"bytes */{size}"
        return bad
    return original_file(path)
