"""The printable report as a PDF, drawn on the server by WeasyPrint (Pango; no browser).

The HTML is the report page's own template; WeasyPrint lays it out with the print stylesheet plus
``facenerve/report-pdf.css`` (A4 pages, running footer, the wide timeline scaled to the page). Every resource it asks
for goes through the fetcher the caller passes in (:func:`store_fetcher`, whose rules are :class:`StoreFetcher`),
which answers only from the app itself: the annotated pictures of this report
from the image store, and FaceNerve's own stylesheets from its static files. Any other URL (another image, another
host, ``file:``, ``data:``, the network) is refused, so a report can never make the server fetch anything.

WeasyPrint is imported on the first PDF; when it or Pango cannot be loaded, :class:`PdfUnavailableError` says so
(the view answers 503), and the rest of the app runs without them.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse

from facenerve.web.filenames import safe_file_stem
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


class RefusedURLError(ValueError):
    """A URL the report may not load (WeasyPrint logs it and leaves the resource out)."""


class PdfUnavailableError(RuntimeError):
    """WeasyPrint, or the Pango it loads, is missing or broken on this server: no PDF can be made."""


def _weasyprint() -> Any:
    """The ``weasyprint`` module, imported on first use (it takes a while to load, and loads Pango through cffi:
    a missing library is an ``OSError`` there); :class:`PdfUnavailableError` when it cannot be loaded."""
    from PIL import ImageFile

    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        log.error("report PDF: WeasyPrint cannot be loaded (%s: %s)", type(exc).__name__, str(exc)[:300])
        raise PdfUnavailableError("PDF reports need Pango (see docs)") from exc
    finally:
        # WeasyPrint's import turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES; uploads must still refuse a cut
        # file, and a report embeds only whole pictures from the app's own store. The app never wants it on.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
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
        """Note and log a refused ``url`` (WeasyPrint then leaves the resource out)."""
        self.refused.append(url)
        log.warning("report PDF: refused %s (%s)", url[:200], reason)


def store_fetcher(store: ImageStore, allowed_images: Iterable[str], base_url: str = BASE_URL) -> Any:
    """The fetcher to pass to :func:`render_pdf`: a WeasyPrint ``URLFetcher`` (WeasyPrint needs a subclass) whose
    ``fetch`` answers only from :class:`StoreFetcher`, so its network, file and data handlers are never reached.
    ``.rules`` is the StoreFetcher (its ``base_url``, and ``refused`` afterwards). :class:`PdfUnavailableError` when
    WeasyPrint cannot be loaded."""
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


def render_pdf(html: str, fetcher: Any) -> bytes:
    """The report's HTML as PDF bytes, every resource loaded through ``fetcher`` (made by :func:`store_fetcher`);
    relative URLs (and so the PDF's links) resolve against its ``rules.base_url``. About 1–1.4 s of CPU for the demo
    report: callers hold a :func:`facenerve.web.clinic.limits.pdf_slot`."""
    weasyprint = _weasyprint()
    base_url = fetcher.rules.base_url
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher, media_type="print")
    pdf: bytes = document.write_pdf()
    return pdf


def file_name(identifier: str, on: date, *, plain: bool) -> str:
    """``facenerve-report-<identifier>-<date>.pdf`` (``summary`` for the patient's version), the identifier through
    :func:`facenerve.web.filenames.safe_file_stem` (``patient`` when nothing is left of it)."""
    safe = safe_file_stem(identifier)
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
