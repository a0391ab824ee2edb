"""Clinic app configuration."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "facenerve.web.clinic"
    label = "clinic"
    verbose_name = "Clinic"
    default_auto_field = "django.db.models.BigAutoField"
