"""Process configuration from the environment, in one typed place (pydantic-settings).

Read afresh by `load()` on each use: these are looked at once per model load, and tests (or a
long-running shell) may change them between loads.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BeforeValidator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Any of these set to a true value forbids network use (the Hugging Face names included, so
# one switch a user may already have set is honoured).
OFFLINE_ENV: Final = ("PHOTOSORT_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
DEFAULT_HUB: Final = "https://huggingface.co"


def _truthy(value: object) -> bool:
    """1/true/yes/on (any case) is on; anything else, empty or garbage included, is off."""
    return str(value if value is not None else "").strip().lower() in ("1", "true", "yes", "on")


Flag = Annotated[bool, BeforeValidator(_truthy)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", frozen=True)

    photosort_offline: Flag = False
    hf_hub_offline: Flag = False
    transformers_offline: Flag = False
    https_proxy: str | None = None  # HTTPS_PROXY or https_proxy
    hf_endpoint: str | None = None
    # `serve` runs the model in a process of its own (ml/remote.py); 0 keeps it in the server's.
    photosort_model_process: Flag = True

    def offline_variable(self) -> str | None:
        """The name of the environment variable that forbids network use, if one is set."""
        for name in OFFLINE_ENV:
            if getattr(self, name.lower()):
                return name
        return None

    @property
    def hub_endpoint(self) -> str:
        return self.hf_endpoint or DEFAULT_HUB


def load() -> Settings:
    return Settings()
