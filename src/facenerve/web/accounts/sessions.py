"""Track each user's sessions; end all of them (log out everywhere) or all but the current one."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from facenerve.web.accounts.models import UserSession


def remember(request: HttpRequest, user: Any) -> None:
    """Note the session ``user`` just logged in with (``user_logged_in`` receiver)."""
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={"user": user})


def end_sessions(user: Any, keep: str | None = None) -> int:
    """Delete every session of ``user`` except ``keep``; the number ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    return len(keys)
