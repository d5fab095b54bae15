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


def test_curves_with_mostly_the_same_times_carry_each_time_once() -> None:
    hours = [f"2026-12-01 {h:02d}:00" for h in range(4)]
    figure = line_figure(
        [Line("A", hours, [1.0, 2.0, 3.0, 4.0]), Line("B", hours[1:], [5.0, 6.0, 7.0])],
        unit="µg/m³",
    )
    assert "sharedX" not in figure
    assert figure["times"] == hours
    assert [trace["xIndex"] for trace in figure["data"]] == [[0, 1, 2, 3], [1, 2, 3]]
    assert all("x" not in trace for trace in figure["data"])


def test_curves_on_a_grid_share_every_time_with_gaps_where_a_bucket_lacks() -> None:
    hours = [f"2026-12-01 {h:02d}:00" for h in range(4)]
    figure = line_figure(
        [Line("A", hours[:3], [1.0, 2.0, 3.0]), Line("B", hours[1:], [5.0, 6.0, 7.0])],
        unit="µg/m³",
        grid=True,
    )
    assert figure["sharedX"] == hours
    assert [trace["y"] for trace in figure["data"]] == [
        [1.0, 2.0, 3.0, None],
        [None, 5.0, 6.0, 7.0],
    ]
    assert all(trace["connectgaps"] is False for trace in figure["data"])
