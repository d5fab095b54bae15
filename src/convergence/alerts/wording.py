"""French wording shared by alert messages, e-mails and the digest: numbers, dates, names."""

from __future__ import annotations

from datetime import timedelta

from convergence import french_format as fr
from convergence.alerts.kinds import Comparison, Severity
from convergence.decoders.quantities import find_quantity
from convergence.errors import NotFound
from convergence.territory.reference import load_territory

SEVERITY_FR = {
    Severity.info: "information",
    Severity.warning: "avertissement",
    Severity.critical: "critique",
}
COMPARISON_FR = {Comparison.above: "au-dessus de", Comparison.below: "en dessous de"}


def duration(span: timedelta) -> str:
    """A duration in words: 45 min, 2 h 05, 3 j 4 h."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d}" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} j {hours} h"


# Units people do not write after a number: a count is a number of things.
UNITLESS = frozenset({"", "count", "1"})


def with_unit(value: float, quantity: str) -> str:
    """« 5,61 m », « 82,5 µg/m³ »: a number in the quantity's unit, none for counts."""
    found = find_quantity(quantity)
    unit = found.unit if found is not None else ""
    return fr.compact(value) if unit in UNITLESS else f"{fr.compact(value)} {unit}"


def quantity_label(quantity: str) -> str:
    """The French label of a canonical quantity, or its name when it is not catalogued."""
    found = find_quantity(quantity)
    return found.label_fr if found is not None else quantity


def quantity_unit(quantity: str) -> str:
    """The unit of a catalogued quantity after a space (« 6,34 m »), or nothing."""
    found = find_quantity(quantity)
    if found is None or found.unit in ("", "count", "bool"):
        return ""
    return f" {found.unit}"


def commune_label(insee: str | None) -> str:
    """« Versailles (78646) », or a placeholder for equipment without a commune."""
    if insee is None:
        return "commune non renseignée"
    try:
        return f"{load_territory().commune(insee).name} ({insee})"
    except NotFound:
        return insee
