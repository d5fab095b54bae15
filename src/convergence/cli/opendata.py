"""``convergence opendata``: list, publish, unpublish and export members' open datasets."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer
from rich.table import Table

from convergence.cli.context import (
    CLI_ACTOR,
    console,
    err_console,
    fail,
    handle_errors,
    open_engine,
)
from convergence.db.types import utcnow
from convergence.errors import ConvergenceError
from convergence.members.queries import find_member, get_member, member_names
from convergence.members.scope import command_line_scope
from convergence.opendata import queries, service
from convergence.opendata.config import config_from_settings
from convergence.opendata.downloads import download_name
from convergence.opendata.errors import DatasetNotValid
from convergence.opendata.exports import build_dataset
from convergence.opendata.kinds import DownloadFormat, Licence, known_dataset_kinds
from convergence.opendata.schemas import DatasetCreate, PublicationOut
from convergence.opendata.specs import KIND_SPECS
from convergence.opendata.windows import resolve_period
from convergence.settings import get_settings

app = typer.Typer(
    help="Données ouvertes : jeux de données publiés par les adhérents.", no_args_is_help=True
)


@app.command("list")
@handle_errors
def list_(
    published: bool = typer.Option(False, "--published", help="Only the published datasets"),
) -> None:
    """List every member's datasets, published or not."""
    scope = command_line_scope(CLI_ACTOR)
    with open_engine() as engine, engine.connect() as conn:
        items = queries.list_datasets(conn, scope=scope)
        names = member_names(conn, scope=scope)
    table = Table("id", "adhérent", "type", "titre", "licence", "publié")
    for item in items:
        if published and not item.published:
            continue
        table.add_row(
            str(item.id), names.get(item.member_id, "?"), str(item.kind), item.title,
            item.licence.value, "oui" if item.published else "non",
        )  # fmt: skip
    console.print(table)


def _known_kind(value: str) -> str:
    # Dataset kinds are open (service lines add theirs): checked here, as a choice would be.
    known = known_dataset_kinds()
    if value not in known:
        raise typer.BadParameter(f"{value!r} n'est pas parmi : {', '.join(known)}")
    return value


@app.command("publish")
def publish(
    member: str = typer.Option(..., help="The member (id, SIREN, INSEE code or name)"),
    kind: str = typer.Option(
        ...,
        help="equipment, air_daily, traffic_counts, … (service lines add theirs)",
        callback=_known_kind,
    ),
    licence: Licence = typer.Option(Licence.etalab_2_0, help="Licence of a new dataset"),
) -> None:
    """Validate a member's dataset and publish it (created first if needed)."""
    try:
        result = _publish(member, kind, licence)
    except DatasetNotValid as error:
        raise _refused(error, "jeu de données non publié") from None
    except ConvergenceError as error:
        raise fail(error.message) from None
    rows = sum(resource.rows for resource in result.validation.resources)
    dataset = result.dataset
    console.print(f"Publié : {dataset.title} (n° {dataset.id}, {rows} lignes).", highlight=False)


def _publish(member: str, kind: str, licence: Licence) -> PublicationOut:
    scope = command_line_scope(CLI_ACTOR)
    config = config_from_settings(get_settings())
    with open_engine() as engine:
        # Created in its own transaction: a refused publication leaves it there, unpublished,
        # for the member to see and fix.
        with engine.begin() as conn:
            owner = find_member(conn, ref=member)
            found = queries.find_dataset(conn, scope=scope, member_id=owner.id, kind=kind)
            data = DatasetCreate(kind=kind, member_id=owner.id, licence=licence)
            dataset = found or service.create_dataset(conn, scope=scope, data=data)
        with engine.begin() as conn:
            return service.publish_dataset(conn, scope=scope, dataset_id=dataset.id, config=config)


@app.command("unpublish")
@handle_errors
def unpublish(dataset_id: int = typer.Argument(..., help="The dataset's number")) -> None:
    """Stop publishing a dataset: the public API answers 404 for it from now on."""
    with open_engine() as engine, engine.begin() as conn:
        dataset = service.unpublish_dataset(
            conn, scope=command_line_scope(CLI_ACTOR), dataset_id=dataset_id
        )
    console.print(f"Dépublié : {dataset.title}.", highlight=False)


@app.command("export")
def export(
    dataset_id: int = typer.Argument(..., help="The dataset's number"),
    output: Path = typer.Option(Path("."), "-o", "--output", help="Directory to write into"),
    file_format: DownloadFormat = typer.Option(DownloadFormat.csv, "--format"),
    start: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First day"),
    end: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last day"),
) -> None:
    """Write the dataset's files (published or not), only if every file validates."""
    try:
        written = _export(dataset_id, output, file_format, _day(start), _day(end))
    except DatasetNotValid as error:
        raise _refused(error, "fichiers non écrits") from None
    except ConvergenceError as error:
        raise fail(error.message) from None
    for path in written:
        console.print(f"Écrit : {path}", highlight=False)


def _export(
    dataset_id: int, output: Path, file_format: DownloadFormat, start: date | None, end: date | None
) -> list[Path]:
    config = config_from_settings(get_settings())
    with open_engine() as engine, engine.connect() as conn:
        scope = command_line_scope(CLI_ACTOR)
        dataset = queries.get_dataset(conn, scope=scope, dataset_id=dataset_id)
        member = get_member(conn, member_id=dataset.member_id)
        cadence = KIND_SPECS[dataset.kind].cadence
        period = resolve_period(cadence, start=start, end=end, config=config, now=utcnow())
        build = build_dataset(conn, dataset=dataset, period=period, now=utcnow()).require_valid()
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for item in build.files:
        if file_format in item.spec.formats:
            name = download_name(dataset.kind, item.spec, file_format, member_name=member.name)
            (output / name).write_bytes(build.download(item.spec.name, file_format))
            written.append(output / name)
    return written


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _refused(error: DatasetNotValid, what: str) -> typer.Exit:
    """Print every reason, then the exit (code 2) to raise."""
    reasons = error.details.get("messages_fr", [])
    for message in reasons:
        err_console.print(f"  - {message}", highlight=False, soft_wrap=True)
    return fail(f"{what} : {len(reasons)} problème(s) de conformité au schéma")
