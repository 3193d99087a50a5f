"""A fan chart per instrument, as SVG text: parties so far, the projection's median and 80% band, the line at
forty instruments, and the projected (or actual) entry into force."""

from __future__ import annotations

from datetime import date
from html import escape

from projections.forecast.parties import InstrumentForecast

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 460.0, 250.0, 40.0, 14.0, 34.0, 34.0
THRESHOLD = 40


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y(value: float, top: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def _points(pairs: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


def fan_svg(name: str, forecast: InstrumentForecast, as_of: date) -> str:
    """The fan chart of one instrument's forecast as of `as_of`."""
    past = [(m.month, m.parties) for m in forecast.so_far] + [(as_of, forecast.parties_now)]
    first, last = past[0][0], forecast.path[-1].month
    top = max(THRESHOLD + 5, max(p.p90 for p in forecast.path) * 1.1, 1)
    band = [(as_of, forecast.parties_now, forecast.parties_now)] + [
        (p.month, p.p10, p.p90) for p in forecast.path
    ]
    upper = [(_x(d, first, last), _y(hi, top)) for d, _, hi in band]
    lower = [(_x(d, first, last), _y(lo, top)) for d, lo, _ in reversed(band)]
    median = [(as_of, forecast.parties_now)] + [(p.month, p.p50) for p in forecast.path]
    title = f"{name}: parties, and a projection with its 80% band"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0f}" height="{HEIGHT:.0f}" '
        f'viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" role="img" aria-label="{escape(title)}" class="fan" '
        f'data-instrument="{escape(name)}">',
        "<style>text{font-family:Georgia,serif;font-size:11px;fill:#222}.title{font-size:13px;"
        "font-weight:bold}</style>",
        f'<text x="{LEFT}" y="16" class="title">{escape(title)}</text>',
        f'<polygon class="band" points="{_points(upper + lower)}" fill="#1f5f8b" fill-opacity="0.2"/>',
        f'<polyline class="so-far" points="{_points([(_x(d, first, last), _y(v, top)) for d, v in past])}" '
        'fill="none" stroke="#222" stroke-width="2"/>',
        f'<polyline class="median" points="{_points([(_x(d, first, last), _y(v, top)) for d, v in median])}" '
        'fill="none" stroke="#1f5f8b" stroke-width="2" stroke-dasharray="5,3"/>',
        f'<line class="forty" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_y(THRESHOLD, top):.1f}" '
        f'y2="{_y(THRESHOLD, top):.1f}" stroke="#e0943a"/>',
        f'<text x="{WIDTH - RIGHT}" y="{_y(THRESHOLD, top) - 4:.1f}" text-anchor="end">40 instruments</text>',
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#444"/>',
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#444"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{top:.0f}</text>',
        f'<text x="{LEFT - 4}" y="{HEIGHT - BOTTOM}" text-anchor="end">0</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 14}">{first}</text>',
        f'<text x="{_x(as_of, first, last):.1f}" y="{HEIGHT - 14}" text-anchor="middle">{as_of}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 14}" text-anchor="end">{last}</text>',
    ]
    entry = forecast.entry_into_force
    marked = entry.actual or entry.p50
    if marked is not None and first <= marked <= last:
        x = _x(marked, first, last)
        label = f"in force {marked}" if entry.actual else f"entry into force, p50 {marked}"
        parts.append(
            f'<line class="entry-into-force" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
            'stroke="#8b4a6b" stroke-dasharray="2,2"/>'
        )
        parts.append(f'<text x="{x + 3:.1f}" y="{TOP + 10}">{escape(label)}</text>')
    elif marked is not None:
        label = f"in force since {marked}" if entry.actual else f"entry into force, p50 {marked}"
        parts.append(f'<text class="entry-into-force" x="{LEFT + 4}" y="{TOP + 10}">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
