"""Shared by the web benchmarks: time a page through Django's test client, in milliseconds, and count its queries."""

from __future__ import annotations

import time
from typing import Any


def time_get(client: Any, url: str, repeats: int) -> tuple[list[float], int]:
    """``repeats`` timings (ms) of GET ``url`` after one warm-up (templates, prepared statements), and the number
    of database queries one request makes. Each response must be 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return times, len(queries)
