"""JSON API (django-ninja, OpenAPI at /api/openapi.json): the same data and access rules as the pages.

Authentication is the Django session (log in through the login page); unsafe methods need the CSRF token.
Patients outside the caller's reach answer 404.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import StrictBool, StrictFloat, StrictInt, StrictStr

from facenerve.web.audit.record import note
from facenerve.web.clinic import access, services
from facenerve.web.clinic.clock import clinic_today
from facenerve.web.clinic.models import Assessment, Patient
from facenerve.web.clinic.overview import assessment_doc, episode_order, overview, treatment_doc

api = NinjaAPI(title="FaceNerve clinic API", version="1", auth=django_auth, urls_namespace="api")


class PatientOut(Schema):
    id: int
    identifier: str
    birth_date: date
    sex: str
    comorbidities: list[str]
    care_team: str


class EpisodeOut(Schema):
    id: int
    onset_date: date
    side: str
    cause: str
    complete_at_onset: bool
    recurrence: bool
    onset_time: time | None = None


# Strict types: `true` is not 1 unit and `"yes"` is not true (issue 21); lists and texts are bounded.
class EpisodeIn(Schema):
    onset_date: date
    onset_time: time | None = None
    side: StrictStr = Field(max_length=32)
    cause: StrictStr = Field("bells", max_length=32)
    severity_at_onset: StrictStr = Field(max_length=32)
    recurrence: StrictBool = False


class PatientIn(EpisodeIn):
    identifier: StrictStr = Field(max_length=64)
    birth_date: date
    sex: StrictStr = Field("unknown", max_length=16)
    comorbidities: list[StrictStr] = Field(default_factory=list, max_length=16)
    care_team: StrictInt


class TreatmentIn(Schema):
    kind: StrictStr = Field(max_length=32)
    name: StrictStr = Field(max_length=64)
    other_name: StrictStr = Field("", max_length=64, description='the name when `name` is "other" (free text)')
    start: date
    stop: date | None = None
    dose: StrictStr = Field("", max_length=120)
    muscle: StrictStr = Field("", max_length=64)
    side: StrictStr = Field("", max_length=16)
    units: StrictFloat | StrictInt | None = None
    notes: StrictStr = Field("", max_length=2000)
    episode: StrictInt | None = None


class ScaleIn(Schema):
    items: dict[str, Any]


def _patient(request: HttpRequest, pk: int) -> Patient:
    patient: Patient = get_object_or_404(services.with_course(access.visible_patients(request.user)), pk=pk)
    return patient


def _patient_out(p: Patient) -> dict[str, Any]:
    return {"id": p.pk, "identifier": p.identifier, "birth_date": p.birth_date, "sex": p.sex,
            "comorbidities": list(p.comorbidities or []), "care_team": p.care_team.name}


def _require_clinician(request: HttpRequest) -> None:
    if not access.can_edit(request.user):
        raise HttpError(403, "only clinicians of the patient's care team can do this")


def _overview(request: HttpRequest, pk: int, episode: int | None, *, with_prognosis: bool = False) -> Any:
    """The episode's overview; the prognosis (a curve fit) only for the endpoint that returns it."""
    patient = _patient(request, pk)
    chosen = None
    if episode is not None:
        chosen = next((e for e in patient.episodes.all() if e.pk == episode), None)
        if chosen is None:
            raise Http404("no such episode")
    view = overview(patient, chosen, clinic_today(), with_prognosis=with_prognosis)
    if view is None:
        raise HttpError(404, "this patient has no episode yet")
    return view


@api.get("/patients", response=list[PatientOut], summary="Patients the caller may see")
def list_patients(request: HttpRequest, q: str = "", limit: int = 50,
                  offset: int = Query(0, ge=0, le=1_000_000_000)) -> list[dict[str, Any]]:
    rows = access.visible_patients(request.user).select_related("care_team").order_by("identifier")
    if q:
        rows = rows.filter(identifier__icontains=q[:64])
    limit = max(1, min(limit, 500))
    return [_patient_out(p) for p in rows[max(offset, 0): max(offset, 0) + limit]]


@api.post("/patients", response={201: PatientOut}, summary="Register a patient with their first episode (clinicians)")
def create_patient(request: HttpRequest, body: PatientIn) -> tuple[int, dict[str, Any]]:
    _require_clinician(request)
    try:
        patient = services.create_patient(request.user, body.dict())
    except services.InputError as exc:
        raise HttpError(exc.status, str(exc)) from None
    note(request, "patient", patient.pk, "create")
    return 201, _patient_out(patient)


@api.post("/patients/{pk}/episodes", response={201: EpisodeOut}, summary="Record a new episode (clinicians)")
def create_episode(request: HttpRequest, pk: int, body: EpisodeIn) -> tuple[int, Any]:
    patient = _patient(request, pk)
    _require_clinician(request)
    try:
        episode = services.add_episode(patient, body.dict())
    except services.InputError as exc:
        raise HttpError(exc.status, str(exc)) from None
    note(request, "episode", episode.pk, "create")
    return 201, episode


