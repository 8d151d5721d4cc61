"""Indexing takes videos like photos: the real embedder sees the poster frame (decoded once,
which also fills the thumb and preview), and a video that cannot be decoded is flagged
without stopping the rest."""

from __future__ import annotations

from typing import Any

from PIL import Image
from videodata import frame_index, make_video

from photosort.ml.embedder import Embedder
from photosort.suggest.service import SuggestionService


def test_videos_are_embedded_from_their_poster_and_a_broken_one_is_flagged(
    make_library: Any, effnet: Embedder
) -> None:
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=2)
    make_video(lib.source / "clip.mp4", size=(320, 240))
    make_video(lib.dest / "birds" / "member.mkv")  # a video filed already seeds its cluster
    whole = make_video(lib.root / "whole.mov").read_bytes()
    (lib.source / "truncated.mov").write_bytes(whole[: len(whole) // 3])
    (lib.source / "noise.avi").write_bytes(bytes(range(256)) * 64)
    session = lib.open()
    service = SuggestionService(session, lambda: (effnet, "test"), batch_size=4)
    service.load_embedder()
    service.index_pending()
    try:
        assert service.decode_error("truncated.mov")
        assert service.decode_error("noise.avi")
        assert service.decode_error("clip.mp4") is None
        good = [*lib.loose, "clip.mp4"]
        assert all(service.suggestions(good)[i] is not None for i in good)
        assert service.progress()["failed"] == 2
        assert session.is_queued("truncated.mov"), "an undecodable video stays queued"
        assert service.vectors.counts()["birds"] == 4  # three photos and the video

        fp = service.fingerprints.of(lib.source / "clip.mp4")
        preview = lib.clustering / "cache" / "preview" / fp[:2] / f"{fp}.jpg"
        with Image.open(preview) as im:  # from the indexing decode, no request made it
            assert im.size == (320, 240)
            assert frame_index(im.convert("RGB").getpixel((160, 120))) in (4, 5, 6)  # type: ignore[arg-type]
    finally:
        service.close()
