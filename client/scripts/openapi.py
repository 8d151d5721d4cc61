"""Print the backend's OpenAPI schema as JSON, without starting a server.

The UI's types (src/api/schema.d.ts) are generated from this output, so it must be exactly what
the running server publishes at /openapi.json. The app needs a session to exist, so one is
opened on an empty temporary folder and thrown away.

Models of `photosort.api.schemas.core` that no route references yet are appended to
`components.schemas` (FastAPI omits them): the UI can then name a shape the backend has already
fixed (e.g. the auto-move estimate) before its route lands. Once a route uses a model, FastAPI
emits it itself and this step adds nothing.
"""

from __future__ import annotations

import inspect
import json
import sys
import tempfile
from pathlib import Path
from typing import Any


def build_schema() -> dict[str, Any]:
    from pydantic import BaseModel
    from pydantic.json_schema import models_json_schema

    from photosort.api.app import create_app
    from photosort.api.context import AppContext
    from photosort.api.schemas import core as models
    from photosort.session.engine import Session

    with tempfile.TemporaryDirectory(prefix="photosort-openapi-") as folder:
        ctx = AppContext(Session(Path(folder)))
        try:
            app = create_app(ctx, static_dir=None, rescan_interval=0)
            schema = app.openapi()
        finally:
            ctx.close()

    schemas: dict[str, Any] = schema.setdefault("components", {}).setdefault("schemas", {})
    unreferenced = [
        obj
        for name, obj in vars(models).items()
        if inspect.isclass(obj)
        and issubclass(obj, BaseModel)
        and obj.__module__ == models.__name__
        and name not in schemas
    ]
    if unreferenced:
        _, extra = models_json_schema(
            [(m, "serialization") for m in unreferenced],
            ref_template="#/components/schemas/{model}",
        )
        for name, body in sorted(extra.get("$defs", {}).items()):
            schemas.setdefault(name, body)
    return schema


def main() -> None:
    json.dump(build_schema(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
