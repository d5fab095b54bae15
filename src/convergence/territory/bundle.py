"""Reads the reference document shipped in ``convergence/territory/data`` (see its README)."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any, TypedDict, cast

from convergence.errors import IntegrityBroken

DATA_FILE = "territory.json"
# Bump together with FORMAT_VERSION in tools/build_territory.py.
SUPPORTED_FORMAT = 1


class GeometryDoc(TypedDict):
    type: str
    coordinates: Any


class DepartementDoc(TypedDict):
    code: str
    name: str
    outline: GeometryDoc


class EpciDoc(TypedDict):
    siren: str
    name: str
    kind: str
    members: list[str]


class CommuneDoc(TypedDict):
    insee: str
    name: str
    departement: str
    siren: str
    population: int
    epci_siren: str | None
    ept_siren: str | None
    boundary: GeometryDoc


class TerritoryDoc(TypedDict):
    format: int
    cog: int
    departements: list[DepartementDoc]
    epcis: list[EpciDoc]
    communes: list[CommuneDoc]


def read_territory_document() -> TerritoryDoc:
    """Parse the shipped reference document; callers cache what they build from it."""
    text = files("convergence.territory").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    document = json.loads(text)
    if document.get("format") != SUPPORTED_FORMAT:
        raise IntegrityBroken(
            f"territory data format {document.get('format')!r} is not {SUPPORTED_FORMAT}; "
            "rebuild it with tools/build_territory.py"
        )
    return cast("TerritoryDoc", document)
