"""The demo: one care team, a clinician, and a patient whose course has several assessments and treatments.

Idempotent: the records are created once; every call sets fresh generated passwords and returns them. The figures
are illustrative demo values (not clinical data and not thresholds).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from facenerve.web.accounts.models import ROLE_CLINICIAN, ROLE_PATIENT
from facenerve.web.accounts.users import create_user
from facenerve.web.clinic.clock import clinic_today
from facenerve.web.clinic.models import (
    Assessment,
    AssessmentPhoto,
    CareTeam,
    CareTeamMember,
    Episode,
    Patient,
    Treatment,
)
from facenerve.web.education.articles import load_library
from facenerve.web.education.models import Editor

DEMO_TEAM = "Demo facial nerve clinic"
DEMO_PATIENT = "DEMO-001"
DEMO_CLINICIAN = "demo-clinician"
DEMO_PATIENT_USER = "demo-patient"
#: Days since onset → (asymmetry index mm, House–Brackmann grade, Sunnybrook composite, Sunnybrook synkinesis,
#: eye closure complete). Illustrative values for the demo course only.
DEMO_COURSE: tuple[tuple[int, float, int, float, float, bool], ...] = (
    (2, 6.8, 5, 18.0, 0.0, False),
    (12, 6.1, 5, 24.0, 0.0, False),
    (24, 5.2, 4, 36.0, 0.0, False),
    (48, 4.1, 4, 44.0, 1.0, True),
    (95, 3.3, 3, 56.0, 2.0, True),
    (150, 2.9, 3, 61.0, 3.0, True),
    (215, 2.6, 3, 64.0, 4.0, True),
)
DEMO_ONSET_DAYS_AGO = 230


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def generated_password() -> str:
    """A fresh random password (never a fixed one)."""
    return secrets.token_urlsafe(12)


def load_demo(today: date | None = None) -> list[DemoLogin]:
    """Create the demo records if missing; (re)set and return generated passwords for the demo users."""
    today = today or clinic_today()
    with transaction.atomic():
        team, _ = CareTeam.objects.get_or_create(name=DEMO_TEAM)
        patient = Patient.objects.filter(identifier=DEMO_PATIENT).first()
        if patient is None:
            patient = _create_course(team, today)
        if not AssessmentPhoto.objects.filter(assessment__episode__patient=patient).exists():
            _add_photos(patient)  # also for a demo loaded before it had photos
        logins = [DemoLogin(DEMO_CLINICIAN, generated_password(), ROLE_CLINICIAN),
                  DemoLogin(DEMO_PATIENT_USER, generated_password(), ROLE_PATIENT)]
        clinician = create_user(DEMO_CLINICIAN, ROLE_CLINICIAN, logins[0].password, replace_password=True)
        CareTeamMember.objects.get_or_create(team=team, user=clinician, defaults={"role": "neurologist"})
        create_user(DEMO_PATIENT_USER, ROLE_PATIENT, logins[1].password, patient_identifier=patient.identifier,
                    replace_password=True)
        load_library()  # the patient library's bundled articles (those not yet in the database)
        Editor.objects.get_or_create(user=clinician)  # the demo clinician also edits and moderates the library
    return logins


def _create_course(team: CareTeam, today: date) -> Patient:
    onset = today - timedelta(days=DEMO_ONSET_DAYS_AGO)
    patient: Patient = Patient.objects.create(
        identifier=DEMO_PATIENT, birth_date=date(today.year - 52, 3, 14), sex="female",
        comorbidities=["hypertension"], care_team=team,
    )
    episode = Episode.objects.create(patient=patient, onset_date=onset, side="left", cause="bells",
                                     complete_at_onset=True, recurrence=False)
    Assessment.objects.bulk_create(
        Assessment(episode=episode, taken_on=onset + timedelta(days=day), asymmetry_index_mm=asym,
                   affected_side="left", house_brackmann=hb, sunnybrook_composite=sb, synkinesis_score=syn,
                   eye_closure_complete=eye, notes="demo values")
        for day, asym, hb, sb, syn, eye in DEMO_COURSE
    )
    Treatment.objects.bulk_create([
        Treatment(episode=episode, kind="medication", name="prednisolone", start=onset + timedelta(days=1),
                  stop=onset + timedelta(days=10), dose="50 mg daily"),
        Treatment(episode=episode, kind="medication", name="valaciclovir", start=onset + timedelta(days=1),
                  stop=onset + timedelta(days=7), dose="1000 mg three times daily"),
        Treatment(episode=episode, kind="therapy", name="physiotherapy", start=onset + timedelta(days=30)),
        Treatment(episode=episode, kind="therapy", name="facial_exercises", start=onset + timedelta(days=60)),
        Treatment(episode=episode, kind="botulinum_toxin", name="botulinum_toxin", start=onset + timedelta(days=130),
                  muscle="orbicularis_oculi", side="left", units=7.5),
    ])
    return patient


def _add_photos(patient: Patient) -> None:
    """Simulated photo sessions for some of the demo visits (:mod:`demo_photos`)."""
    from django.conf import settings

    from facenerve.web.clinic.demo_photos import add_demo_photos

    episode = patient.episodes.order_by("onset_date").first()
    if episode is None:
        return
    by_day = {(a.taken_on - episode.onset_date).days: a for a in episode.assessments.all()}
    add_demo_photos(by_day, landmark_passes=settings.FACENERVE_LANDMARK_PASSES)
