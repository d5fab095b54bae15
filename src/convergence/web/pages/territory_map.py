"""The territory map: commune outlines as the base map, the member's equipment on top."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from convergence.registry.queries import (
    AssetCount,
    AssetMarker,
    asset_markers,
    count_assets_by_commune_and_domain,
)
from convergence.territory.geometry import territory_geojson
from convergence.territory.reference import load_territory
from convergence.web.deps import EngineDep, SettingsDep
from convergence.web.pages.labels import (
    ASSET_STATUSES,
    STATUS_LETTERS,
    asset_kind_labels,
    domain_labels,
)
from convergence.web.pages.rendering import commune_name, render_page
from convergence.web.pages.session import CurrentUserPage

router = APIRouter()
GEOJSON = "application/geo+json"
NO_COMMUNE = "Sans position"


@dataclass(frozen=True, slots=True)
class CountRow:
    commune: str
    insee: str | None
    counts: list[int]
    total: int


@dataclass(frozen=True, slots=True)
class CountTable:
    """Equipment per commune and domain: the text alternative of the map."""

    domains: list[str]
    rows: list[CountRow]
    totals: list[int]
    total: int


@router.get("/carte")
def map_page(
    request: Request, viewer: CurrentUserPage, engine: EngineDep, settings: SettingsDep
) -> Response:
    with engine.connect() as conn:
        counts = count_assets_by_commune_and_domain(conn, scope=viewer.scope)
    return render_page(
        request,
        "map/territory.html",
        viewer=viewer,
        table=count_table(counts),
        tile_url=settings.tile_url or "",
    )


@router.get("/carte/communes.geojson")
def communes_geojson(viewer: CurrentUserPage) -> Response:
    """Outlines and reference data of the communes of 78 and 92 (the same for everyone)."""
    return Response(
        communes_document(),
        media_type=GEOJSON,
        headers={"Cache-Control": "private, max-age=86400"},
    )


@router.get("/carte/equipements.geojson")
def equipment_geojson(viewer: CurrentUserPage, engine: EngineDep) -> Response:
    """The located equipment the user may see, as GeoJSON points."""
    with engine.connect() as conn:
        markers = asset_markers(conn, scope=viewer.scope)
    return Response(
        equipment_layer(markers),
        media_type=GEOJSON,
        headers={"Cache-Control": "private, no-cache"},
    )


def equipment_layer(markers: list[AssetMarker]) -> bytes:
    """Points with their name, domain and status; the French words once, in ``labels``.

    A territory holds thousands of pieces of equipment: repeating the labels in every feature
    would triple the size of the layer. Coordinates are rounded to 6 decimals (11 cm), finer
    than any position typed or measured for a piece of equipment. Each feature is written
    as text (names escaped by orjson), not built as nested dicts: thousands of small dicts
    per request set off full garbage collections of the whole process, the slowest requests.
    """
    labels = orjson.dumps(
        {
            "domain": domain_labels(),
            "status": ASSET_STATUSES,
            "kind": asset_kind_labels(),
            "status_letter": STATUS_LETTERS,
        },
        option=orjson.OPT_NON_STR_KEYS,
    )
    features = b",".join(_feature(m) for m in markers)
    return b'{"type":"FeatureCollection","labels":%s,"features":[%s]}' % (labels, features)


def _feature(m: AssetMarker) -> bytes:
    return (
        b'{"type":"Feature","id":%d,"geometry":{"type":"Point","coordinates":[%s,%s]},'
        b'"properties":{"name":%s,"kind":%s,"domain":%s,"status":%s}}'
        % (
            m.id,
            orjson.dumps(round(m.lon, 6)),
            orjson.dumps(round(m.lat, 6)),
            orjson.dumps(m.name),
            orjson.dumps(m.kind),
            orjson.dumps(m.domain),
            orjson.dumps(m.status),
        )
    )


@cache
def communes_document() -> bytes:
    """The commune outlines with the names people read (EPCI, département), built once."""
    territory = load_territory()
    document = territory_geojson()
    for feature in document["features"]:
        properties = feature["properties"]
        epci = territory.epci_of(properties["insee"])
        properties["epci_name"] = epci.name if epci else None
        properties["departement_name"] = territory.departement(properties["departement"]).name
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def count_table(counts: list[AssetCount]) -> CountTable:
    """Counts pivoted to one row per commune (by name) and one column per domain present."""
    domains = [d for d in domain_labels() if any(c.domain == d for c in counts)]
    cells: dict[str | None, dict[str, int]] = {}
    for count in counts:
        cells.setdefault(count.commune_insee, {})[count.domain] = count.total
    rows = [
        CountRow(
            commune=commune_name(insee) if insee else NO_COMMUNE,
            insee=insee,
            counts=[by_domain.get(d, 0) for d in domains],
            total=sum(by_domain.values()),
        )
        for insee, by_domain in cells.items()
    ]
    rows.sort(key=lambda r: (r.insee is None, r.commune))
    totals = [sum(r.counts[i] for r in rows) for i in range(len(domains))]
    return CountTable(domains=domains, rows=rows, totals=totals, total=sum(totals))
