"""Normalise every user name before it is saved (admin forms, commands, the demo alike); track login sessions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_save

from facenerve.web.accounts.names import normalise_username
from facenerve.web.accounts.sessions import remember


def _normalise(sender: Any, instance: Any, **_kwargs: Any) -> None:
    instance.username = normalise_username(instance.username)


def _remember(sender: Any, request: Any, user: Any, **_kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, user)


def connect() -> None:
    """Connect the receivers (from the app's ``ready``)."""
    pre_save.connect(_normalise, sender=get_user_model(), dispatch_uid="facenerve_normalise_username")
    user_logged_in.connect(_remember, dispatch_uid="facenerve_remember_session")
