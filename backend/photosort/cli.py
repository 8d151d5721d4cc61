"""`photosort` command line: serve a session, or inspect and repair one from a terminal."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from photosort.errors import PhotosortError
from photosort.session.engine import Session

if TYPE_CHECKING:  # torch loads with it: only the commands that embed pay for the import
    from photosort.api.security import Guard
    from photosort.ml.service import SuggestionService

app = typer.Typer(
    name="photosort",
    help="Sort a folder of photos into cluster folders, with suggestions and a full undo log.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# soft_wrap: a message is one line however long its path; escape(): names like "[old]" are
# text, not markup.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

T = TypeVar("T")

SourceArg = Annotated[
    Path, typer.Argument(help="Folder whose photos need sorting.", show_default=False)
]
IntoOpt = Annotated[
    Path | None,
    typer.Option("--into", help="Folder that holds the clusters (default: SOURCE itself)."),
]


ModelOpt = Annotated[
    str, typer.Option(help="auto | clip | efficientnet-lite0 | a local folder or hub id.")
]
DeviceOpt = Annotated[str, typer.Option(help="auto | cpu | cuda | mps.")]


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


@contextmanager
def clean_errors() -> Iterator[None]:
    """Turn domain and OS errors into one clear line and a non-zero exit, never a traceback."""
    try:
        yield
    except PhotosortError as exc:
        fail(exc.message)
    except PermissionError as exc:
        fail(f"permission denied: {exc.filename or exc}")
    except OSError as exc:
        fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))


def open_session(source: Path, into: Path | None, *, read_only: bool = False) -> Session:
    session = Session(source, into, read_only=read_only)
    for line in session.recovery.actions:
        err.print(f"[yellow]recovered:[/] {escape(line)}")
    for line in session.recovery.warnings:
        err.print(f"[yellow]warning:[/] {escape(line)}")
    return session


def with_session(
    source: Path, into: Path | None, fn: Callable[[Session], T], *, read_only: bool = False
) -> T:
    with clean_errors():
        session = open_session(source, into, read_only=read_only)
        try:
            return fn(session)
        finally:
            session.close()


@app.command()
def serve(
    source: SourceArg,
    into: IntoOpt = None,
    model: Annotated[
        str,
        typer.Option(help="auto | clip | efficientnet-lite0 | none | a local folder or hub id."),
    ] = "auto",
    device: Annotated[str, typer.Option(help="auto | cpu | cuda | mps.")] = "auto",
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the reviewer UI and the HTTP API for SOURCE."""
    import uvicorn

    from photosort.api.app import VITE_DEV_ORIGINS, create_app
    from photosort.api.security import Guard
    from photosort.context import AppContext

    if not 1 <= port <= 65535:
        fail(f"bad port {port}: use 1-65535")
    with clean_errors():
        _check_port_free(host, port)
        session = open_session(source, into)
        ctx = AppContext(session, _suggestion_engine(session, model, device))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    embedder = ctx.suggestions.embedder_info()
    out.print(escape(f"photosort: {session.stats()['queued']} photos queued in {session.source}"))
    if embedder["status"] == "loading":
        out.print("embedder: loading in the background; the UI badge says which one and why")
    else:
        out.print(
            escape(f"embedder: {embedder['kind']} ({embedder['status']}): {embedder['reason']}")
        )
    guard = Guard.for_host(host, frozenset(VITE_DEV_ORIGINS))
    out.print(escape(_reach_line(guard, port)), soft_wrap=True)
    # Open event streams (browser tabs) must not hold Ctrl-C hostage.
    uvicorn.run(
        create_app(ctx, guard=guard),
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=2,
    )


def _reach_line(guard: Guard, port: int) -> str:
    """Who can reach the server, and the address to open (with the token, printed once)."""
    host = guard.bind_host
    shown = f"[{host}]" if ":" in host else host
    if guard.token is None:
        return f"open http://{shown}:{port}/ (loopback: only this computer can reach it)"
    if host in ("0.0.0.0", "::"):
        who = f"every network interface of {socket.gethostname()}"
        shown = socket.gethostname()
    else:
        who = f"the network at {host}"
    return (
        f"open http://{shown}:{port}/?token={guard.token} "
        f"(listening on {who}: anyone who can reach it needs this token; keep it private)"
    )


def _suggestion_engine(session: Session, model: str, device: str) -> SuggestionService | None:
    """The suggestion engine for `serve` (None: the manual loop only, `--model none`)."""
    if model == "none":
        return None  # before the import: the manual loop never loads torch
    from photosort.ml.service import SuggestionService

    return SuggestionService.start(session, model=model, device=device)


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        # Same option uvicorn sets: a port left in TIME_WAIT by the last run is free to use.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise PhotosortError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


