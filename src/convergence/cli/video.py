"""``convergence video``: camera health cycles, retention purges, register checks."""

from __future__ import annotations

import asyncio
import time
from contextlib import closing
from pathlib import Path

import typer

from convergence.cli.context import console, fail, handle_errors, open_engine
from convergence.db.types import utcnow
from convergence.members.scope import command_line_scope
from convergence.settings import get_settings
from convergence.video import natinf, queries, register, retention, service
from convergence.video.credentials import Sealer
from convergence.video.health import run_cycle

app = typer.Typer(help="Vidéoprotection.", no_args_is_help=True)


@app.command("health")
@handle_errors
def health(
    every: int = typer.Option(0, help="seconds between cycles; 0 runs one cycle and exits"),
    concurrency: int = typer.Option(200, min=1, help="cameras asked at the same time"),
    timeout: float = typer.Option(5.0, min=0.1, help="seconds before a camera counts as silent"),
) -> None:
    """Check every camera (ONVIF clock and identity, RTSP DESCRIBE); alerts follow the results."""
    sealer = Sealer(get_settings().resolved_video_credentials_key)
    with open_engine() as engine:
        while True:
            started = time.monotonic()
            results = asyncio.run(
                run_cycle(engine, concurrency=concurrency, timeout_s=timeout, sealer=sealer)
            )
            down = sum(not r.up for r in results)
            elapsed = time.monotonic() - started
            console.print(f"{len(results)} caméras vérifiées en {elapsed:.1f} s, {down} en défaut.")
            if every <= 0:
                return
            time.sleep(max(0.0, every - elapsed))


@app.command("purge")
@handle_errors
def purge() -> None:
    """Purge footage past each system's authorised retention, through its recorder."""
    scope = command_line_scope()
    sealer = Sealer(get_settings().resolved_video_credentials_key)
    with open_engine() as engine, engine.begin() as conn:
        for system in queries.list_systems(conn, scope=scope):
            if system.recorder is None:
                console.print(f"{system.name} : aucun enregistreur déclaré, rien à purger.")
                continue
            connector = service.recorder_connector(
                conn, scope=scope, system_id=system.id, sealer=sealer
            )
            with closing(connector):
                report = retention.enforce(conn, system=system, connector=connector)
            console.print(
                f"{system.name} : {report.purged} enregistrement(s) détruit(s), "
                f"{report.kept_on_hold} sous gel judiciaire, {report.failed} échec(s)."
            )
        expired = register.expire(conn)
        console.print(f"Registre : {expired} inscription(s) de plus de trois ans supprimée(s).")


@app.command("verify-register")
@handle_errors
def verify_register(member_id: int = typer.Argument(..., help="the member whose register")) -> None:
    """Recompute a member's access-register chain; exit 2 at the first altered line."""
    with open_engine() as engine, engine.connect() as conn:
        check = register.verify(conn, member_id=member_id)
    if not check.intact:
        raise fail(
            f"registre altéré à la ligne #{check.broken_entry_id} : {check.reason} "
            f"({check.checked} lignes intègres avant elle)"
        )
    console.print(f"Registre intègre : {check.checked} lignes vérifiées.")


@app.command("natinf-load")
@handle_errors
def natinf_load(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="the operator's CSV"),
) -> None:
    """Replace the NatInf codes of vidéoverbalisation by a CSV (natinf;libelle;categorie;
    vehicule_a_l_arret), each code under one R130-11 category; checked line by line."""
    text = path.read_text(encoding="utf-8")
    with open_engine() as engine, engine.begin() as conn:
        count = natinf.load(conn, scope=command_line_scope(), text=text, now=utcnow())
    console.print(f"{count} code(s) NatInf chargé(s) pour la vidéoverbalisation (R130-11).")
