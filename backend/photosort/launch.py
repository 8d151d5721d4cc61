"""The `photosort` command's entry point.

For `serve`, the model's own process (ml/remote.py) is started before anything else is
imported: the command line and the web stack take 0.4-0.5 s to import, and the model loads on
another core meanwhile. `serve` claims it once Typer has parsed the same options, or replaces
it when it reads them otherwise; every other command starts nothing here.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence


def serve_model(args: Sequence[str]) -> tuple[str, str] | None:
    """(model, device) of a `photosort serve ...` command line that will load a model."""
    if not args or args[0] != "serve" or any(a in ("--help", "-h") for a in args):
        return None
    found = {"--model": "auto", "--device": "auto"}
    rest = list(args[1:])
    for i, arg in enumerate(rest):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if name in found:
            if eq:
                found[name] = value
            elif i + 1 < len(rest):
                found[name] = rest[i + 1]
    if found["--model"] == "none":
        return None
    return found["--model"], found["--device"]


def main() -> None:
    early = serve_model(sys.argv[1:])
    if early is not None:
        from photosort.ml import start_early

        with contextlib.suppress(OSError):  # `serve` tries again and says why if it cannot
            start_early(*early)
    from photosort.cli import app

    app()


if __name__ == "__main__":
    main()
