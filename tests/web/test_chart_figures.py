"""Chart figures carry no more than the chart shows: four significant digits, shared times
written once."""

from __future__ import annotations

from convergence.web.pages.domains.charts import Line, line_figure


def test_curves_sharing_their_times_carry_them_once() -> None:
    times = ["2026-12-01 10:00", "2026-12-01 11:00"]
    figure = line_figure(
        [Line("A", times, [1.23456789, None]), Line("B", list(times), [22.222222, 3.0])],
        unit="µg/m³",
    )
    assert figure["sharedX"] == times
    assert [trace.get("x") for trace in figure["data"]] == [None, None]
    assert [trace["y"] for trace in figure["data"]] == [[1.235, None], [22.22, 3.0]]


def test_curves_with_their_own_times_keep_them() -> None:
    figure = line_figure(
        [Line("A", ["2026-12-01 10:00"], [1.0]), Line("B", ["2026-12-01 11:00"], [2.0])],
        unit="m",
    )
    assert "sharedX" not in figure
    assert [trace["x"] for trace in figure["data"]] == [["2026-12-01 10:00"], ["2026-12-01 11:00"]]
