"""The official IRVE Table Schemas shipped in ``charging/data`` (etalab/schema-irve v2.3.1)."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any


class IrveKind(StrEnum):
    """The two IRVE files: static inventory and dynamic (live) statuses."""

    static = "statique"
    dynamic = "dynamique"


_FILES: dict[IrveKind, str] = {
    IrveKind.static: "schema-statique.json",
    IrveKind.dynamic: "schema-dynamique.json",
}


@cache
def _schema_text(kind: IrveKind) -> str:
    return (files("convergence.charging") / "data" / _FILES[kind]).read_text(encoding="utf-8")


def load_schema(kind: IrveKind) -> dict[str, Any]:
    """The packaged schema, as published (a fresh copy the caller may modify)."""
    schema: dict[str, Any] = json.loads(_schema_text(kind))
    return schema


def schema_columns(kind: IrveKind) -> tuple[str, ...]:
    """Column names of an IRVE file, in the schema's order."""
    return tuple(field["name"] for field in load_schema(kind)["fields"])


def schema_field(kind: IrveKind, name: str) -> dict[str, Any]:
    """The descriptor of one field of the schema."""
    for field in load_schema(kind)["fields"]:
        if field["name"] == name:
            return dict(field)
    raise KeyError(name)


def offline_descriptor(kind: IrveKind) -> dict[str, Any]:
    """The part of the schema that validation needs, without any URL to follow."""
    # `$schema`, `path` and `resources` point at remote files; only `fields` and
    # `missingValues` constrain the data, so nothing else reaches frictionless.
    schema = load_schema(kind)
    return {"fields": schema["fields"], "missingValues": schema["missingValues"]}
