"""Who may see what: one place for the access rules of pages and API.

* a clinician sees only the patients of the care teams they belong to;
* a patient sees only their own record;
* an administrator works through the Django admin (the clinic pages show them no patient).
Anything not visible is answered as "not found", so a record's existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from facenerve.web.accounts.models import ROLE_ADMIN, ROLE_CLINICIAN, ROLE_PATIENT, Profile
from facenerve.web.clinic.models import Assessment, AssessmentPhoto, Patient


def role_of(user: Any) -> str | None:
    """``clinician``, ``patient``, ``admin`` or None (anonymous or no profile)."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return ROLE_ADMIN
    try:
        profile: Profile = user.profile
    except Profile.DoesNotExist:
        return None
    return str(profile.role)


def visible_patients(user: Any) -> QuerySet[Patient]:
    """The patients ``user`` may read."""
    role = role_of(user)
    if role == ROLE_CLINICIAN:
        return Patient.objects.filter(care_team__members__user=user)
    if role == ROLE_PATIENT:
        patient_id = user.profile.patient_id
        return Patient.objects.filter(pk=patient_id) if patient_id else Patient.objects.none()
    return Patient.objects.none()


def can_edit(user: Any) -> bool:
    """Only clinicians add assessments, scale scores and treatments."""
    return role_of(user) == ROLE_CLINICIAN


def can_enter_scale(user: Any, scale_kind: str) -> bool:
    """Clinicians enter any scale; a patient fills in questionnaires (patient-reported scales) on their own record."""
    role = role_of(user)
    return role == ROLE_CLINICIAN or (role == ROLE_PATIENT and scale_kind == "patient")


def visible_assessments(user: Any) -> QuerySet[Assessment]:
    """Assessments of the patients ``user`` may read."""
    return Assessment.objects.filter(episode__patient__in=visible_patients(user))


def visible_photo(user: Any, sha256: str) -> AssessmentPhoto | None:
    """A photo (original or annotated) with this digest that ``user`` may read, else None."""
    from django.db.models import Q

    photo: AssessmentPhoto | None = (
        AssessmentPhoto.objects.filter(assessment__episode__patient__in=visible_patients(user))
        .filter(Q(image_sha256=sha256) | Q(annotated_sha256=sha256))
        .first()
    )
    return photo


def is_own_record(user: Any, patient: Patient) -> bool:
    """True when ``user`` is the patient themself (a patient account linked to this record): they get their own
    page, in plain words, instead of the clinician's."""
    return role_of(user) == ROLE_PATIENT and user.profile.patient_id == patient.pk
