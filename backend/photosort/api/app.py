"""The FastAPI application: API routers, error shape, background refresh and the built UI."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from photosort import __version__
from photosort.api.ahead import PreviewsAhead
from photosort.api.context import AppContext
from photosort.api.errors import install_error_handlers
from photosort.api.responses import JSONTextResponse
from photosort.api.routes import action as action_routes
from photosort.api.routes import automove as automove_routes
from photosort.api.routes import event as event_routes
from photosort.api.routes import folder as folder_routes
from photosort.api.routes import grid as grid_routes
from photosort.api.routes import image as image_routes
from photosort.api.routes import queue as queue_routes
from photosort.api.routes import session as session_routes
from photosort.api.routes import stack as stack_routes
from photosort.api.routes import video as video_routes
from photosort.api.security import Guard, GuardMiddleware
from photosort.session import FolderWatcher

log = logging.getLogger("photosort.api")

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


# While newcomers are being written, they are looked at this often (session/arrivals.py).
_SETTLE_TICK_S = 0.3


class _Refresher(threading.Thread):
    """Rescans the folders now and then, so files added or removed behind the tool's back show
    up without a restart (the safety net under the live-folder watcher, and all there is where
    the watcher cannot run). The pause grows with the cost of a scan (large libraries)."""

    def __init__(self, ctx: AppContext, interval: float) -> None:
        super().__init__(name="photosort-refresh", daemon=True)
        self.ctx, self.interval = ctx, interval
        self.stop = threading.Event()

    def run(self) -> None:
        session = self.ctx.session
        next_scan = time.monotonic() + self.interval
        while not self.stop.wait(self._pause(next_scan)):
            started = time.monotonic()
            try:
                if started >= next_scan:
                    session.checkpoint_if_stale()
                    session.refresh(wait_whole=True)
                    next_scan = time.monotonic() + max(
                        self.interval, 10 * (time.monotonic() - started)
                    )
                else:
                    session.settle()
            except Exception:
                log.exception("background rescan failed")

    def _pause(self, next_scan: float) -> float:
        pause = max(0.0, next_scan - time.monotonic())
        return min(pause, _SETTLE_TICK_S) if self.ctx.session.arrivals_pending() else pause


class _HashedAssets(StaticFiles):
    """Vite's hashed file names change with their content: cache them for a year."""

    async def get_response(self, path: str, scope):  # type: ignore[no-untyped-def]
        response: Response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def create_app(
    ctx: AppContext,
    *,
    static_dir: Path | None = STATIC_DIR,
    rescan_interval: float = 2.0,
    guard: Guard | None = None,
    watch: bool = True,
) -> FastAPI:
    """`guard` says who may act (default: loopback only, no token; see api/security.py);
    `watch` turns on live folders (session/watch.py) over the periodic rescan."""
    refresher = _Refresher(ctx, rescan_interval) if rescan_interval > 0 else None
    watcher = FolderWatcher(ctx.session) if watch and not ctx.session.read_only else None
    ahead = PreviewsAhead(ctx)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for thread in (refresher, watcher, ahead):
            if thread:
                thread.start()
        try:
            yield
        finally:
            app.state.streams.close_all()
            ahead.stop()
            if refresher:
                refresher.stop.set()
            if watcher:
                watcher.close()
            ctx.close()

    app = FastAPI(
        title="photosort",
        version=__version__,
        description="Human-in-the-loop photo sorting. Every action is journaled and undoable.",
        lifespan=lifespan,
        default_response_class=JSONTextResponse,
    )
    app.state.ctx = ctx
    app.state.streams = event_routes.OpenStreams()
    install_error_handlers(app)
    # No CORS: no other origin may read an answer, the Vite dev server included (its proxy
    # makes the UI's requests same-origin). Outermost: a refused request reaches no handler.
    app.add_middleware(GuardMiddleware, guard=guard or Guard())
    for module in (
        session_routes,
        queue_routes,
        image_routes,
        action_routes,
        automove_routes,
        grid_routes,
        folder_routes,
        stack_routes,
        event_routes,
        video_routes,
    ):
        app.include_router(module.router)
    _mount_ui(app, static_dir)
    return app


def _mount_ui(app: FastAPI, static_dir: Path | None) -> None:
    index = static_dir / "index.html" if static_dir else None
    if not static_dir or not index or not index.is_file():

        @app.get("/", include_in_schema=False)
        def no_ui() -> RedirectResponse:
            return RedirectResponse("/docs")

        return

    assets = static_dir / "assets"
    if assets.is_dir():
        app.mount("/assets", _HashedAssets(directory=assets), name="assets")

    @app.get("/", include_in_schema=False)
    def ui_index() -> FileResponse:
        # index.html names the current hashed bundles, so it must always be revalidated.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    @app.get("/{name}", include_in_schema=False)
    def ui_file(name: str) -> FileResponse:
        path = static_dir / name
        if name and not name.startswith(".") and path.is_file():
            return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
