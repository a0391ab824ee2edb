"""The education app (articles and comments)."""

# mypy: allow-subclassing-any

from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "facenerve.web.education"
    label = "education"
    verbose_name = "Patient education"
    default_auto_field = "django.db.models.BigAutoField"
