"""One error shape for every failure: `{"error": {"code": ..., "message": ...}}`."""

from __future__ import annotations

import errno
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from photosort.api.responses import JSONTextResponse
from photosort.errors import MovesFailed, PhotosortError

log = logging.getLogger("photosort.api")


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONTextResponse(
        status_code=status, content={"error": {"code": code, "message": message}}
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PhotosortError)
    async def _domain(_: Request, exc: PhotosortError) -> JSONResponse:
        if isinstance(exc, MovesFailed):
            body = {"code": exc.code, "message": exc.message, "failed": exc.failed}
            return JSONTextResponse(status_code=exc.status, content={"error": body})
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
        return error_response(422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
            exc.status_code, "http_error"
        )
        return error_response(exc.status_code, code, str(exc.detail))

    app.add_middleware(_UnexpectedErrors)


class _UnexpectedErrors:
    """Answers a bug with the JSON error shape and keeps the connection usable. (Starlette's
    catch-all handler sends the 500 and then re-raises, so the server drops the keep-alive
    connection and the browser's next request on it fails too.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise  # half a response is out: nothing sensible can follow it
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                log.error("disk full: %s", exc)
                response = error_response(
                    507, "disk_full", f"the disk is full ({exc.strerror}); free some space"
                )
                await response(scope, receive, send)
                return
            log.exception("unexpected error", exc_info=exc)
            response = error_response(500, "internal", "unexpected server error; see the log")
            await response(scope, receive, send)
