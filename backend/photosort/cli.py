"""`photosort` command line: serve a session, or inspect and repair one from a terminal."""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import orjson
import typer
import uvicorn
from rich.console import Console
from rich.markup import escape
from rich.progress import ProgressColumn, Task
from rich.table import Table
from rich.text import Text
from typer._click import exceptions as click_errors  # typer >= 0.29 vendors click
from typer._click.core import Context, Parameter
from typer.core import TyperCommand, TyperGroup, TyperOption

from photosort import __version__, userstate
from photosort.errors import MovesFailed, NothingToUndo, PhotosortError
from photosort.session import CLUSTERING_DIR, Session, room_short, room_text

if TYPE_CHECKING:  # torch loads with it: only the commands that embed pay for the import
    from photosort.api.context import AppContext
    from photosort.api.security import Guard
    from photosort.ml import ModelProcess
    from photosort.suggest import AutoMoveResult, Estimate, SuggestionService


def _no_value_on_flags(params: list[Parameter]) -> list[Parameter]:
    """A flag takes no value: typer's help would show one anyway (`--copy <bool>`)."""
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag:
            param.metavar = ""
    return params


class _OneLineErrors(TyperGroup):
    """A usage mistake (a missing SOURCE, a bad option value) is one line on stderr, like every
    other error, instead of click's usage box."""

    def get_params(self, ctx: Context) -> list[Parameter]:
        return _no_value_on_flags(super().get_params(ctx))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **kwargs: Any,
    ) -> Any:
        call = {
            "args": args,
            "prog_name": prog_name,
            "complete_var": complete_var,
            "windows_expand_args": windows_expand_args,
            **kwargs,
        }
        if not standalone_mode:
            return super().main(standalone_mode=False, **call)
        try:
            rv = super().main(standalone_mode=False, **call)
        except click_errors.NoArgsIsHelpError as exc:
            out.print(exc.ctx.get_help() if exc.ctx else str(exc), markup=False)
            sys.exit(exc.exit_code)
        except click_errors.UsageError as exc:
            usage = ""
            if exc.ctx is not None:
                pieces = " ".join(exc.ctx.command.collect_usage_pieces(exc.ctx))
                usage = f" (usage: {exc.ctx.command_path} {pieces})"
            message = exc.format_message().rstrip(".")
            err.print(f"[bold red]error:[/] {escape(message)}{escape(usage)}")
            sys.exit(exc.exit_code)
        except click_errors.ClickException as exc:
            err.print(f"[bold red]error:[/] {escape(exc.format_message())}")
            sys.exit(exc.exit_code)
        except typer.Abort:
            err.print("aborted")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


class _Command(TyperCommand):
    """Usage lines name arguments the way the help text does (`SOURCE`); typer would write a
    required one as `{SOURCE}`, which reads like a template left unfilled."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in pieces]

    def get_params(self, ctx: Context) -> list[Parameter]:
        return _no_value_on_flags(super().get_params(ctx))


app = typer.Typer(
    cls=_OneLineErrors,
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


def _print_version(asked: bool) -> None:
    if asked:
        out.print(f"photosort {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Sort a folder of photos into cluster folders, with suggestions and a full undo log."""


T = TypeVar("T")

SourceArg = Annotated[
    Path,
    typer.Argument(help="Folder whose photos need sorting.", show_default=False, metavar="SOURCE"),
]
IntoOpt = Annotated[
    Path | None,
    typer.Option("--into", help="Folder that holds the clusters (default: SOURCE itself)."),
]

CopyOpt = Annotated[
    bool,
    typer.Option(
        "--copy",
        help="Copy mode: file photos by copying them into --into DEST (verified by hash); "
        "nothing in SOURCE is ever deleted, renamed or written. A read-only SOURCE (a locked "
        "memory card) gets copy mode by itself.",
    ),
]


