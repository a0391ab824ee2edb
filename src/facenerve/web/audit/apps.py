"""Audit app configuration."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "facenerve.web.audit"
    label = "audit"
    verbose_name = "Audit trail"
    default_auto_field = "django.db.models.BigAutoField"
