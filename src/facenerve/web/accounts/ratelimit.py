"""Login rate limiting: too many recent failures for a username or from an address lock it out.

Failures are rows in the database (``LoginFailure``), so the limit holds across server processes.
Limits come from settings: ``FACENERVE_LOGIN_MAX_FAILURES`` within ``FACENERVE_LOGIN_WINDOW_S``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from facenerve.web.accounts.models import LoginFailure


def client_address(request: HttpRequest) -> str:
    """The client address (REMOTE_ADDR; a proxy in front must set it, not X-Forwarded-For)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _recent(username: str, address: str) -> tuple[int, int]:
    since = timezone.now() - timedelta(seconds=settings.FACENERVE_LOGIN_WINDOW_S)
    recent = LoginFailure.objects.filter(at__gte=since)
    return recent.filter(username=username).count(), recent.filter(address=address).count()


def is_locked(username: str, address: str) -> bool:
    """True when the username or the address has reached the failure limit within the window."""
    by_user, by_address = _recent(username.lower(), address)
    limit = int(settings.FACENERVE_LOGIN_MAX_FAILURES)
    # An address gets more room than one username: several people may share a clinic's network.
    return by_user >= limit or by_address >= 4 * limit


def record_failure(username: str, address: str) -> None:
    """Remember one failed login."""
    LoginFailure.objects.create(username=username.lower()[:150], address=address)


def clear_failures(username: str) -> None:
    """Forget a username's failures after a successful login; old rows are pruned on the way."""
    LoginFailure.objects.filter(username=username.lower()).delete()
    since = timezone.now() - timedelta(seconds=settings.FACENERVE_LOGIN_WINDOW_S)
    LoginFailure.objects.filter(at__lt=since).delete()
