"""Login rate limiting that a stranger cannot turn against a user.

Failures are counted per client address and per user name *and* address, never per user name alone: someone
failing logins as ``dr-grey`` from elsewhere does not stop Dr Grey logging in. Past the free attempts, each
further failure doubles the wait before the next try (``FACENERVE_LOGIN_DELAY_S``, 2 s, 4 s, ... up to the window)
instead of a hard lock. Failures are rows in the database, so the limit holds across server processes.
The same limits cover the second step of two-factor login (keyed ``2fa:<name>``) and password-reset requests.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max
from django.http import HttpRequest
from django.utils import timezone

from facenerve.web.accounts.models import LoginFailure

#: An address gets more room than one name at it: several people may share a clinic's network.
ADDRESS_FACTOR = 4


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or with ``FACENERVE_TRUSTED_PROXIES=N`` the address the nearest of
    N trusted proxies saw (the N-th entry from the right of ``X-Forwarded-For``)."""
    hops = int(getattr(settings, "FACENERVE_TRUSTED_PROXIES", 0))
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    if hops > 0:
        chain = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops][:64]
    return remote[:64]


def _wait(count: int, latest: object, limit: int) -> int:
    """Seconds still to wait after ``count`` failures, the last at ``latest``, when ``limit`` are free."""
    if count < limit or latest is None:
        return 0
    window = int(settings.FACENERVE_LOGIN_WINDOW_S)
    delay = min(window, int(settings.FACENERVE_LOGIN_DELAY_S) * 2 ** min(count - limit, 30))
    elapsed = (timezone.now() - latest).total_seconds()  # type: ignore[operator]
    return max(0, int(delay - elapsed + 0.999))


def retry_after(username: str, address: str) -> int:
    """Seconds before ``username`` may try again from ``address`` (0: now)."""
    since = timezone.now() - timedelta(seconds=settings.FACENERVE_LOGIN_WINDOW_S)
    recent = LoginFailure.objects.filter(at__gte=since, address=address)
    limit = int(settings.FACENERVE_LOGIN_MAX_FAILURES)
    pair = recent.filter(username=username).aggregate(n=Count("id"), last=Max("at"))
    anyone = recent.aggregate(n=Count("id"), last=Max("at"))
    return max(_wait(pair["n"], pair["last"], limit), _wait(anyone["n"], anyone["last"], ADDRESS_FACTOR * limit))


def is_locked(username: str, address: str) -> bool:
    """True while ``username`` must wait before trying again from ``address``."""
    return retry_after(username, address) > 0


def record_failure(username: str, address: str) -> None:
    """Remember one failed attempt (``username`` already normalised)."""
    LoginFailure.objects.create(username=username[:150], address=address)


def clear_failures(username: str, address: str) -> None:
    """Forget the failures of ``username`` at ``address`` after a success; old rows are pruned on the way."""
    LoginFailure.objects.filter(username=username, address=address).delete()
    since = timezone.now() - timedelta(seconds=settings.FACENERVE_LOGIN_WINDOW_S)
    LoginFailure.objects.filter(at__lt=since).delete()
