"""``convergence demo``: a live demo territory in its own directory, in one command."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import FrameType

import typer
import uvicorn
from rich import box
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from convergence import french_format as fr
from convergence.cli.context import console, fail, handle_errors
from convergence.collector import tune_collector
from convergence.demo.build import DEFAULT_DAYS, Demo, DemoOptions, build_demo
from convergence.demo.feeds import FeedOptions, LiveFeeds
from convergence.runtime import Runtime
from convergence.settings import get_settings
from convergence.web.app import create_app

WIDE_CONSOLE = 110  # columns needed for the four columns of the logins table
ROLE_LABELS = {
    "operator_admin": "admin. opérateur",
    "member_admin": "admin. commune",
    "technician": "technicien",
    "elected": "élu",
    "viewer": "lecteur",
    "contractor": "prestataire",
}


class RichSink:
    """The demo's phases as rich progress bars, one per phase."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def phase(self, label: str, total: int) -> None:
        self._finish()
        self.task = self.progress.add_task(label, total=max(total, 1))

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def _finish(self) -> None:
        if self.task is not None:
            total = self.progress.tasks[self.task].total
            self.progress.update(self.task, completed=total)

    def close(self) -> None:
        self._finish()


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError:
            raise fail(
                f"le port {port} est déjà utilisé / port {port} is in use: try --port"
            ) from None


def _build(options: DemoOptions) -> Demo:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, refresh_per_second=4) as progress:
        sink = RichSink(progress)
        demo = build_demo(options, base=get_settings(), sink=sink)
        sink.close()
    return demo


def _print_summary(demo: Demo, url: str) -> None:
    phases = " ; ".join(
        f"{name} {seconds:.1f} s" for name, seconds in demo.stopwatch.phases.items()
    )
    history = demo.history
    console.print(
        f"Démo prête en [bold]{demo.stopwatch.total:.0f} s[/] ({phases}) : "
        f"{len(demo.fleet.asset_ids)} équipements, {fr.thousands(history.inserted)} mesures "
        f"enregistrées, {history.alerts_fired + demo.scheduled_alerts} alertes déclenchées, "
        f"{demo.proposals} propositions de partenariat.",
        highlight=False,
    )
    console.print(_logins_table(demo), soft_wrap=True)
    console.print(
        f"Convergence (démo) sur [bold]{url}/[/] — API : {url}/docs — données : "
        f"{demo.settings.data_dir} — Ctrl+C pour arrêter.",
        highlight=False,
    )


def _logins_table(demo: Demo) -> Table:
    """Role, e-mail, password and member of each demo account (the password in the title
    instead of a column when the console is too narrow for four columns)."""
    password = demo.logins[0].password
    wide = console.width >= WIDE_CONSOLE
    title = "Comptes de démonstration" + ("" if wide else f" — mot de passe : {password}")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("rôle", no_wrap=True)
    table.add_column("e-mail", no_wrap=True)
    if wide:
        table.add_column("mot de passe", no_wrap=True)
    table.add_column("adhérent", overflow="fold")
    for login in demo.logins:
        cells = [ROLE_LABELS[login.role.value], login.email, login.password, login.member_name]
        table.add_row(*(cells if wide else cells[:2] + cells[3:]))
    return table


def demo_runtime(demo: Demo) -> Runtime:
    """The demo process's runtime, on the demo's settings and database."""
    return Runtime.build(demo.settings, engine=demo.engine)


class DemoServer(uvicorn.Server):
    """The server; on Ctrl+C the live feeds stop first, so that no connection holds it up."""

    def __init__(self, config: uvicorn.Config, feeds: LiveFeeds) -> None:
        super().__init__(config)
        self.feeds = feeds

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.feeds.request_stop()
        super().handle_exit(sig, frame)


def _start_feeds_when_up(server: uvicorn.Server, feeds: LiveFeeds) -> threading.Thread:
    def wait_then_start() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.1)
        if server.started:
            feeds.start()
            for line in feeds.started:
                console.print(f"  · {line}", highlight=False)

    thread = threading.Thread(target=wait_then_start, name="demo-feeds", daemon=True)
    thread.start()
    return thread


@handle_errors
def demo(
    data_dir: Path = typer.Option(Path("convergence-demo"), help="Directory of the demo"),
    port: int = typer.Option(8000, help="Port of the web server"),
    days: int = typer.Option(
        DEFAULT_DAYS, min=1, max=400, help="Days of history (a re-run fills the gap only)"
    ),
    reset: bool = typer.Option(False, "--reset", help="Delete the demo directory first"),
    no_live: bool = typer.Option(False, "--no-live", help="No live data, no chargers"),
) -> None:
    """Build (or reuse) a demo territory with 60 days of data, then serve it, live."""
    host = get_settings().host
    _check_port_free(host, port)
    demo_ = _build(DemoOptions(directory=data_dir, days=days, reset=reset))
    url = f"http://{host}:{port}"
    demo_.settings = demo_.settings.model_copy(update={"host": host, "port": port})
    _print_summary(demo_, url)
    runtime = demo_runtime(demo_)
    options = FeedOptions(base_url=url, mqtt=not no_live, ocpp=not no_live)
    feeds = LiveFeeds(demo_, options, runtime)
    config = uvicorn.Config(
        create_app(runtime=runtime),
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=3,
    )
    server = DemoServer(config, feeds)
    if demo_.settings.tune_collector:
        tune_collector()
    runtime.start_background()
    if not no_live:
        _start_feeds_when_up(server, feeds)
    try:
        server.run()
    finally:
        feeds.stop()
        runtime.close()
        demo_.engine.dispose()
