"""Plotly figures of the data pages, written as plain JSON documents.

The server never imports plotly: a figure is a dict ``{data, layout, config}`` that
``static/js/charts.js`` hands to the plotly.js the plotly package ships. Times are written
in Paris local time, as people read them. Every figure comes with its text alternative,
built next to it from the same numbers (``summaries.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from convergence.paris_time import PARIS

# Distinguishable lines with at least 3:1 against white (RGAA 3.3), in a fixed order.
PALETTE = (
    "#000091", "#a94600", "#18753c", "#7d4e5b", "#006a6f",
    "#716043", "#ce0500", "#5e2a84", "#3a3a3a", "#0063cb",
)  # fmt: skip
FONT = {"family": "system-ui, sans-serif", "size": 13, "color": "#1e1e1e"}


@dataclass(frozen=True, slots=True)
class Line:
    """One curve: its name and its points (x in local time or days, y possibly missing)."""

    name: str
    x: Sequence[str]
    y: Sequence[float | None]


def local_iso(instant: datetime) -> str:
    """``2026-11-28 10:00``: a UTC instant as plotly should show it, in Paris time."""
    return instant.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


def day_iso(day: date) -> str:
    return day.isoformat()


def _layout(unit: str, height: int) -> dict[str, Any]:
    return {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 10, "b": 40},
        "font": FONT,
        "separators": ", ",
        "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"type": "date", "gridcolor": "#e5e5e5"},
        "yaxis": {"title": {"text": unit}, "gridcolor": "#e5e5e5", "zeroline": False},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }


SIGNIFICANT = 4  # the hover shows 4 significant digits (``.4~r``): more is weight only


def shown(values: Sequence[float | None]) -> list[float | None]:
    """Values rounded to what the chart shows, so the page does not carry 17 digits each."""
    return [None if v is None else float(f"{v:.{SIGNIFICANT}g}") for v in values]


def line_figure(
    lines: Sequence[Line], *, unit: str, height: int = 340, grid: bool = False
) -> dict[str, Any]:
    """Curves over time, one colour each, sharing one axis in ``unit``; times are written
    once, put back into each curve by charts.js: all of them when the curves share them
    (``sharedX``), else every time any curve has (``times``) and each curve's positions in
    it (``xIndex``) — stations of one commune report mostly the same hours, and a time
    written out weighs three times its value.

    On a ``grid`` (hourly, daily… buckets) every curve takes every time any curve has, a
    bucket it lacks being a gap: no line is drawn across hours another station measured.
    """
    if grid and len(lines) > 1:
        lines = _on_grid(lines)
    shared = len(lines) > 1 and all(list(line.x) == list(lines[0].x) for line in lines)
    times = sorted({x for line in lines for x in line.x})
    indexed = not shared and len(times) < sum(len(line.x) for line in lines)
    position = {x: i for i, x in enumerate(times)} if indexed else {}

    def own_times(line: Line) -> dict[str, list[Any]]:
        if shared:
            return {}
        if indexed:
            return {"xIndex": [position[x] for x in line.x]}
        return {"x": list(line.x)}

    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": line.name,
            **own_times(line),
            "y": shown(line.y),
            "connectgaps": False,
            "line": {"color": PALETTE[i % len(PALETTE)], "width": 1.6},
            "hovertemplate": f"%{{y:.4~r}} {unit}<extra>{line.name}</extra>",
        }
        for i, line in enumerate(lines)
    ]
    figure: dict[str, Any] = {"data": data, "layout": _layout(unit, height)}
    if shared:
        figure["sharedX"] = list(lines[0].x)
    if indexed:
        figure["times"] = times
    return figure


def _on_grid(lines: Sequence[Line]) -> list[Line]:
    """The curves over the union of their times, None where a curve has no bucket."""
    times = sorted({x for line in lines for x in line.x})
    aligned = []
    for line in lines:
        values = dict(zip(line.x, line.y, strict=True))
        aligned.append(Line(line.name, times, [values.get(t) for t in times]))
    return aligned


def bar_figure(
    x: Sequence[str],
    y: Sequence[float | None],
    *,
    unit: str,
    colours: Sequence[str] | None = None,
    text: Sequence[str] | None = None,
    height: int = 300,
) -> dict[str, Any]:
    """One bar a day, optionally coloured by class and labelled in words."""
    bar: dict[str, Any] = {
        "type": "bar",
        "x": list(x),
        "y": shown(y),
        "marker": {"color": list(colours) if colours else PALETTE[0], "line": {"width": 0.5}},
        "hovertemplate": "%{y:.4~r} " + unit + "<extra></extra>",
    }
    if text is not None:
        bar["text"] = list(text)
        bar["hovertemplate"] = "%{text}<extra></extra>"
    layout = _layout(unit, height) | {"showlegend": False, "hovermode": "closest"}
    return {"data": [bar], "layout": layout}


def sparkline(x: Sequence[str], y: Sequence[float | None], *, colour: str) -> dict[str, Any]:
    """A tiny trend without axes: the shape only, its numbers are in the card's text."""
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": list(x),
                "y": list(y),
                "line": {"color": colour, "width": 2},
                "marker": {"size": 4, "color": colour},
                "hoverinfo": "skip",
            }
        ],
        "layout": {
            "height": 72,
            "margin": {"l": 2, "r": 2, "t": 4, "b": 4},
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "showlegend": False,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
        },
        "config": {"staticPlot": True},
    }