ModelOpt = Annotated[
    str, typer.Option(help="auto | clip | efficientnet-lite0 | a local folder or hub id.")
]
DeviceOpt = Annotated[str, typer.Option(help="auto | cpu | cuda | mps.")]


class _RateColumn(ProgressColumn):
    """Photos per second through the model. Photos found in the cache are not counted: a
    folder indexed before would otherwise show hundreds of thousands of photos a second."""

    def __init__(self, rate: Callable[[], float]) -> None:
        super().__init__()
        self._rate = rate

    def render(self, task: Task) -> Text:
        speed = self._rate()
        if speed > 0:
            text = f"{speed:.1f} photos/s"
        else:
            text = "from the cache" if task.completed else "- photos/s"
        return Text(text, style="progress.data.speed")


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


@contextmanager
def clean_errors() -> Iterator[None]:
    """Turn domain and OS errors into one clear line and a non-zero exit, never a traceback."""
    try:
        yield
    except MovesFailed as exc:
        for failed in exc.failed:
            err.print(f"[red]failed:[/] {escape(failed['item'])}: {escape(failed['reason'])}")
        fail(exc.message)
    except PhotosortError as exc:
        fail(exc.message)
    except PermissionError as exc:
        fail(f"permission denied: {exc.filename or exc}")
    except OSError as exc:
        fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))


def open_session(
    source: Path,
    into: Path | None,
    *,
    read_only: bool = False,
    copy: bool = False,
    scan_cache: bool = False,
    create_dest: bool = False,
) -> Session:
    """Open SOURCE's session: in `into`, made first when `create_dest` (commands that file);
    given only SOURCE, in the DEST it was last sorted into (this user's state file)."""
    asked = into
    if into is None:
        into, copy = _remembered_dest(source, copy=copy, read_only=read_only)
    elif create_dest:
        _make_dest(source, into)
    session = Session(source, into, read_only=read_only, copy=copy, scan_cache=scan_cache)
    if asked is not None and not read_only:
        userstate.remember(session.source, session.dest, copy=session.copy_mode)
    if session.copy_mode:
        err.print(
            escape(
                f"copy mode ({session.copy_reason}): photos are copied into {session.dest}; "
                f"{session.source} is never changed"
            )
        )
    for line in session.recovery.actions:
        err.print(f"[yellow]recovered:[/] {escape(line)}")
    for line in session.recovery.warnings:
        err.print(f"[yellow]warning:[/] {escape(line)}")
    return session


def _make_dest(source: Path, into: Path) -> None:
    if into.exists() or not source.is_dir():
        return  # a missing SOURCE is the session's one-line error, with no folder made
    into.mkdir(parents=True)
    err.print(escape(f"created {into.resolve()}: the clusters go there"))


def _remembered_dest(source: Path, *, copy: bool, read_only: bool) -> tuple[Path | None, bool]:
    """The DEST a SOURCE given alone means: the one it was sorted into, when there is exactly
    one session for it; SOURCE itself when there is none. Several: say where they are."""
    found = userstate.remembered(source)
    if not found:
        return None, copy
    places = [str(d.dest) for d in found]
    if userstate.has_session(source):
        places.append(f"{os.path.realpath(source)} itself")
    if len(places) > 1:
        fail(
            f"{source} has sessions in {len(places)} folders: {', '.join(places)}; "
            f"choose one with --into DEST"
        )
    chosen = found[0]
    how = ", in copy mode as before" if chosen.copy and not (copy or read_only) else ""
    err.print(
        escape(f"using {chosen.dest}: {source} is sorted into it{how} (--into DEST to choose)")
    )
    return chosen.dest, copy or chosen.copy


def with_session(
    source: Path,
    into: Path | None,
    fn: Callable[[Session], T],
    *,
    read_only: bool = False,
    copy: bool = False,
    create_dest: bool = False,
) -> T:
    with clean_errors():
        session = open_session(
            source, into, read_only=read_only, copy=copy, create_dest=create_dest
        )
        try:
            return fn(session)
        finally:
            session.close()


