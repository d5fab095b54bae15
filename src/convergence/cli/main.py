"""The ``convergence`` command."""

from __future__ import annotations

import typer

from convergence.cli import assets, audit, db, members, serve, tokens, users
from convergence.cli.alerts import app as alerts_app
from convergence.cli.archive import app as archive_app
from convergence.cli.backup import backup as backup_command
from convergence.cli.backup import restore as restore_command
from convergence.cli.broker import app as broker_app
from convergence.cli.charging import app as charging_app
from convergence.cli.coordination import app as coordination_app
from convergence.cli.deadletters import app as deadletters_app
from convergence.cli.decode import decode as decode_command
from convergence.cli.demo import demo as demo_command
from convergence.cli.ingest import app as ingest_app
from convergence.cli.maintenance import app as maintenance_app
from convergence.cli.opendata import app as opendata_app
from convergence.cli.report import report as report_command
from convergence.cli.video import app as video_app

app = typer.Typer(
    name="convergence",
    help="Convergence — plateforme territoriale de données (territorial data platform).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("demo")(demo_command)
app.command("serve")(serve.serve)
app.command("decode")(decode_command)
app.add_typer(db.app, name="db")
app.add_typer(members.app, name="members")
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")
app.add_typer(assets.app, name="assets")
app.add_typer(audit.app, name="audit")
app.add_typer(ingest_app, name="ingest")
app.add_typer(broker_app, name="broker")
app.add_typer(deadletters_app, name="deadletters")
app.add_typer(coordination_app, name="coordination")
app.add_typer(alerts_app, name="alerts")
app.add_typer(charging_app, name="charging")
app.add_typer(maintenance_app, name="maintenance")
app.add_typer(opendata_app, name="opendata")
app.add_typer(archive_app, name="archive")
app.add_typer(video_app, name="video")
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("report")(report_command)


def run() -> None:
    """Entry point of the console script."""
    app()
