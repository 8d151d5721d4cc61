"""Real photo groups for tests: a CR2 with its JPEG twin and XMP sidecars, a HEIC with its
Live Photo `.mov` (written with pillow-heif and PyAV), all from files in the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

from testdata import STAMPS, cr2_path

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="photosort tests">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
    xmp:Rating="{rating}" crs:Exposure2012="+{exposure}"/>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
"""


def jpegs() -> list[Path]:
    """Distinct real JPEGs of the repository's test set."""
    return sorted(STAMPS.rglob("*.jpg"))


def xmp(path: Path, n: int) -> Path:
    """A small real XMP sidecar (its content differs with `n`)."""
    path.write_text(XMP.format(rating=n % 6, exposure=f"{n / 100:.2f}"), encoding="utf-8")
    return path


def raw_group(folder: Path, stem: str, n: int, *, sidecars: bool = True) -> list[Path]:
    """`stem.CR2` (the sample's real CR2) + `stem.JPG` (a distinct real JPEG) + `stem.xmp` +
    `stem.CR2.xmp`: one shot as a camera and Lightroom leave it. Returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"{stem}.CR2", folder / f"{stem}.JPG"]
    shutil.copyfile(cr2_path(), files[0])
    shutil.copyfile(jpegs()[n % len(jpegs())], files[1])
    if sidecars:
        files.append(xmp(folder / f"{stem}.xmp", n))
        files.append(xmp(folder / f"{stem}.CR2.xmp", n + 1000))
    return files


def heic(path: Path, n: int) -> Path:
    """A real HEIC (pillow-heif) of one of the test JPEGs."""
    import pillow_heif
    from PIL import Image

    with Image.open(jpegs()[n % len(jpegs())]) as im:
        heif = pillow_heif.from_pillow(im.convert("RGB"))
    heif.save(path, quality=60)
    return path


def mov(path: Path, frames: int = 6) -> Path:
    """A short real QuickTime video (PyAV, H.264 or MPEG-4 as the wheel offers)."""
    import av
    import numpy as np

    with av.open(str(path), "w", format="mov") as container:
        codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
        stream = container.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(frames):
            pixels = np.full((48, 64, 3), (i * 40) % 256, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def live_group(folder: Path, stem: str, n: int) -> list[Path]:
    """`stem.HEIC` + its Live Photo half `stem.MOV` + an iPhone `stem.AAE` edit sidecar."""
    folder.mkdir(parents=True, exist_ok=True)
    aae = folder / f"{stem}.AAE"
    aae.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>'
        f"<key>adjustmentFormatVersion</key><integer>{n}</integer></dict></plist>\n",
        encoding="utf-8",
    )
    return [heic(folder / f"{stem}.HEIC", n), mov(folder / f"{stem}.MOV"), aae]


def group_assign_line(names: list[str], face: str, cluster: str, **extra: object) -> dict:
    """The write-ahead journal line of filing the group `names` (its face `face`, all in the
    source root) into `cluster`, as the engine writes it before moving a file."""
    return {
        "type": "assign",
        "item": face,
        "src": face,
        "dst": f"{cluster}/{face}",
        "cluster": cluster,
        "by": "manual",
        "reviewer": "local",
        "batch": None,
        **extra,
        "companions": [{"src": n, "dst": f"{cluster}/{n}"} for n in names if n != face],
    }
