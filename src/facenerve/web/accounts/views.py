"""Login (rate limited; then the second factor where one is needed), logout, log out everywhere."""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from facenerve.web.accounts import pending, ratelimit, twofactor
from facenerve.web.accounts.names import normalise_username
from facenerve.web.accounts.sessions import end_sessions

LOCKED_MESSAGE = "Too many failed attempts. Try again in {seconds} s."


def locked(request: HttpRequest, template: str, context: dict[str, object], seconds: int) -> HttpResponse:
    """The 429 answer: the page again, saying how long to wait, with ``Retry-After``."""
    context = {**context, "error": LOCKED_MESSAGE.format(seconds=seconds)}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _next(request: HttpRequest) -> str:
    next_url = str(request.POST.get("next") or request.GET.get("next") or "")
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return next_url if safe else ""


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """User name and password; repeated failures from an address wait longer each time (429)."""
    next_url = _next(request)
    template = "accounts/login.html"
    if request.method == "GET":
        return render(request, template, {"form": AuthenticationForm(request), "next": next_url})
    username = normalise_username(str(request.POST.get("username", ""))[:300])
    address = ratelimit.client_address(request)
    if (wait := ratelimit.retry_after(username, address)) > 0:
        return locked(request, template, {"form": AuthenticationForm(request), "next": next_url}, wait)
    data = {"username": username, "password": str(request.POST.get("password", ""))}
    form = AuthenticationForm(request, data=data)
    if not form.is_valid():
        ratelimit.record_failure(username, address)
        return render(request, template, {"form": form, "next": next_url}, status=400)
    ratelimit.clear_failures(username, address)
    user = form.get_user()
    pending.start(request, user, next_url)
    if twofactor.has_device(user):
        return redirect("accounts:verify")
    if twofactor.required(user):
        return redirect("accounts:setup")
    return redirect(pending.finish(request, user, None) or settings.LOGIN_REDIRECT_URL)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, CSRF protected)."""
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of this user, this one included."""
    end_sessions(request.user)
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
