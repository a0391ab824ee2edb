"""Accounts app configuration."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "facenerve.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from facenerve.web.accounts.signals import connect

        connect()
