"""``convergence users``: create users and set passwords."""

from __future__ import annotations

import typer

from convergence.cli.context import CLI_ACTOR, console, handle_errors, open_engine
from convergence.members import service
from convergence.members.queries import find_member
from convergence.members.roles import Role
from convergence.members.schemas import UserCreate

app = typer.Typer(help="Utilisateurs et mots de passe.", no_args_is_help=True)


@app.command("create")
@handle_errors
def create(
    member: str = typer.Option(..., help="Member id, SIREN, INSEE code or name"),
    email: str = typer.Option(...),
    role: Role = typer.Option(...),
    full_name: str = typer.Option("", help="Prénom Nom"),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="12 characters at least"
    ),
) -> None:
    """Create a user of a member."""
    data = UserCreate(email=email, role=role, full_name=full_name, password=password)
    with open_engine() as engine, engine.begin() as conn:
        target = find_member(conn, ref=member)
        user = service.create_user(conn, member_id=target.id, data=data, actor=CLI_ACTOR)
    console.print(f"Utilisateur créé : #{user.id} {user.email} ({user.role}) — {target.name}")


@app.command("set-password")
@handle_errors
def set_password(
    email: str = typer.Option(...),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Replace a user's password."""
    with open_engine() as engine, engine.begin() as conn:
        service.set_password(conn, email=email, password=password, actor=CLI_ACTOR)
    console.print(f"Mot de passe de {email} modifié.")


@app.command("disable")
@handle_errors
def disable(email: str = typer.Option(...)) -> None:
    """Disable a user: their sessions end; the tokens they created are listed, to review."""
    with open_engine() as engine, engine.begin() as conn:
        live = service.disable_user(conn, email=email, actor=CLI_ACTOR)
    console.print(f"Utilisateur {email} désactivé ; ses sessions sont fermées.")
    if live:
        console.print(
            "Jetons encore valides qu'il avait créés (révoquez-les s'il le faut) : "
            + ", ".join(live)
        )
