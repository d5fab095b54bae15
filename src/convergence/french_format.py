"""Numbers, amounts, dates and months written as French readers expect them.

The one place that writes for a French reader (pages, PDF reports, e-mails, proposals, the
CLI): a decimal comma, digits grouped by a narrow no-break space (U+202F, which no line
break splits), the same narrow space before « % », a true minus sign, and times read in Paris.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from convergence.paris_time import PARIS

if TYPE_CHECKING:  # a figure is read by its attributes; this module stays below every layer
    from convergence.indicators.schemas import MeasureOut

NARROW_SPACE = "\u202f"
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def number(value: float | None, decimals: int = 1, *, space: str = NARROW_SPACE) -> str:
    """``12 345,6`` — a dash for no value; thousands separated by a narrow space."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")
    return text.replace(" ", space)


def compact(value: float, decimals: int = 2) -> str:
    """``3,42``, ``−1,5``, ``12``: at most ``decimals`` decimals, trailing zeros dropped."""
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:,.0f}"
    text = text.replace(",", NARROW_SPACE).replace(".", ",")
    return text.replace("-", "−")


def thousands(value: int) -> str:
    """``96 000``: a whole number with its digits grouped."""
    return number(value, 0)


def euros(amount: Decimal | float | None, *, cents: bool = False) -> str:
    """``96 000 €`` rounded half up to the euro, or ``1 250,00 €`` with cents; a dash for none."""
    if amount is None:
        return "—"
    step = Decimal("0.01") if cents else Decimal(1)
    exact = Decimal(str(amount)).quantize(step, rounding=ROUND_HALF_UP)
    return f"{number(float(exact), 2 if cents else 0)} €"


def price(amount: Decimal | float | None) -> str:
    """``45 000,50 €``, or ``45 000 €`` when the amount is whole; a dash for none."""
    if amount is None:
        return "—"
    return euros(amount, cents=True).replace(",00 €", " €")


def cents(value: int) -> str:
    """``1 250,00 €`` from a count of euro cents."""
    return euros(Decimal(value) / 100, cents=True)


def percent(ratio: float) -> str:
    """``35 %`` for a ratio of 0.35, rounded to the unit."""
    return with_unit(ratio * 100, "%", 0)


def with_unit(value: float | None, unit: str, decimals: int = 1) -> str:
    """``24,1 µg/m³`` (percentages glued the French way: ``97,5 %``)."""
    if value is None:
        return "—"
    return f"{number(value, decimals)}{NARROW_SPACE if unit == '%' else ' '}{unit}".strip()


def day(value: date) -> str:
    """``28/11/2026``."""
    return value.strftime("%d/%m/%Y")


def long_day(value: date) -> str:
    """``samedi 28 novembre 2026``."""
    return f"{DAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"


def month(year: int, month_number: int) -> str:
    """``novembre 2026``."""
    return f"{MONTHS[month_number - 1]} {year}"


def local_time(instant: datetime | None) -> str:
    """``28/11/2026 09:15`` in Paris time; a dash for none."""
    if instant is None:
        return "—"
    return instant.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def when(instant: datetime) -> str:
    """``28/11/2026 à 10:40`` in Paris time, as a sentence says it."""
    return instant.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")


def signed_percent(value: float | None) -> str:
    """``+12 %`` or ``−3 %`` (a true minus sign); a dash for none."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{number(abs(value), 0)}{NARROW_SPACE}%"


def clock(instant: datetime) -> str:
    """``09:15`` in Paris time."""
    return instant.astimezone(PARIS).strftime("%H:%M")


def without_narrow_spaces(text: str) -> str:
    """``text`` with no-break spaces for narrow ones: PDF standard fonts have no U+202F."""
    return text.replace(NARROW_SPACE, "\u00a0")


def sentence(text: str) -> str:
    """``text`` with its first letter in capitals (the rest untouched, unlike ``capitalize``)."""
    return text[:1].upper() + text[1:]


def auto(value: float | None, unit: str = "") -> str:
    """A value with as many decimals as its size deserves: 7 120, 66,2, 0,35."""
    if value is None:
        return "—"
    decimals = 0 if abs(value) >= 100 or float(value).is_integer() else 1 if abs(value) >= 1 else 2
    return with_unit(value, unit, decimals) if unit else number(value, decimals)


UNITLESS = frozenset({"nombre", "ratio", "classe"})


def share(ratio: float) -> str:
    """``96 %`` — a share rounded down, so that an incomplete 99,6 % never reads 100 %."""
    return f"{math.floor(100 * ratio + 1e-9)}{NARROW_SPACE}%"


def figure(measure: MeasureOut | None, decimals: int = 1) -> str:
    """A figure as every page, card and report writes it: ``123,7 kWh`` when its data meet
    its rule, « données insuffisantes (34 %) » below the rule, a dash without any value."""
    if measure is None or measure.value is None:
        return "—"
    if not measure.publishable:
        return f"données insuffisantes ({share(measure.completeness.ratio)})"
    if measure.unit in UNITLESS:
        return number(measure.value, decimals)
    return with_unit(measure.value, measure.unit, decimals)


def completeness(measure: MeasureOut | None) -> str:
    """« données : 96 % des heures (règle : 75 %) » — what the figure rests on."""
    if measure is None:
        return ""
    done = measure.completeness
    return f"données : {share(done.ratio)} des {done.basis} (règle : {share(done.required_ratio)})"


def figure_with_completeness(measure: MeasureOut | None, decimals: int = 1) -> str:
    """« 123,7 kWh (données : 100 % des heures (règle : 100 %)) », for sentences."""
    if measure is None or measure.value is None:
        return figure(measure, decimals)
    if not measure.publishable:
        return f"{figure(measure, decimals)} (règle : {share(measure.completeness.required_ratio)})"
    done = measure.completeness
    return f"{figure(measure, decimals)} (données : {share(done.ratio)} des {done.basis})"
