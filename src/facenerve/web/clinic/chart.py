"""Server-rendered SVG timeline: one panel per measure over days since onset, treatments marked.

Pure drawing: it plots what it is given and computes no clinical figure. No JavaScript, no CDN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape


@dataclass(frozen=True)
class Layout:
    """The chart's geometry in SVG units; the page shows the layout that keeps its text at least about 11 px."""

    name: str
    width: int
    panel_height: int
    margin_left: int
    margin_right: int
    gap: int
    top: int
    font_px: int
    title_x: int
    max_day_ticks: int


#: Wide screens (a card of about 700–900 px: 1 SVG unit ≈ 1 px).
WIDE = Layout("wide", 760, 120, 64, 16, 34, 24, 12, 64, 8)
#: Phones (shown below 760 px; at 390 px the card is about 330 px wide, so 13-unit text is about 12 px high).
NARROW = Layout("narrow", 360, 110, 40, 10, 44, 28, 13, 4, 4)
WIDTH_PX = WIDE.width
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


#: The legend's words for each kind of treatment marked on the charts.
EVENT_LABELS = {"medication": "medication", "therapy": "therapy", "botulinum_toxin": "botulinum toxin",
                "procedure": "procedure"}


def timeline_html(onset: date, today: date, series: list[Series], events: list[Event], *, table: bool = True) -> str:
    """The timeline for a page: a wide and a narrow SVG (CSS shows the one that fits the screen), the legend of what
    is drawn, and (unless ``table`` is False, for a page that prints its own) the values in a table a keyboard and a
    screen reader reach (a details/summary below the charts)."""
    return (f'<div class="timeline-wide">{timeline_svg(onset, today, series, events, WIDE)}</div>'
            f'<div class="timeline-narrow">{timeline_svg(onset, today, series, events, NARROW)}</div>'
            + legend_html(series, events) + (values_table(onset, series) if table else ""))


def legend_html(series: list[Series], events: list[Event]) -> str:
    """The legend: the projected course when one is drawn, then only the kinds of treatment on the charts."""
    entries = [("projection", "projected course (estimate)")] if any(s.projection for s in series) else []
    kinds = {e.kind for e in events}
    entries += [(kind, text) for kind, text in EVENT_LABELS.items() if kind in kinds]
    entries += [(kind, escape(kind.replace("_", " "))) for kind in sorted(kinds - set(EVENT_LABELS))]
    if not entries:
        return ""
    return '<p class="legend">' + " ".join(f'<span class="ev {escape(k)}">{t}</span>' for k, t in entries) + "</p>"


def values_table(onset: date, series: list[Series]) -> str:
    """Every plotted value as a table: one row per date, one column per panel (escaped HTML)."""
    days = sorted({d for s in series for d, _ in s.points})
    if not days:
        return ""
    values = [{d: _label(s, v) for d, v in s.points} for s in series]
    head = "".join(f'<th scope="col">{escape(s.title)}</th>' for s in series)
    rows = "".join(
        f'<tr><th scope="row">{d.isoformat()}</th><td>{(d - onset).days}</td>'
        + "".join(f"<td>{escape(v.get(d, '—'))}</td>" for v in values) + "</tr>"
        for d in days
    )
    return ('<details class="chart-values"><summary>The timeline\'s values as a table</summary>'
            # Focusable and named, so a keyboard can scroll the table on a narrow screen.
            '<div class="table-scroll" tabindex="0" role="region" aria-label="Timeline values by date"><table>'
            '<caption class="visually-hidden">Timeline values by date</caption>'
            f'<thead><tr><th scope="col">Date</th><th scope="col">Day since onset</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div></details>")


def timeline_svg(
    onset: date, today: date, series: list[Series], events: list[Event], layout: Layout = WIDE
) -> str:
    """The timeline as an inline SVG string (escaped; safe to mark safe in a template)."""
    lay = layout
    all_days = [0, (today - onset).days]
    all_days += [(d - onset).days for s in series for d, _ in s.points]
    all_days += [(e.on - onset).days for e in events]
    all_days += [(d - onset).days for s in series for d, _ in s.projection]
    first, last = min(all_days), max(max(all_days), 14)
    span = max(last - first, 1)
    plot_w = lay.width - lay.margin_left - lay.margin_right
    height = lay.top + len(series) * (lay.panel_height + lay.gap) + 8
    right = lay.width - lay.margin_right

    def x_of(day: date) -> float:
        return lay.margin_left + plot_w * ((day - onset).days - first) / span

    names = ", ".join(s.title for s in series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline {lay.name}" viewBox="0 0 {lay.width} {height}" '
        f'width="100%" role="img" aria-label="Timeline since onset: {escape(names)}. The values are in the table '
        'below.">',
        # An inline SVG's <style> applies to the whole page: every rule is scoped to this layout's SVG.
        f"<style>svg.timeline.{lay.name} text{{font:{lay.font_px}px sans-serif;fill:#333}}.axis{{stroke:#999}}"
        ".grid{stroke:#eee}"
        ".line{fill:none;stroke:#1c7ed6;stroke-width:2}.projection{fill:none;stroke:#868e96;stroke-width:1.5;"
        "stroke-dasharray:6 4}.point{fill:#1c7ed6}.event{stroke-width:1.5;opacity:.8}</style>",
    ]
    for index, s in enumerate(series):
        top = lay.top + index * (lay.panel_height + lay.gap)
        bottom = top + lay.panel_height

        def y_of(value: float, s: Series = s, top: float = top) -> float:
            share = (value - s.low) / ((s.high - s.low) or 1.0)
            share = min(max(share, 0.0), 1.0)
            if s.lower_is_up:
                share = 1.0 - share
            return top + lay.panel_height * (1.0 - share)

        parts.append(f'<g class="panel" data-series="{escape(s.key)}">')
        parts.append(f'<text x="{lay.title_x}" y="{top - 8}" font-weight="bold">{escape(s.title)}</text>')
        ticks = s.tick_labels or {s.low: _fmt(s.low), (s.low + s.high) / 2: _fmt((s.low + s.high) / 2),
                                  s.high: _fmt(s.high)}
        for value, label in ticks.items():
            y = y_of(value)
            parts.append(f'<line class="grid" x1="{lay.margin_left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}"/>')
            parts.append(f'<text x="{lay.margin_left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<line class="axis" x1="{lay.margin_left}" x2="{lay.margin_left}" y1="{top}" y2="{bottom}"/>')
        parts.append(f'<line class="axis" x1="{lay.margin_left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>')
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
            parts.append(f'<text x="{lay.margin_left + 10}" y="{top + lay.panel_height / 2:.0f}">no values yet</text>')
        parts.append("</g>")
    axis_y = height - 4
    for tick in _day_ticks(first, last, lay.max_day_ticks):
        x = lay.margin_left + plot_w * (tick - first) / span
        parts.append(f'<text x="{x:.1f}" y="{axis_y}" text-anchor="middle">day {tick}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _label(s: Series, value: float) -> str:
    if s.tick_labels and value in s.tick_labels:
        return s.tick_labels[value]
    return _fmt(value)


def _fmt(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _day_ticks(first: int, last: int, most: int = 8) -> list[int]:
    """At most about ``most`` ticks on a round step of days, whatever the span (weeks to decades)."""
    span = max(last - first, 1)
    step = next((s for s in (7, 14, 30, 60, 90, 180, 365, 730) if span / s <= most),
                365 * -(-span // (most * 365)))
    start = first - first % step
    return [d for d in range(start, last + 1, step) if d >= first]
