"""The patient's own page (``/patients/<id>/`` when the signed-in user is that patient): their course picture first,
what to do now, the outlook, and their downloads, in plain words (:mod:`plain`). The clinician's page is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from facenerve import labels
from facenerve.web.clinic import plain
from facenerve.web.clinic.assessment_view import _ORDER
from facenerve.web.clinic.models import Assessment, AssessmentPhoto, Patient
from facenerve.web.clinic.overview import EpisodeOverview


@dataclass(frozen=True)
class Thumb:
    sha256: str
    label: str
    width: int
    height: int


@dataclass(frozen=True)
class Visit:
    assessment: Assessment
    sentence: str
    thumbs: list[Thumb]


def visits(view: EpisodeOverview) -> list[Visit]:
    """Each visit of the episode (oldest first) with its plain sentence and its annotated pictures (one query)."""
    assessments = view.assessments
    photos: dict[int, list[Thumb]] = {a.pk: [] for a in assessments}
    rows = (AssessmentPhoto.objects.filter(assessment_id__in=list(photos)).exclude(annotated_sha256="")
            .only("assessment_id", "expression", "annotated_sha256", "width_px", "height_px"))
    for photo in sorted(rows, key=lambda p: (_ORDER.get(p.expression, 99), p.pk)):
        photos[photo.assessment_id].append(Thumb(photo.annotated_sha256, labels.expression(photo.expression),
                                                 photo.width_px, photo.height_px))
    return [Visit(a, plain.visit_sentence(a, assessments[:i]), photos[a.pk]) for i, a in enumerate(assessments)]


def context(patient: Patient, view: EpisodeOverview | None, today: date) -> dict[str, Any]:
    """What ``clinic/patient_own.html`` shows."""
    if view is None:
        return {"patient": patient, "view": None, "today": today}
    alerts = plain.patient_alerts(view.care.alerts, view.care.dismissed)
    return {
        "patient": patient,
        "view": view,
        "today": today,
        "days_since_onset": (today - view.episode.onset_date).days,
        "chart": view.chart_svg(today, plain=True),
        "visits": visits(view),
        "alerts": alerts,
        "contact": [a for a in alerts if a.contact],
        "outlook": plain.outlook(view.care.prognosis, today),
    }
