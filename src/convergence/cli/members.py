"""``convergence members``: create and list members."""

from __future__ import annotations

import typer
from rich.table import Table

from convergence.alerts.defaults import install_default_rules
from convergence.cli.context import CLI_ACTOR, console, handle_errors, open_engine
from convergence.members import service
from convergence.members.roles import MemberKind, ShareLevel
from convergence.members.schemas import MemberCreate
from convergence.members.scope import command_line_scope
from convergence.members.tables import members

app = typer.Typer(help="Adhérents : communes, EPCI, départements, opérateur.", no_args_is_help=True)


@app.command("create")
@handle_errors
def create(
    siren: str = typer.Option(..., help="SIREN (9 digits)"),
    name: str = typer.Option(..., help="Name, e.g. « Versailles »"),
    kind: MemberKind = typer.Option(..., help="commune, epci, departement or operator"),
    insee: str = typer.Option(None, help="INSEE code, for a commune"),
    share: ShareLevel = typer.Option(ShareLevel.aggregates, help="What the EPCI/département see"),
) -> None:
    """Create a member; the communes it covers come from the territory reference."""
    data = MemberCreate(siren=siren, name=name, kind=kind, insee=insee, share_level=share)
    with open_engine() as engine, engine.begin() as conn:
        member = service.create_member(conn, data=data, actor=CLI_ACTOR)
        install_default_rules(conn, scope=command_line_scope(CLI_ACTOR), member_id=member.id)
    console.print(f"Adhérent créé : #{member.id} {member.name} ({len(member.communes)} communes)")


@app.command("list")
@handle_errors
def list_() -> None:
    """List every member (operator view)."""
    table = Table("id", "SIREN", "nom", "type", "INSEE", "partage")
    with open_engine() as engine, engine.connect() as conn:
        for row in conn.execute(members.select().order_by(members.c.id)):
            table.add_row(
                str(row.id), row.siren, row.name, row.kind, row.insee or "", row.share_level
            )
    console.print(table)
