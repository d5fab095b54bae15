"""Environmental-noise tables: periods and penalties, exposure bands, French and WHO limits."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from convergence.indicators.regulations import Citation, Verification
from convergence.indicators.timewindows import NoisePeriod

DIRECTIVE_2002_49_ANNEX_I = Citation(
    "Directive 2002/49/CE, annexe I (Lden) ; périodes françaises 6h–18h, 18h–22h, 22h–6h",
    "https://eur-lex.europa.eu/eli/dir/2002/49/oj",
)
ARRETE_4_AVRIL_2006_BANDS = Citation(
    "Arrêté du 4 avril 2006 relatif à l'établissement des cartes de bruit, art. 4-IV",
    "https://legal.tricoteuses.fr/articles/JORFARTI000001337634",
)
# Art. 7 was not retrieved; the road values are widely cited (open point 5 of the note).
ARRETE_4_AVRIL_2006_LIMITS = Citation(
    "Arrêté du 4 avril 2006, art. 7 ; Code de l'environnement R572-x (valeurs limites)",
    None,
    Verification.CORROBORATED,
)
WHO_NOISE_2018 = Citation(
    "OMS Europe, Lignes directrices sur le bruit dans l'environnement (2018)",
    "https://www.euro.who.int/en/env-noise-guidelines",
)
NOISE_COVERAGE_RULE = Citation(
    "Couverture d'au moins 75 % de chaque période (règle de la plateforme : aucune règle "
    "normative trouvée)",
    None,
    Verification.UNVERIFIED,
)

# Lden weights (hours) and penalties (dB) of annex I with the French periods.
PERIOD_WEIGHT_HOURS: dict[NoisePeriod, int] = {
    NoisePeriod.DAY: 12,
    NoisePeriod.EVENING: 4,
    NoisePeriod.NIGHT: 8,
}
PERIOD_PENALTY_DB: dict[NoisePeriod, float] = {
    NoisePeriod.DAY: 0.0,
    NoisePeriod.EVENING: 5.0,
    NoisePeriod.NIGHT: 10.0,
}


class NoiseIndicator(StrEnum):
    """Long-term indicators of Directive 2002/49/EC."""

    LD = "ld"
    LE = "le"
    LN = "ln"
    LDEN = "lden"


# Lower bounds of the 5 dB bands of strategic maps; each band is [lower; lower + 5[, the
# last one open ("≥ 75", "≥ 70").
EXPOSURE_BAND_LOWER_BOUNDS: dict[NoiseIndicator, tuple[float, ...]] = {
    NoiseIndicator.LDEN: (55, 60, 65, 70, 75),
    NoiseIndicator.LN: (50, 55, 60, 65, 70),
}


class NoiseSource(StrEnum):
    """Sources that carry their own limit values and guidelines."""

    ROAD = "road"
    HIGH_SPEED_RAIL = "high_speed_rail"
    CONVENTIONAL_RAIL = "conventional_rail"
    AIRCRAFT = "aircraft"
    INDUSTRY = "industry"
    WIND_TURBINES = "wind_turbines"


@dataclass(frozen=True, slots=True)
class NoiseLimit:
    """A limit or guideline value in dB(A) for one indicator and one source."""

    source: NoiseSource
    indicator: NoiseIndicator
    value: float
    citation: Citation
    status: Verification = Verification.CONFIRMED


_S, _I = NoiseSource, NoiseIndicator
_LIM, _COR, _UNV = ARRETE_4_AVRIL_2006_LIMITS, Verification.CORROBORATED, Verification.UNVERIFIED

FR_LIMITS: tuple[NoiseLimit, ...] = (
    NoiseLimit(_S.ROAD, _I.LDEN, 68, _LIM, _COR),
    NoiseLimit(_S.ROAD, _I.LN, 62, _LIM, _COR),
    NoiseLimit(_S.HIGH_SPEED_RAIL, _I.LDEN, 68, _LIM, _COR),
    NoiseLimit(_S.HIGH_SPEED_RAIL, _I.LN, 62, _LIM, _COR),
    NoiseLimit(_S.CONVENTIONAL_RAIL, _I.LDEN, 73, _LIM),
    NoiseLimit(_S.CONVENTIONAL_RAIL, _I.LN, 65, _LIM),
    NoiseLimit(_S.AIRCRAFT, _I.LDEN, 55, _LIM),
    NoiseLimit(_S.AIRCRAFT, _I.LN, 50, _LIM),
    NoiseLimit(_S.INDUSTRY, _I.LDEN, 71, _LIM, _UNV),
    NoiseLimit(_S.INDUSTRY, _I.LN, 60, _LIM, _UNV),
)

WHO_2018: tuple[NoiseLimit, ...] = (
    NoiseLimit(_S.ROAD, _I.LDEN, 53, WHO_NOISE_2018),
    NoiseLimit(_S.ROAD, _I.LN, 45, WHO_NOISE_2018),
    NoiseLimit(_S.CONVENTIONAL_RAIL, _I.LDEN, 54, WHO_NOISE_2018),
    NoiseLimit(_S.CONVENTIONAL_RAIL, _I.LN, 44, WHO_NOISE_2018),
    NoiseLimit(_S.HIGH_SPEED_RAIL, _I.LDEN, 54, WHO_NOISE_2018),
    NoiseLimit(_S.HIGH_SPEED_RAIL, _I.LN, 44, WHO_NOISE_2018),
    NoiseLimit(_S.AIRCRAFT, _I.LDEN, 45, WHO_NOISE_2018),
    NoiseLimit(_S.AIRCRAFT, _I.LN, 40, WHO_NOISE_2018),
    NoiseLimit(_S.WIND_TURBINES, _I.LDEN, 45, WHO_NOISE_2018),
)

# Measurements 2 m in front of a façade include the reflection: −3 dB gives incident sound.
FACADE_CORRECTION_DB = -3.0
FACADE_CORRECTION = Citation(
    "Directive 2002/49/CE, annexe I (son incident : correction de −3 dB en façade)",
    "https://eur-lex.europa.eu/eli/dir/2002/49/oj",
    Verification.UNVERIFIED,
)
