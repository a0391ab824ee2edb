"""Create users with a role (used by ``facenerve web createuser`` and the demo)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from facenerve.errors import FaceNerveError
from facenerve.web.accounts.models import ROLE_ADMIN, ROLE_PATIENT, ROLES, Profile
from facenerve.web.accounts.names import normalise_username


class AccountError(FaceNerveError):
    """A user cannot be created as asked (name taken, weak password, unknown patient)."""

    code = "bad_account"


def create_user(
    username: str, role: str, password: str, *, patient_identifier: str | None = None, replace_password: bool = False,
    email: str = "",
) -> Any:
    """Create ``username`` with ``role``; a patient user is linked to the Patient ``patient_identifier``.

    The name is stored normalised (NFKC, trimmed, case-folded). Raises AccountError with a one-line reason. With
    ``replace_password`` an existing user of the same role gets the new password instead (used by the demo loader).
    """
    from facenerve.web.clinic.models import Patient

    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    username = normalise_username(username)
    if not username or len(username) > 150:
        raise AccountError("the user name must be 1–150 characters")
    users = get_user_model()
    existing = users.objects.filter(username=username).first()
    if existing is not None and not replace_password:
        raise AccountError(f"user {username!r} already exists")
    patient = None
    if role == ROLE_PATIENT:
        if not patient_identifier:
            raise AccountError("a patient user needs --patient IDENTIFIER (the Patient record they may see)")
        matches = list(Patient.objects.filter(identifier=patient_identifier)[:2])
        if not matches:
            raise AccountError(f"no patient with identifier {patient_identifier!r}")
        if len(matches) > 1:
            raise AccountError(f"identifier {patient_identifier!r} is used in several care teams; link the account "
                               "in the admin")
        patient = matches[0]
        linked = Profile.objects.filter(patient=patient).exclude(user__username=username).first()
        if linked is not None:
            raise AccountError(f"patient {patient_identifier!r} already has a user account ({linked.user.username})")
    try:
        validate_password(password, user=existing or users(username=username))
    except ValidationError as exc:
        raise AccountError("password rejected: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        user = existing or users(username=username)
        user.is_staff = user.is_superuser = role == ROLE_ADMIN
        if email:
            user.email = email.strip()
        user.set_password(password)
        user.save()
        Profile.objects.update_or_create(user=user, defaults={"role": role, "patient": patient})
    return user
