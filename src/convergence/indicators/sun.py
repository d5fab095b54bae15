"""Sunrise and sunset for a longitude, latitude and date (NOAA Solar Calculator equations).

The NOAA spreadsheet equations follow Meeus, Astronomical Algorithms; sunrise and sunset are
the instants the Sun's centre is 90.833° from the zenith (refraction and solar radius).
Accuracy is about a minute at French latitudes, ample for a lighting baseline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from convergence.errors import InvalidInput

SUNRISE_ZENITH_DEG = 90.833
_J2000 = 2451545.0


@dataclass(frozen=True, slots=True)
class SunTimes:
    """Sunrise and sunset of a calendar date at a place, as UTC instants."""

    day: date
    sunrise: datetime
    sunset: datetime


def _julian_century(instant: datetime) -> float:
    julian_day = instant.timestamp() / 86400 + 2440587.5
    return (julian_day - _J2000) / 36525


def _declination_and_equation_of_time(jc: float) -> tuple[float, float]:
    """Solar declination (degrees) and equation of time (minutes) at a Julian century."""
    mean_long = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360
    anomaly = math.radians(357.52911 + jc * (35999.05029 - 0.0001537 * jc))
    eccentricity = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    centre = (
        math.sin(anomaly) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
        + math.sin(2 * anomaly) * (0.019993 - 0.000101 * jc)
        + math.sin(3 * anomaly) * 0.000289
    )
    omega = math.radians(125.04 - 1934.136 * jc)
    apparent_long = math.radians(mean_long + centre - 0.00569 - 0.00478 * math.sin(omega))
    mean_obliquity = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60
    obliquity = math.radians(mean_obliquity + 0.00256 * math.cos(omega))
    declination = math.asin(math.sin(obliquity) * math.sin(apparent_long))
    y = math.tan(obliquity / 2) ** 2
    l0 = math.radians(mean_long)
    equation = (
        y * math.sin(2 * l0)
        - 2 * eccentricity * math.sin(anomaly)
        + 4 * eccentricity * y * math.sin(anomaly) * math.cos(2 * l0)
        - 0.5 * y * y * math.sin(4 * l0)
        - 1.25 * eccentricity**2 * math.sin(2 * anomaly)
    )
    return math.degrees(declination), 4 * math.degrees(equation)


def _event(day: date, lon: float, lat: float, sign: int, guess: datetime) -> datetime:
    """Sunrise (sign −1) or sunset (sign +1) in UTC, solar terms taken at ``guess``."""
    declination, equation = _declination_and_equation_of_time(_julian_century(guess))
    lat_r, dec_r = math.radians(lat), math.radians(declination)
    cos_ha = math.cos(math.radians(SUNRISE_ZENITH_DEG)) / (
        math.cos(lat_r) * math.cos(dec_r)
    ) - math.tan(lat_r) * math.tan(dec_r)
    if not -1 <= cos_ha <= 1:
        raise InvalidInput("the Sun does not rise or set on that day at that latitude")
    hour_angle = math.degrees(math.acos(cos_ha))
    minutes = 720 - 4 * lon - equation + sign * 4 * hour_angle
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=minutes)


def sun_times(day: date, lon: float, lat: float) -> SunTimes:
    """Sunrise and sunset of a date at a WGS84 place; each refined once at its own instant."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput("longitude and latitude must be WGS84 degrees")
    noon = datetime.combine(day, time(12), tzinfo=UTC) - timedelta(minutes=4 * lon)
    rise = _event(day, lon, lat, -1, noon)
    sets = _event(day, lon, lat, +1, noon)
    return SunTimes(day, _event(day, lon, lat, -1, rise), _event(day, lon, lat, +1, sets))


def night_after(day: date, lon: float, lat: float) -> tuple[datetime, datetime]:
    """The night that starts on a date: its sunset, then the next morning's sunrise (UTC)."""
    return sun_times(day, lon, lat).sunset, sun_times(day + timedelta(days=1), lon, lat).sunrise
