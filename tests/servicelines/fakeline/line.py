"""A service line that lives in the tests only: composting, to show that a line is one package.

One asset kind (a compost bin), one quantity (its fill level), one indicator (the mean fill
of the commune's bins over the period), one page, one JSON route, a dashboard card, a report
section and one open-data dataset (built by the core's measurement builder, checked
against the Table Schema the line brings) — and no edit to the core. ``tests/servicelines/
installing.py`` installs it through an entry point, as a third-party package would be.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import Connection

from convergence import french_format as fr
from convergence.indicators.schemas import IndicatorQuery
from convergence.indicators.timewindows import local_wall_time
from convergence.members.scope import MemberScope
from convergence.opendata.specs import LON_LAT, Cadence, KindSpec, ResourceSpec
from convergence.opendata.tableschemas import SchemaName, load_schema
from convergence.registry.queries import iter_assets
from convergence.registry.schemas import AssetFilters
from convergence.reports.schemas import NO_DATA, KeyFigure, ReportTable, Section
from convergence.servicelines import (
    AssetKindSpec,
    DashboardCard,
    DemoDeviceModel,
    DemoEquipment,
    DemoProject,
    DomainPage,
    FleetContribution,
    OpenDataset,
    QuantitySpec,
    ServiceLine,
)
from convergence.simulation.sensors import SeriesContext
from convergence.simulation.signals import Draws, Floats, TimeGrid
from convergence.timeseries.buckets import daily_buckets
from convergence.timeseries.query_schemas import INSEE_PATTERN, SeriesFilter, TimeRange
from convergence.timeseries.series_queries import find_series
from convergence.web.deps import EngineDep, ReadScope

NAME = "compost"
QUANTITY = "compost_fill"
TEMPLATES = Path(__file__).parent / "templates"


class CompostIndicators(BaseModel):
    """The mean fill of the commune's compost bins over the period, over the days measured."""

    commune: str | None
    bins: int
    names: list[str]  # of the bins whose owner the caller reads in full
    days: int
    mean_fill: float | None


