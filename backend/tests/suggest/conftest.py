"""The suggestion tests load real models offline: the fixtures live in `model_fixtures.py`."""

from model_fixtures import effnet, hub_offline, tiny_clip_dir

__all__ = ["effnet", "hub_offline", "tiny_clip_dir"]
