"""Bounds on the work one upload can cause: a pixel budget per request, read from the files' headers before
anything is decoded, and a cap on photo sessions analysed at once in one server process."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings

_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def header_pixels(data: bytes) -> int:
    """Width × height as the file's header declares it (0 when unreadable: the decoder then refuses the file)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return 0
    return int(width) * int(height)


def over_budget(blobs: Iterable[bytes]) -> bool:
    """True when the files together declare more pixels than ``FACENERVE_MAX_REQUEST_MEGAPIXELS`` allows."""
    limit = int(settings.FACENERVE_MAX_REQUEST_MEGAPIXELS) * 1_000_000
    return sum(header_pixels(blob) for blob in blobs) > limit


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(settings.FACENERVE_MAX_CONCURRENT_ANALYSES)
        return _slots


@contextmanager
def analysis_slot() -> Iterator[bool]:
    """Hold one of the process's analysis slots, waiting up to ``FACENERVE_ANALYSIS_WAIT_S``; yields False (and
    holds nothing) when none came free."""
    slots = _semaphore()
    acquired = slots.acquire(timeout=float(settings.FACENERVE_ANALYSIS_WAIT_S))
    try:
        yield acquired
    finally:
        if acquired:
            slots.release()
