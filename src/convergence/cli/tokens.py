"""``convergence tokens``: issue, list and revoke API tokens."""

from __future__ import annotations

import typer
from rich.table import Table

from convergence.cli.context import CLI_ACTOR, console, handle_errors, open_engine
from convergence.members import tokens
from convergence.members.queries import find_member
from convergence.members.roles import TokenScope
from convergence.members.schemas import TokenCreate
from convergence.members.scope import command_line_scope
from convergence.members.tokens import list_tokens

app = typer.Typer(help="Jetons d'API (affichés une seule fois).", no_args_is_help=True)


@app.command("create")
@handle_errors
def create(
    member: str = typer.Option(..., help="Member id, SIREN, INSEE code or name"),
    name: str = typer.Option(..., help="What the token is for"),
    scope: list[TokenScope] = typer.Option(..., help="ingest, read or admin (repeatable)"),
    integration: int = typer.Option(None, help="Bind the token to one integration"),
) -> None:
    """Issue a token; its secret is printed once and never stored."""
    data = TokenCreate(name=name, scopes=scope, integration_id=integration)
    with open_engine() as engine, engine.begin() as conn:
        target = find_member(conn, ref=member)
        created = tokens.create_token(conn, member_id=target.id, data=data, actor=CLI_ACTOR)
    console.print(
        f"Jeton #{created.id} pour {target.name} — copiez-le maintenant, il ne sera plus affiché :"
    )
    console.print(created.secret, highlight=False, soft_wrap=True)


@app.command("list")
@handle_errors
def list_() -> None:
    """List tokens (never their secrets)."""
    table = Table("id", "adhérent", "nom", "préfixe", "portées", "créé", "dernier usage", "révoqué")
    with open_engine() as engine, engine.connect() as conn:
        for row in list_tokens(conn, scope=command_line_scope()):
            table.add_row(
                str(row.id),
                str(row.member_id),
                row.name,
                row.prefix + "…",
                ",".join(row.scopes),
                f"{row.created_at:%Y-%m-%d %H:%M}",
                f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "—",
                f"{row.revoked_at:%Y-%m-%d}" if row.revoked_at else "",
            )
    console.print(table)


@app.command("revoke")
@handle_errors
def revoke(token_id: int = typer.Argument(..., help="Token id (see `tokens list`)")) -> None:
    """Revoke a token at once."""
    with open_engine() as engine, engine.begin() as conn:
        tokens.revoke_token(conn, scope=command_line_scope(), token_id=token_id)
    console.print(f"Jeton #{token_id} révoqué.")
