"""The ingest path's rollup tuples: the very figures of ``aggregate``, to the last bit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from convergence.timeseries import rollups

T0 = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)  # across the spring change of Paris time
row = st.tuples(
    st.integers(1, 4),
    st.integers(0, 3 * 24 * 60).map(lambda minutes: T0 + timedelta(minutes=minutes)),
    st.floats(-50, 150, allow_nan=False, allow_infinity=False),
)


@given(st.lists(row, max_size=200), st.frozensets(st.integers(1, 4)))
def test_rollup_rows_give_the_figures_of_aggregate(
    rows: list[tuple[int, datetime, float]], decibels: frozenset[int]
) -> None:
    delta = rollups.aggregate(rows, decibel_series=decibels)
    hourly, daily = rollups.rollup_rows(rows, decibel_series=decibels)
    assert hourly == rollups._rows(delta.hourly)
    assert daily == rollups._rows(delta.daily)
