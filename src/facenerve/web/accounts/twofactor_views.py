"""The second login step, setting up an authenticator, recovery codes, and the account's security page."""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from facenerve.web.accounts import pending, ratelimit, twofactor
from facenerve.web.accounts.views import locked

SETUP_DEVICE = "facenerve_setup_device"


def _step_blocked(request: HttpRequest, user: Any, template: str, context: dict[str, Any]) -> HttpResponse | None:
    wait = ratelimit.retry_after(pending.second_step_key(user), ratelimit.client_address(request))
    return locked(request, template, context, wait) if wait > 0 else None


def _step_failed(request: HttpRequest, user: Any) -> None:
    ratelimit.record_failure(pending.second_step_key(user), ratelimit.client_address(request))


@never_cache
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, or a recovery code (rate limited like the password)."""
    user = pending.user_of(request)
    if user is None:
        return redirect("accounts:login")
    template = "accounts/verify.html"
    if request.method == "GET":
        return render(request, template, {})
    if (blocked := _step_blocked(request, user, template, {})) is not None:
        return blocked
    device = twofactor.verify(user, str(request.POST.get("code", "")))
    if device is None:
        _step_failed(request, user)
        return render(request, template, {"error": "That code is not right."}, status=400)
    return redirect(pending.finish(request, user, device) or settings.LOGIN_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
def setup_view(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: during a login that requires one, or from the security page."""
    half_done = pending.user_of(request)
    user = half_done or (request.user if request.user.is_authenticated else None)
    if user is None:
        return redirect("accounts:login")
    if half_done is None and twofactor.has_device(user) and not user.is_verified():
        return redirect("accounts:login")  # replacing an authenticator takes the current one first
    template = "accounts/setup.html"
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=request.session.get(SETUP_DEVICE)).first()
    if request.method == "GET" or device is None:
        device = twofactor.new_authenticator(user)
        request.session[SETUP_DEVICE] = device.pk
    context = {"qr": twofactor.qr_svg(device), "secret": twofactor.secret_base32(device)}
    if request.method == "GET":
        return render(request, template, context)
    if (blocked := _step_blocked(request, user, template, context)) is not None:
        return blocked
    if not twofactor.confirm_authenticator(device, "".join(str(request.POST.get("code", "")).split())):
        _step_failed(request, user)
        return render(request, template, {**context, "error": "That code is not right."}, status=400)
    request.session.pop(SETUP_DEVICE, None)
    codes = twofactor.new_recovery_codes(user)
    if half_done is not None:
        next_url = pending.finish(request, user, device)
    else:
        from django_otp import login as otp_login

        otp_login(request, device)
        next_url = ""
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url or "/"})


@login_required
@never_cache
def security_view(request: HttpRequest) -> HttpResponse:
    """Two-factor status, password change, recovery codes, log out everywhere."""
    context = {"has_device": twofactor.has_device(request.user), "required": twofactor.required(request.user)}
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working)."""
    if not twofactor.has_device(request.user):
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": twofactor.new_recovery_codes(request.user),
                                                            "next": "/accounts/security/"})


@login_required
@require_POST
def turn_off_view(request: HttpRequest) -> HttpResponse:
    """Turn two-factor login off, where it is not required."""
    if twofactor.required(request.user):
        return HttpResponse("Two-factor login is required for your role.", status=403,
                            content_type="text/plain; charset=utf-8")
    twofactor.turn_off(request.user)
    return redirect("accounts:security")
