"""Edit and delete records (patients, episodes, assessments, treatments) with the same validation as creating them.

Shared by the pages and the JSON API. Each function validates its input and raises
:class:`~facenerve.web.clinic.services.InputError` (one line, answered with a 4xx). Dates follow the creation
rules (none in the future, by the clinic's calendar) and keep the course in order: no onset before birth, no
assessment or treatment before its episode's onset.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min, Q

from facenerve.web.clinic.clock import clinic_today
from facenerve.web.clinic.models import Assessment, AssessmentPhoto, CareTeam, Episode, Patient, Treatment
from facenerve.web.clinic.services import (
    InputError,
    broken_rule,
    episode_fields,
    patient_fields,
    treatment_fields,
)
from facenerve.web.storage import default_store


def update_patient(patient: Patient, user: Any, data: dict[str, Any]) -> Patient:
    """Change a patient's identifier, birth date, sex, comorbidities or care team (one of ``user``'s teams)."""
    fields = patient_fields(data)
    identifier, birth_date = fields["identifier"], fields["birth_date"]
    first_onset = patient.episodes.aggregate(first=Min("onset_date"))["first"]
    if first_onset is not None and birth_date > first_onset:
        raise InputError(f"the birth date is after the onset of an episode ({first_onset.isoformat()})")
    team = CareTeam.objects.filter(pk=data.get("care_team"), members__user=user).first()
    if team is None:
        raise InputError("choose one of your care teams", status=404)
    sex, comorbidities = fields["sex"], fields["comorbidities"]
    taken = Patient.objects.filter(care_team=team, identifier=identifier).exclude(pk=patient.pk)
    try:
        with transaction.atomic():
            if taken.exists():
                raise InputError(f"a patient with identifier {identifier!r} already exists", status=409)
            Patient.objects.filter(pk=patient.pk).update(identifier=identifier, birth_date=birth_date, sex=sex,
                                                         comorbidities=comorbidities, care_team=team)
    except IntegrityError as exc:
        if taken.exists():  # the identifier taken at the same moment
            raise InputError(f"a patient with identifier {identifier!r} already exists", status=409) from None
        raise broken_rule(exc) from None
    patient.refresh_from_db()
    return patient


def update_episode(episode: Episode, data: dict[str, Any]) -> Episode:
    """Change an episode's onset, side, cause, severity at onset or recurrence (creation rules, and no assessment or
    treatment of it left before its onset)."""
    fields = episode_fields(data, episode.patient.birth_date)
    onset: date = fields["onset_date"]
    if episode.assessments.filter(taken_on__lt=onset).exists():
        raise InputError("an assessment of this episode is dated before that onset: change or delete it first")
    if episode.treatments.filter(start__lt=onset).exists():
        raise InputError("a treatment of this episode starts before that onset: change or delete it first")
    Episode.objects.filter(pk=episode.pk).update(**fields)
    episode.refresh_from_db()
    return episode


def update_assessment(assessment: Assessment, data: dict[str, Any]) -> Assessment:
    """Change an assessment's date (not in the future, not before its episode's onset) and notes."""
    taken_on = data.get("taken_on")
    if not isinstance(taken_on, date):
        raise InputError("the assessment date is required")
    if taken_on < assessment.episode.onset_date:
        raise InputError("the assessment date is before the onset of the episode")
    if taken_on > clinic_today():
        raise InputError("the assessment date is in the future")
    notes = data.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise InputError("notes must be text")
    update: dict[str, Any] = {"taken_on": taken_on}
    if notes is not None:
        update["notes"] = notes[:2000]
    Assessment.objects.filter(pk=assessment.pk).update(**update)
    assessment.refresh_from_db()
    return assessment


def update_treatment(treatment: Treatment, data: dict[str, Any]) -> Treatment:
    """Change a treatment with the rules of adding one (a free-text name stays free text)."""
    fields = treatment_fields(treatment.episode, data)
    Treatment.objects.filter(pk=treatment.pk).update(**fields)
    treatment.refresh_from_db()
    return treatment


def _digests(photos: Any) -> set[str]:
    return {d for pair in photos.values_list("image_sha256", "annotated_sha256") for d in pair} - {""}


def _forget_images(digests: set[str]) -> None:
    """Remove stored images that no photo row names any more (a content-addressed image can be shared)."""
    named = AssessmentPhoto.objects.filter(Q(image_sha256__in=digests) | Q(annotated_sha256__in=digests))
    store = default_store()
    for digest in sorted(digests - _digests(named)):
        try:
            store.path_of(digest).unlink()
        except (FileNotFoundError, ValueError):
            continue


def _photos_of(record: Patient | Episode | Assessment) -> Q:
    if isinstance(record, Patient):
        return Q(assessment__episode__patient=record)
    if isinstance(record, Episode):
        return Q(assessment__episode=record)
    return Q(assessment=record)


def delete_record(record: Patient | Episode | Assessment | Treatment) -> None:
    """Delete a record and what belongs to it (a patient's episodes, an episode's assessments and treatments, an
    assessment's photos), then the images nothing names any more. A patient's login account is kept, unlinked."""
    digests: set[str] = set()
    if not isinstance(record, Treatment):
        digests = _digests(AssessmentPhoto.objects.filter(_photos_of(record)))
    with transaction.atomic():
        record.delete()
    _forget_images(digests)


def belongings(record: Patient | Episode | Assessment | Treatment) -> list[str]:
    """What deleting ``record`` also deletes, for the confirmation page (e.g. ``["2 episodes", "5 photos"]``)."""
    counts: list[tuple[int, str]] = []
    if isinstance(record, Patient):
        counts = [(record.episodes.count(), "episode"),
                  (Assessment.objects.filter(episode__patient=record).count(), "assessment"),
                  (Treatment.objects.filter(episode__patient=record).count(), "treatment")]
    elif isinstance(record, Episode):
        counts = [(record.assessments.count(), "assessment"), (record.treatments.count(), "treatment")]
    if not isinstance(record, Treatment):
        counts.append((AssessmentPhoto.objects.filter(_photos_of(record)).count(), "photo"))
    return [f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in counts if n]
