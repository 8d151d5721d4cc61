"""Session overview, settings and health."""

from __future__ import annotations

from fastapi import APIRouter

from photosort import __version__
from photosort.api.deps import Ctx, ReviewerHeader, reviewer_name
from photosort.api.schemas.core import Health, SessionInfo, Settings, SettingsUpdate
from photosort.api.views import Views, settings_body

router = APIRouter(prefix="/api", tags=["session"])


@router.get("/health", response_model=Health)
def health() -> Health:
    return Health(status="ok", version=__version__)


@router.get("/session", response_model=SessionInfo)
def get_session(ctx: Ctx) -> SessionInfo:
    return Views(ctx).session_info()


@router.get("/settings", response_model=Settings)
def get_settings(ctx: Ctx) -> Settings:
    return settings_body(ctx.session.settings)


@router.post("/settings", response_model=Settings)
def update_settings(body: SettingsUpdate, ctx: Ctx, x_reviewer: ReviewerHeader = None) -> Settings:
    changes = body.model_dump(exclude_unset=True, exclude={"reviewer"})
    ctx.session.update_settings(changes, reviewer=reviewer_name(body.reviewer, x_reviewer))
    return settings_body(ctx.session.settings)
