"""Photo decoding, renditions and content fingerprints. Knows nothing of sessions or HTTP."""

from photosort.media.decode import ImageInfo, open_image, probe
from photosort.media.fingerprint import fingerprint
from photosort.media.renditions import RENDITION_EDGES, Renditions, RenditionSize

__all__ = [
    "RENDITION_EDGES",
    "ImageInfo",
    "RenditionSize",
    "Renditions",
    "fingerprint",
    "open_image",
    "probe",
]
