"""Write audit events. Views may refine what the audit middleware records with :func:`note`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from facenerve.web.audit.models import AuditEvent

_NOTE = "_facenerve_audit_note"


def note(request: HttpRequest, object_type: str, object_id: object, action: str) -> None:
    """Tell the audit middleware what this request really touched (e.g. the id of a record it created)."""
    setattr(request, _NOTE, (object_type, str(object_id), action))


def noted(request: HttpRequest) -> tuple[str, str, str] | None:
    """What a view said with :func:`note`, if anything."""
    value: tuple[str, str, str] | None = getattr(request, _NOTE, None)
    return value


def record(
    user: Any, address: str, action: str, object_type: str, object_id: object = "", *, method: str = "",
    path: str = "", status: int = 200,
) -> AuditEvent:
    """Append one event (``user`` may be None for a command-line action)."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    event: AuditEvent = AuditEvent.objects.create(
        user_id=user.pk if authenticated else None,
        username=str(user.get_username())[:150] if authenticated else "",
        address=address[:64], action=action, object_type=object_type[:32], object_id=str(object_id)[:64],
        method=method[:8], path=path[:300], status=status,
    )
    return event
