"""``convergence coordination``: generate and list partnership proposals."""

from __future__ import annotations

import typer
from rich.table import Table

from convergence.cli.context import CLI_ACTOR, console, handle_errors, open_engine
from convergence.coordination import queries, service
from convergence.coordination.schemas import (
    ProposalFilters,
    ProposalKind,
    ProposalStatus,
    rules_from_settings,
)
from convergence.members.scope import command_line_scope
from convergence.settings import get_settings

app = typer.Typer(
    help="Coordination : propositions de partenariat entre adhérents.", no_args_is_help=True
)


@app.command("generate")
@handle_errors
def generate() -> None:
    """Run the partnership rules over every member; existing proposals keep their status."""
    rules = rules_from_settings(get_settings())
    with open_engine() as engine, engine.begin() as conn:
        report = service.generate_proposals(conn, scope=command_line_scope(CLI_ACTOR), rules=rules)
    console.print(
        f"Propositions : {len(report.created)} nouvelle(s), {len(report.updated)} mise(s) à "
        f"jour, {len(report.unchanged)} inchangée(s), {len(report.stale)} devenue(s) sans objet.",
        highlight=False,
    )


@app.command("list")
@handle_errors
def list_(
    kind: ProposalKind | None = typer.Option(None, help="joint_purchase, shared_network, …"),
    domain: str | None = typer.Option(None, help="a domain: a service line's name, network…"),
    status: ProposalStatus | None = typer.Option(None, help="proposed, sent, accepted, declined"),
    stale: bool = typer.Option(False, "--stale", help="Include proposals no longer supported"),
    limit: int = typer.Option(100, min=1, max=1000),
) -> None:
    """List proposals, the weightiest first, with why each one is made."""
    filters = ProposalFilters(
        kind=kind, domain=domain, status=status, include_stale=stale, limit=limit
    )
    with open_engine() as engine, engine.connect() as conn:
        page = queries.list_proposals(conn, scope=command_line_scope(CLI_ACTOR), filters=filters)
    table = Table("id", "type", "domaine", "statut", "adhérents", "pourquoi", show_lines=True)
    for proposal in page.items:
        table.add_row(
            str(proposal.id),
            proposal.kind.value,
            proposal.domain,
            proposal.status.value,
            ", ".join(m.name for m in proposal.members),
            proposal.explanation,
        )
    console.print(table)
    console.print(f"{len(page.items)} proposition(s) sur {page.total}.", highlight=False)
