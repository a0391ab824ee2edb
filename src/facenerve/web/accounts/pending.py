"""A login half done: the password was right, the second factor is still to come (kept 5 minutes in the session)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model, login
from django.http import HttpRequest

from facenerve.web.accounts import ratelimit

KEY = "facenerve_pending_login"
#: Set on a session whose user needed no second factor at login (so the 2FA middleware need not ask again).
NO_SECOND_STEP = "facenerve_no_second_step"
MAX_AGE_S = 300


def start(request: HttpRequest, user: Any, next_url: str) -> None:
    """Remember that ``user`` gave the right password (no session is logged in yet)."""
    request.session.cycle_key()
    request.session[KEY] = {"user": user.pk, "backend": user.backend, "at": time.time(), "next": next_url}


def user_of(request: HttpRequest) -> Any:
    """The user half logged in on this session, or None (none, or older than :data:`MAX_AGE_S`)."""
    data = request.session.get(KEY)
    if not isinstance(data, dict) or time.time() - float(data.get("at", 0)) > MAX_AGE_S:
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is not None:
        user.backend = data.get("backend")
    return user


def finish(request: HttpRequest, user: Any, device: Any | None) -> str:
    """Log ``user`` in, verified by ``device``; the address's second-step failures are forgotten. Returns the
    page to go to next."""
    from django_otp import login as otp_login

    data = request.session.pop(KEY, {})
    login(request, user, backend=user.backend)
    if device is None:
        request.session[NO_SECOND_STEP] = True
    else:
        otp_login(request, device)
    ratelimit.clear_failures(second_step_key(user), ratelimit.client_address(request))
    return str(data.get("next") or "")


def second_step_key(user: Any) -> str:
    """The rate-limit key of a user's second step."""
    return f"2fa:{user.get_username()}"
