"""Air figures in words go through ``french_format.figure``: a threshold's count or mean below
its rule reads « données insuffisantes (x %) », never as a number of exceedances."""

from __future__ import annotations

from convergence.indicators.regulations import Verification
from convergence.indicators.regulations.air import Averaging, Pollutant, ThresholdKind
from convergence.indicators.result_schemas import ThresholdOut
from convergence.indicators.schemas import CompletenessOut, MeasureOut
from convergence.reports.air_thresholds import period_means, threshold_row


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
