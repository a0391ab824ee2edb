"""Two-factor login with django-otp: an authenticator app (TOTP) plus single-use recovery codes.

Required for administrators, and for clinicians when ``FACENERVE_REQUIRE_2FA=1``; anyone else may turn it on.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from facenerve.web.accounts.models import ROLE_ADMIN, ROLE_CLINICIAN, Profile

RECOVERY_CODES = 10
AUTHENTICATOR, RECOVERY = "authenticator", "recovery"


def role(user: Any) -> str | None:
    """The user's role (``admin`` for superusers), None without a profile."""
    if user.is_superuser:
        return ROLE_ADMIN
    try:
        return str(user.profile.role)
    except Profile.DoesNotExist:
        return None


def required(user: Any) -> bool:
    """Whether ``user`` must use a second factor."""
    kind = role(user)
    return kind == ROLE_ADMIN or (kind == ROLE_CLINICIAN and bool(settings.FACENERVE_REQUIRE_2FA))


def has_device(user: Any) -> bool:
    """Whether ``user`` has a confirmed authenticator."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def needs_second_step(user: Any) -> bool:
    """Whether logging in as ``user`` takes a code after the password."""
    return required(user) or has_device(user)


def new_authenticator(user: Any) -> Any:
    """A fresh, unconfirmed TOTP device for ``user`` (earlier unconfirmed ones are dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def confirm_authenticator(device: Any, token: str) -> bool:
    """Confirm ``device`` with a code from the app; the user's older authenticators are replaced."""
    if not _check(device, token):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def new_recovery_codes(user: Any) -> list[str]:
    """Replace ``user``'s recovery codes with :data:`RECOVERY_CODES` new ones (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def turn_off(user: Any) -> None:
    """Remove ``user``'s authenticators and recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _check(device: Any, token: str) -> bool:
    allowed, _ = device.verify_is_allowed()
    return bool(allowed and device.verify_token(token))


def verify(user: Any, token: str) -> Any:
    """The confirmed device that accepts ``token`` (an app code or a recovery code, used up), else None."""
    token = "".join(str(token).split())[:32]
    if not token:
        return None
    devices: list[Any] = [*TOTPDevice.objects.filter(user=user, confirmed=True),
                          *StaticDevice.objects.filter(user=user, confirmed=True)]
    return next((device for device in devices if _check(device, token)), None)


def qr_svg(device: Any) -> str:
    """The device's ``otpauth://`` URL as an inline SVG QR code (drawn here, nothing fetched)."""
    import segno

    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))


def secret_base32(device: Any) -> str:
    """The shared secret for typing into an app by hand."""
    from base64 import b32encode

    return b32encode(device.bin_key).decode("ascii").rstrip("=")
