"""``convergence archive``: retention of raw readings, their Parquet archive, and restoring it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from convergence.cli.context import console, fail, handle_errors, open_engine
from convergence.errors import ConvergenceError
from convergence.members.queries import find_member
from convergence.settings import get_settings
from convergence.timeseries import archive, retention
from convergence.timeseries.partitions import Month

app = typer.Typer(
    help="Archives Parquet des mesures brutes : rétention, liste, restauration.",
    no_args_is_help=True,
)


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise fail(
            f"--now {value!r} : précisez le fuseau / give a time zone, e.g. 2027-01-01T00:00Z"
        )
    return parsed


def _month(value: str) -> Month:
    try:
        return Month.parse(value)
    except ValueError:
        raise fail(f"mois {value!r} invalide / invalid month: write it like 2025-03") from None


@app.command("run")
@handle_errors
def run(
    now: str | None = typer.Option(
        None, help="Act as if it were this instant (ISO 8601 with a time zone)"
    ),
) -> None:
    """Archive raw readings past each member's retention, then remove them; rollups stay."""
    settings = get_settings()
    with open_engine() as engine:
        report = retention.run_retention(
            engine,
            data_dir=settings.data_dir,
            default_days=settings.retention_days_default,
            now=_instant(now),
            progress=console.print,
        )
    console.print(
        f"Terminé : {report.archived_rows} mesures archivées, {report.deleted_rows} retirées de "
        f"la base, {len(report.dropped_partitions)} partition(s) supprimée(s), "
        f"{len(report.created_partitions)} créée(s) d'avance. Les agrégats sont conservés."
    )


@app.command("list")
@handle_errors
def list_archives(
    member: str | None = typer.Option(None, help="Member id, SIREN, INSEE code or name"),
) -> None:
    """List the archived months with their counts, and check every file against its manifest."""
    settings = get_settings()
    siren = None
    if member is not None:
        with open_engine() as engine, engine.connect() as conn:
            siren = find_member(conn, ref=member).siren
    table = Table("adhérent", "mois", "mesures", "séries", "du", "au", "état")
    broken = []
    for manifest in archive.list_archives(settings.data_dir, siren=siren):
        state = _state(settings.data_dir, manifest)
        if state != "vérifiée":
            broken.append(f"{manifest.member_siren}/{manifest.month}")
        first, last = (t.isoformat() if t else "—" for t in (manifest.min_ts, manifest.max_ts))
        table.add_row(
            manifest.member_siren,
            manifest.month,
            str(manifest.rows),
            str(manifest.series),
            first,
            last,
            state,
        )
    console.print(table)
    if broken:
        raise fail(f"archive(s) altérée(s) / corrupted archive(s): {', '.join(broken)}")


def _state(data_dir: Path, manifest: archive.ArchiveManifest) -> str:
    try:
        archive.verify_archive(
            data_dir=data_dir,
            siren=manifest.member_siren,
            month=Month.parse(manifest.month),
        )
    except ConvergenceError:
        return "ALTÉRÉE"
    return "vérifiée"


@app.command("restore")
@handle_errors
def restore(
    member: str = typer.Option(..., help="Member id, SIREN, INSEE code or name"),
    month: str = typer.Option(..., help="The archived UTC month, e.g. 2025-03"),
) -> None:
    """Bring an archived month back into the database (idempotent); refuses a corrupted file."""
    settings = get_settings()
    wanted = _month(month)
    with open_engine() as engine:
        with engine.connect() as conn:
            target = find_member(conn, ref=member)
        report = retention.restore_month(
            engine,
            data_dir=settings.data_dir,
            member_id=target.id,
            siren=target.siren,
            month=wanted,
        )
    console.print(
        f"{target.name} {wanted} : {report.inserted} mesures restaurées, "
        f"{report.already_present} déjà présentes, {report.skipped_unknown_series} de séries "
        f"supprimées depuis (ignorées). Archive vérifiée (SHA-256 {report.manifest.sha256[:12]}…). "
        "Le prochain `convergence archive run` les archivera de nouveau, sauf si la durée de "
        "conservation de l'adhérent est allongée."
    )
