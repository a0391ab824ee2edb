"""The audit trail as CSV (cells that a spreadsheet would run as a formula are prefixed with an apostrophe)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from facenerve.web.audit.models import AuditEvent

COLUMNS = ("at", "user_id", "username", "address", "action", "object_type", "object_id", "method", "path", "status")


def _cell(value: object) -> str:
    text = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """A header line, then one CSV line per event."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for event in events:
        writer.writerow([_cell(getattr(event, column)) for column in COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()
