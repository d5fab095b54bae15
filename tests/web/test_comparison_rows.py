"""The dashboard's comparison rows: never the commune against itself, decibels in dB."""

from __future__ import annotations

from convergence.indicators.schemas import (
    ComparedOut,
    ComparisonOut,
    CompletenessOut,
    IndicatorDomain,
    MeasureOut,
    PeriodOut,
    RankOut,
    TerritoryLevel,
    ZoneOut,
)
from convergence.web.pages.comparison_rows import ALONE, compared_rows, rank_text


def row(name: str, level: TerritoryLevel, value: float, unit: str, population: int) -> ComparedOut:
    completeness = CompletenessOut.model_construct()
    return ComparedOut(
        zone=ZoneOut(level=level, code=name, name=name, population=population),
        value=MeasureOut.model_construct(
            value=value, unit=unit, rule="", completeness=completeness, publishable=True
        ),
        covered_population=population,
        per_inhabitant=None,
        commune_gap_percent=-14.0,
    )


def comparison(rows: list[ComparedOut], out_of: int, position: int | None) -> ComparisonOut:
    return ComparisonOut.model_construct(
        domain=IndicatorDomain.noise,
        metric="lden",
        description="",
        period=PeriodOut.model_construct(),
        per_inhabitant=False,
        rows=rows,
        rank=RankOut(
            position=position,
            out_of=out_of,
            better_than_percent=None,
            stratum="20 000 à 100 000 habitants",
            stratum_rule="",
            higher_is_better=False,
        ),
        note="",
    )


def test_decibel_gaps_are_in_db_and_a_commune_alone_is_no_comparison() -> None:
    first, second = list(TerritoryLevel)[:2]
    rows = [
        row("Versailles", first, 62.0, "dB(A)", 85_000),
        row("CA Versailles Grand Parc", second, 65.5, "dB(A)", 270_000),
        row("Yvelines", second, 62.0, "dB(A)", 85_000),  # Versailles' data alone
    ]
    shown = compared_rows(comparison(rows, out_of=5, position=2))
    assert [r.gap for r in shown] == ["—", "−3,5 dB(A)", ALONE]


def test_a_rank_among_fewer_than_three_communes_is_not_given() -> None:
    rows = [row("Versailles", next(iter(TerritoryLevel)), 62.0, "dB(A)", 85_000)]
    assert rank_text(comparison(rows, out_of=2, position=1)).startswith(
        "Pas de rang : moins de trois communes"
    )
    assert rank_text(comparison(rows, out_of=3, position=1)).startswith("Rang : 1re sur 3")
