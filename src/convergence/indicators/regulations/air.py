"""Air-quality tables: ATMO-type index, EEA EAQI 2017 and 2024, EU, WHO and French thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from convergence.indicators.regulations import Citation, Verification


class Pollutant(StrEnum):
    """The five pollutants of the ATMO index (arrêté du 10 juillet 2020, art. 3)."""

    SO2 = "so2"
    NO2 = "no2"
    O3 = "o3"
    PM10 = "pm10"
    PM25 = "pm25"


class DailyStatistic(StrEnum):
    """Statistic of the day that a sub-index classes."""

    MAX_OF_HOURLY = "max_of_hourly"
    MEAN_OF_HOURLY = "mean_of_hourly"


ARRETE_ATMO_2020 = Citation(
    "Arrêté du 10 juillet 2020 relatif à l'indice de la qualité de l'air ambiant, annexe I",
    "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000042164835",
)
# Annex I §1.4–1.5 (PM) was not read: its values are corroborated by Atmo France and the EAQI.
ARRETE_ATMO_2020_PM = Citation(
    "Arrêté du 10 juillet 2020, annexe I (PM10, PM2,5 : moyenne journalière)",
    "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000042164835",
    Verification.CORROBORATED,
)
DIRECTIVE_2008_50_VALIDITY = Citation(
    "Directive 2008/50/CE, annexe XI point A (validité : 75 % des valeurs horaires par jour, "
    "90 % par an)",
    "https://eur-lex.europa.eu/eli/dir/2008/50/oj",
    Verification.UNVERIFIED,
)
EEA_EAQI_2017 = Citation(
    "EEA, European Air Quality Index (bandes 2017–2023)",
    "https://www.eea.europa.eu/themes/air/air-quality-index",
    Verification.CORROBORATED,
)
EEA_EAQI_2024 = Citation(
    "EEA, European Air Quality Index révisé (ETC HE Report 2024/17, tableau 5.2)",
    "https://www.eea.europa.eu/themes/air/air-quality-index",
    Verification.CORROBORATED,
)
DIRECTIVE_2008_50 = Citation(
    "Directive 2008/50/CE, annexes VII, XI et XII", "https://eur-lex.europa.eu/eli/dir/2008/50/oj"
)
DIRECTIVE_2024_2881 = Citation(
    "Directive (UE) 2024/2881, annexe I (valeurs à atteindre au 1er janvier 2030)",
    "https://eur-lex.europa.eu/eli/dir/2024/2881/oj",
)
WHO_AQG_2021 = Citation(
    "OMS, Lignes directrices mondiales sur la qualité de l'air (2021), ISBN 9789240034228",
    "https://www.airclim.org/who-air-quality-guidelines",
    Verification.CORROBORATED,
)
CODE_ENV_R221_1 = Citation(
    "Code de l'environnement, art. R221-1 ; arrêté du 7 avril 2016 (procédures préfectorales)",
    "https://legal.tricoteuses.fr/articles/JORFARTI000022941261",
)

# Upper bounds of classes 1..5 in µg/m³; a value equal to a bound stays in the lower class,
# a value above the last bound is class 6 (annex I: classes are (lower, upper]).
ATMO_UPPER_BOUNDS: dict[Pollutant, tuple[float, ...]] = {
    Pollutant.SO2: (100, 200, 350, 500, 750),
    Pollutant.NO2: (40, 90, 120, 230, 340),
    Pollutant.O3: (50, 100, 130, 240, 380),
    Pollutant.PM10: (20, 40, 50, 100, 150),
    Pollutant.PM25: (10, 20, 25, 50, 75),
}
ATMO_STATISTIC: dict[Pollutant, DailyStatistic] = {
    Pollutant.SO2: DailyStatistic.MAX_OF_HOURLY,
    Pollutant.NO2: DailyStatistic.MAX_OF_HOURLY,
    Pollutant.O3: DailyStatistic.MAX_OF_HOURLY,
    Pollutant.PM10: DailyStatistic.MEAN_OF_HOURLY,
    Pollutant.PM25: DailyStatistic.MEAN_OF_HOURLY,
}
ATMO_CITATION: dict[Pollutant, Citation] = {
    Pollutant.SO2: ARRETE_ATMO_2020,
    Pollutant.NO2: ARRETE_ATMO_2020,
    # O3 rows above 100 µg/m³ are corroborated only; the statistic itself is confirmed.
    Pollutant.O3: ARRETE_ATMO_2020,
    Pollutant.PM10: ARRETE_ATMO_2020_PM,
    Pollutant.PM25: ARRETE_ATMO_2020_PM,
}
# code: (label, colour). 0 and 7 are the Atmo Data codes for "indisponible" and "événement".
ATMO_CLASSES: dict[int, tuple[str, str | None]] = {
    0: ("Indisponible", None),
    1: ("Bon", "#50F0E6"),
    2: ("Moyen", "#50CCAA"),
    3: ("Dégradé", "#F0E641"),
    4: ("Mauvais", "#FF5050"),
    5: ("Très mauvais", "#960032"),
    # ATMO implementations use #872181, the EEA #7D2181 (open point 2 of the note).
    6: ("Extrêmement mauvais", "#872181"),
    7: ("Événement", None),
}
ATMO_LIKE_LABEL_FR = (
    "Indice de type ATMO calculé à partir des capteurs de la commune (non officiel)"
)

EAQI_BANDS_EN = ("Good", "Fair", "Moderate", "Poor", "Very poor", "Extremely poor")
EAQI_COLOURS = ("#50F0E6", "#50CCAA", "#F0E641", "#FF5050", "#960032", "#7D2181")
EAQI_2017_UPPER_BOUNDS: dict[Pollutant, tuple[float, ...]] = dict(ATMO_UPPER_BOUNDS)
EAQI_2024_UPPER_BOUNDS: dict[Pollutant, tuple[float, ...]] = {
    Pollutant.PM25: (5, 15, 50, 90, 140),
    Pollutant.PM10: (15, 45, 120, 195, 270),
    Pollutant.NO2: (10, 25, 60, 100, 150),
    Pollutant.O3: (60, 100, 120, 160, 180),
    Pollutant.SO2: (20, 40, 125, 190, 275),
}


class Averaging(StrEnum):
    """Averaging period a threshold applies to."""

    HOUR = "hour"
    THREE_CONSECUTIVE_HOURS = "three_consecutive_hours"
    DAY = "day"
    DAILY_MAX_8H = "daily_max_8h"
    YEAR = "year"
    O3_PEAK_SEASON = "o3_peak_season"


class ThresholdKind(StrEnum):
    """Legal nature of a threshold."""

    LIMIT_VALUE = "limit_value"
    TARGET_VALUE = "target_value"
    GUIDELINE = "guideline"
    INTERIM_TARGET = "interim_target"
    INFORMATION = "information"
    ALERT = "alert"
    QUALITY_OBJECTIVE = "quality_objective"


@dataclass(frozen=True, slots=True)
class AirThreshold:
    """One threshold: value in µg/m³, averaging period, allowed exceedances per calendar year."""

    pollutant: Pollutant
    averaging: Averaging
    value: float
    kind: ThresholdKind
    citation: Citation
    allowed_per_year: int | None = None
    status: Verification = Verification.CONFIRMED
    label: str = ""


def _t(
    pollutant: Pollutant,
    averaging: Averaging,
    value: float,
    kind: ThresholdKind,
    citation: Citation,
    allowed: int | None = None,
    status: Verification = Verification.CONFIRMED,
    label: str = "",
) -> AirThreshold:
    return AirThreshold(pollutant, averaging, value, kind, citation, allowed, status, label)


_P, _A, _K = Pollutant, Averaging, ThresholdKind
_U, _C = Verification.UNVERIFIED, Verification.CORROBORATED

EU_2008_50: tuple[AirThreshold, ...] = (
    _t(_P.PM10, _A.DAY, 50, _K.LIMIT_VALUE, DIRECTIVE_2008_50, 35),
    _t(_P.PM10, _A.YEAR, 40, _K.LIMIT_VALUE, DIRECTIVE_2008_50),
    _t(_P.PM25, _A.YEAR, 25, _K.LIMIT_VALUE, DIRECTIVE_2008_50),
    _t(_P.NO2, _A.HOUR, 200, _K.LIMIT_VALUE, DIRECTIVE_2008_50, 18),
    _t(_P.NO2, _A.YEAR, 40, _K.LIMIT_VALUE, DIRECTIVE_2008_50),
    _t(_P.SO2, _A.HOUR, 350, _K.LIMIT_VALUE, DIRECTIVE_2008_50, 24),
    _t(_P.SO2, _A.DAY, 125, _K.LIMIT_VALUE, DIRECTIVE_2008_50, 3),
    # 25 days a year averaged over three years: one year is checked against 25.
    _t(_P.O3, _A.DAILY_MAX_8H, 120, _K.TARGET_VALUE, DIRECTIVE_2008_50, 25),
    _t(_P.O3, _A.HOUR, 180, _K.INFORMATION, DIRECTIVE_2008_50),
    _t(_P.O3, _A.HOUR, 240, _K.ALERT, DIRECTIVE_2008_50),
    _t(_P.NO2, _A.THREE_CONSECUTIVE_HOURS, 400, _K.ALERT, DIRECTIVE_2008_50),
    _t(_P.SO2, _A.THREE_CONSECUTIVE_HOURS, 500, _K.ALERT, DIRECTIVE_2008_50),
)

EU_2024_2881: tuple[AirThreshold, ...] = (
    _t(_P.NO2, _A.HOUR, 200, _K.LIMIT_VALUE, DIRECTIVE_2024_2881, 3),
    _t(_P.NO2, _A.DAY, 50, _K.LIMIT_VALUE, DIRECTIVE_2024_2881, 18),
    _t(_P.NO2, _A.YEAR, 20, _K.LIMIT_VALUE, DIRECTIVE_2024_2881),
    _t(_P.PM25, _A.YEAR, 10, _K.LIMIT_VALUE, DIRECTIVE_2024_2881, None, _C),
    _t(_P.PM25, _A.DAY, 25, _K.LIMIT_VALUE, DIRECTIVE_2024_2881, 18, _U),
    _t(_P.PM10, _A.YEAR, 20, _K.LIMIT_VALUE, DIRECTIVE_2024_2881, None, _U),
    _t(_P.PM10, _A.DAY, 45, _K.LIMIT_VALUE, DIRECTIVE_2024_2881, 18, _U),
    _t(_P.SO2, _A.YEAR, 20, _K.LIMIT_VALUE, DIRECTIVE_2024_2881, None, _U),
    _t(_P.SO2, _A.DAY, 50, _K.LIMIT_VALUE, DIRECTIVE_2024_2881, 18, _U),
    _t(_P.SO2, _A.HOUR, 350, _K.LIMIT_VALUE, DIRECTIVE_2024_2881, 3, _U),
    _t(_P.O3, _A.DAILY_MAX_8H, 120, _K.TARGET_VALUE, DIRECTIVE_2024_2881, 18, _U),
)

# 24-h and 8-h guidelines are 99th percentiles, i.e. 3–4 exceedance days a year: 3 allowed.
WHO_2021: tuple[AirThreshold, ...] = (
    _t(_P.PM25, _A.YEAR, 5, _K.GUIDELINE, WHO_AQG_2021, None, _C, "AQG"),
    _t(_P.PM25, _A.DAY, 15, _K.GUIDELINE, WHO_AQG_2021, 3, _C, "AQG"),
    _t(_P.PM10, _A.YEAR, 15, _K.GUIDELINE, WHO_AQG_2021, None, _C, "AQG"),
    _t(_P.PM10, _A.DAY, 45, _K.GUIDELINE, WHO_AQG_2021, 3, _C, "AQG"),
    _t(_P.O3, _A.O3_PEAK_SEASON, 60, _K.GUIDELINE, WHO_AQG_2021, None, _C, "AQG"),
    _t(_P.O3, _A.DAILY_MAX_8H, 100, _K.GUIDELINE, WHO_AQG_2021, 3, _C, "AQG"),
    _t(_P.NO2, _A.YEAR, 10, _K.GUIDELINE, WHO_AQG_2021, None, _C, "AQG"),
    _t(_P.NO2, _A.DAY, 25, _K.GUIDELINE, WHO_AQG_2021, 3, _C, "AQG"),
    _t(_P.SO2, _A.DAY, 40, _K.GUIDELINE, WHO_AQG_2021, 3, _C, "AQG"),
)
WHO_2021_INTERIM: tuple[AirThreshold, ...] = tuple(
    _t(p, a, v, _K.INTERIM_TARGET, WHO_AQG_2021, 3 if a is not _A.YEAR else None, _C, f"IT-{i}")
    for p, a, values in (
        (_P.PM25, _A.YEAR, (35, 25, 15, 10)),
        (_P.PM25, _A.DAY, (75, 50, 37.5, 25)),
        (_P.PM10, _A.YEAR, (70, 50, 30, 20)),
        (_P.PM10, _A.DAY, (150, 100, 75, 50)),
        (_P.O3, _A.DAILY_MAX_8H, (160, 120)),
        (_P.NO2, _A.YEAR, (40, 30, 20)),
        (_P.NO2, _A.DAY, (120, 50)),
        (_P.SO2, _A.DAY, (125, 50)),
    )
    for i, v in enumerate(values, start=1)
)

FR_PROCEDURES: tuple[AirThreshold, ...] = (
    _t(_P.PM10, _A.DAY, 50, _K.INFORMATION, CODE_ENV_R221_1),
    _t(_P.PM10, _A.DAY, 80, _K.ALERT, CODE_ENV_R221_1),
    _t(_P.O3, _A.HOUR, 180, _K.INFORMATION, CODE_ENV_R221_1),
    _t(_P.O3, _A.HOUR, 240, _K.ALERT, CODE_ENV_R221_1),
    _t(_P.NO2, _A.HOUR, 200, _K.INFORMATION, CODE_ENV_R221_1),
    _t(_P.NO2, _A.HOUR, 400, _K.ALERT, CODE_ENV_R221_1),
    _t(_P.SO2, _A.HOUR, 300, _K.INFORMATION, CODE_ENV_R221_1),
    _t(_P.SO2, _A.THREE_CONSECUTIVE_HOURS, 500, _K.ALERT, CODE_ENV_R221_1),
    _t(_P.PM10, _A.YEAR, 30, _K.QUALITY_OBJECTIVE, CODE_ENV_R221_1),
    _t(_P.PM25, _A.YEAR, 10, _K.QUALITY_OBJECTIVE, CODE_ENV_R221_1),
    _t(_P.NO2, _A.YEAR, 40, _K.QUALITY_OBJECTIVE, CODE_ENV_R221_1),
)
