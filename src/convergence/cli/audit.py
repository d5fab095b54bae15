"""``convergence audit``: check the hash chain of the audit log."""

from __future__ import annotations

import typer

from convergence.cli.context import console, fail, handle_errors, open_engine
from convergence.members.audit import verify_chain

app = typer.Typer(help="Journal d'audit.", no_args_is_help=True)


@app.command("verify")
@handle_errors
def verify() -> None:
    """Recompute the hash chain; exit 2 at the first entry that was modified or removed."""
    with open_engine() as engine, engine.connect() as conn:
        checked, broken = verify_chain(conn)
    if broken is not None:
        raise fail(
            f"journal d'audit altéré à l'entrée #{broken.entry_id} : {broken.reason} "
            f"({checked} entrées intègres avant elle)"
        )
    console.print(f"Journal d'audit intègre : {checked} entrées vérifiées.")
