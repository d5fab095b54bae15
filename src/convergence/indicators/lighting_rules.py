"""Checks of the arrêté du 27 décembre 2018 on light nuisance: luminaires and night curfews.

The curfew hours of the arrêté concern lighting of non-residential buildings, heritage,
parks, car parks and similar categories: public road lighting has no national curfew, a
commune's extinction of its streets is its own choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from convergence.errors import InvalidInput
from convergence.indicators.lighting import SwitchEvent, burning_hours
from convergence.indicators.regulations.lighting import (
    ARRETE_27_DECEMBRE_2018,
    CURFEW_MARGIN,
    CURFEW_OFF_AT,
    CURFEW_ON_FROM,
    MAX_COLOUR_TEMPERATURE_K,
    MAX_ULR_EXISTING_PERCENT,
    MAX_ULR_NEW_PERCENT,
)
from convergence.indicators.results import Measure, Unit
from convergence.indicators.timewindows import TimeWindow
from convergence.paris_time import PARIS

_NOON = 12 * 60


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """One requirement checked on one value; ``compliant`` is None when the value is unknown."""

    requirement: str
    value: float | None
    unit: Unit
    compliant: bool | None
    rule: str = ARRETE_27_DECEMBRE_2018.text


def check_luminaire(
    *, colour_temperature_k: float | None, ulr_percent: float | None, new_installation: bool
) -> tuple[RuleCheck, RuleCheck]:
    """Colour temperature ≤ 3000 K; ULR < 1 % for a new luminaire, ≤ 4 % for an existing one."""
    cct = RuleCheck(
        f"température de couleur ≤ {MAX_COLOUR_TEMPERATURE_K:g} K",
        colour_temperature_k,
        Unit.KELVIN,
        None if colour_temperature_k is None else colour_temperature_k <= MAX_COLOUR_TEMPERATURE_K,
    )
    if new_installation:
        requirement = f"ULR < {MAX_ULR_NEW_PERCENT:g} %"
        ok = None if ulr_percent is None else ulr_percent < MAX_ULR_NEW_PERCENT
    else:
        requirement = f"ULR ≤ {MAX_ULR_EXISTING_PERCENT:g} %"
        ok = None if ulr_percent is None else ulr_percent <= MAX_ULR_EXISTING_PERCENT
    return cct, RuleCheck(requirement, ulr_percent, Unit.PERCENT, ok)


@dataclass(frozen=True, slots=True)
class CurfewWindow:
    """Local clock times between which lighting must be off: from ``off_from`` to ``on_from``."""

    off_from: time
    on_from: time


def _night_minutes(moment: time) -> int:
    """Minutes on a noon-to-noon axis, so 23:00 comes before 01:00 of the same night."""
    minutes = moment.hour * 60 + moment.minute
    return minutes - _NOON if minutes >= _NOON else minutes + 24 * 60 - _NOON


def _clock(minutes: int) -> time:
    total = (minutes + _NOON) % (24 * 60)
    return time(total // 60, total % 60)


def curfew_window(
    *,
    activity_end: time | None = None,
    activity_start: time | None = None,
    end_margin: timedelta = CURFEW_MARGIN,
    start_margin: timedelta = CURFEW_MARGIN,
    latest_off: time | None = CURFEW_OFF_AT,
) -> CurfewWindow:
    """Curfew hours of the arrêté du 27 décembre 2018, art. 2, for one kind of lighting.

    Off at 01:00, or 1 h after the activity ends if that is later; on again from 07:00, or
    1 h before the activity starts if that is earlier.
    Car parks of an activity zone: off 2 h after the activity ends whatever the hour
    (pass ``end_margin=CAR_PARK_MARGIN, latest_off=None``). Reading of the summary in the
    reference note; the consolidated text of art. 2 should be re-read before release.
    """
    if latest_off is None and activity_end is None:
        raise InvalidInput("without a clock limit the curfew needs the end of activity")
    ends = [] if latest_off is None else [_night_minutes(latest_off)]
    if activity_end is not None:
        ends.append(_night_minutes(activity_end) + int(end_margin / timedelta(minutes=1)))
    off = max(ends)
    on = _night_minutes(CURFEW_ON_FROM)
    if activity_start is not None:
        on = min(on, _night_minutes(activity_start) - int(start_margin / timedelta(minutes=1)))
    return CurfewWindow(_clock(off), _clock(max(on, off)))


def curfew_utc(night: date, window: CurfewWindow, tz: ZoneInfo = PARIS) -> TimeWindow:
    """UTC window of a curfew during the night that starts on ``night``."""

    def instant(moment: time) -> datetime:
        day = night if _night_minutes(moment) < 12 * 60 else night + timedelta(days=1)
        return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)

    return TimeWindow(instant(window.off_from), instant(window.on_from))


def lit_during_curfew(
    events: Sequence[SwitchEvent],
    night: date,
    window: CurfewWindow,
    *,
    initially_on: bool | None = None,
    tz: ZoneInfo = PARIS,
) -> tuple[Measure, bool | None]:
    """Hours lit inside the curfew of a night, and whether the night complies (0 h lit)."""
    lit = burning_hours(events, curfew_utc(night, window, tz), initially_on=initially_on)
    if lit.value and lit.value > 0:
        return lit, False
    return lit, True if lit.completeness.complete else None
