"""Response bodies assembled from the session and the suggestion engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from photosort import suggest
from photosort.api.context import AppContext
from photosort.api.schemas.core import (
    ClusterInfo,
    EmbedderInfo,
    IndexingProgress,
    ItemDetail,
    PhotoGroup,
    QueueItem,
    QueuePage,
    SessionInfo,
    Settings,
    SettingsDefaults,
    Stats,
    SuggestionSet,
)
from photosort.errors import DecodeFailed, NotFound
from photosort.formats import is_raw, is_video
from photosort.media import VideoInfo, probe
from photosort.session import FALLBACK_THRESHOLD, SessionSettings, badge, normalise_item


def settings_body(settings: SessionSettings) -> Settings:
    return Settings.model_validate(settings.model_dump())


def settings_defaults() -> SettingsDefaults:
    return SettingsDefaults(**SessionSettings().model_dump(), fallback_threshold=FALLBACK_THRESHOLD)


def _suggestion_set(shown: suggest.SuggestionSet | None) -> SuggestionSet | None:
    return SuggestionSet.model_validate(shown) if shown is not None else None


def group_body(item: str, companions: tuple[str, ...]) -> PhotoGroup | None:
    text = badge(item, companions)
    if text is None:
        return None
    return PhotoGroup(files=[f.rsplit("/", 1)[-1] for f in (item, *companions)], badge=text)


class Views:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def session_info(self) -> SessionInfo:
        s = self.ctx.session
        slots = s.cluster_slots()
        return SessionInfo(
            source=str(s.source),
            dest=str(s.dest),
            embedder=EmbedderInfo.model_validate(self.ctx.suggestions.embedder_info()),
            settings=settings_body(s.settings),
            defaults=settings_defaults(),
            stats=Stats.model_validate(s.stats()),
            clusters=[ClusterInfo(name=n, count=c, slot=slots.get(n)) for n, c in s.clusters()],
            indexing=IndexingProgress.model_validate(self.ctx.suggestions.progress()),
            last_seq=s.last_seq(),
            recovery=s.recovery.actions,
            copy_mode=s.copy_mode,
            copy_reason=s.copy_reason,
        )

    def queue_page(self, offset: int, limit: int) -> QueuePage:
        items, total, counting = self.ctx.session.queue_page(offset, limit)
        sugg = self.ctx.suggestions.suggestions(items)
        return QueuePage(
            total=total,
            counting=counting,
            offset=offset,
            limit=limit,
            items=[
                QueueItem(
                    item=it,
                    name=it.rsplit("/", 1)[-1],
                    position=offset + i,
                    suggestions=_suggestion_set(sugg.get(it)),
                    decode_error=self.ctx.suggestions.decode_error(it),
                    **self._video_fields(it),
                    group=group_body(it, self.ctx.session.companions(it)),
                )
                for i, it in enumerate(items)
            ],
        )

    def item_detail(self, item: str, root: str | None = None) -> ItemDetail:
        s = self.ctx.session
        item = normalise_item(item)
        path, location = s.locate(item, root)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise NotFound(f"{item!r} was moved away just now") from None
        queued = location == "source" and s.is_queued(item)
        decode_error = self.ctx.suggestions.decode_error(item) if queued else None
        info = None
        try:
            info = probe(path)
            if decode_error is None:
                # Headers can be fine while the pixels are not (a truncated file): render the
                # thumb the UI asks for next anyway (cached), so the badge matches the image.
                self.ctx.renditions.path_for(path, self.ctx.fingerprints.of(path), "thumb")
        except DecodeFailed as exc:
            decode_error = exc.message
        # Another reviewer may have filed it since `is_queued`.
        position = s.position(item) if queued else None
        queued = position is not None
        shown = self.ctx.suggestions.suggestions([item]).get(item) if queued else None
        return ItemDetail(
            item=item,
            name=path.name,
            location=location,  # type: ignore[arg-type]
            queued=queued,
            position=position,
            size_bytes=st.st_size,
            modified=st.st_mtime,
            width=info.width if info else None,
            height=info.height if info else None,
            format=info.format if info else None,
            is_raw=is_raw(path.name),
            decode_error=decode_error,
            suggestions=_suggestion_set(shown),
            **self._video_fields(item, path),
            group=group_body(item, s.companions(item)) if queued else None,
        )

    def _video_fields(self, item: str, path: Path | None = None) -> dict[str, Any]:
        """`kind`, and for a video its duration and creation time (headers only, memoised)."""
        if not is_video(item):
            return {}
        info: VideoInfo | None = self.ctx.videos.get(path or self.ctx.session.source / item)
        return {
            "kind": "video",
            "duration_s": info.duration_s if info else None,
            "created": info.created.isoformat() if info and info.created else None,
        }