@app.command(cls=_Command)
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
    copy: CopyOpt = False,
    no_browser: Annotated[
        bool,
        typer.Option(
            "--no-browser",
            help="Do not open the UI in a browser (never opened under CI, over SSH or "
            "without a display anyway).",
        ),
    ] = False,
) -> None:
    """Serve the reviewer UI and the HTTP API for SOURCE."""
    # First of all: the model loads in its own process on another core while this one imports
    # the web stack and opens the session (ml/remote.py; `photosort.launch` started it already).
    process = _model_process(model, device)
    try:
        if not 1 <= port <= 65535:
            fail(f"bad port {port}: use 1-65535")
        ctx = _serving_context(source, into, copy, host, port, model, device, process)
    except BaseException:
        if process is not None:
            process.discard()
        raise
    from photosort.api.app import create_app
    from photosort.api.security import Guard

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    guard = Guard.for_host(host)
    _announce(ctx, guard, port)
    app_ = create_app(ctx, guard=guard)
    config = uvicorn.Config(
        app_, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    browse = not no_browser and _browser_unwelcome(os.environ, sys.platform) is None
    server = _StoppableServer(
        config,
        on_stop=app_.state.streams.close_all,
        on_start=(lambda: _open_browser(_browser_url(guard, port))) if browse else None,
    )
    server.run()
    # uvicorn has put Python's own Ctrl-C handler back: one more press now would be a
    # KeyboardInterrupt traceback in the middle of saying goodbye.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not server.started:
        fail(f"cannot listen on {host}:{port}")
    _stopped()


def _announce(ctx: AppContext, guard: Guard, port: int) -> None:
    """What `serve` says as it starts: the queue, the embedder, where to open the UI."""
    embedder = ctx.suggestions.embedder_info()
    session = ctx.session
    out.print(escape(f"photosort: {session.stats()['queued']} photos queued in {session.source}"))
    if embedder["status"] == "loading":
        out.print("embedder: loading in the background; the UI badge says which one and why")
    else:
        out.print(
            escape(f"embedder: {embedder['kind']} ({embedder['status']}): {embedder['reason']}")
        )
    out.print(escape(_reach_line(guard, port)) + "  (Ctrl-C stops)", soft_wrap=True)


def _open_for_serving(source: Path, into: Path | None, *, copy: bool) -> Session:
    """The session `serve` runs; on a disk too full to open it for sorting, read-only (the
    photos can be looked at), saying how much room sorting needs."""
    try:
        session = open_session(source, into, copy=copy, scan_cache=True, create_dest=True)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        err.print(
            f"[yellow]warning:[/] {escape(exc.strerror or str(exc))}; serving read-only: "
            "free some space and start again to sort"
        )
        return open_session(source, into, read_only=True, copy=copy)
    short = room_short(session.dest / CLUSTERING_DIR)
    if short:
        err.print(
            f"[yellow]warning:[/] the disk holding {escape(str(session.dest))} is full: "
            f"photosort needs {room_text(short)} more free there (and room for the photos "
            "it files) before it can file anything; free some space"
        )
    return session


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


def _browser_unwelcome(env: Mapping[str, str], platform: str) -> str | None:
    """Why `serve` must not open a browser by itself here (None: it may): a CI run, a shell
    over SSH (the browser would open on the far machine, or fail), a Linux box with no display."""
    if env.get("CI"):
        return "CI"
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return "SSH"
    if platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return "no display"
    return None


def _browser_url(guard: Guard, port: int) -> str:
    """The address this computer's browser opens: loopback for a wildcard bind, which no
    browser can open as such; the token when off loopback (it sets the cookie)."""
    host = guard.bind_host
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    shown = f"[{host}]" if ":" in host else host
    token = f"?token={guard.token}" if guard.token else ""
    return f"http://{shown}:{port}/{token}"


def _open_browser(url: str) -> None:
    """In a thread: some browsers' launchers block until the browser exits."""

    def launch() -> None:
        try:
            webbrowser.open(url, new=2)
        except Exception as exc:  # a broken browser setting must not stop the server
            err.print(escape(f"could not open a browser ({exc}); open {url} by hand"))

    threading.Thread(target=launch, name="open-browser", daemon=True).start()


STOPPED = "stopped; the journal is safe"


def _stopped() -> NoReturn:
    """Say so and leave now. Everything that matters is already on disk (the journal is
    fsync'ed line by line, the session closed and checkpointed); what is left is an indexing
    thread finishing its batch and torch's teardown, which take seconds on a busy machine."""
    out.print(STOPPED)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class _StoppableServer(uvicorn.Server):
    """uvicorn, stopped the way a reviewer expects. On Ctrl-C the open event streams (browser
    tabs) end at once, so shutdown does not wait them out and then cancel them with a traceback;
    indexing stops between batches (lifespan shutdown). A second Ctrl-C exits on the spot: every
    journal line is fsync'ed before its file operation, and start-up recovery settles a move
    that was cut short."""

    def __init__(
        self,
        config: uvicorn.Config,
        on_stop: Callable[[], None],
        on_start: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(config)
        self._on_stop = on_stop
        self._on_start = on_start

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._on_start is not None:
            self._on_start()  # listening now: the page the browser opens answers

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit:
            _stopped()
        # Not recorded in uvicorn's captured signals: it would re-raise SIGINT after a clean
        # shutdown, and Python's default handler turns that into a KeyboardInterrupt.
        self.should_exit = True
        self._on_stop()


def _model_process(model: str, device: str) -> ModelProcess | None:
    """The model's own process for `serve`, loading already; None for `--model none` or
    with PHOTOSORT_MODEL_PROCESS=0 (the model then loads in this process)."""
    from photosort.ml import ModelProcess, model_process_wanted, take_early

    early = take_early(model, device)
    if model == "none" or not model_process_wanted():
        if early is not None:
            early.discard()  # started before the setting could be read
        return None
    if early is not None:
        return early
    try:
        return ModelProcess(model, device)
    except OSError as exc:  # no room for another process: load it here instead
        err.print(escape(f"warning: cannot start the model's process ({exc}); loading it here"))
        return None


def _serving_context(
    source: Path,
    into: Path | None,
    copy: bool,
    host: str,
    port: int,
    model: str,
    device: str,
    process: ModelProcess | None,
) -> AppContext:
    from photosort.api.context import AppContext

    with clean_errors():
        _check_port_free(host, port)
        session = _open_for_serving(source, into, copy=copy)
        return AppContext(session, _suggestion_engine(session, model, device, process))


def _suggestion_engine(
    session: Session, model: str, device: str, process: ModelProcess | None
) -> SuggestionService | None:
    """The suggestion engine for `serve` (None: the manual loop only, `--model none`)."""
    if model == "none":
        return None  # before the import: the manual loop never loads torch
    from photosort.suggest import SuggestionService

    return SuggestionService.start(session, model=model, device=device, process=process)


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        # Same option uvicorn sets: a port left in TIME_WAIT by the last run is free to use.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            free = _next_free_port(host, port)
            # `make run` says so (PHOTOSORT_LAUNCHER): its user changes the port with PORT=.
            how = (
                f"make run PORT={free}"
                if os.environ.get("PHOTOSORT_LAUNCHER") == "make run"
                else f"--port {free}"
            )
            hint = f"; port {free} is free: {how}" if free else ""
            raise PhotosortError(f"cannot listen on {host}:{port}: {exc.strerror}{hint}") from exc


def _next_free_port(host: str, port: int, tries: int = 50) -> int | None:
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


def _indexed_service(
    s: Session,
    model: str,
    device: str,
    progress: Callable[[int, int], None] | None = None,
) -> SuggestionService:
    """Load the embedder and embed everything missing, with a progress bar (or `progress`)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from photosort.suggest import SuggestionService

    service = SuggestionService.start(s, model=model, device=device, background=False)
    embedder = service.load_embedder()
    err.print(f"embedder: {embedder.kind} ({embedder.id}): {service.state.reason}")
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(service.embed_rate),
        "ETA",
        TimeRemainingColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("embedding", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            if progress:
                progress(done, total)

        service.index_pending(progress=advance)
    failed = service.progress()["failed"]
    if failed:
        err.print(f"[yellow]warning:[/] {failed} photo(s) could not be decoded; they stay queued")
    return service


RayOpt = Annotated[
    str | None,
    typer.Option(
        "--ray",
        metavar="auto|local|ADDRESS",
        help="Embed on a Ray cluster (needs photosort[ray]; every node must see SOURCE at the "
        "same path): auto joins the running cluster or starts one here, local always starts "
        "one here, ADDRESS is HOST:PORT or ray://HOST:PORT.",
        show_default=False,
    ),
]


@app.command(cls=_Command)
def index(
    source: SourceArg,
    into: IntoOpt = None,
    model: ModelOpt = "auto",
    device: DeviceOpt = "auto",
    ray: RayOpt = None,
    copy: CopyOpt = False,
) -> None:
    """Embed every photo (queued and filed) so suggestions are ready; cached for later runs."""
    if ray is not None:
        _index_on_ray(source, into, model, device, ray)
        return

    def run(s: Session) -> None:
        service = _indexed_service(s, model, device)
        try:
            p = service.progress()
            out.print(f"indexed {p['done']} of {p['total']} photos ({p['failed']} failed)")
        finally:
            service.close()

    with_session(source, into, run, copy=copy, create_dest=True)


def _index_on_ray(source: Path, into: Path | None, model: str, device: str, address: str) -> None:
    """`index --ray`: the embedding runs on a Ray cluster, the vectors land in this session's
    cache (see photosort.distributed.ray_index)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    address = address.strip()
    if not address:
        fail("--ray needs auto, local or a cluster address")
    with clean_errors():
        from photosort.distributed import ray_index

        # Before any model loads: a missing extra or a bad address is one line, at once.
        ray_index.import_ray()
        ray_index.check_address(address)
        from photosort.ml import load_embedder

    def run(s: Session) -> None:
        # The driver's own load pins which model (and so which cache key) this run means.
        choice = load_embedder(model, "cpu")
        embedder = choice.embedder
        err.print(escape(f"embedder: {embedder.kind} ({embedder.id}): {choice.reason}"))
        try:
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=False,
            ) as bar:
                task = bar.add_task("embedding on Ray", total=None)
                result = ray_index.index_on_ray(
                    s,
                    embedder,
                    model=model,
                    device=device,
                    address=address,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    on_plan=lambda p: bar.console.print(escape(f"ray: {p.describe()}")),
                )
        finally:
            ray_index.shutdown()
        failed = len(result.failed)
        if failed:
            err.print(
                f"[yellow]warning:[/] {failed} photo(s) could not be decoded; they stay queued"
            )
        done = result.done + failed
        out.print(f"indexed {done} of {result.total} photos ({failed} failed)")

    with_session(source, into, run, create_dest=True)


@app.command("auto-move", cls=_Command)
def auto_move(
    source: SourceArg,
    into: IntoOpt = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            min=-1.0, max=1.0, help="Minimum score in [-1, 1]; default: the recommended one."
        ),
    ] = None,
    min_samples: Annotated[int | None, typer.Option(help="Minimum cluster size.")] = None,
    min_margin: Annotated[float | None, typer.Option(help="Minimum top-1 minus top-2.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would move.")] = False,
    listed: Annotated[
        bool, typer.Option("--list", help="With --dry-run: list each photo and its cluster.")
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", help="Move even when no guaranteed rule covers the threshold (unproven)."
        ),
    ] = False,
    model: ModelOpt = "auto",
    device: DeviceOpt = "auto",
    copy: CopyOpt = False,
) -> None:
    """File every confident photo in one undoable batch (see --dry-run)."""
    rule = (threshold, min_samples, min_margin)

    def run(s: Session) -> None:
        service = _indexed_service(s, model, device)
        try:
            estimate = service.estimate(*rule)
            # no threshold given, saved or recommended: the run refuses and says why
            no_rule = threshold is None and s.settings.threshold is None
            no_rule = no_rule and estimate["recommended_threshold"] is None
            if dry_run and no_rule:
                _explain_no_rule(estimate)
                return
            if not (dry_run or no_rule) and estimate["count"] and not estimate["guaranteed"]:
                _confirm_unproven(estimate, yes)
            result = service.auto_move(*rule, dry_run=dry_run, reviewer="cli")
        finally:
            service.close()
        _report_auto_move(source, result, estimate, listed=listed)

    with_session(source, into, run, copy=copy, create_dest=True)


