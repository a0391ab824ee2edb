"""Authentication by normalised user name (see :mod:`names`), so ``" ClinA"`` and ``"ｃlinA"`` are one account."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from facenerve.web.accounts.names import normalise_username


class NormalisedNameBackend(ModelBackend):
    """Django's model backend, looking users up by their normalised name."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if username is None or password is None:
            return None
        return super().authenticate(request, username=normalise_username(username), password=password, **kwargs)