def _indexed_service(s: Session, model: str, device: str) -> SuggestionService:
    """Load the embedder and embed everything missing, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from photosort.ml.service import SuggestionService

    service = SuggestionService.start(s, model=model, device=device, background=False)
    embedder = service.load_embedder()
    err.print(f"embedder: {embedder.kind} ({embedder.id}): {service.state.reason}")
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("embedding", total=None)
        service.index_pending(
            progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    failed = service.progress()["failed"]
    if failed:
        err.print(f"[yellow]warning:[/] {failed} photo(s) could not be decoded; they stay queued")
    return service


@app.command()
def index(
    source: SourceArg, into: IntoOpt = None, model: ModelOpt = "auto", device: DeviceOpt = "auto"
) -> None:
    """Embed every photo (queued and filed) so suggestions are ready; cached for later runs."""

    def run(s: Session) -> None:
        service = _indexed_service(s, model, device)
        try:
            p = service.progress()
            out.print(f"indexed {p['done']} of {p['total']} photos ({p['failed']} failed)")
        finally:
            service.close()

    with_session(source, into, run)


@app.command("auto-move")
def auto_move(
    source: SourceArg,
    into: IntoOpt = None,
    threshold: Annotated[
        float | None, typer.Option(help="Minimum score; default: the recommended one.")
    ] = None,
    min_samples: Annotated[int | None, typer.Option(help="Minimum cluster size.")] = None,
    min_margin: Annotated[float | None, typer.Option(help="Minimum top-1 minus top-2.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would move.")] = False,
    model: ModelOpt = "auto",
    device: DeviceOpt = "auto",
) -> None:
    """File every confident photo in one undoable batch (see --dry-run)."""

    def run(s: Session) -> None:
        service = _indexed_service(s, model, device)
        try:
            result = service.auto_move(
                threshold, min_samples, min_margin, dry_run=dry_run, reviewer="cli"
            )
        finally:
            service.close()
        table = Table("cluster", "photos")
        for cluster, n in sorted(result["per_cluster"].items()):
            table.add_row(cluster, str(n))
        out.print(table)
        precision = result["estimated_precision"]
        est = f", estimated precision {precision:.0%}" if precision is not None else ""
        verb = "would move" if dry_run else "moved"
        out.print(f"{verb} {result['count']} photos at threshold {result['threshold']:.3f}{est}")
        if result["batch"]:
            out.print(
                f"batch {result['batch']} (undo: photosort undo {source} --batch {result['batch']})"
            )

    with_session(source, into, run)


@app.command()
def stats(source: SourceArg, into: IntoOpt = None) -> None:
    """Queue size, decisions so far and clusters with their counts."""

    def show(s: Session) -> None:
        table = Table(title=f"photosort: {s.source}", show_header=False)
        for key, value in s.stats().items():
            table.add_row(key, str(value))
        out.print(table)
        clusters = Table("cluster", "photos", "slot")
        slots = s.cluster_slots()
        for name, count in s.clusters():
            clusters.add_row(escape(name), str(count), str(slots.get(name, "")))
        out.print(clusters)

    with_session(source, into, show, read_only=True)


@app.command("log")
def log_cmd(
    source: SourceArg,
    into: IntoOpt = None,
    limit: Annotated[int, typer.Option(help="Show the newest N lines.")] = 50,
) -> None:
    """The journal, newest last."""

    def show(s: Session) -> None:
        table = Table("seq", "time", "type", "by", "item", "where")
        for rec in s.records()[-limit:]:
            undone = " (undone)" if rec["seq"] in s.state.undone else ""
            where = rec.get("dst") or rec.get("restore_to") or rec.get("cluster") or ""
            if rec["type"] == "undo":
                where = f"undoes {rec['undoes']}" + (f" -> {where}" if where else "")
            table.add_row(
                str(rec["seq"]),
                rec["ts"],
                rec["type"] + undone,
                rec.get("by") or "",
                escape(rec.get("item") or ""),
                escape(str(where)),
            )
        out.print(table)

    with_session(source, into, show, read_only=True)


@app.command()
def undo(
    source: SourceArg,
    into: IntoOpt = None,
    batch: Annotated[str | None, typer.Option(help="Undo a whole auto-move batch.")] = None,
    seq: Annotated[int | None, typer.Option(help="Undo the journal line with this seq.")] = None,
    steps: Annotated[int, typer.Option(help="Undo the newest N actions.")] = 1,
) -> None:
    """Undo the newest action (or --seq N, --batch ID, --steps N)."""

    def run(s: Session) -> None:
        rounds = 1 if (batch or seq) else steps
        for _ in range(rounds):
            for rec in s.undo(seq, batch=batch, reviewer="cli"):
                target = s.state.record(rec["undoes"])
                back = f" -> {rec['restore_to']}" if rec.get("restore_to") else ""
                out.print(
                    escape(
                        f"undid seq {target['seq']} ({target['type']} {target.get('item') or ''})"
                        f"{back}"
                    )
                )

    with_session(source, into, run)


@app.command()
def verify(
    source: SourceArg,
    into: IntoOpt = None,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Fix what is safe: drop a second name holding the same bytes, put back a "
            "photo whose move was journaled as aborted. Says what it did.",
        ),
    ] = False,
) -> None:
    """Check the journal against the files; exits 1 when they disagree."""
    from photosort.session.verify import check
    from photosort.session.verify import repair as repair_session

    def run(s: Session) -> tuple[list[str], list[str]]:
        done = repair_session(s.journal, s.source, s.dest) if repair else []
        return done, [f.message for f in check(s.journal, s.source, s.dest)]

    done, problems = with_session(source, into, run, read_only=not repair)
    for line in done:
        out.print(escape(f"repaired: {line}"))
    if problems:
        for line in problems:
            err.print(f"[red]mismatch:[/] {escape(line)}")
        err.print(f"{len(problems)} disagreement(s) between the journal and the files")
        sys.exit(1)
    out.print("ok: the journal and the files agree")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
