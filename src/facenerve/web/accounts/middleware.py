"""Refuse a signed-in session that has not passed the second factor its user needs (defence in depth: the login
view already asks for it before logging in)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from facenerve.web.accounts import twofactor
from facenerve.web.accounts.pending import NO_SECOND_STEP

#: What a session lacking its second factor may still reach: logging in again or out, a password reset, static files.
#: Not the security page, recovery codes or authenticator set-up: those would let it mint a factor of its own.
OPEN_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/accounts/password/reset/", "/static/", "/health")


class TwoFactorMiddleware:
    """After django-otp's middleware: unverified sessions of users who need 2FA are logged out (pages) or get 403
    (API)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        if not user.is_verified():
            if request.session.get(NO_SECOND_STEP) and not twofactor.required(user):
                return self.get_response(request)
            if twofactor.needs_second_step(user):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "two-factor verification required"}, status=403)
                logout(request)
                return redirect("accounts:login")
            request.session[NO_SECOND_STEP] = True
        return self.get_response(request)
