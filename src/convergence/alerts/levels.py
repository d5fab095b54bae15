"""Named levels of the indicator classes a rule can watch (water vigilance, air index)."""

from __future__ import annotations

import unicodedata

from convergence.alerts.kinds import IndicatorName
from convergence.indicators.regulations.air import ATMO_CLASSES
from convergence.indicators.regulations.water import VigilanceLevel

WATER_LEVELS: dict[str, int] = {level.name.lower(): int(level) for level in VigilanceLevel}


def _slug(label: str) -> str:
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "_")


# bon=1 … extremement_mauvais=6 (0 "indisponible" and 7 "événement" are no levels to reach).
AIR_LEVELS: dict[str, int] = {
    _slug(label): code for code, (label, _colour) in ATMO_CLASSES.items() if 1 <= code <= 6
}
LEVELS: dict[IndicatorName, dict[str, int]] = {
    IndicatorName.water_vigilance: WATER_LEVELS,
    IndicatorName.air_index: AIR_LEVELS,
}


def check_min_level(indicator: IndicatorName, name: str) -> str:
    """The level's canonical name; ValueError naming the allowed ones otherwise."""
    slug = _slug(name.strip())
    if slug not in LEVELS[indicator]:
        allowed = ", ".join(LEVELS[indicator])
        raise ValueError(f"unknown level {name!r} for {indicator}: use one of {allowed}")
    return slug


def level_code(indicator: IndicatorName, name: str) -> int:
    """The class code of a level name (water 1–4, air 1–6)."""
    return LEVELS[indicator][_slug(name)]