@api.get("/patients/{pk}", response=PatientOut)
def get_patient(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _patient_out(get_object_or_404(access.visible_patients(request.user).select_related("care_team"), pk=pk))


@api.get("/patients/{pk}/fhir", response=dict[str, Any], summary="The patient's course as a FHIR R4 Bundle")
def get_fhir(request: HttpRequest, pk: int) -> dict[str, Any]:
    from facenerve.interop.fhir import bundle
    from facenerve.web.clinic.exports import course

    return bundle(course(get_object_or_404(access.visible_patients(request.user), pk=pk)))


@api.get("/patients/{pk}/episodes", response=list[EpisodeOut])
def list_episodes(request: HttpRequest, pk: int) -> list[Any]:
    return sorted(_patient(request, pk).episodes.all(), key=lambda e: e.onset_date, reverse=True)


@api.get("/patients/{pk}/assessments", summary="Assessments of an episode (default: the current one)")
def list_assessments(request: HttpRequest, pk: int, episode: int | None = None) -> list[dict[str, Any]]:
    return [assessment_doc(a) for a in _overview(request, pk, episode).assessments]


@api.get("/patients/{pk}/treatments")
def list_treatments(request: HttpRequest, pk: int, episode: int | None = None) -> list[dict[str, Any]]:
    return [treatment_doc(t) for t in _overview(request, pk, episode).treatments]


@api.get("/patients/{pk}/alerts", summary="Care pathway alerts for an episode (facenerve.care)")
def list_alerts(request: HttpRequest, pk: int, episode: int | None = None) -> dict[str, Any]:
    view = _overview(request, pk, episode)
    return {"episode": view.episode.pk, "alerts": view.care.alerts, "problem": view.care.problem or None}


@api.get("/patients/{pk}/prognosis", summary="Prognosis estimate for an episode (facenerve.care)")
def get_prognosis(request: HttpRequest, pk: int, episode: int | None = None) -> dict[str, Any]:
    view = _overview(request, pk, episode, with_prognosis=True)
    return {"episode": view.episode.pk, "prognosis": view.care.prognosis, "problem": view.care.problem or None}


@api.post("/patients/{pk}/alerts/{rule}/dismiss", response={204: None},
          summary="Dismiss a dismissible alert (clinicians); red flags cannot be dismissed")
def dismiss_alert(request: HttpRequest, pk: int, rule: str, episode: int | None = None) -> tuple[int, None]:
    view = _overview(request, pk, episode)
    _require_clinician(request)
    try:
        services.dismiss_alert(view.patient, view.episode, rule, request.user, clinic_today())
    except services.InputError as exc:
        raise HttpError(exc.status, str(exc)) from None
    return 204, None


@api.post("/patients/{pk}/treatments", response={201: dict[str, Any]}, summary="Add a treatment (clinicians)")
def create_treatment(request: HttpRequest, pk: int, body: TreatmentIn) -> tuple[int, dict[str, Any]]:
    patient = _patient(request, pk)
    _require_clinician(request)
    episodes = sorted(patient.episodes.all(), key=episode_order, reverse=True)
    episode = next((e for e in episodes if e.pk == body.episode), None) if body.episode else (episodes or [None])[0]
    if episode is None:
        raise HttpError(404, "no such episode")
    try:
        row = services.add_treatment(episode, body.dict(), request.user)
    except services.InputError as exc:
        raise HttpError(exc.status, str(exc)) from None
    note(request, "treatment", row.pk, "create")
    return 201, treatment_doc(row)


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    rows = access.visible_assessments(request.user).prefetch_related("photos")
    assessment: Assessment = get_object_or_404(rows, pk=pk)
    return assessment


@api.get("/assessments/{pk}", summary="One assessment with its photo results and scale scores")
def get_assessment(request: HttpRequest, pk: int) -> dict[str, Any]:
    a = _assessment(request, pk)
    doc = assessment_doc(a)
    doc["scale_scores"] = a.scale_scores
    doc["questionnaires"] = a.questionnaires
    doc["engine_result"] = a.engine_result
    doc["photos"] = [
        {"expression": p.expression, "image_sha256": p.image_sha256, "annotated_sha256": p.annotated_sha256 or None,
         "result": p.result}
        for p in a.photos.all()
    ]
    return doc


@api.post("/assessments/{pk}/scales/{scale}",
          summary="Score a clinical scale (clinicians) or a questionnaire (clinicians, or the patient themself)")
def score_scale(request: HttpRequest, pk: int, scale: str, body: ScaleIn) -> dict[str, Any]:
    a = _assessment(request, pk)
    from facenerve.scales import SCALES

    spec = SCALES.get(scale)
    if spec is not None and not access.can_enter_scale(request.user, spec.kind):
        raise HttpError(403, "only clinicians of the patient's care team can enter this scale")
    try:
        return services.record_scale(a, scale, body.items)
    except services.InputError as exc:
        raise HttpError(exc.status, str(exc)) from None


@api.get("/scales", auth=None, summary="The scales and their items (for building forms)")
def list_scales(request: HttpRequest) -> list[dict[str, Any]]:
    from facenerve.scales import SCALES

    return [
        {"name": s.name, "title": s.title, "kind": s.kind,
         "provisional": getattr(s, "provisional", False),
         "items": [{"key": i.key, "label": i.label, "allowed": i.allowed, "minimum": i.minimum, "maximum": i.maximum,
                    "choices": [list(c) for c in getattr(i, "choices", ())], "required": getattr(i, "required", True)}
                   for i in s.items]}
        for s in SCALES.values()
    ]


from facenerve.web.clinic import api_records  # noqa: E402, F401  (edit and delete endpoints on this API)
