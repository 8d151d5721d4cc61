"""Videos decoded by the real FFmpeg in PyAV's wheel: the poster frame is the frame about 10%
in, the probe reads duration, size and creation time, and bad files fail like a bad JPEG."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from videodata import frame_colour, frame_index, make_video

from photosort.errors import DecodeFailed
from photosort.media import video
from photosort.media.decode import open_image, probe
from photosort.media.renditions import Renditions
from photosort.media.video import VideoProbes, poster_frame, probe_video

EXTENSIONS = [".mp4", ".mov", ".m4v", ".avi", ".mkv", ".3gp"]


def _centre(im: Image.Image) -> tuple[int, ...]:
    return tuple(im.convert("RGB").getpixel((im.width * 3 // 4, im.height // 2)))  # type: ignore[arg-type]


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_the_poster_is_the_decoded_frame_about_ten_percent_in(tmp_path: Path, ext: str):
    # 50 frames at 25 fps (2 s), a keyframe every 10: 10% in is frame 5, past keyframe 0.
    path = make_video(tmp_path / f"clip{ext}")
    poster = open_image(path)
    assert poster.mode == "RGB" and poster.size == (64, 48)
    assert frame_index(_centre(poster)) in (4, 5, 6), _centre(poster)
    assert _centre(poster) != pytest.approx(frame_colour(0), abs=8)


def test_a_single_keyframe_far_before_the_target_is_decoded_forward(tmp_path: Path):
    # One keyframe for 100 frames (4 s): the seek lands on frame 0 and decoding walks to 10.
    path = make_video(tmp_path / "one-gop.mp4", frames=100, gop=1000)
    assert frame_index(_centre(poster_frame(path))) in (9, 10, 11)


def test_decoding_forward_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = make_video(tmp_path / "one-gop.mp4", frames=100, gop=1000)
    monkeypatch.setattr(video, "MAX_POSTER_FRAMES", 3)
    # The newest frame within the bound, never a walk through the whole file.
    assert frame_index(_centre(poster_frame(path))) in (1, 2, 3)


def test_a_damaged_packet_shows_the_frame_decoded_before_it(tmp_path: Path):
    # Packet 2 is noise: the decoder fails on it; a player would show frame 1, and so do we.
    path = make_video(tmp_path / "damaged.avi", damaged=2)
    assert frame_index(_centre(poster_frame(path))) in (0, 1)


def test_a_stream_without_a_duration_gives_its_first_frame(tmp_path: Path):
    # A raw MPEG-4 elementary stream (an `.m4v`) has no container and no duration.
    path = make_video(tmp_path / "raw.m4v", codec="mpeg4", fmt="m4v")
    assert probe_video(path).duration_s is None
    assert frame_index(_centre(poster_frame(path))) in (0, 1)


def test_probe_reads_duration_size_and_creation_time(tmp_path: Path):
    info = probe_video(make_video(tmp_path / "clip.mov", size=(96, 64)))
    assert info.duration_s == pytest.approx(2.0, abs=0.05)
    assert (info.width, info.height, info.format, info.codec) == (96, 64, "MOV", "mpeg4")
    assert info.created == datetime(2026, 11, 30, 10, 11, 12, tzinfo=UTC)
    assert probe_video(make_video(tmp_path / "clip.avi")).created is None  # AVI has no such tag
    headers = probe(tmp_path / "clip.mov")
    assert (headers.width, headers.height, headers.format, headers.is_raw) == (96, 64, "MOV", False)


def test_a_rotated_phone_video_stands_upright(tmp_path: Path):
    # Display matrix: turn 90° clockwise (a portrait phone video). The coded frame's left half
    # is red, so upright the top half is red.
    path = make_video(tmp_path / "portrait.mov", rotation=-90)
    poster = poster_frame(path)
    assert poster.size == (48, 64)
    assert poster.getpixel((24, 8))[0] > 200 and poster.getpixel((24, 8))[1] < 60  # type: ignore[index]
    assert poster.getpixel((24, 56))[1] > 150  # type: ignore[index]


def test_min_edge_shrinks_while_converting_never_below(tmp_path: Path):
    path = make_video(tmp_path / "clip.mp4", size=(320, 240))
    assert open_image(path, min_edge=100).size == (100, 75)
    assert open_image(path, min_edge=1600).size == (320, 240)  # never upscaled


def test_a_frame_over_the_memory_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = make_video(tmp_path / "clip.mp4", size=(320, 240))
    monkeypatch.setattr(video, "MAX_FRAME_PIXELS", 320 * 240 - 1)
    with pytest.raises(DecodeFailed) as err:
        open_image(path)
    assert "too large" in err.value.message and "320x240" in err.value.message


def _truncated(tmp_path: Path) -> Path:
    whole = make_video(tmp_path / "whole.mp4").read_bytes()
    (tmp_path / "truncated.mp4").write_bytes(whole[: len(whole) // 2])
    return tmp_path / "truncated.mp4"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("zero.mp4", b"", "empty"),
        ("text.mov", b"just some text, not a video at all\n" * 40, "not a decodable"),
        ("garbage.mkv", os.urandom(4096), "not a decodable"),
    ],
)
def test_a_bad_video_fails_like_a_bad_photo(tmp_path: Path, name: str, content: bytes, words: str):
    path = tmp_path / name
    path.write_bytes(content)
    for call in (open_image, probe):
        with pytest.raises(DecodeFailed) as err:
            call(path)
        assert words in err.value.message and err.value.code == "decode_failed"


@pytest.mark.parametrize(
    "listing",
    [
        "ffconcat version 1.0\nfile 'other.mp4'\n",
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nother.mp4\n#EXT-X-ENDLIST\n",
    ],
)
def test_a_list_of_other_files_named_like_a_video_is_refused(tmp_path: Path, listing: str):
    # FFmpeg would follow a concat list or playlist to other files (or URLs); never here.
    make_video(tmp_path / "other.mp4")
    (tmp_path / "list.mp4").write_text(listing)
    with pytest.raises(DecodeFailed):
        open_image(tmp_path / "list.mp4")
    with pytest.raises(DecodeFailed):
        probe_video(tmp_path / "list.mp4")


def test_a_truncated_video_fails_cleanly(tmp_path: Path):
    path = _truncated(tmp_path)
    with pytest.raises(DecodeFailed) as err:
        open_image(path)
    assert err.value.message.startswith("not a decodable MP4 video: ")
    assert str(tmp_path) not in err.value.message  # FFmpeg's words, not the server's paths
    assert VideoProbes().get(path) is None


def test_renditions_of_a_video_are_jpegs_of_its_poster(tmp_path: Path):
    path = make_video(tmp_path / "clip.mp4", size=(640, 480))
    renditions = Renditions(tmp_path / "cache")
    thumb = renditions.path_for(path, "ab" * 16, "thumb")
    with Image.open(thumb) as im:
        assert im.format == "JPEG" and im.size == (256, 192)
        assert frame_index(_centre(im)) in (4, 5, 6)


def test_probes_are_memoised_until_the_file_changes(tmp_path: Path):
    probes = VideoProbes()
    path = make_video(tmp_path / "clip.mp4")
    first = probes.get(path)
    assert first is not None and first.duration_s == pytest.approx(2.0, abs=0.05)
    assert probes.get(path) is first
    make_video(tmp_path / "other.mp4", frames=100)
    os.replace(tmp_path / "other.mp4", path)
    again = probes.get(path)
    assert again is not None and again.duration_s == pytest.approx(4.0, abs=0.05)
    path.unlink()
    assert probes.get(path) is None
