"""Change a password (other sessions end) and reset a forgotten one by email (requests rate limited per address)."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy

from facenerve.web.accounts import ratelimit
from facenerve.web.accounts.sessions import end_sessions
from facenerve.web.accounts.views import locked

RESET_KEY = "password-reset"


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change; every other session of the user ends."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        end_sessions(self.request.user, keep=self.request.session.session_key)
        return response


class PasswordReset(auth_views.PasswordResetView):
    """Ask for a reset link by email; the answer never says whether the address is known."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        address = ratelimit.client_address(request)
        if (wait := ratelimit.retry_after(RESET_KEY, address)) > 0:
            return locked(request, self.template_name, {"form": self.get_form()}, wait)
        ratelimit.record_failure(RESET_KEY, address)  # every request counts towards the address's limit
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Set the new password from the emailed link; every session of the user ends."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        end_sessions(form.user)
        return response
