"""Validation of a CSV file with frictionless against its packaged Table Schema, offline."""

from __future__ import annotations

from frictionless import Error, Resource, Schema
from frictionless.errors import CellError, RowError

from convergence.opendata.schemas import ValidationProblem
from convergence.opendata.tableschemas import SchemaName, offline_descriptor

# Enough to tell what is wrong without reporting the same fault a million times.
ERROR_LIMIT = 200


def validate_csv(
    resource: str, schema: SchemaName | str, content: bytes
) -> list[ValidationProblem]:
    """Every reason (up to ERROR_LIMIT) why ``content`` does not follow ``schema``."""
    return [_problem(resource, error) for error in _frictionless_errors(schema, content)]


def _frictionless_errors(schema: str, content: bytes) -> list[Error]:
    # Bytes and a URL-free descriptor: frictionless has nothing to open or download.
    descriptor = Schema.from_descriptor(offline_descriptor(schema))
    resource = Resource(data=content, format="csv", encoding="utf-8", schema=descriptor)
    report = resource.validate(limit_errors=ERROR_LIMIT)
    return [*report.errors, *(error for task in report.tasks for error in task.errors)]


def _problem(resource: str, error: Error) -> ValidationProblem:
    row = error.row_number if isinstance(error, RowError) else None
    field = error.field_name if isinstance(error, CellError) else None
    where_fr = f"{resource}" + (f", ligne {row}" if row else "") + (f", `{field}`" if field else "")
    where_en = f"{resource}" + (f", row {row}" if row else "") + (f", `{field}`" if field else "")
    cell = str(error.cell) if isinstance(error, CellError) and error.cell else ""
    what_fr = f"valeur « {cell} » non conforme" if cell else "non conforme"
    what_en = f"value “{cell}” does not follow the schema" if cell else "does not follow the schema"
    note = error.note or error.title
    return ValidationProblem(
        resource=resource,
        row=row,
        field=field,
        message_fr=f"{where_fr} : {what_fr} au schéma ({error.type} : {note})",
        message_en=f"{where_en}: {what_en} ({error.type}: {note})",
    )
