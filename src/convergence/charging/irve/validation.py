"""Validation of IRVE CSV files with frictionless against the packaged schemas, offline."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from frictionless import Error, Resource, Schema
from frictionless.errors import CellError, LabelError, RowError

from convergence.charging.irve.checks import platform_problems, row_subject
from convergence.charging.irve.csv_files import read_csv_rows
from convergence.charging.irve.problems import (
    ExportProblem,
    ProblemKind,
    SubjectKind,
    allowed_values,
    invalid_reason,
    minimum_value,
    missing_reason,
    pattern_hint,
    problem,
    type_hint,
)
from convergence.charging.irve.schemas import IrveKind, offline_descriptor, schema_field

# Station-level errors repeat on every row of the station; they are merged afterwards, so
# the limit must be far above what one export can hold.
_ERROR_LIMIT = 100_000
_CONSTRAINT = re.compile(r'constraint "(\w+)"')
_ROW_ERRORS: dict[str, tuple[str, str]] = {
    "blank-row": ("ligne vide", "blank row"),
    "extra-cell": ("cellule en trop", "extra cell"),
    "missing-cell": ("cellule manquante", "missing cell"),
}


def validate_irve_csv(kind: IrveKind, content: bytes) -> list[ExportProblem]:
    """Every reason why an IRVE CSV file cannot be published; empty when it can."""
    errors = _frictionless_errors(kind, content)
    file_errors = [error for error in errors if not isinstance(error, RowError)]
    if file_errors:
        # With a wrong header, cell errors point at the wrong columns: report the file only.
        return _unique(_file_problem(error) for error in file_errors)
    rows = read_csv_rows(content)
    problems = [_row_problem(kind, error, rows) for error in errors]
    return _unique([*problems, *platform_problems(kind, rows)])


def _frictionless_errors(kind: IrveKind, content: bytes) -> list[Error]:
    # The data is handed over as bytes and the schema as a dict without any URL, so
    # frictionless has no path or address to open: validation never leaves the process.
    schema = Schema.from_descriptor(offline_descriptor(kind))
    resource = Resource(data=content, format="csv", encoding="utf-8", schema=schema)
    report = resource.validate(limit_errors=_ERROR_LIMIT)
    return [*report.errors, *(error for task in report.tasks for error in task.errors)]


def _file_problem(error: Error) -> ExportProblem:
    label = f" `{error.label}`" if isinstance(error, LabelError) and error.label else ""
    return problem(
        ProblemKind.malformed_file,
        SubjectKind.file,
        "",
        (
            f"non conforme au schéma IRVE ({error.type}{label}) : {error.note or error.title}",
            f"does not follow the IRVE schema ({error.type}{label}): {error.note or error.title}",
        ),
    )


def _row_problem(kind: IrveKind, error: Error, rows: Sequence[dict[str, str]]) -> ExportProblem:
    row_number = error.row_number if isinstance(error, RowError) else 0
    if isinstance(error, CellError) and error.type in ("constraint-error", "type-error"):
        subject, subject_id = row_subject(kind, error.field_name, row_number, rows)
        return _cell_problem(kind, error, subject, subject_id)
    fr, en = _ROW_ERRORS.get(error.type, (error.type, error.type))
    reason = (f"ligne {row_number} : {fr}", f"row {row_number}: {en}")
    if not isinstance(error, CellError):
        return problem(ProblemKind.malformed_file, SubjectKind.file, "", reason)
    name = error.field_name
    subject, subject_id = row_subject(kind, name, row_number, rows)
    reason = (f"{reason[0]} (`{name}`)", f"{reason[1]} (`{name}`)")
    return problem(ProblemKind.malformed_file, subject, subject_id, reason, field=name)


def _cell_problem(
    kind: IrveKind, error: CellError, subject: SubjectKind, subject_id: str
) -> ExportProblem:
    field = schema_field(kind, error.field_name)
    name, value = error.field_name, str(error.cell)
    if error.type == "type-error":
        expected = type_hint(field["type"], field.get("format"))
    else:
        match = _CONSTRAINT.search(error.note)
        constraint = match.group(1) if match else "?"
        if constraint == "required":
            reason = missing_reason(name)
            return problem(ProblemKind.missing_field, subject, subject_id, reason, field=name)
        expected = _constraint_hint(kind, field, constraint)
    reason = invalid_reason(name, value, expected)
    return problem(ProblemKind.invalid_value, subject, subject_id, reason, field=name, value=value)


def _constraint_hint(kind: IrveKind, field: dict[str, Any], constraint: str) -> tuple[str, str]:
    constraints: dict[str, Any] = field.get("constraints", {})
    if constraint == "enum":
        return allowed_values(list(constraints["enum"]))
    if constraint == "pattern":
        return pattern_hint(kind, field["name"], constraints["pattern"])
    if constraint == "minimum":
        return minimum_value(constraints["minimum"])
    return (f"contrainte « {constraint} » non respectée", f"constraint “{constraint}” not met")


def _unique(problems: Iterable[ExportProblem]) -> list[ExportProblem]:
    # A station-level gap shows on each of its rows but is one problem to fix.
    seen: set[tuple[object, ...]] = set()
    kept: list[ExportProblem] = []
    for item in problems:
        key = (item.kind, item.subject, item.subject_id, item.field, item.message_fr)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept
