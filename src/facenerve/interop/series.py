"""A patient's series as a table (one row per assessment), and that table as CSV or XLSX: plain data, no ORM.

In: a course (:func:`facenerve.web.clinic.exports.course`). Columns: patient, date, days since onset, episode, each
summary figure and grade (House–Brackmann as a roman numeral), then each photo measure per expression and side that
any assessment holds, headed with its human label and unit (:mod:`facenerve.labels`). Text a spreadsheet would run
as a formula (``= + - @``, tab, CR) is written as text: a leading apostrophe in CSV, a string cell in XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from facenerve import labels
from facenerve.interop.fhir import SUMMARY
from facenerve.protocol import Expression

Cell = str | float | int | date | None
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ORDER = {e.value: i for i, e in enumerate(Expression)}
_MEASURE_ORDER = {key: i for i, key in enumerate(labels.MEASURES)}


def table(course: Mapping[str, Any]) -> tuple[list[str], list[list[Cell]]]:
    """(headers, rows): one row per assessment, in the order of the course."""
    episodes = {e["id"]: e for e in course.get("episodes", ())}
    measures = sorted({(expression, name, str(metric.get("unit") or ""))
                       for a in course.get("assessments", ()) for expression, metrics in (a.get("photos") or {}).items()
                       for name, metric in metrics.items()
                       if metric.get("left") is not None or metric.get("right") is not None},
                      key=lambda m: (_ORDER.get(m[0], 99), m[0], _MEASURE_ORDER.get(m[1], 99), m[1]))
    headers = ["Patient", "Date", "Days since onset", "Episode", *(_summary_header(k) for k in SUMMARY),
               "Eye closure", "Affected side"]
    for expression, name, unit in measures:
        for side in ("right", "left"):
            headers.append(f"{labels.expression(expression)}: {labels.measure(name)}, patient's {side}"
                           + (f" ({labels.unit(unit)})" if unit else ""))
    rows: list[list[Cell]] = []
    for a in course.get("assessments", ()):
        episode = episodes.get(a.get("episode"), {})
        taken_on = _as_date(a["taken_on"])
        onset = _as_date(episode["onset_date"]) if episode else None
        row: list[Cell] = [str(course["patient"]["identifier"]), taken_on,
                           (taken_on - onset).days if onset else None, _episode_label(episode)]
        for key in SUMMARY:
            value = a.get(key)
            row.append(None if value is None else labels.house_brackmann(value) if key == "house_brackmann"
                       else round(float(value), 3))
        closure = a.get("eye_closure_complete")
        row.append(None if closure is None else "complete" if closure else "incomplete")
        row.append(str(a["affected_side"]).capitalize() if a.get("affected_side") in ("left", "right") else None)
        for expression, name, _unit in measures:
            metric = ((a.get("photos") or {}).get(expression) or {}).get(name) or {}
            row.extend(None if metric.get(side) is None else round(float(metric[side]), 3)
                       for side in ("right", "left"))
        rows.append(row)
    return headers, rows


def to_csv(headers: list[str], rows: list[list[Cell]]) -> str:
    """The table as CSV text (dates ISO 8601, empty cells for missing values)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_safe(h) for h in headers])
    for row in rows:
        writer.writerow(["" if c is None else c.isoformat() if isinstance(c, date) else
                         _safe(c) if isinstance(c, str) else str(c) for c in row])
    return buffer.getvalue()


def to_xlsx(headers: list[str], rows: list[list[Cell]], title: str = "Series") -> bytes:
    """The table as an XLSX workbook (one sheet; dates as dates, text never as a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for column, header in enumerate(headers, 1):
        cell = sheet.cell(row=1, column=column)
        _put(cell, header)
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, 2):
        for column, value in enumerate(row, 1):
            cell = sheet.cell(row=number, column=column)
            _put(cell, value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _put(cell: Any, value: Cell) -> None:
    """Write ``value``; text is always a string cell (openpyxl would store ``=…`` as a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _summary_header(key: str) -> str:
    """E.g. "Asymmetry index (mm)", "Synkinesis (Sunnybrook, points)"; a grade has no unit."""
    unit = labels.SUMMARY_UNITS.get(key, "")
    name = labels.measure(key)
    if not unit or unit == "grade":
        return name
    return f"{name[:-1]}, {labels.unit(unit)})" if name.endswith(")") else f"{name} ({labels.unit(unit)})"


def _safe(text: str) -> str:
    """A CSV cell's text that no spreadsheet runs as a formula: ``text`` with an apostrophe in front when it starts
    with ``= + - @``, tab or CR (:data:`_FORMULA_START`), else unchanged."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _episode_label(episode: Mapping[str, Any]) -> str:
    """E.g. "Left · Bell's palsy · onset 2026-04-20"."""
    if not episode:
        return ""
    cause = episode.get("cause_label") or labels.humanise(str(episode.get("cause") or ""))
    return f"{str(episode['side']).capitalize()} · {cause} · onset {labels.day(_as_date(episode['onset_date']))}"


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
