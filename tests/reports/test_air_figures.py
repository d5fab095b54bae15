"""Air figures in words go through ``french_format.figure``: a threshold's count or mean below
its rule reads « données insuffisantes (x %) », never as a number of exceedances."""

from __future__ import annotations

from convergence.indicators.regulations import Verification
from convergence.indicators.regulations.air import Averaging, Pollutant, ThresholdKind
from convergence.indicators.result_schemas import AtmoLikeIndexOut, ThresholdOut
from convergence.indicators.schemas import CompletenessOut, MeasureOut
from convergence.reports.air_thresholds import (
    IndexClassDays,
    days_by_class,
    period_means,
    threshold_row,
)


def statistic(value: float, unit: str, present: int, expected: int = 100) -> MeasureOut:
    ratio = present / expected
    done = CompletenessOut(
        present=present, expected=expected, ratio=ratio, required_ratio=0.9,
        complete=ratio >= 0.9, basis="heures",
    )  # fmt: skip
    return MeasureOut(value=value, unit=unit, rule="r", completeness=done, publishable=ratio >= 0.9)


def threshold(
    averaging: Averaging, measure: MeasureOut, allowed: int | None = None
) -> ThresholdOut:
    return ThresholdOut(
        table="EU_2008_50", pollutant=Pollutant.NO2, averaging=averaging, threshold=200.0,
        kind=ThresholdKind.LIMIT_VALUE, label="l", allowed_per_year=allowed,
        verification=Verification.CONFIRMED, statistic=measure, exceeded=None,
    )  # fmt: skip


def test_a_count_below_its_rule_is_no_number_of_exceedances() -> None:
    row = threshold_row(threshold(Averaging.HOUR, statistic(7, "nombre", 40), allowed=18))
    assert row[2] == "données insuffisantes (40\u202f%) (18 autorisé(s) par an)"
    assert row[3] == "données : 40\u202f% des heures (règle : 90\u202f%)"
    complete = threshold_row(threshold(Averaging.HOUR, statistic(7, "nombre", 95), allowed=18))
    assert complete[2] == "7 dépassement(s) (18 autorisé(s) par an)"


def test_the_period_mean_is_each_pollutant_s_annual_statistic() -> None:
    mean = statistic(28.44, "µg/m³", 60)
    found = period_means(
        [threshold(Averaging.HOUR, statistic(3, "nombre", 60)), threshold(Averaging.YEAR, mean)]
    )
    assert found == [("NO₂", mean)]


def index(code: int, label: str, *, pollutants_in: int = 4) -> AtmoLikeIndexOut:
    """A day's index with the fields its class count reads."""
    ratio = pollutants_in / 4
    done = CompletenessOut(
        present=pollutants_in, expected=4, ratio=ratio, required_ratio=1.0,
        complete=ratio == 1.0, basis="polluants mesurés",
    )  # fmt: skip
    colour = None if code == 0 else f"#00000{code}"
    return AtmoLikeIndexOut.model_construct(
        code=code, label=label, colour=colour, unit="classe", rule="r", completeness=done
    )


def test_a_long_period_counts_its_days_of_each_class_partial_ones_apart() -> None:
    days = [
        index(3, "Dégradé"),
        index(0, "Indisponible", pollutants_in=0),
        index(1, "Bon"),
        index(3, "Dégradé", pollutants_in=3),  # a minimum: a pollutant lacks data
        index(3, "Dégradé"),
        index(0, "Indisponible", pollutants_in=0),
    ]
    assert days_by_class(days) == [
        IndexClassDays(1, "Bon", "#000001", days=1, partial=0),
        IndexClassDays(3, "Dégradé", "#000003", days=3, partial=1),
        IndexClassDays(0, "Indisponible", None, days=2, partial=0),
    ]
