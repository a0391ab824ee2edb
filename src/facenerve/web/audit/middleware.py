"""Record one audit event for every request of a signed-in user to a patient-data route (see :mod:`routes`).

The event is written after the view ran, with the response status, whatever the outcome (a refused read is
recorded too). If the event cannot be written, the response is withheld: 503.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from facenerve.web.accounts.ratelimit import client_address
from facenerve.web.audit.record import noted, record
from facenerve.web.audit.routes import route_of

log = logging.getLogger(__name__)


def _action(method: str) -> str:
    return {"GET": "read", "HEAD": "read", "DELETE": "erase"}.get(method, "update")


class AuditMiddleware:
    """Append an :class:`AuditEvent` for each patient-data request (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = route_of(match.namespace, match.url_name or "") if match is not None else None
        if route is None or match is None:
            return response
        response["Cache-Control"] = "no-store"  # patient data stays out of browser and proxy caches
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        method = str(request.method or "GET")
        if (method in ("GET", "HEAD") and not route.get_reads and noted(request) is None):
            return response
        object_type, object_id, action = noted(request) or (
            route.object_type, str(match.kwargs.get(route.id_kwarg, "")) if route.id_kwarg else "", _action(method)
        )
        try:
            record(user, client_address(request), action, object_type, object_id, method=method,
                   path=request.path, status=response.status_code)
        except DatabaseError:
            log.exception("audit event could not be written; response withheld")
            return HttpResponse("Service unavailable: the audit trail cannot be written.", status=503,
                                content_type="text/plain; charset=utf-8")
        return response
