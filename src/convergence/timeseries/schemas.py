"""Pydantic models of series, readings and rollups at the API boundary."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, computed_field

from convergence.timeseries.rollups import energetic_mean


class SeriesOut(BaseModel):
    id: int
    asset_id: int
    member_id: int
    quantity: str
    unit: str
    last_ts: datetime | None
    last_value: float | None


class RollupOut(BaseModel):
    """One bucket: ``start`` is a UTC hour for hourly rollups, ``day`` a Paris date for daily."""

    series_id: int
    start: datetime | None = None
    day: date | None = None
    count: int
    sum: float
    min: float
    max: float
    energy_sum: float | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mean(self) -> float:
        """Arithmetic mean, or the energetic mean 10·log10(Σ10^(L/10)/n) for decibels."""
        level = energetic_mean(self.energy_sum, self.count)
        return level if level is not None else self.sum / self.count