def _unproven(estimate: Estimate) -> str:
    return (
        f"no guaranteed rule covers threshold {estimate['threshold']:.3f} (margin "
        f"{estimate['min_margin']:.3f}): its precision is unproven; {estimate['message']}"
    )


def _explain_no_rule(estimate: Estimate) -> None:
    """A dry run with no threshold before there is evidence for one: say why, and how on."""
    out.print(escape(f"no threshold to try yet: {estimate['message']}"))
    out.print(
        "file more photos by hand (a grid adds many at once), or give --threshold to see "
        "what it would move (its precision unproven)"
    )


def _confirm_unproven(estimate: Estimate, yes: bool) -> None:
    """Moving by a rule whose precision the evidence does not guarantee takes a yes: asked
    on a terminal, `--yes` otherwise."""
    err.print(f"[yellow]warning:[/] {escape(_unproven(estimate))}")
    if yes:
        return
    if not sys.stdin.isatty():
        fail("nothing moved: pass --yes to move by an unproven rule", code=1)
    if not typer.confirm(f"Move {estimate['count']} photos anyway?", default=False):
        fail("nothing moved", code=1)


def _report_auto_move(
    source: Path, result: AutoMoveResult, estimate: Estimate, *, listed: bool
) -> None:
    dry_run = result["dry_run"]
    if listed:
        items = Table("photo", "cluster", "score", "margin")
        for moved in result["items"]:
            items.add_row(
                escape(moved["item"]),
                escape(moved["cluster"]),
                f"{moved['score']:.3f}",
                f"{moved['margin']:.3f}",
            )
        out.print(items)
    table = Table("cluster", "photos")
    for cluster, n in sorted(result["per_cluster"].items()):
        table.add_row(cluster, str(n))
    out.print(table)
    precision = result["estimated_precision"]
    est = f", estimated precision {precision:.0%}" if precision is not None else ""
    verb = "would move" if dry_run else "moved"
    out.print(f"{verb} {result['count']} photos at threshold {result['threshold']:.3f}{est}")
    if dry_run and not estimate["guaranteed"]:
        out.print(escape(_unproven(estimate)))
    for failed in result["failed"]:
        err.print(f"[red]failed:[/] {escape(failed['item'])}: {escape(failed['reason'])}")
    if result["batch"]:
        out.print(
            f"batch {result['batch']} (undo: photosort undo {source} --batch {result['batch']})"
        )


