"""The clinic's calendar: "today" is the date in the clinic's time zone (``FACENERVE_TIME_ZONE``), never the server's.

A UTC server and a Los Angeles clinic disagree on the date for eight hours a day; every date boundary the care
pathway draws (72 hours, 3 weeks, 4 months) must follow the clinic's.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def clinic_today() -> date:
    """Today's date in the clinic's time zone (Django's ``TIME_ZONE``, set from ``FACENERVE_TIME_ZONE``)."""
    today: date = timezone.localdate()
    return today
