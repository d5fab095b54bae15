"""The period, commune and station a domain page shows, read from its query string.

Dates are local days (Europe/Paris), both included; the default is the 30 days ending
today. A wrong value never breaks the page: it is reported next to its field and the
default is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query

from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.reports import domain_figures
from convergence.timeseries.query_schemas import TimeRange
from convergence.web.pages.form_errors import FieldErrors

DEFAULT_DAYS = domain_figures.DEFAULT_DAYS  # the period whose indicators the warmer computes
MAX_DAYS = 400
INSEE_LENGTH = 5


@dataclass(frozen=True, slots=True)
class Period:
    """Local days ``first`` to ``last``, both included; ``today`` says what is not over yet."""

    first: date
    last: date
    today: date | None = None

    @property
    def partial(self) -> str:
        """« journée en cours » or « période en cours » when the period is not over, else ""."""
        if self.today is None or self.last < self.today:
            return ""
        return "journée en cours" if self.first == self.last else "période en cours"

    @property
    def time_range(self) -> TimeRange:
        start = local_wall_time(self.first, 0)
        return TimeRange(start=start, end=local_wall_time(self.last + timedelta(days=1), 0))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def default_period(today: date, days: int = DEFAULT_DAYS) -> Period:
    return Period(today - timedelta(days=days - 1), today, today)


def _parse(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def read_period(first: str, last: str, *, now: datetime) -> tuple[Period, FieldErrors]:
    """The period asked, or the default with the reason it was refused."""
    default = default_period(local_day_of(now))
    errors: FieldErrors = {}
    start, end = _parse(first) if first else default.first, _parse(last) if last else default.last
    if start is None:
        errors["du"] = "Saisissez une date au format AAAA-MM-JJ."
    if end is None:
        errors["au"] = "Saisissez une date au format AAAA-MM-JJ."
    if start is None or end is None:
        return default, errors
    if end < start:
        return default, {"au": "La date de fin précède la date de début."}
    if (end - start).days + 1 > MAX_DAYS:
        return default, {"du": f"Une période dure au plus {MAX_DAYS} jours."}
    return Period(start, end, default.today), {}


@dataclass(frozen=True, slots=True)
class DomainQuery:
    """What a domain page is asked: a period, a commune, a station (asset)."""

    period: Period
    commune: str | None
    asset_id: int | None
    errors: FieldErrors

    def values(self) -> dict[str, str]:
        """The form's values, as typed back into its fields."""
        return {
            "du": self.period.first.isoformat(),
            "au": self.period.last.isoformat(),
            "commune": self.commune or "",
            "equipement": str(self.asset_id) if self.asset_id else "",
        }


def domain_query(
    du: str = "",
    au: str = "",
    commune: str = "",
    equipement: Annotated[str, Query(max_length=12)] = "",
) -> DomainQuery:
    """The page's query string, checked."""
    period, errors = read_period(du, au, now=utcnow())
    wanted = commune.strip()
    return DomainQuery(
        period=period,
        commune=wanted if len(wanted) == INSEE_LENGTH and wanted.isalnum() else None,
        asset_id=int(equipement) if equipement.isdigit() else None,
        errors=errors,
    )


DomainQueryDep = Annotated[DomainQuery, Depends(domain_query)]
