"""Checks the IRVE schemas cannot express, run on top of frictionless (research note §5)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from convergence.charging.irve.models import NOT_IN_ROAMING
from convergence.charging.irve.problems import ExportProblem, ProblemKind, SubjectKind, problem
from convergence.charging.irve.schemas import IrveKind
from convergence.charging.irve.static import POINT_COLUMNS

_SOCKET_COLUMNS = tuple(column for column in sorted(POINT_COLUMNS) if column.startswith("prise_"))
# Metropolitan France and Corsica, with a margin; swapped coordinates land outside.
_METROPOLE_LON = (-5.5, 10.0)
_METROPOLE_LAT = (41.0, 51.5)


def row_subject(
    kind: IrveKind, field: str | None, row_number: int, rows: Sequence[dict[str, str]]
) -> tuple[SubjectKind, str]:
    """Which station or point a CSV row (numbered from the header, 1) stands for."""
    index = row_number - 2
    row = rows[index] if 0 <= index < len(rows) else {}
    if kind is IrveKind.static and field is not None and field not in POINT_COLUMNS:
        keys = ("id_station_itinerance", "id_station_local", "nom_station")
        return SubjectKind.station, _label(row, keys, row_number)
    return SubjectKind.point, _label(row, ("id_pdc_itinerance", "id_pdc_local"), row_number)


def _label(row: dict[str, str], keys: Sequence[str], row_number: int) -> str:
    for key in keys:
        value = (row.get(key) or "").strip()
        if value and value != NOT_IN_ROAMING:
            return value
    return f"#{row_number}"


def platform_problems(kind: IrveKind, rows: Sequence[dict[str, str]]) -> list[ExportProblem]:
    """Problems the schema lets through: duplicates, missing local ids, no socket, swaps."""
    if kind is IrveKind.dynamic:
        return _duplicate_statuses(rows)
    problems = _duplicate_points(rows)
    for number, row in enumerate(rows, start=2):
        problems += _local_id_problems(row, number, rows)
        problems += _socket_problems(row, number, rows)
        problems += _coordinate_problems(row, number, rows)
    return problems


def _duplicate_points(rows: Sequence[dict[str, str]]) -> list[ExportProblem]:
    ids = Counter(row.get("id_pdc_itinerance", "") for row in rows)
    return [
        problem(
            ProblemKind.duplicate_id,
            SubjectKind.point,
            pdc,
            (f"identifiant présent sur {count} lignes", f"identifier used on {count} rows"),
            field="id_pdc_itinerance",
            value=pdc,
        )
        for pdc, count in ids.items()
        if count > 1 and pdc not in ("", NOT_IN_ROAMING)
    ]


def _duplicate_statuses(rows: Sequence[dict[str, str]]) -> list[ExportProblem]:
    # QualiCharge treats (point, horodatage) as unique: two states at one instant conflict.
    keys = Counter((row.get("id_pdc_itinerance", ""), row.get("horodatage", "")) for row in rows)
    return [
        problem(
            ProblemKind.duplicate_id,
            SubjectKind.point,
            pdc,
            (f"deux états à la même date {stamp}", f"two states at the same time {stamp}"),
            field="horodatage",
            value=stamp,
        )
        for (pdc, stamp), count in keys.items()
        if count > 1 and pdc
    ]


def _local_id_problems(
    row: dict[str, str], number: int, rows: Sequence[dict[str, str]]
) -> list[ExportProblem]:
    # Schema description: outside roaming ("Non concerné") the local id is indispensable.
    found: list[ExportProblem] = []
    for level in ("station", "pdc"):
        if row.get(f"id_{level}_itinerance") == NOT_IN_ROAMING and not row.get(f"id_{level}_local"):
            field = f"id_{level}_itinerance"
            subject, subject_id = row_subject(IrveKind.static, field, number, rows)
            reason = (
                f"`id_{level}_local` est indispensable quand `{field}` vaut « {NOT_IN_ROAMING} »",
                f"`id_{level}_local` is required when `{field}` is “{NOT_IN_ROAMING}”",
            )
            found.append(
                problem(ProblemKind.missing_field, subject, subject_id, reason, field=field)
            )
    return found


def _socket_problems(
    row: dict[str, str], number: int, rows: Sequence[dict[str, str]]
) -> list[ExportProblem]:
    if any(row.get(column, "").lower() != "false" for column in _SOCKET_COLUMNS):
        return []
    subject, subject_id = row_subject(IrveKind.static, "prise_type_2", number, rows)
    reason = ("aucun type de prise renseigné", "no socket type given")
    return [problem(ProblemKind.inconsistent, subject, subject_id, reason, field="prise_type_*")]


def _coordinate_problems(
    row: dict[str, str], number: int, rows: Sequence[dict[str, str]]
) -> list[ExportProblem]:
    insee = row.get("code_insee_commune", "")
    lon_lat = _parse_point(row.get("coordonneesXY", ""))
    # Only metropolitan communes are checked: overseas ones (97x) lie elsewhere.
    if lon_lat is None or not insee or insee.startswith("97"):
        return []
    if _in_metropole(*lon_lat):
        return []
    subject, subject_id = row_subject(IrveKind.static, "coordonneesXY", number, rows)
    reason = (
        f"coordonnées hors de la métropole pour la commune {insee} (longitude et latitude "
        "inversées ?)",
        f"coordinates outside metropolitan France for commune {insee} (longitude and "
        "latitude swapped?)",
    )
    cell = row.get("coordonneesXY", "")
    kind = ProblemKind.invalid_value
    return [problem(kind, subject, subject_id, reason, field="coordonneesXY", value=cell)]


def _in_metropole(lon: float, lat: float) -> bool:
    return (
        _METROPOLE_LON[0] <= lon <= _METROPOLE_LON[1]
        and _METROPOLE_LAT[0] <= lat <= _METROPOLE_LAT[1]
    )


def _parse_point(cell: str) -> tuple[float, float] | None:
    try:
        lon, lat = json.loads(cell)
        return float(lon), float(lat)
    except (ValueError, TypeError):
        return None
