"""Daily charts of the PDF report, drawn with reportlab's own graphics (no system library)."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from convergence import french_format as fr
from convergence.reports.schemas import ReportChart

WIDTH, HEIGHT = round(170 * mm), round(55 * mm)
LINE_COLOURS = ("#000091", "#a94600", "#18753c", "#7d4e5b", "#006a6f")
FONT = "Helvetica"


def _axis_label(value: float) -> str:
    decimals = 0 if abs(value) >= 10 or float(value).is_integer() else 1
    return fr.number(value, decimals, space=" ")


def _day_labels(chart: ReportChart) -> list[str]:
    """The day of the month under every fifth bar (and the first), blank elsewhere."""
    return [str(d.day) if i % 5 == 0 else "" for i, d in enumerate(chart.days)]


def _frame(drawing: Drawing, chart: ReportChart) -> None:
    drawing.add(String(0, HEIGHT - 10, chart.unit, fontName=FONT, fontSize=8))


def bar_drawing(chart: ReportChart) -> Drawing:
    """One bar a day, coloured by class when the chart has colours."""
    drawing = Drawing(WIDTH, HEIGHT)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 30, 18, WIDTH - 40, HEIGHT - 34
    values = chart.series[0][1] if chart.series else []
    bars.data = [[v if v is not None else 0.0 for v in values]]
    bars.categoryAxis.categoryNames = _day_labels(chart)
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.labelTextFormat = _axis_label
    bars.bars.strokeWidth = 0.3
    bars.bars[0].fillColor = colors.HexColor(LINE_COLOURS[0])
    for i, colour in enumerate(chart.colours or []):
        bars.bars[(0, i)].fillColor = colors.HexColor(colour)
    drawing.add(bars)
    _frame(drawing, chart)
    return drawing


def line_drawing(chart: ReportChart) -> Drawing:
    """One line per series, the days of the month along the axis."""
    drawing = Drawing(WIDTH, HEIGHT)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 30, 18, WIDTH - 40, HEIGHT - 34
    points = [
        [(float(d.day), v) for d, v in zip(chart.days, values, strict=True) if v is not None]
        for _, values in chart.series
    ]
    plot.data = [p if p else [(1.0, 0.0)] for p in points]
    for i in range(len(plot.data)):
        plot.lines[i].strokeColor = colors.HexColor(LINE_COLOURS[i % len(LINE_COLOURS)])
        plot.lines[i].strokeWidth = 1.2
    plot.xValueAxis.valueMin = 1
    plot.xValueAxis.valueMax = max(31, max((d.day for d in chart.days), default=1))
    plot.xValueAxis.valueStep = 5
    plot.xValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = 7
    plot.xValueAxis.labelTextFormat = "%d"
    plot.yValueAxis.labels.fontName = FONT
    plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.labelTextFormat = _axis_label
    drawing.add(plot)
    _frame(drawing, chart)
    return drawing


def chart_drawing(chart: ReportChart) -> Drawing | None:
    """The chart's drawing; None when it has no value to draw."""
    if not any(v is not None for _, values in chart.series for v in values):
        return None
    return bar_drawing(chart) if chart.kind == "bar" else line_drawing(chart)