@app.command(cls=_Command)
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


@app.command("log", cls=_Command)
def log_cmd(
    source: SourceArg,
    into: IntoOpt = None,
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="Only the newest N lines (default: the whole journal)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line, as the journal holds it.")
    ] = False,
) -> None:
    """The journal, oldest first: every action, who took it, and what it moved where."""

    def show(s: Session) -> None:
        records = s.records_since()
        if limit is not None:
            records = records[-limit:]
        if not records:
            (err if as_json else out).print(
                "nothing in the journal yet: every action you take is listed here"
            )
            return
        if as_json:
            for rec in records:
                sys.stdout.write(orjson.dumps(rec).decode() + "\n")
            return
        rows = [_log_row(s, rec) for rec in records]
        if not out.is_terminal:  # piped: whole values, tab-separated, one record per line
            for row in rows:
                sys.stdout.write("\t".join(row) + "\n")
            return
        table = Table("seq", "time", "type", "by", "item", "where")
        for column in table.columns:
            column.overflow = "fold"  # a narrow terminal wraps a name, it never cuts it
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        out.print(table)

    with_session(source, into, show, read_only=True)


def _log_row(s: Session, rec: dict[str, Any]) -> list[str]:
    undone = " (undone)" if s.is_undone(rec["seq"]) else ""
    where = rec.get("dst") or rec.get("restore_to") or rec.get("cluster") or ""
    if rec["type"] == "undo":
        where = f"undoes {rec['undoes']}" + (f" -> {where}" if where else "")
    elif rec.get("batch") and not where:
        where = f"batch {rec['batch']}"
    return [
        str(rec["seq"]),
        rec["ts"],
        rec["type"] + undone,
        rec.get("by") or "",
        rec.get("item") or "",
        str(where),
    ]


