"""What the dashboard and the monthly report show: key figures, trends, health, comparisons.

Plain frozen dataclasses built by the services of this package from the indicator services'
results; the web pages and the PDF renderer only lay them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from convergence.alerts.schemas import AlertOut
from convergence.indicators.schemas import ComparisonOut, MeasureOut, StationOut


@dataclass(frozen=True, slots=True)
class Badge:
    """A class in words and its colour (never the colour alone)."""

    label: str
    colour: str | None = None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    day: date
    value: float | None


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """One domain's key indicator: a headline, its class, what it is, and its recent trend."""

    domain: str
    title: str
    headline: str
    caption: str
    detail: str = ""
    badge: Badge | None = None
    trend: tuple[TrendPoint, ...] = ()
    trend_label: str = ""
    trend_unit: str = ""
    page: str = ""
    measure: MeasureOut | None = None  # the headline's value, completeness and rule

    @property
    def available(self) -> bool:
        return self.headline != NO_DATA


NO_DATA = "Pas de données"


@dataclass(frozen=True, slots=True)
class SilentAsset:
    """Equipment in service that has sent nothing for a while (or never)."""

    asset_id: int
    name: str
    domain: str
    last_ts: datetime | None


@dataclass(frozen=True, slots=True)
class EquipmentHealth:
    """Equipment of the communes by status, and those in service that went silent."""

    by_status: dict[str, int]
    total: int
    silent: list[SilentAsset]
    silent_count: int
    silent_after_hours: int


@dataclass(frozen=True, slots=True)
class Overview:
    """The dashboard of one commune on one day."""

    commune: str
    commune_name: str
    day: date
    generated_at: datetime
    figures: list[KeyFigure]
    alerts: list[AlertOut]
    health: EquipmentHealth
    comparisons: list[ComparisonOut] = field(default_factory=list)
    comparison_days: int = 0


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A table of the report, already in words."""

    caption: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ReportChart:
    """Daily values to draw: bars (one series, a colour per bar) or lines (several series)."""

    title: str
    unit: str
    kind: str  # "bar" or "line"
    days: list[date]
    series: list[tuple[str, list[float | None]]]
    colours: list[str] | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """One domain of one commune over the month."""

    domain: str
    title: str
    sentences: list[str]
    tables: list[ReportTable] = field(default_factory=list)
    chart: ReportChart | None = None


def station_name(station: StationOut) -> str:
    """A station's name, or its number for a reader of aggregates only (names are full data)."""
    return station.name or f"équipement n° {station.asset_id}"


def without(every: Sequence[object], measured: Sequence[object]) -> str:
    """« (3 autres sans mesure sur la période) », or nothing when all were measured."""
    missing = len(every) - len(measured)
    return f" ({missing} autre(s) sans mesure sur la période)" if missing else ""
