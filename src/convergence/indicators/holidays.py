"""French public holidays (Code du travail, art. L3133-1), for working-day traffic averages."""

from __future__ import annotations

from datetime import date, timedelta


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday_shift) // 433
    month = (h + weekday_shift - 7 * m + 90) // 25
    day = (h + weekday_shift - 7 * m + 33 * month + 19) % 32
    return date(year, month, day)


def french_public_holidays(year: int) -> frozenset[date]:
    """The eleven fêtes légales of metropolitan France (Alsace-Moselle extras not included)."""
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [easter + timedelta(days=n) for n in (1, 39, 50)]  # lundi de Pâques, Ascension,
    return frozenset([date(year, m, d) for m, d in fixed] + movable)  # lundi de Pentecôte


def is_working_day(day: date, holidays: frozenset[date] | None = None) -> bool:
    """Jour ouvré: Monday to Friday and not a public holiday."""
    off = holidays if holidays is not None else french_public_holidays(day.year)
    return day.weekday() < 5 and day not in off
