"""API endpoints that edit (PUT, the whole record) and delete (DELETE) patients, episodes, assessments and treatments.

Same rules as the pages (:mod:`records`): clinicians of the care team only (a patient gets 403, anyone else 404),
the validation of creating a record, and 4xx with one line for bad input.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import StrictInt, StrictStr

from facenerve.web.audit.record import note
from facenerve.web.clinic import access, records
from facenerve.web.clinic.api import EpisodeIn, EpisodeOut, PatientOut, TreatmentIn, _patient_out, api
from facenerve.web.clinic.models import Assessment, Episode, Patient, Treatment
from facenerve.web.clinic.overview import assessment_doc, treatment_doc
from facenerve.web.clinic.services import InputError


class PatientUpdateIn(Schema):
    identifier: StrictStr = Field(max_length=64)
    birth_date: date
    sex: StrictStr = Field("unknown", max_length=16)
    comorbidities: list[StrictStr] = Field(default_factory=list, max_length=16)
    care_team: StrictInt


class AssessmentUpdateIn(Schema):
    taken_on: date
    notes: StrictStr | None = Field(None, max_length=2000)


def _clinician(request: HttpRequest) -> None:
    if not access.can_edit(request.user):
        raise HttpError(403, "only clinicians of the patient's care team can do this")


def _visible_patients(request: HttpRequest) -> Any:
    return access.visible_patients(request.user)


def _run(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except InputError as exc:
        raise HttpError(exc.status, str(exc)) from None


def _delete(request: HttpRequest, record: Any, object_type: str) -> tuple[int, None]:
    record_id = record.pk
    records.delete_record(record)
    note(request, object_type, record_id, "erase")
    return 204, None


@api.put("/patients/{pk}", response=PatientOut, summary="Change a patient (clinicians; any of their care teams)")
def update_patient(request: HttpRequest, pk: int, body: PatientUpdateIn) -> dict[str, Any]:
    patient: Patient = get_object_or_404(_visible_patients(request), pk=pk)
    _clinician(request)
    return _patient_out(_run(records.update_patient, patient, request.user, body.dict()))


@api.delete("/patients/{pk}", response={204: None},
            summary="Delete a patient with their episodes, assessments and treatments (clinicians)")
def delete_patient(request: HttpRequest, pk: int) -> tuple[int, None]:
    patient: Patient = get_object_or_404(_visible_patients(request), pk=pk)
    _clinician(request)
    return _delete(request, patient, "patient")


def _episode(request: HttpRequest, pk: int) -> Episode:
    rows = Episode.objects.filter(patient__in=_visible_patients(request)).select_related("patient")
    found: Episode = get_object_or_404(rows, pk=pk)
    return found


@api.put("/episodes/{pk}", response=EpisodeOut, summary="Change an episode (clinicians)")
def update_episode(request: HttpRequest, pk: int, body: EpisodeIn) -> Any:
    episode = _episode(request, pk)
    _clinician(request)
    return _run(records.update_episode, episode, body.dict())


@api.delete("/episodes/{pk}", response={204: None},
            summary="Delete an episode with its assessments and treatments (clinicians)")
def delete_episode(request: HttpRequest, pk: int) -> tuple[int, None]:
    episode = _episode(request, pk)
    _clinician(request)
    return _delete(request, episode, "episode")


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    found: Assessment = get_object_or_404(access.visible_assessments(request.user).select_related("episode"), pk=pk)
    return found


@api.put("/assessments/{pk}", summary="Change an assessment's date and notes (clinicians)")
def update_assessment(request: HttpRequest, pk: int, body: AssessmentUpdateIn) -> dict[str, Any]:
    assessment = _assessment(request, pk)
    _clinician(request)
    return assessment_doc(_run(records.update_assessment, assessment, body.dict()))


@api.delete("/assessments/{pk}", response={204: None}, summary="Delete an assessment and its photos (clinicians)")
def delete_assessment(request: HttpRequest, pk: int) -> tuple[int, None]:
    assessment = _assessment(request, pk)
    _clinician(request)
    return _delete(request, assessment, "assessment")


def _treatment(request: HttpRequest, pk: int) -> Treatment:
    rows = Treatment.objects.filter(episode__patient__in=_visible_patients(request)).select_related("episode")
    found: Treatment = get_object_or_404(rows, pk=pk)
    return found


@api.put("/treatments/{pk}", response=dict[str, Any], summary="Change a treatment (clinicians)")
def update_treatment(request: HttpRequest, pk: int, body: TreatmentIn) -> dict[str, Any]:
    treatment = _treatment(request, pk)
    _clinician(request)
    return treatment_doc(_run(records.update_treatment, treatment, body.dict()))


@api.delete("/treatments/{pk}", response={204: None}, summary="Delete a treatment (clinicians)")
def delete_treatment(request: HttpRequest, pk: int) -> tuple[int, None]:
    treatment = _treatment(request, pk)
    _clinician(request)
    return _delete(request, treatment, "treatment")
