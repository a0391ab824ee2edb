"""Accounts (issue 21): one spelling per user name, limits a stranger cannot turn against a user, two-factor
login with recovery codes, password change and reset, logging out everywhere."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from facenerve.web.accounts import ratelimit
from facenerve.web.accounts.models import LoginFailure
from facenerve.web.accounts.users import create_user

from .conftest import _plain_force_login

PASSWORD = "correct horse battery staple 42"
NEW_PASSWORD = "another long passphrase 77"


@pytest.fixture(autouse=True)
def _no_device_throttle(settings: Any) -> None:
    """django-otp's own per-device throttle would slow the repeated tries below; ours is what is tested."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _login(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def _code(device: Any) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


@pytest.mark.parametrize("variant", [" clinA", "clinA ", "\tclinA", "ｃlinA", "CLINA"])
def test_name_variants_are_one_account(db: Any, variant: str) -> None:
    user = create_user(" ClinA ", "clinician", PASSWORD)
    assert user.username == "clina"
    assert _login(Client(), variant).status_code == 302


def test_failures_on_name_variants_count_under_one_key(db: Any, settings: Any) -> None:
    settings.FACENERVE_LOGIN_MAX_FAILURES = 3
    create_user("clinA", "clinician", PASSWORD)
    client = Client()
    for variant in (" clinA", "ｃlinA", "CLINA\t"):
        assert _login(client, variant, "wrong password").status_code == 400
    assert set(LoginFailure.objects.values_list("username", flat=True)) == {"clina"}
    assert _login(client, "clinA").status_code == 429


def test_the_admin_page_cannot_create_a_second_spelling(db: Any) -> None:
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.create(username=" ＤR-Who ").username == "dr-who"


def test_waits_double_with_each_further_failure(db: Any, settings: Any) -> None:
    settings.FACENERVE_LOGIN_MAX_FAILURES, settings.FACENERVE_LOGIN_DELAY_S = 2, 2
    waits = []
    for _ in range(4):
        ratelimit.record_failure("dr-who", "10.0.0.1")
        waits.append(ratelimit.retry_after("dr-who", "10.0.0.1"))
        LoginFailure.objects.update(at=LoginFailure.objects.latest("at").at - timedelta(seconds=1000))
        LoginFailure.objects.filter(at__lt=ratelimit.timezone.now() - timedelta(seconds=999)).update(
            at=ratelimit.timezone.now() - timedelta(seconds=100))
    assert waits == [0, 2, 4, 8]
    assert ratelimit.retry_after("dr-who", "10.0.0.2") == 0


