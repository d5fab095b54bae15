"""CSV import and export of equipment, for the spreadsheets communes already keep.

An import is all or nothing: every row is checked first, each bad row is reported with its
line number and reason, and nothing is written unless the whole file is valid.

``import_in_batches`` (the page, the API, the command) checks the file in a read transaction,
then writes it in short transactions of a few hundred rows, so that a large file holds
neither the other writers nor the readers for its whole length (finding 2 of #13). A file
over the limits is refused before anything is read. Should a batch fail, the rows already
written by this import are deleted: still nothing or all. Only a crash of the process between
two batches leaves the first batches in place; importing the same file again then reports
those rows as already registered (by DevEUI, OCPP id or serial number).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, delete, insert, select

from convergence.csv_output import SafeDictWriter, SafeWriter, restore_cell
from convergence.db.types import utcnow
from convergence.errors import Conflict, InvalidInput, OutsideTerritory, PayloadTooLarge
from convergence.members import audit
from convergence.members.scope import MemberScope, require_write
from convergence.registry import queries
from convergence.registry.events import Registered, RegistryListener, announce
from convergence.registry.placement import (
    check_in_territory,
    communes_of_positions,
    member_territory,
)
from convergence.registry.schemas import AssetFields, AssetOut, AssetSelection, asset_values
from convergence.registry.tables import assets, device_models, initiatives
from convergence.settings import Settings

COLUMNS = (
    "name",
    "kind",
    "domain",
    "status",
    "lon",
    "lat",
    "dev_eui",
    "ocpp_id",
    "serial",
    "device_model_id",
    "initiative_id",
    "installed_on",
    "cost_eur",
    "tags",
)
# French headers people type in their own spreadsheets.
HEADER_ALIASES = {
    "nom": "name",
    "type": "kind",
    "domaine": "domain",
    "statut": "status",
    "longitude": "lon",
    "latitude": "lat",
    "numero_serie": "serial",
    "numéro_série": "serial",
    "modele_id": "device_model_id",
    "projet_id": "initiative_id",
    "date_installation": "installed_on",
    "cout_eur": "cost_eur",
    "coût_eur": "cost_eur",
    "etiquettes": "tags",
    "étiquettes": "tags",
}
NUMERIC_COLUMNS = ("lon", "lat", "cost_eur")
TAG_SEPARATOR = "|"
INSERT_CHUNK = 1000
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str


@dataclass(slots=True)
class ImportReport:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(slots=True)
class _Row:
    line: int
    fields: AssetFields
    commune_insee: str | None = None

    @property
    def position(self) -> tuple[float, float] | None:
        if self.fields.lon is None or self.fields.lat is None:
            return None
        return (self.fields.lon, self.fields.lat)


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """How large a file one import takes, and how many rows each write transaction holds."""

    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 20_000
    batch_rows: int = 200

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportLimits:
        """CONVERGENCE_IMPORT_MAX_BYTES, _MAX_ROWS and _BATCH_ROWS."""
        return cls(settings.import_max_bytes, settings.import_max_rows, settings.import_batch_rows)


def import_in_batches(
    engine: Engine,
    *,
    begin: Callable[[], AbstractContextManager[Connection]],
    scope: MemberScope,
    data: bytes,
    member_id: int | None = None,
    limits: ImportLimits | None = None,
    progress: Progress | None = None,
    listeners: Sequence[RegistryListener] = (),
) -> ImportReport:
    """Check every row without the write lock, then insert them in short transactions of
    ``begin`` (all of them, or none if any row is bad or a batch fails)."""
    member_id = member_id or scope.member_id
    require_write(scope, member_id)
    limits = limits or ImportLimits()
    refuse_too_large(data, limits)
    rows, report = _parse(data, progress)
    refuse_too_many(report.rows, limits)
    with engine.connect() as conn:
        report.errors = _one_per_line(
            report.errors + _check_rows(conn, rows, scope=scope, member_id=member_id)
        )
    if report.errors:
        return report
    inserted: list[int] = []
    try:
        for chunk in _chunks(rows, limits.batch_rows):
            with begin() as conn:
                _refuse_taken(conn, chunk, member_id=member_id)
                inserted += _insert(conn, chunk, member_id=member_id, progress=None)
            if progress:
                progress(len(inserted), len(rows))
    except Exception:
        with begin() as conn:
            for ids in _chunks(inserted, 500):
                conn.execute(delete(assets).where(assets.c.id.in_(ids)))
        raise
    report.imported = len(inserted)
    with begin() as conn:
        _imported(conn, scope=scope, member_id=member_id, rows=report.imported)
        announce(conn, listeners, Registered(member_id))
    return report


def refuse_too_large(data: bytes, limits: ImportLimits) -> None:
    """PayloadTooLarge when the file is over the size an import takes."""
    if len(data) > limits.max_bytes:
        raise PayloadTooLarge(
            f"le fichier fait {len(data)} octets, au-delà de la limite de {limits.max_bytes} "
            f"octets par import : découpez-le en plusieurs fichiers plus petits, chacun avec la "
            f"ligne d'en-tête / the file is {len(data)} bytes, over the limit of "
            f"{limits.max_bytes} bytes per import: split it into smaller files, each with the "
            "header line"
        )


def refuse_too_many(rows: int, limits: ImportLimits) -> None:
    """PayloadTooLarge when the file has more rows than an import takes."""
    if rows > limits.max_rows:
        raise PayloadTooLarge(
            f"le fichier compte {rows} lignes, au-delà de la limite de {limits.max_rows} "
            f"lignes par import : découpez-le en fichiers de {limits.max_rows} lignes au plus, "
            f"chacun avec la ligne d'en-tête / the file has {rows} rows, over the limit of "
            f"{limits.max_rows} rows per import: split it into files of at most "
            f"{limits.max_rows} rows, each with the header line"
        )


def _refuse_taken(conn: Connection, rows: list[_Row], *, member_id: int) -> None:
    """Identifiers registered by someone else since the check: the import stops."""
    errors = _check_duplicates(conn, rows, member_id=member_id)
    if errors:
        first = errors[0]
        raise Conflict(
            f"ligne {first.line} : enregistré entre-temps par ailleurs ; rien n'a été importé / "
            f"line {first.line}: {first.reason} (registered meanwhile); nothing was imported"
        )


def _imported(conn: Connection, *, scope: MemberScope, member_id: int, rows: int) -> None:
    audit.record(
        conn,
        actor=scope.actor,
        action="asset.import",
        member_id=member_id,
        details={"rows": rows},
    )


def import_assets(
    conn: Connection,
    *,
    scope: MemberScope,
    data: bytes,
    member_id: int | None = None,
    progress: Progress | None = None,
    listeners: Sequence[RegistryListener] = (),
) -> ImportReport:
    """Check every row of a CSV file, then insert them all, or nothing if any row is bad."""
    member_id = member_id or scope.member_id
    require_write(scope, member_id)
    rows, report = _parse(data, progress)
    report.errors = _one_per_line(
        report.errors + _check_rows(conn, rows, scope=scope, member_id=member_id)
    )
    if report.errors:
        return report
    report.imported = len(_insert(conn, rows, member_id=member_id, progress=progress))
    _imported(conn, scope=scope, member_id=member_id, rows=report.imported)
    announce(conn, listeners, Registered(member_id))
    return report


def _one_per_line(errors: list[RowError]) -> list[RowError]:
    """Every reason of a line in one entry, lines in file order."""
    reasons: dict[int, list[str]] = {}
    for error in errors:
        reasons.setdefault(error.line, []).append(error.reason)
    return [RowError(line, "; ".join(reasons[line])) for line in sorted(reasons)]


def _parse(data: bytes, progress: Progress | None) -> tuple[list[_Row], ImportReport]:
    text = _decode(data)
    delimiter = _delimiter(text)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = _check_header(reader.fieldnames)
    report, rows = ImportReport(), []
    total = max(text.count("\n"), 1)
    for raw in reader:
        report.rows += 1
        line = reader.line_num
        try:
            rows.append(_Row(line, _row_fields(raw, header, decimal_comma=delimiter == ";")))
        except InvalidInput as error:
            report.errors.append(RowError(line, error.message))
        if progress and report.rows % 500 == 0:
            progress(report.rows, total)
    return rows, report


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets saved by older Excel versions on Windows.
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _check_header(fieldnames: Iterable[str] | None) -> dict[str, str]:
    if not fieldnames:
        raise InvalidInput("le fichier est vide / the file is empty: expected a header line")
    header: dict[str, str] = {}
    for name in fieldnames:
        key = (name or "").strip().lower()
        column = HEADER_ALIASES.get(key, key)
        if column not in COLUMNS:
            raise InvalidInput(
                f"ligne 1 : colonne inconnue « {name} » / line 1: unknown column {name!r}; "
                f"expected columns: {', '.join(COLUMNS)}"
            )
        header[name] = column
    missing = {"name", "kind"} - set(header.values())
    if missing:
        raise InvalidInput(f"line 1: missing required column(s): {', '.join(sorted(missing))}")
    return header


def _row_fields(
    raw: dict[str | Any, Any], header: dict[str, str], *, decimal_comma: bool
) -> AssetFields:
    if None in raw:
        raise InvalidInput("more cells than columns in the header")
    values: dict[str, Any] = {}
    for name, cell in raw.items():
        cell = restore_cell((cell or "").strip())
        column = header[name]
        if cell == "":
            continue
        if column in NUMERIC_COLUMNS and decimal_comma:
            cell = cell.replace(",", ".")
        values[column] = (
            [t.strip() for t in cell.split(TAG_SEPARATOR) if t.strip()]
            if column == "tags"
            else cell
        )
    try:
        return AssetFields.model_validate(values)
    except ValidationError as error:
        raise InvalidInput(_validation_reason(error)) from None


# What a technician reads in French for pydantic's usual refusals of a cell (by error type).
CELL_MESSAGES_FR = {
    "missing": "cellule obligatoire vide",
    "string_too_short": "cellule obligatoire vide",
    "string_too_long": "texte trop long ({max_length} caractères au plus)",
    "enum": "« {input} » n'est pas une valeur possible ({expected})",
    "float_parsing": "« {input} » n'est pas un nombre (ex. 2.1301, ou 2,1301 séparé par des ;)",
    "int_parsing": "« {input} » n'est pas un nombre entier",
    "decimal_parsing": "« {input} » n'est pas un montant (ex. 1250.50)",
    "date_parsing": "« {input} » n'est pas une date AAAA-MM-JJ (ex. 2024-03-15)",
    "date_from_datetime_parsing": "« {input} » n'est pas une date AAAA-MM-JJ (ex. 2024-03-15)",
    "greater_than_equal": "la valeur doit être au moins {ge}",
}


def _validation_reason(error: ValidationError) -> str:
    """Every refused cell of a row, in French then in English."""
    french, english = [], []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        template = CELL_MESSAGES_FR.get(item["type"], "valeur refusée : {message}")
        details = {"input": item.get("input"), "message": message, **item.get("ctx", {})}
        french.append(f"{where} : {template.format(**details)}" if where else message)
        english.append(f"{where}: {message}" if where else message)
    return f"{' ; '.join(french)} / {'; '.join(english)}"


def _check_rows(
    conn: Connection, rows: list[_Row], *, scope: MemberScope, member_id: int
) -> list[RowError]:
    errors = _check_positions(conn, rows, member_id=member_id)
    errors += _check_duplicates(conn, rows, member_id=member_id)
    errors += _check_row_references(conn, rows, scope=scope, member_id=member_id)
    return errors


def _check_positions(conn: Connection, rows: list[_Row], *, member_id: int) -> list[RowError]:
    """Resolve the commune of every located row, all at once; refuse those outside."""
    located = [(row, row.position) for row in rows if row.position is not None]
    codes = communes_of_positions([position for _, position in located])
    allowed = member_territory(conn, member_id=member_id)
    errors = []
    for (row, (lon, lat)), insee in zip(located, codes, strict=True):
        try:
            row.commune_insee = check_in_territory(insee, lon, lat, allowed)
        except OutsideTerritory as error:
            errors.append(RowError(row.line, error.message))
    return errors


def _check_duplicates(conn: Connection, rows: list[_Row], *, member_id: int) -> list[RowError]:
    """Identifiers already registered, or repeated in the file (reported where they repeat)."""
    errors = []
    for column in ("dev_eui", "ocpp_id", "serial"):
        first_line: dict[str, int] = {}
        values = {getattr(r.fields, column) for r in rows} - {None}
        taken = _existing(conn, column, sorted(values), member_id=member_id)
        for row in rows:
            value = getattr(row.fields, column)
            if value in taken:
                errors.append(RowError(row.line, f"{column} {value} is already registered"))
            elif value in first_line:
                errors.append(
                    RowError(
                        row.line, f"{column} {value} already appears on line {first_line[value]}"
                    )
                )
            elif value:
                first_line[value] = row.line
    return errors


def _existing(conn: Connection, column: str, values: list[str], *, member_id: int) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(values, 500):
        query = select(assets.c[column]).where(assets.c[column].in_(chunk))
        if column == "serial":  # serial numbers are unique per member only
            query = query.where(assets.c.member_id == member_id)
        found.update(conn.execute(query).scalars())
    return found


def _check_row_references(
    conn: Connection, rows: list[_Row], *, scope: MemberScope, member_id: int
) -> list[RowError]:
    models = set(conn.execute(select(device_models.c.id)).scalars())
    own_initiatives = set(
        conn.execute(select(initiatives.c.id).where(initiatives.c.member_id == member_id)).scalars()
    )
    errors = []
    for row in rows:
        if row.fields.device_model_id is not None and row.fields.device_model_id not in models:
            errors.append(
                RowError(row.line, f"device_model_id {row.fields.device_model_id} does not exist")
            )
        if row.fields.initiative_id is not None and row.fields.initiative_id not in own_initiatives:
            errors.append(
                RowError(
                    row.line,
                    f"initiative_id {row.fields.initiative_id} is not a project of this member",
                )
            )
    return errors


def _insert(
    conn: Connection, rows: list[_Row], *, member_id: int, progress: Progress | None
) -> list[int]:
    """Insert ``rows``; the new assets' ids."""
    now = utcnow()
    values = [
        asset_values(row.fields)
        | {
            "member_id": member_id,
            "commune_insee": row.commune_insee,
            "created_at": now,
            "updated_at": now,
        }
        for row in rows
    ]
    ids: list[int] = []
    for done, chunk in enumerate(_chunks(values, INSERT_CHUNK), start=1):
        ids += conn.execute(insert(assets).returning(assets.c.id), chunk).scalars().all()
        if progress:
            progress(min(done * INSERT_CHUNK, len(values)), len(values))
    return ids


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def export_selection(conn: Connection, *, scope: MemberScope, filters: AssetSelection) -> str:
    """CSV text of the selected assets, written from SQL rows without a model per asset.

    The same text as ``export_assets`` of the same assets (thousands of rows in a few tens
    of milliseconds): a value is written as its JSON form would read (a date in ISO format,
    a decimal as its digits), the tags joined by ``|``.
    """
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    tags = COLUMNS.index("tags")
    for row in queries.export_rows(conn, scope=scope, filters=filters, columns=COLUMNS):
        cells = [_cell(value) for value in row]
        cells[tags] = TAG_SEPARATOR.join(row[tags])
        writer.writerow(cells)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date | Decimal):
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def export_assets(items: Iterable[AssetOut]) -> str:
    """CSV text of ``items`` in the import format (a round trip imports the same rows)."""
    out = io.StringIO()
    writer = SafeDictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for asset in items:
        row = asset.model_dump(mode="json", include=set(COLUMNS))
        row["tags"] = TAG_SEPARATOR.join(asset.tags)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()
