"""photosort: human-in-the-loop photo sorting."""

__version__ = "0.1.0"
