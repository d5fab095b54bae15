"""Water level against a site's thresholds, rate of rise and time to the next threshold.

Levels are named after the Vigicrues colours (vert, jaune, orange, rouge) but the thresholds
are the site's own (local alert system, PCS): the result is a local reading of a sensor,
never the State's vigilance, which the préfet alone issues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from convergence.errors import InvalidInput
from convergence.indicators.regulations.water import (
    LOCAL_THRESHOLDS,
    RATE_OF_RISE,
    VIGICRUES,
    VIGILANCE_MEANINGS,
    VigilanceLevel,
)
from convergence.indicators.results import Completeness, Measure, Unit, full_completeness
from convergence.indicators.timewindows import HOUR, as_utc

RATE_WINDOW = timedelta(hours=1)
RATE_REQUIRED_RATIO = 0.5
_RULE = f"{LOCAL_THRESHOLDS.text} ; {VIGICRUES.text}"


@dataclass(frozen=True, slots=True)
class LevelReading:
    """A water height in metres (gauge zero or NGF, as the site's thresholds) at an instant."""

    at: datetime
    level_m: float

    def __post_init__(self) -> None:
        as_utc(self.at, "at")


@dataclass(frozen=True, slots=True)
class SiteThresholds:
    """Heights in metres at which a site enters jaune, orange and rouge (same datum)."""

    jaune: float
    orange: float
    rouge: float
    hysteresis_m: float = 0.0  # a level is left only below its threshold minus this margin

    def __post_init__(self) -> None:
        if not self.jaune < self.orange < self.rouge or self.hysteresis_m < 0:
            raise InvalidInput("thresholds must rise strictly: jaune < orange < rouge")

    def bounds(self) -> tuple[tuple[VigilanceLevel, float], ...]:
        """Each level above vert with the height that opens it."""
        return (
            (VigilanceLevel.JAUNE, self.jaune),
            (VigilanceLevel.ORANGE, self.orange),
            (VigilanceLevel.ROUGE, self.rouge),
        )


def vigilance_level(
    level_m: float, thresholds: SiteThresholds, previous: VigilanceLevel | None = None
) -> VigilanceLevel:
    """Level reached: a height equal to a threshold reaches it; leaving one needs hysteresis."""
    reached = VigilanceLevel.VERT
    for level, height in thresholds.bounds():
        held = previous is not None and previous >= level
        if level_m >= height or (held and level_m >= height - thresholds.hysteresis_m):
            reached = level
    return reached


def rate_of_rise(
    readings: Sequence[LevelReading], *, window: timedelta = RATE_WINDOW, at: datetime | None = None
) -> Measure:
    """dH/dt in cm/h: least-squares slope of the readings in [at − window, at].

    Regression rather than a two-point difference so one noisy reading does not swing the
    rate. Completeness: time spanned by the readings over the window, half required
    (platform rule; no normative text).
    """
    end = as_utc(at) if at is not None else max((as_utc(r.at) for r in readings), default=None)
    empty = Completeness(0, window / HOUR, RATE_REQUIRED_RATIO, "heures")
    if end is None:
        return Measure(None, Unit.CM_PER_HOUR, RATE_OF_RISE.text, empty)
    used = [r for r in readings if end - window <= as_utc(r.at) <= end]
    times = [(as_utc(r.at) - end) / HOUR for r in used]
    span = max(times, default=0.0) - min(times, default=0.0)
    completeness = Completeness(span, window / HOUR, RATE_REQUIRED_RATIO, "heures")
    if span <= 0:
        return Measure(None, Unit.CM_PER_HOUR, RATE_OF_RISE.text, completeness)
    mean_t = sum(times) / len(times)
    mean_h = sum(r.level_m for r in used) / len(used)
    covariance = sum((t - mean_t) * (r.level_m - mean_h) for t, r in zip(times, used, strict=True))
    variance = sum((t - mean_t) ** 2 for t in times)
    return Measure(100 * covariance / variance, Unit.CM_PER_HOUR, RATE_OF_RISE.text, completeness)


@dataclass(frozen=True, slots=True)
class NextThreshold:
    """The next threshold above the current height and when the current rate would reach it."""

    level: VigilanceLevel
    threshold_m: float
    distance_cm: float
    eta: timedelta
    reached_at: datetime


def time_to_next_threshold(
    level_m: float, rate_cm_h: float | None, thresholds: SiteThresholds, at: datetime
) -> NextThreshold | None:
    """Linear extrapolation to the next threshold; None when falling, stable or above rouge."""
    if rate_cm_h is None or rate_cm_h <= 0:
        return None
    above = [(lv, h) for lv, h in thresholds.bounds() if h > level_m]
    if not above:
        return None
    level, height = above[0]
    distance_cm = 100 * (height - level_m)
    eta = timedelta(hours=distance_cm / rate_cm_h)
    return NextThreshold(level, height, distance_cm, eta, as_utc(at) + eta)


@dataclass(frozen=True, slots=True)
class WaterAssessment:
    """State of a water-level sensor: height, level, rate, next threshold and freshness."""

    at: datetime
    height: Measure
    level: VigilanceLevel
    meaning: str
    rate: Measure
    next_threshold: NextThreshold | None
    stale: bool
    rule: str = _RULE


def assess_water_level(
    readings: Sequence[LevelReading],
    thresholds: SiteThresholds,
    *,
    now: datetime,
    previous: VigilanceLevel | None = None,
    window: timedelta = RATE_WINDOW,
    max_age: timedelta = timedelta(minutes=30),
) -> WaterAssessment:
    """Assess the latest reading: level reached, rise rate, next threshold, stale flag."""
    if not readings:
        raise InvalidInput("a water-level assessment needs at least one reading")
    last = max(readings, key=lambda r: as_utc(r.at))
    level = vigilance_level(last.level_m, thresholds, previous)
    rate = rate_of_rise(readings, window=window, at=last.at)
    usable_rate = rate.value if rate.completeness.complete else None
    height = Measure(last.level_m, Unit.METRE, _RULE, full_completeness("relevés"))
    return WaterAssessment(
        at=as_utc(last.at),
        height=height,
        level=level,
        meaning=VIGILANCE_MEANINGS[level],
        rate=rate,
        next_threshold=time_to_next_threshold(last.level_m, usable_rate, thresholds, last.at),
        stale=as_utc(now) - as_utc(last.at) > max_age,
    )
