"""``manage.py loadarticles``: publish the bundled first set of articles (those not yet in the database)."""

# mypy: allow-subclassing-any

from typing import Any

from django.core.management.base import BaseCommand

from facenerve.web.education.articles import load_library


class Command(BaseCommand):
    help = "Publish the bundled patient articles that are not in the database yet."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{load_library()} articles added")
