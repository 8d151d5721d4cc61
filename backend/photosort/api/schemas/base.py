"""The base of every request body."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """What every request body is made of: types taken at their word. Loosely, `"dry_run": 0`
    is false and a real auto-move, `"1"` a number and `1.0` an integer; here each is a 422.
    (Query parameters stay loose: a query string is all text, `?limit=50` included.)"""

    model_config = ConfigDict(strict=True)
