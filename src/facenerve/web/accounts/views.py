"""Login (rate limited) and logout."""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from facenerve.web.accounts import ratelimit

LOCKED_MESSAGE = "Too many failed logins. Try again later."


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Username and password; too many recent failures (per username or address) answer 429."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    if request.method == "GET":
        return render(request, "accounts/login.html", {"form": AuthenticationForm(request), "next": next_url})
    username = str(request.POST.get("username", ""))[:150]
    address = ratelimit.client_address(request)
    if ratelimit.is_locked(username, address):
        form = AuthenticationForm(request)
        return render(request, "accounts/login.html", {"form": form, "next": next_url, "error": LOCKED_MESSAGE},
                      status=429)
    form = AuthenticationForm(request, data=request.POST)
    if not form.is_valid():
        ratelimit.record_failure(username, address)
        return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=400)
    ratelimit.clear_failures(username)
    login(request, form.get_user())
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, CSRF protected)."""
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
