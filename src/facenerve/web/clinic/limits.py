"""Bounds on the work one request can cause: a pixel budget per upload, read from the files' headers before
anything is decoded, and caps on the CPU-heavy work done at once in one server process (:class:`Cap`): photo
sessions analysed (:data:`ANALYSES`) and report PDFs drawn (:data:`PDFS`)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager

from django.conf import settings


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


class Cap:
    """At most ``settings.<size_setting>`` holders at once in this process; a request waits up to
    ``settings.<wait_setting>`` seconds for a slot. The size is read when the cap is first used, the wait each time."""

    def __init__(self, size_setting: str, wait_setting: str) -> None:
        self.size_setting = size_setting
        self.wait_setting = wait_setting
        self._slots: threading.BoundedSemaphore | None = None
        self._lock = threading.Lock()

    def semaphore(self) -> threading.BoundedSemaphore:
        """The process's semaphore for this cap (made on first use)."""
        with self._lock:
            if self._slots is None:
                self._slots = threading.BoundedSemaphore(int(getattr(settings, self.size_setting)))
            return self._slots

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Hold one slot, waiting up to the wait setting; yields False (and holds nothing) when none came free."""
        slots = self.semaphore()
        acquired = slots.acquire(timeout=float(getattr(settings, self.wait_setting)))
        try:
            yield acquired
        finally:
            if acquired:
                slots.release()


#: Photo sessions analysed at once (uploads): ``FACENERVE_MAX_CONCURRENT_ANALYSES``, ``FACENERVE_ANALYSIS_WAIT_S``.
ANALYSES = Cap("FACENERVE_MAX_CONCURRENT_ANALYSES", "FACENERVE_ANALYSIS_WAIT_S")
#: Report PDFs drawn at once: ``FACENERVE_MAX_CONCURRENT_PDFS``, ``FACENERVE_PDF_WAIT_S``. A cap of its own, not the
#: analyses' slots: any signed-in user (a patient too) may ask for PDFs, and a burst of them must not make a
#: clinician's upload wait or fail; a PDF (about 1.1–1.4 s of CPU) also waits less long than an analysis before the
#: 503. The cost: at most both caps' worth of CPU-heavy work runs at once (2 + 1 by default).
PDFS = Cap("FACENERVE_MAX_CONCURRENT_PDFS", "FACENERVE_PDF_WAIT_S")


def analysis_slot() -> AbstractContextManager[bool]:
    """Hold one of the process's analysis slots (:data:`ANALYSES`); yields False when none came free in time."""
    return ANALYSES.slot()


def pdf_slot() -> AbstractContextManager[bool]:
    """Hold one of the process's PDF slots (:data:`PDFS`); yields False when none came free in time."""
    return PDFS.slot()
