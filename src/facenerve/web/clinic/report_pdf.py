"""The printable report as a PDF, drawn on the server by WeasyPrint (Pango; no browser).

The HTML is the report page's own template; WeasyPrint lays it out with the print stylesheet plus
``facenerve/report-pdf.css`` (A4 pages, running footer, the wide timeline scaled to the page). Every resource it asks
for goes through :class:`StoreFetcher`, which answers only from the app itself: the annotated pictures of this report
from the image store, and FaceNerve's own stylesheets from its static files. Any other URL (another image, another
host, ``file:``, ``data:``, the network) is refused, so a report can never make the server fetch anything.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse

from facenerve.web.storage import ImageStore

log = logging.getLogger(__name__)

#: The default origin the report's relative URLs are resolved against (the view passes the app's own, so links in
#: the PDF lead back to it). Reserved (RFC 2606). Never fetched either way: the fetcher only compares URLs with it.
BASE_URL = "https://report.facenerve.invalid/"
#: Stylesheets the PDF may load: the app's stylesheet (its print rules) and the PDF's page rules.
STYLESHEETS = ("facenerve/app.css", "facenerve/report-pdf.css")
#: The annotated pictures are embedded as JPEG of this quality (their lines and labels stay sharp in print).
JPEG_QUALITY = 90
_STATIC_PREFIX = "/static/"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class RefusedURLError(ValueError):
    """A URL the report may not load (WeasyPrint logs it and leaves the resource out)."""


def _weasyprint() -> Any:
    import weasyprint  # (imported on first use: it takes a while to load)

    return weasyprint


class StoreFetcher:
    """What a report may load: ``allowed_images`` (sha256 digests) from ``store``, the :data:`STYLESHEETS` from the
    static files, nothing else. :func:`store_fetcher` wraps it for WeasyPrint; ``refused`` lists what was refused."""

    def __init__(self, store: ImageStore, allowed_images: Iterable[str], base_url: str = BASE_URL) -> None:
        self.store = store
        self.base_url = base_url
        self.allowed_images = frozenset(allowed_images)
        self.refused: list[str] = []
        self._image_prefix = reverse("clinic:image", kwargs={"sha256": "0" * 64})[:-64]

    def resolve(self, url: str) -> tuple[bytes, str]:
        """The bytes and media type of ``url``; :class:`RefusedURLError` for anything the report may not load."""
        parts = urlsplit(url)
        base = urlsplit(self.base_url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query or parts.fragment:
            raise RefusedURLError(f"not a resource of this report: {url[:200]}")
        path = parts.path
        if path.startswith(self._image_prefix):
            digest = path[len(self._image_prefix):]
            if digest not in self.allowed_images:
                raise RefusedURLError(f"image not in this report: {digest[:80]}")
            return _as_jpeg(self.store.read(digest)), "image/jpeg"
        if path.startswith(_STATIC_PREFIX) and path[len(_STATIC_PREFIX):] in STYLESHEETS:
            return _static_file(path[len(_STATIC_PREFIX):]).read_bytes(), "text/css"
        raise RefusedURLError(f"not a resource of this report: {url[:200]}")

    def refuse(self, url: str, reason: Exception) -> None:
        self.refused.append(url)
        log.warning("report PDF: refused %s (%s)", url[:200], reason)


def store_fetcher(store: ImageStore, allowed_images: Iterable[str], base_url: str = BASE_URL) -> Any:
    """A WeasyPrint ``URLFetcher`` (WeasyPrint needs a subclass) whose ``fetch`` answers only from
    :class:`StoreFetcher`: its network, file and data handlers are never reached. ``.rules`` is the StoreFetcher."""
    weasyprint = _weasyprint()
    rules = StoreFetcher(store, allowed_images, base_url)
    base: Any = weasyprint.urls.URLFetcher

    class _Fetcher(base):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            try:
                data, kind = rules.resolve(url)
            except (RefusedURLError, FileNotFoundError, ValueError) as exc:
                rules.refuse(url, exc)
                raise
            return weasyprint.urls.URLFetcherResponse(url, data, {"Content-Type": kind})

    fetcher = _Fetcher(timeout=1, allowed_protocols=(), allow_redirects=False)
    fetcher.rules = rules
    return fetcher


def render_pdf(html: str, store: ImageStore, allowed_images: Iterable[str], base_url: str = BASE_URL) -> bytes:
    """The report's HTML as PDF bytes; relative URLs (and so the PDF's links) resolve against ``base_url``."""
    weasyprint = _weasyprint()
    fetcher = store_fetcher(store, allowed_images, base_url)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher, media_type="print")
    pdf: bytes = document.write_pdf()
    return pdf


def file_name(identifier: str, on: date, *, plain: bool) -> str:
    """``facenerve-report-<identifier>-<date>.pdf`` (``summary`` for the patient's version) with the identifier cut
    down to ASCII letters, digits, dot, dash and underscore (accents dropped, anything else a dash)."""
    ascii_only = unicodedata.normalize("NFKD", identifier).encode("ascii", "ignore").decode("ascii")
    safe = _SAFE_NAME.sub("-", ascii_only).strip("-.")[:60] or "patient"
    kind = "summary" if plain else "report"
    return f"facenerve-{kind}-{safe}-{on.isoformat()}.pdf"


def _static_file(name: str) -> Path:
    from django.contrib.staticfiles import finders

    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found if isinstance(found, str) else found[0])


def _as_jpeg(data: bytes) -> bytes:
    """A stored picture as JPEG (quality :data:`JPEG_QUALITY`): WeasyPrint embeds a JPEG as it is, where a PNG is
    decoded and compressed again (about a third of the PDF's time, and four times the size, for the annotated PNGs)."""
    from PIL import Image

    if data.startswith(b"\xff\xd8"):
        return data
    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
