"""Bad input and broken back ends answer one line with a 4xx or 503, never a traceback.

* a body in a character set other than UTF-8 (or ASCII): 415, before any middleware parses it;
* an API body above ``FACENERVE_API_MAX_BODY_KB`` (256 KB): 413, before it is read;
* text the database cannot store (a lone surrogate): 400; two requests creating the same record at once: 409;
* the database unavailable or locked: 503 with ``Retry-After``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger(__name__)

_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}


def _answer(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class FaultMiddleware:
    """Refuse unreadable bodies early; turn the known failures of a view into clean answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        charset = (request.content_params or {}).get("charset", "utf-8").strip().lower()
        if charset not in _CHARSETS:
            return _answer(request, f"request bodies must be UTF-8, not {charset[:20]}", 415)
        if request.path.startswith("/api/") and _length(request) > settings.FACENERVE_API_MAX_BODY_BYTES:
            return _answer(request, "the request body is too large", 413)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, UnicodeError):
            return _answer(request, "the text holds characters that cannot be stored", 400)
        if isinstance(exc, IntegrityError):
            return _answer(request, "that conflicts with a record saved at the same moment; try again", 409)
        if isinstance(exc, DatabaseError):
            log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            response = _answer(request, "the database is unavailable; try again shortly", 503)
            response["Retry-After"] = "5"
            return response
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an exception outside a view (in a middleware: the session or user lookup) meets the same
    mapping; anything else is a one-line 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, Exception):
        known = FaultMiddleware(lambda r: HttpResponse()).process_exception(request, exc)
        if known is not None:
            return known
    return _answer(request, "internal error; it has been logged", 500)

