"""``convergence deadletters``: list and replay messages that could not be taken in."""

from __future__ import annotations

import typer
from rich.table import Table

from convergence.cli.context import console, handle_errors, open_engine, open_runtime
from convergence.ingest import replay as replaying
from convergence.ingest.envelope import Source, Status
from convergence.ingest.queries import list_dead_letters, pending_with_reason
from convergence.ingest.schemas import DeadLetterFilters
from convergence.members.queries import find_member
from convergence.members.scope import command_line_scope

app = typer.Typer(help="Messages refusés : liste et rejeu.", no_args_is_help=True)


@app.command("list")
@handle_errors
def list_(
    status: Status = typer.Option(Status.pending, help="pending, replayed or discarded"),
    reason: str = typer.Option(None, help="Reason code, e.g. unknown_device"),
    source: Source = typer.Option(None, help="http, chirpstack, tts or mqtt"),
    member: str = typer.Option(None, help="Member id, SIREN, INSEE code or name"),
    limit: int = typer.Option(50, min=1, max=1000),
) -> None:
    """List dead letters, newest first."""
    with open_engine() as engine, engine.connect() as conn:
        member_id = find_member(conn, ref=member).id if member else None
        filters = DeadLetterFilters(
            status=status, reason_code=reason, source=source, member_id=member_id, limit=limit
        )
        page = list_dead_letters(conn, scope=command_line_scope(), filters=filters)
    table = Table("id", "reçu", "source", "adhérent", "équipement", "étape", "raison", "fois")
    for letter in page.items:
        table.add_row(
            str(letter.id),
            f"{letter.received_at:%Y-%m-%d %H:%M:%S}",
            letter.source,
            str(letter.member_id or "—"),
            letter.device_ref or "—",
            letter.stage,
            letter.reason[:80],
            str(letter.times_received),
        )
    console.print(table)
    console.print(f"{len(page.items)} sur {page.total}.")


@app.command("replay")
@handle_errors
def replay(
    ids: list[int] = typer.Argument(None, help="Dead letter ids (see `deadletters list`)"),
    reason: str = typer.Option(None, help="Replay every pending dead letter with this reason"),
) -> None:
    """Run dead letters through the pipeline again, once their cause is fixed."""
    with open_runtime() as runtime:
        with runtime.engine.connect() as conn:
            chosen = list(ids or [])
            if reason:
                scope = command_line_scope()
                chosen += pending_with_reason(conn, scope=scope, reason_code=reason)
        # Decoded first, with no transaction open: only the store takes the write lock.
        prepared = replaying.prepare_replay(runtime.engine, runtime.pipeline, chosen)
        with runtime.begin() as conn:
            report = replaying.store_replay(conn, pipeline=runtime.pipeline, prepared=prepared)
        runtime.alert_worker.run_once(scheduled=False)  # what the replay fired, sent now
    console.print(
        f"{len(report.replayed)} rejoué(s), {len(report.still_refused)} encore refusé(s) ; "
        f"{report.stored} mesure(s) enregistrée(s), {report.duplicates} déjà présente(s)."
    )
