"""``convergence alerts``: run the scheduled evaluation, list alerts, print or send the digest."""

from __future__ import annotations

import time
from datetime import date, datetime

import typer
from rich.table import Table
from sqlalchemy import Engine

from convergence import french_format as fr
from convergence.alerts.config import AlertsConfig, config_from_settings
from convergence.alerts.delivery import SendReport, send_pending
from convergence.alerts.digest import build_digest, digest_text, queue_digest
from convergence.alerts.kinds import DeliveryStatus
from convergence.alerts.queries import list_alerts, list_deliveries
from convergence.alerts.schedule import evaluate_schedule
from convergence.cli.context import console, fail, handle_errors, open_engine
from convergence.db.types import utcnow
from convergence.members.queries import find_member
from convergence.members.scope import command_line_scope
from convergence.paris_time import PARIS
from convergence.settings import get_settings

app = typer.Typer(help="Alertes : évaluation, liste, synthèse quotidienne.", no_args_is_help=True)


def run_once(engine: Engine, config: AlertsConfig, now: datetime) -> str:
    """One scheduled run: silence and indicator rules, then every due delivery."""
    with engine.begin() as conn:
        outcome = evaluate_schedule(conn, now=now)
    report: SendReport = send_pending(engine, config=config, now=now)
    return (
        f"{fr.when(now)} : {len(outcome.fired)} alerte(s) déclenchée(s), "
        f"{len(outcome.resolved)} levée(s) ; {len(report.sent)} envoi(s) réussi(s), "
        f"{len(report.retrying)} à réessayer, {len(report.failed)} en échec"
    )


@app.command("evaluate")
@handle_errors
def evaluate(
    loop: bool = typer.Option(False, "--loop", help="Run again every period until interrupted"),
    period: int | None = typer.Option(None, min=1, help="Seconds between runs (loop mode)"),
) -> None:
    """Evaluate silence and indicator rules and send due notifications (one run, or a loop)."""
    config = config_from_settings(get_settings())
    seconds = period or config.alert_evaluation_period_s
    with open_engine() as engine:
        while True:
            started = time.monotonic()
            console.print(run_once(engine, config, utcnow()), highlight=False)
            if not loop:
                return
            try:
                time.sleep(max(0.0, seconds - (time.monotonic() - started)))
            except KeyboardInterrupt:
                return


@app.command("list")
@handle_errors
def list_(
    member: str | None = typer.Option(None, help="Member id, SIREN, INSEE code or name"),
    open_only: bool = typer.Option(False, "--open", help="Only firing or acknowledged alerts"),
    limit: int = typer.Option(50, min=1, max=1000),
) -> None:
    """List alerts, newest first."""
    with open_engine() as engine, engine.connect() as conn:
        found = list_alerts(conn, scope=command_line_scope(), open_only=open_only, limit=limit)
        if member is not None:
            member_id = find_member(conn, ref=member).id
            found = [a for a in found if a.member_id == member_id]
    table = Table("n°", "état", "gravité", "déclenchée", "règle", "équipement", "constat")
    for alert in found:
        table.add_row(
            str(alert.id), alert.status.value, alert.severity.value, fr.when(alert.opened_at),
            alert.rule_name, alert.asset_name, alert.message,
        )  # fmt: skip
    console.print(table)


@app.command("deliveries")
@handle_errors
def deliveries(
    failed: bool = typer.Option(False, "--failed", help="Only deliveries that gave up"),
) -> None:
    """List notifications sent or to send, with their last error (retry them from the API)."""
    status = DeliveryStatus.failed if failed else None
    with open_engine() as engine, engine.connect() as conn:
        found = list_deliveries(conn, scope=command_line_scope(), status=status)
    table = Table("n°", "état", "canal", "destinataire", "essais", "dernière erreur")
    for item in found:
        table.add_row(
            str(item.id), item.status.value, item.channel.value, item.recipient,
            str(item.attempts), item.last_error or "",
        )  # fmt: skip
    console.print(table)


def _day(text: str | None) -> date:
    if text is None:
        return utcnow().astimezone(PARIS).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"jour {text!r} invalide : attendu AAAA-MM-JJ, par exemple 2026-11-28") from None


@app.command("digest")
@handle_errors
def digest(
    member: str = typer.Option(..., help="Member id, SIREN, INSEE code or name"),
    day: str | None = typer.Option(None, help="Local day YYYY-MM-DD (default: today, Paris)"),
    send: bool = typer.Option(False, "--send", help="E-mail it to the elected officials"),
) -> None:
    """Print the daily digest of a member's alerts, per commune; with --send, e-mail it."""
    wanted = _day(day)
    with open_engine() as engine:
        with engine.begin() as conn:
            target = find_member(conn, ref=member)
            built = build_digest(conn, scope=command_line_scope(), member_id=target.id, day=wanted)
            queued = queue_digest(conn, digest=built, now=utcnow()) if send else []
        typer.echo(digest_text(built))
        if send:
            config = config_from_settings(get_settings())
            report = send_pending(engine, config=config, only=queued)
            console.print(
                f"Synthèse envoyée à {len(report.sent)} destinataire(s) sur {len(queued)}."
            )