def test_trusted_proxy_setting_picks_the_client_address(settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    assert ratelimit.client_address(request) == "10.0.0.1"  # no proxy trusted: a forged header is ignored
    settings.FACENERVE_TRUSTED_PROXIES = 1
    assert ratelimit.client_address(request) == "192.0.2.7"


def _set_up_authenticator(client: Client) -> tuple[Any, list[str]]:
    page = client.get(reverse("accounts:setup"))
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(reverse("accounts:setup"), {"code": _code(device)})
    assert done.status_code == 200, done.content
    codes = re.findall(r"<code>(\w+)</code>", done.content.decode())
    assert len(codes) == 10
    return device, codes


def test_an_administrator_must_set_up_two_factor_then_use_it(db: Any, settings: Any) -> None:
    settings.FACENERVE_LOGIN_MAX_FAILURES = 3
    create_user("root", "admin", PASSWORD)
    first = Client()
    assert _login(first, "root")["Location"] == reverse("accounts:setup")
    assert first.get("/admin/").status_code == 302  # not logged in until the second step is done
    device, codes = _set_up_authenticator(first)
    assert first.get("/admin/").status_code == 200
    second = Client()
    assert _login(second, "root")["Location"] == reverse("accounts:verify")
    for _ in range(3):
        assert second.post(reverse("accounts:verify"), {"code": "000000"}).status_code == 400
    assert second.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 429  # the step is limited
    assert second.get("/admin/").status_code == 302
    LoginFailure.objects.all().delete()
    assert second.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 302
    assert second.get("/admin/").status_code == 200
    third = Client()
    _login(third, "root")
    assert third.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 400  # used up
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    assert third.post(reverse("accounts:verify"), {"code": _code(device)}).status_code == 302


@pytest.mark.parametrize("required", [False, True])
def test_clinicians_need_two_factor_only_when_the_clinic_says_so(db: Any, settings: Any, required: bool) -> None:
    settings.FACENERVE_REQUIRE_2FA = required
    create_user("dr-who", "clinician", PASSWORD)
    expected = reverse("accounts:setup") if required else reverse("clinic:home")
    assert _login(Client(), "dr-who")["Location"] == expected


def test_a_patient_may_turn_two_factor_on_and_off(world: Any) -> None:
    create_user("pat", "patient", PASSWORD, patient_identifier=world.patient_a2.identifier)
    client = Client()
    assert _login(client, "pat").status_code == 302
    assert b"Set up an authenticator" in client.get(reverse("accounts:security")).content
    _set_up_authenticator(client)
    assert _login(Client(), "pat")["Location"] == reverse("accounts:verify")
    assert client.post(reverse("accounts:turn_off")).status_code == 302
    assert _login(Client(), "pat")["Location"] == reverse("clinic:home")


def test_an_administrator_cannot_turn_two_factor_off(world: Any) -> None:
    client = Client()
    client.force_login(world.admin)
    assert client.post(reverse("accounts:turn_off")).status_code == 403


def test_an_unverified_session_of_an_administrator_is_refused(world: Any) -> None:
    client = Client()
    _plain_force_login(client, world.admin)  # a session that skipped the second step
    assert client.get("/api/patients").status_code == 403
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session  # and it was logged out


def test_changing_the_password_ends_the_other_sessions(db: Any) -> None:
    create_user("dr-who", "clinician", PASSWORD)
    here, elsewhere = Client(), Client()
    _login(here, "dr-who")
    _login(elsewhere, "dr-who")
    changed = here.post(reverse("accounts:password_change"),
                        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert here.get(reverse("clinic:dashboard")).status_code == 200
    assert elsewhere.get(reverse("clinic:dashboard")).status_code == 302


def test_log_out_everywhere(db: Any) -> None:
    create_user("dr-who", "clinician", PASSWORD)
    here, elsewhere = Client(), Client()
    _login(here, "dr-who")
    _login(elsewhere, "dr-who")
    assert here.post(reverse("accounts:logout_everywhere")).status_code == 302
    for client in (here, elsewhere):
        assert client.get(reverse("clinic:dashboard")).status_code == 302


def test_password_reset_by_email(db: Any, settings: Any) -> None:
    from facenerve.web import settings as configured

    assert configured.EMAIL_BACKEND.endswith("console.EmailBackend")  # the default (pytest-django swaps it)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    create_user("dr-who", "clinician", PASSWORD, email="who@example.org")
    old = Client()
    _login(old, "dr-who")
    client = Client()
    for address in ("nobody@example.org", "who@example.org"):
        sent = client.post(reverse("accounts:password_reset"), {"email": address})
        assert sent.status_code == 302 and sent["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    form = client.get(link, follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert old.get(reverse("clinic:dashboard")).status_code == 302
    assert _login(Client(), "dr-who", NEW_PASSWORD).status_code == 302


def test_password_reset_requests_are_limited_per_address(db: Any, settings: Any) -> None:
    settings.FACENERVE_LOGIN_MAX_FAILURES = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()
    for _ in range(2):
        assert client.post(reverse("accounts:password_reset"), {"email": "x@example.org"}).status_code == 302
    assert client.post(reverse("accounts:password_reset"), {"email": "x@example.org"}).status_code == 429


@pytest.mark.parametrize(("method", "name"), [("GET", "accounts:setup"), ("POST", "accounts:recovery_codes"),
                                              ("GET", "accounts:security")])
def test_a_session_without_its_second_factor_cannot_mint_one(world: Any, method: str, name: str) -> None:
    client = Client()
    _plain_force_login(client, world.admin)  # a session that skipped the second step
    response = getattr(client, method.lower())(reverse(name))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert not TOTPDevice.objects.filter(user=world.admin).exists()
