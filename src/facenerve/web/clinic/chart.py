"""Server-rendered SVG timeline: one panel per measure over days since onset, treatments marked.

Pure drawing: it plots what it is given and computes no clinical figure. No JavaScript, no CDN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

WIDTH_PX = 760
PANEL_HEIGHT_PX = 120
MARGIN_LEFT_PX = 64
MARGIN_RIGHT_PX = 16
GAP_PX = 34
TOP_PX = 24
EVENT_COLOURS = {
    "medication": "#7b4fd6",
    "therapy": "#1f8a70",
    "botulinum_toxin": "#d6336c",
    "procedure": "#e8590c",
}


@dataclass(frozen=True)
class Series:
    """One panel: dated values, the axis range, and whether lower values are drawn higher (grades)."""

    key: str
    title: str
    points: list[tuple[date, float]]
    low: float
    high: float
    lower_is_up: bool = False
    tick_labels: dict[float, str] | None = None
    #: A projected course (the prognosis curve), drawn dashed; empty when there is none.
    projection: tuple[tuple[date, float], ...] = ()


@dataclass(frozen=True)
class Event:
    """A treatment marked on every panel at its start date."""

    on: date
    label: str
    kind: str


def timeline_svg(onset: date, today: date, series: list[Series], events: list[Event]) -> str:
    """The timeline as an inline SVG string (escaped; safe to mark safe in a template)."""
    all_days = [0, (today - onset).days]
    all_days += [(d - onset).days for s in series for d, _ in s.points]
    all_days += [(e.on - onset).days for e in events]
    all_days += [(d - onset).days for s in series for d, _ in s.projection]
    first, last = min(all_days), max(max(all_days), 14)
    span = max(last - first, 1)
    plot_w = WIDTH_PX - MARGIN_LEFT_PX - MARGIN_RIGHT_PX
    height = TOP_PX + len(series) * (PANEL_HEIGHT_PX + GAP_PX) + 8

    def x_of(day: date) -> float:
        return MARGIN_LEFT_PX + plot_w * ((day - onset).days - first) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH_PX} {height}" '
        f'width="100%" role="img" aria-label="Timeline since onset">',
        '<style>text{font:11px sans-serif;fill:#333}.axis{stroke:#999}.grid{stroke:#eee}'
        ".line{fill:none;stroke:#1c7ed6;stroke-width:2}.projection{fill:none;stroke:#868e96;stroke-width:1.5;"
        "stroke-dasharray:6 4}.point{fill:#1c7ed6}.event{stroke-width:1.5;opacity:.8}</style>",
    ]
    for index, s in enumerate(series):
        top = TOP_PX + index * (PANEL_HEIGHT_PX + GAP_PX)
        bottom = top + PANEL_HEIGHT_PX

        def y_of(value: float, s: Series = s, top: float = top) -> float:
            share = (value - s.low) / ((s.high - s.low) or 1.0)
            share = min(max(share, 0.0), 1.0)
            if s.lower_is_up:
                share = 1.0 - share
            return top + PANEL_HEIGHT_PX * (1.0 - share)

        parts.append(f'<g class="panel" data-series="{escape(s.key)}">')
        parts.append(f'<text x="{MARGIN_LEFT_PX}" y="{top - 6}" font-weight="bold">{escape(s.title)}</text>')
        ticks = s.tick_labels or {s.low: _fmt(s.low), (s.low + s.high) / 2: _fmt((s.low + s.high) / 2),
                                  s.high: _fmt(s.high)}
        for value, label in ticks.items():
            y = y_of(value)
            parts.append(f'<line class="grid" x1="{MARGIN_LEFT_PX}" x2="{WIDTH_PX - MARGIN_RIGHT_PX}" '
                         f'y1="{y:.1f}" y2="{y:.1f}"/>')
            parts.append(f'<text x="{MARGIN_LEFT_PX - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<line class="axis" x1="{MARGIN_LEFT_PX}" x2="{MARGIN_LEFT_PX}" y1="{top}" y2="{bottom}"/>')
        parts.append(f'<line class="axis" x1="{MARGIN_LEFT_PX}" x2="{WIDTH_PX - MARGIN_RIGHT_PX}" '
                     f'y1="{bottom}" y2="{bottom}"/>')
        for event in events:
            x = x_of(event.on)
            colour = EVENT_COLOURS.get(event.kind, "#555")
            parts.append(
                f'<line class="event" data-kind="{escape(event.kind)}" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" '
                f'y2="{bottom}" stroke="{colour}" stroke-dasharray="4 3"><title>{escape(event.label)} '
                f"({event.on.isoformat()})</title></line>"
            )
        if s.projection:
            path = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in sorted(s.projection))
            parts.append(f'<polyline class="projection" points="{path}"><title>projected course (estimate)</title>'
                         "</polyline>")
        ordered = sorted(s.points)
        if len(ordered) > 1:
            path = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in ordered)
            parts.append(f'<polyline class="line" points="{path}"/>')
        for day, value in ordered:
            parts.append(
                f'<circle class="point" data-date="{day.isoformat()}" data-value="{value:g}" cx="{x_of(day):.1f}" '
                f'cy="{y_of(value):.1f}" r="4"><title>{day.isoformat()}: {escape(_label(s, value))}</title></circle>'
            )
        if not ordered:
            parts.append(f'<text x="{MARGIN_LEFT_PX + 10}" y="{top + PANEL_HEIGHT_PX / 2:.0f}">no values yet</text>')
        parts.append("</g>")
    axis_y = height - 4
    for tick in _day_ticks(first, last):
        x = MARGIN_LEFT_PX + plot_w * (tick - first) / span
        parts.append(f'<text x="{x:.1f}" y="{axis_y}" text-anchor="middle">day {tick}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _label(s: Series, value: float) -> str:
    if s.tick_labels and value in s.tick_labels:
        return s.tick_labels[value]
    return _fmt(value)


def _fmt(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _day_ticks(first: int, last: int) -> list[int]:
    """At most about 8 ticks on a round step of days, whatever the span (weeks to decades)."""
    span = max(last - first, 1)
    step = next((s for s in (7, 14, 30, 60, 90, 180, 365, 730) if span / s <= 8), 365 * -(-span // (8 * 365)))
    start = first - first % step
    return [d for d in range(start, last + 1, step) if d >= first]
