"""Grouped bar charts drawn as SVG text from the report's figures, with no plotting library."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from pydantic import BaseModel, ConfigDict

WIDTH_PER_GROUP, MIN_WIDTH = 110, 560
PLOT_HEIGHT, TOP, BOTTOM, SIDE = 220.0, 66.0, 58.0, 16.0
COLOURS = ("#1f5f8b", "#e0943a", "#5b8c5a", "#8b4a6b")
LINE_CHARACTERS = 16
# The mark after a figure that counts demo data, in every rendering (see blocks.DEMO_BANNER).
DEMO_MARK = "†"


class Bar(BaseModel):
    """One bar: the figure it draws, its value and the series (legend entry) it belongs to."""

    model_config = ConfigDict(frozen=True)

    figure: str
    value: int
    series: str
    # The figure counts demo data: its value is shown with the mark every rendering uses (blocks.DEMO_MARK).
    demo: bool = False


class BarGroup(BaseModel):
    """The bars drawn side by side above one label."""

    model_config = ConfigDict(frozen=True)

    label: str
    bars: tuple[Bar, ...]


class BarChart(BaseModel):
    """A chart of the document; `name` becomes part of its file name."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    series: tuple[str, ...]
    groups: tuple[BarGroup, ...]
    # A level drawn across the plot, dashed, with its label: the forty instruments of entry into force.
    threshold: int | None = None
    threshold_label: str = ""


def _lines(label: str) -> list[str]:
    """Break a label into short lines at spaces, so long stage names stay under their bars."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LINE_CHARACTERS:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _text(x: float, y: float, text: str, css: str, anchor: str = "middle") -> str:
    return f'<text x="{x:.2f}" y="{y:.2f}" text-anchor="{anchor}" class="{css}">{escape(text)}</text>'


def bar_height(value: int, highest: int) -> float:
    """Heights are proportional to the values; the highest bar fills the plot."""
    return round(PLOT_HEIGHT * value / highest, 2) if highest > 0 else 0.0


def svg(chart: BarChart, link: Callable[[str], str] | None = None) -> str:
    """The chart as an SVG document; with `link`, each bar links to the given address of its figure."""
    width = max(MIN_WIDTH, WIDTH_PER_GROUP * len(chart.groups) + 2 * SIDE)
    height = TOP + PLOT_HEIGHT + BOTTOM
    base = TOP + PLOT_HEIGHT
    slot = (width - 2 * SIDE) / max(1, len(chart.groups))
    bar_width = slot * 0.8 / max(1, len(chart.series))
    highest = max((bar.value for group in chart.groups for bar in group.bars), default=0)
    highest = max(highest, chart.threshold or 0)
    colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(chart.series)}
    # A group, not an image: its bars are links, which an image's role would hide from assistive technology.
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="group" aria-label="{escape(chart.title)}">',
        "<style>text{font-family:Georgia,serif;fill:#222}.title{font-size:15px;font-weight:bold}"
        ".label{font-size:11px}.value{font-size:11px}.legend{font-size:11px}</style>",
        _text(SIDE, 20, chart.title, "title", "start"),
    ]
    for i, name in enumerate(chart.series):
        x = SIDE + i * 150
        parts.append(f'<rect x="{x:.2f}" y="30" width="10" height="10" fill="{colour[name]}"/>')
        parts.append(_text(x + 14, 39, name, "legend", "start"))
    parts.append(f'<line x1="{SIDE}" y1="{base}" x2="{width - SIDE:.2f}" y2="{base}" stroke="#444"/>')
    if chart.threshold is not None:
        y = base - bar_height(chart.threshold, highest)
        parts.append(
            f'<line class="threshold" x1="{SIDE}" y1="{y:.2f}" x2="{width - SIDE:.2f}" y2="{y:.2f}" '
            f'stroke="#b22" stroke-dasharray="6 4" data-value="{chart.threshold}"/>'
        )
        parts.append(_text(width - SIDE, y - 4, chart.threshold_label, "legend", "end"))
    for g, group in enumerate(chart.groups):
        left = SIDE + g * slot + slot * 0.1
        for b, bar in enumerate(group.bars):
            x = left + b * bar_width
            h = bar_height(bar.value, highest)
            demo = ' data-demo="true"' if bar.demo else ""
            rect = (
                f'<rect class="bar" x="{x:.2f}" y="{base - h:.2f}" width="{bar_width * 0.92:.2f}" '
                f'height="{h:.2f}" fill="{colour.get(bar.series, COLOURS[0])}" '
                f'data-figure="{escape(bar.figure)}" data-series="{escape(bar.series)}" '
                f'data-value="{bar.value}"{demo}>'
                f"<title>{escape(f'{group.label}, {bar.series}')}</title></rect>"
            )
            if link is not None:
                rect = f'<a href="{escape(link(bar.figure))}">{rect}</a>'
            parts.append(rect)
            shown = f"{bar.value}{DEMO_MARK}" if bar.demo else str(bar.value)
            parts.append(_text(x + bar_width * 0.46, base - h - 4, shown, "value"))
        for n, line in enumerate(_lines(group.label)):
            parts.append(_text(SIDE + g * slot + slot / 2, base + 16 + 13 * n, line, "label"))
    parts.append("</svg>")
    return "\n".join(parts)
