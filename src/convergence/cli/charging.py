"""``convergence charging``: charge point passwords, IRVE files, charging alert rules."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from convergence.alerts.defaults import install_line_rules
from convergence.charging import service
from convergence.charging.alerting import Sink
from convergence.charging.config import config_from_settings
from convergence.charging.irve import exports as irve
from convergence.charging.irve.sources import live_statuses, registry_stations
from convergence.charging.recording import sweep_offline
from convergence.cli.context import (
    CLI_ACTOR,
    console,
    fail,
    handle_errors,
    open_engine,
    open_runtime,
)
from convergence.db.types import utcnow
from convergence.members.queries import find_member
from convergence.members.roles import Role
from convergence.members.scope import MemberScope, command_line_scope
from convergence.settings import get_settings
from convergence.timeseries.committed import notify

app = typer.Typer(
    help="Supervision des bornes de recharge (OCPP) et fichiers IRVE.", no_args_is_help=True
)


class IrveFile(StrEnum):
    static = "static"
    dynamic = "dynamic"


@app.command("set-password")
@handle_errors
def set_password(
    ocpp_id: str = typer.Option(..., "--ocpp-id", help="The charge point's OCPP identity"),
    password: str = typer.Option(
        None, help="16 to 40 characters; omitted: a random key is generated and printed once"
    ),
) -> None:
    """Set a charge point's HTTP Basic password (OCPP AuthorizationKey)."""
    scope = command_line_scope(CLI_ACTOR)
    with open_engine() as engine, engine.begin() as conn:
        asset_id = service.asset_id_of(conn, scope=scope, ocpp_id=ocpp_id)
        result = service.set_password(conn, scope=scope, asset_id=asset_id, password=password)
    console.print(f"Mot de passe de la borne {ocpp_id} (équipement #{asset_id}) enregistré.")
    if result.password is not None:
        console.print("Configurez-le dans la borne maintenant, il ne sera plus affiché :")
        console.print(result.password, highlight=False, soft_wrap=True)


@app.command("irve")
@handle_errors
def irve_file(
    kind: IrveFile = typer.Option(IrveFile.static, "--kind", help="static or dynamic"),
    output: Path = typer.Option(..., "-o", "--output", help="CSV file to write"),
    member: str = typer.Option(None, help="Only this member (id, SIREN, INSEE or name)"),
) -> None:
    """Write the IRVE static or dynamic file, only if it validates against its schema."""
    scope = command_line_scope(CLI_ACTOR)
    with open_engine() as engine, engine.connect() as conn:
        if member is not None:
            chosen = find_member(conn, ref=member)
            # The member's own view: its rows only, as its administrator would export them.
            scope = MemberScope(member_id=chosen.id, actor=CLI_ACTOR, role=Role.member_admin)
        if kind is IrveFile.static:
            result = irve.export_static(registry_stations(conn, scope=scope))
        else:
            result = irve.export_dynamic(live_statuses(conn, scope=scope, now=utcnow()))
    if isinstance(result, irve.IrveRefusal):
        raise fail(result.to_error().message)
    output.write_bytes(result.content)
    console.print(
        f"Fichier IRVE {kind} valide : {result.row_count} ligne(s) écrites dans {output}."
    )


@app.command("alert-rules")
@handle_errors
def alert_rules(
    member: str = typer.Option(..., help="Member id, SIREN, INSEE code or name"),
) -> None:
    """Create the charging alert rules (fault, offline, repeated failures) a member lacks."""
    with open_engine() as engine, engine.begin() as conn:
        target = find_member(conn, ref=member)
        created = install_line_rules(
            conn, scope=command_line_scope(CLI_ACTOR), member_id=target.id, line="charging"
        )
    names = ", ".join(rule.name for rule in created) or "aucune (déjà présentes)"
    console.print(f"Règles créées pour {target.name} : {names}.")


@app.command("sweep")
@handle_errors
def sweep() -> None:
    """Report as offline the charge points silent for too long (when no OCPP server runs)."""
    config = config_from_settings(get_settings())
    with open_runtime() as runtime:
        with runtime.engine.begin() as conn:
            sink = Sink()
            silent = sweep_offline(conn, sink, config=config, now=utcnow())
            committed = sink.flush(conn)
        notify(runtime.reactors, committed)  # the offline alerts, as the OCPP server fires them
        runtime.alert_worker.run_once(scheduled=False)
    console.print(f"{len(silent)} borne(s) passée(s) hors ligne.")