def compost_indicators(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> CompostIndicators:
    """The line's one indicator: the daily means of fill, averaged over the days measured."""
    selection = SeriesFilter(domain=NAME, quantity=QUANTITY, commune_insee=query.commune)
    found = find_series(conn, scope=scope, selection=selection)
    period = TimeRange(start=query.start, end=query.end)
    ids = [item.id for item in found]
    buckets = daily_buckets(conn, series_ids=ids, time_range=period, merge=True) if ids else []
    means = [b.sum / b.count for b in buckets if b.count]
    mean = math.fsum(means) / len(means) if means else None
    filters = AssetFilters(domain=NAME, commune=query.commune)
    names = sorted(a.name for a in iter_assets(conn, scope=scope, filters=filters))
    return CompostIndicators(
        commune=query.commune, bins=len(ids), names=names, days=len(means), mean_fill=mean
    )


def _days(first: date, last: date, commune: str) -> IndicatorQuery:
    end = local_wall_time(last + timedelta(days=1), 0)
    return IndicatorQuery(start=local_wall_time(first, 0), end=end, commune=commune)


def key_figure(conn: Connection, *, scope: MemberScope, commune: str, today: date) -> KeyFigure:
    """The mean fill of the last seven days."""
    query = _days(today - timedelta(days=6), today, commune)
    result = compost_indicators(conn, scope=scope, query=query)
    figure = KeyFigure(
        domain=NAME,
        title="Compostage",
        headline=NO_DATA,
        caption="Remplissage moyen des composteurs sur les 7 derniers jours",
        page="/compostage",
    )
    if result.mean_fill is None:
        return figure
    return replace(figure, headline=fr.with_unit(result.mean_fill, "%", 0))


def report_section(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
) -> Section:
    """The month's mean fill of the commune's compost bins."""
    result = compost_indicators(conn, scope=scope, query=_days(first, last, commune))
    if result.mean_fill is None:
        return Section(NAME, "Compostage", ["Aucun composteur mesuré dans la commune."])
    mean = fr.with_unit(result.mean_fill, "%", 0)
    sentence = f"Remplissage moyen des composteurs sur le mois : {mean}."
    table = ReportTable(
        "Composteurs", ("Composteurs", "Jours mesurés"), [(str(result.bins), str(result.days))]
    )
    return Section(NAME, "Compostage", [sentence], [table])


api = APIRouter(tags=["compost"])


@api.get("/compost/indicators", response_model=CompostIndicators)
def compost_api(
    engine: EngineDep,
    scope: ReadScope,
    commune: str = Query(pattern=INSEE_PATTERN),
    start: date = Query(),
    end: date = Query(),
) -> CompostIndicators:
    """The mean fill of a commune's compost bins, local days ``start`` to ``end``."""
    with engine.connect() as conn:
        return compost_indicators(conn, scope=scope, query=_days(start, end, commune))


SCHEMA = "convergence-compost-journalier"
DAILY_FILL = KindSpec(
    "Compostage : remplissage journalier — {member}",
    "Moyenne, minimum et maximum journaliers du remplissage des composteurs partagés.",
    ("compostage", "biodéchets"),
    ("ENVI",),
    Cadence.daily,
    (ResourceSpec("compost_daily", SCHEMA, "Remplissage journalier", LON_LAT),),
    NAME,
)


def daily_fill_schema() -> dict[str, Any]:
    """The daily measurement files' Table Schema, named and described for composting."""
    return load_schema(SchemaName.air_daily) | {
        "name": SCHEMA,
        "title": "Compostage : remplissage journalier par composteur",
        "description": "Remplissage journalier (jour civil à Paris) de chaque composteur.",
    }


def bin_site(rng: np.random.Generator, insee: str) -> dict[str, float]:
    """How fast the bin fills: its neighbourhood's households."""
    return {"pace": rng.uniform(0.6, 1.2)}


def bin_fill(quantity: str, grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """The fill rises through the week and falls on Monday morning, when the bin is emptied."""
    week_hours = grid.weekday * 24 + grid.local_hour
    fill: Floats = 5 + ctx.params["pace"] * 80 * week_hours / 168 + 2 * d.normal
    return fill


COMPOST_BINS = FleetContribution(
    kind="compost_bin",
    asset_kind="compost_bin",
    label="Composteur partagé",
    quantities=(QUANTITY,),
    per_fleet=30,
    prefix="COMPOST",
    model=DemoDeviceModel("Compost Connect", "Bac-Sonde 2", {"fill": QUANTITY}, 350, 3600),
    site=bin_site,
    signal=bin_fill,
    typical_level=lambda params, quantity, step_s: 40 * params["pace"],
)


# Collection points beside the simulated bins, in every demo commune, sending nothing.
COLLECTION_POINTS = DemoEquipment(
    kind="compost_point",
    asset_kind="compost_bin",
    label="Point de collecte",
    per_commune=2,
    serial="DEMO-COMPOST",
    model=DemoDeviceModel("Compost Connect", "Point-Bio 1", {}, 120, expected_period_s=0),
    project="Collecte des biodéchets",
    seed_offset=950_000,
)


LINE = ServiceLine(
    name=NAME,
    label="Compostage",
    order=90,
    fleet=(COMPOST_BINS,),
    demo_equipment=(COLLECTION_POINTS,),
    demo_projects=(DemoProject("92012", "Composteurs de quartier", "planned", 90, 25),),
    asset_kinds=(AssetKindSpec("compost_bin", "Composteur"),),
    quantities=(
        QuantitySpec(QUANTITY, "Remplissage du composteur", "%", 0, 100, aliases=("fill_compost",)),
    ),
    indicators=compost_indicators,
    page=DomainPage(
        path="/compostage",
        title="Compostage",
        intro="Remplissage des composteurs partagés de la commune.",
        quantities=(QUANTITY,),
        template_dirs=(str(TEMPLATES),),
    ),
    api=api,
    dashboard=DashboardCard(key_figure, colour="#5e2a84"),
    report_section=report_section,
    datasets=(OpenDataset("compost_daily", DAILY_FILL, schemas={SCHEMA: daily_fill_schema()}),),
    labels={"compost_state": {"full": "Plein", "empty": "Vide"}},
    docs="tests/servicelines/fakeline/README.md",
)
