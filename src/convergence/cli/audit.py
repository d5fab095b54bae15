"""``convergence audit``: check the audit log's keyed chain and its anchored head."""

from __future__ import annotations

import typer

from convergence.cli.context import console, fail, handle_errors, open_engine
from convergence.members import audit_checkpoint
from convergence.members.audit import verify_chain
from convergence.settings import get_settings

app = typer.Typer(help="Journal d'audit.", no_args_is_help=True)


@app.command("verify")
@handle_errors
def verify() -> None:
    """Check the keyed chain and the signed checkpoint, then move the checkpoint to the head.

    Exits 2 at the first entry modified or removed, when the chain was cut short or rewritten
    since the last checkpoint (``<data dir>/audit-checkpoint.json``), or when that file's
    signature is wrong.
    """
    settings = get_settings()
    key = settings.resolved_audit_key
    path = audit_checkpoint.checkpoint_path(settings.data_dir)
    anchor = audit_checkpoint.read(path, key=key)
    with open_engine() as engine, engine.connect() as conn:
        checked, broken = verify_chain(conn)
        if broken is None and anchor is not None:
            broken = audit_checkpoint.check(conn, anchor)
        head = audit_checkpoint.take(conn, key=key) if broken is None else None
    if broken is not None:
        raise fail(
            f"journal d'audit altéré à l'entrée #{broken.entry_id} : {broken.reason} "
            f"({checked} entrées intègres avant elle)"
        )
    if head is not None:
        audit_checkpoint.write(path, head)
    anchored = "" if anchor is None else f", ancrage #{anchor.head_id} retrouvé"
    console.print(f"Journal d'audit intègre : {checked} entrées vérifiées{anchored}.")