@app.command(cls=_Command)
def undo(
    source: SourceArg,
    into: IntoOpt = None,
    batch: Annotated[str | None, typer.Option(help="Undo a whole auto-move batch.")] = None,
    seq: Annotated[int | None, typer.Option(help="Undo the journal line with this seq.")] = None,
    steps: Annotated[int, typer.Option(min=1, help="Undo the newest N actions.")] = 1,
    copy: CopyOpt = False,
) -> None:
    """Undo the newest action (or --seq N, --batch ID, --steps N); a batch counts as one."""

    def run(s: Session) -> None:
        rounds = 1 if (batch or seq) else steps
        for done in range(rounds):
            try:
                records = s.undo(seq, batch=batch, reviewer="cli")
            except NothingToUndo:
                if done == 0:
                    raise
                out.print(f"nothing older to undo: undid {done} of the {rounds} steps asked")
                return
            _report_undo(s, records)

    with_session(source, into, run, copy=copy)


def _report_undo(s: Session, records: list[dict[str, Any]]) -> None:
    targets = [s.record(rec["undoes"]) for rec in records]
    batches = {t["batch"] for t in targets if t.get("batch")}
    if batches:
        # One action however many frames it filed; its start line and made folders are not
        # moves, every photo that went back is.
        moves = sum(1 for rec in records if rec.get("restore_from") or rec.get("copy"))
        noun = "move" if moves == 1 else "moves"
        out.print(
            escape(
                f"undid 1 action ({moves} {noun}): batch {', '.join(sorted(batches))}, "
                f"the photos are back in the queue"
            )
        )
        _report_kept(records)
        return
    for rec, target in zip(records, targets, strict=True):
        back = f" -> {rec['restore_to']}" if rec.get("restore_to") else ""
        item = f" {target['item']}" if target.get("item") else ""
        out.print(escape(f"undid seq {target['seq']} ({target['type']}{item}){back}"))
    _report_kept(records)


def _report_kept(records: list[dict[str, Any]]) -> None:
    """Copy mode: a copy changed since it was made is never removed by undo; say which."""
    for rec in records:
        for copy in rec.get("kept") or ():
            out.print(escape(f"kept {copy}: it changed since it was copied (remove it by hand)"))


@app.command(cls=_Command)
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

    def run(s: Session) -> tuple[list[str], list[str]]:
        done = s.repair() if repair else []
        return done, s.verify()

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
