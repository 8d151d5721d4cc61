"""Photo decoding, renditions and content fingerprints. Knows nothing of sessions or HTTP.

Other packages use only the names below. None of them imports rawpy or PyAV: a RAW or a video
brings those in when one shows up.
"""

from photosort.media.capture import CaptureTimes
from photosort.media.decode import ImageInfo, open_image, probe
from photosort.media.fingerprint import Fingerprints, fingerprint
from photosort.media.likeness import content_hash, dhash, hamming, sharpness
from photosort.media.raster import PIL_DECODE_ERRORS
from photosort.media.renditions import RENDITION_EDGES, Renditions, RenditionSize, shrink
from photosort.media.video import VideoInfo, VideoProbes

__all__ = [
    "PIL_DECODE_ERRORS",
    "RENDITION_EDGES",
    "CaptureTimes",
    "Fingerprints",
    "ImageInfo",
    "RenditionSize",
    "Renditions",
    "VideoInfo",
    "VideoProbes",
    "content_hash",
    "dhash",
    "fingerprint",
    "hamming",
    "open_image",
    "probe",
    "sharpness",
    "shrink",
]
