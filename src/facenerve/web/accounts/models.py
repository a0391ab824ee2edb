"""A user's role and, for patients, the one Patient record they may see; failed login attempts."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

from django.conf import settings
from django.db import models

ROLE_CLINICIAN, ROLE_PATIENT, ROLE_ADMIN = "clinician", "patient", "admin"
ROLES = (ROLE_CLINICIAN, ROLE_PATIENT, ROLE_ADMIN)


class Role(models.TextChoices):
    CLINICIAN = ROLE_CLINICIAN, "Clinician"
    PATIENT = ROLE_PATIENT, "Patient"
    ADMIN = ROLE_ADMIN, "Administrator"


class Profile(models.Model):
    """The role of a user; a patient user is linked to exactly one Patient."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=16, choices=Role.choices)
    patient = models.OneToOneField(
        "clinic.Patient", null=True, blank=True, on_delete=models.SET_NULL, related_name="user_profile"
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class LoginFailure(models.Model):
    """One failed login, kept for the rate limiter (by username and by client address)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class UserSession(models.Model):
    """A session a user logged in with, so that they (or a password change) can end all of them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created = models.DateTimeField(auto_now_add=True)
