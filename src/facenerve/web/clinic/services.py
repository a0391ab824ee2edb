"""Operations shared by the pages and the JSON API: register patients and episodes, add a photo session, a treatment,
scale scores; dismiss an alert.

Each function validates its input and raises :class:`InputError` (one line, answered with a 4xx).
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet

from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression
from facenerve.web.clinic import limits
from facenerve.web.clinic.choices import TREATMENT_NAMES, BodySide, Cause, Comorbidity, Muscle, PalsySide, Sex
from facenerve.web.clinic.clock import clinic_today
from facenerve.web.clinic.models import AlertDismissal, Assessment, AssessmentPhoto, Episode, Patient, Treatment
from facenerve.web.clinic.photos import AUTOMATED_COLUMNS, UploadError, analyse_session
from facenerve.web.storage import default_store

log = logging.getLogger(__name__)

#: How far ahead a medication course may be planned to stop (a later date is a typo, and stretched the timeline by
#: decades); a start date is never in the future.
MAX_DAYS_AHEAD = 366
#: Unicode categories refused in identifiers: controls (NUL), format characters (zero-width, bidi overrides),
#: surrogates, private use, line and paragraph separators.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
#: The ``name`` that asks for a free-text treatment name (``other_name``).
OTHER_NAME = "other"


def plain_identifier(raw: object) -> str:
    """A trimmed identifier of 1–64 visible characters, else :class:`InputError`."""
    identifier = unicodedata.normalize("NFC", str(raw or "")).strip() if isinstance(raw, str) else ""
    if not identifier or len(identifier) > 64:
        raise InputError("the identifier must be 1–64 characters")
    if any(unicodedata.category(ch) in _HIDDEN for ch in identifier):
        raise InputError("the identifier holds a control, invisible or direction-changing character")
    return identifier


class InputError(ValueError):
    """Unusable input; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def with_course(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Patients with their episodes, assessments, treatments and alert dismissals prefetched: a fixed number of
    queries whatever the number of rows (no N+1)."""
    return patients.prefetch_related(
        Prefetch(
            "episodes",
            queryset=Episode.objects.prefetch_related(
                Prefetch("assessments", queryset=Assessment.objects.defer("engine_result", "questionnaires")),
                "treatments",
                Prefetch("alert_dismissals", queryset=AlertDismissal.objects.select_related("dismissed_by")),
            ),
        )
    )


def add_photo_session(
    episode: Episode, files: dict[Expression, tuple[str, bytes]], user: Any, taken_on: date
) -> Assessment:
    """Analyse and store a photo session as a new assessment of ``episode``."""
    if taken_on < episode.onset_date:
        raise InputError("the assessment date is before the onset of the episode")
    if taken_on > clinic_today():
        raise InputError("the assessment date is in the future")
    if limits.over_budget(data for _, data in files.values()):
        raise InputError(f"the photos hold more than {settings.FACENERVE_MAX_REQUEST_MEGAPIXELS} megapixels in all; "
                         "send smaller photos", status=413)
    with limits.analysis_slot() as slot:
        if not slot:
            raise InputError("the server is analysing other photo sessions; try again in a minute", status=503)
        try:
            session = analyse_session(files, default_store(), landmark_passes=settings.FACENERVE_LANDMARK_PASSES)
        except UploadError as exc:
            raise InputError(str(exc), status=422 if str(exc).startswith("no photo could") else 400) from None
    with transaction.atomic():
        assessment: Assessment = Assessment.objects.create(
            episode=episode,
            taken_on=taken_on,
            created_by=user,
            asymmetry_index_mm=session.asymmetry_index_mm,
            affected_side=session.affected_side,
            notes="; ".join(session.problems),
            engine_result=session.engine_result,
            summary_sources={column: "automated" for column in session.automated},
            **session.automated,
        )
        AssessmentPhoto.objects.bulk_create(
            AssessmentPhoto(
                assessment=assessment,
                expression=p.expression.value,
                image_sha256=p.image_sha256,
                annotated_sha256=p.annotated_sha256,
                width_px=p.width_px,
                height_px=p.height_px,
                result=p.result,
                landmarks=p.landmarks,
            )
            for p in session.photos
        )
    return assessment


def add_treatment(episode: Episode, data: dict[str, Any], user: Any) -> Treatment:
    """Validate and store one treatment record of ``episode``."""
    treatment: Treatment = Treatment.objects.create(episode=episode, created_by=user,
                                                    **treatment_fields(episode, data))
    return treatment


def treatment_fields(episode: Episode, data: dict[str, Any]) -> dict[str, Any]:
    """The validated columns of a treatment of ``episode`` (for a new record or an edit), else :class:`InputError`.

    ``name`` is a listed name of the kind, or ``other`` with ``other_name``: a free-text name, stored with the
    :data:`~facenerve.labels.FREE_TEXT_PREFIX` so the care pathway never reads it as one of its listed drugs."""
    kind = str(data.get("kind") or "")
    if kind not in TREATMENT_NAMES:
        raise InputError(f"kind must be one of {', '.join(TREATMENT_NAMES)}")
    name = _treatment_name(kind, data)
    start, stop = data.get("start"), data.get("stop")
    if not isinstance(start, date):
        raise InputError("start date is required")
    if stop is not None and not isinstance(stop, date):
        raise InputError("stop must be a date")
    if stop is not None and stop < start:
        raise InputError("stop date is before the start date")
    if start < episode.onset_date:
        raise InputError("start date is before the onset of the episode")
    latest = clinic_today() + timedelta(days=MAX_DAYS_AHEAD)
    if start > latest or (stop is not None and stop > latest):
        raise InputError(f"treatment dates can be at most {MAX_DAYS_AHEAD} days ahead (a typo for this year?)")
    if start > clinic_today():
        raise InputError("the start date is in the future: record a treatment once it has started (a course's "
                         "stop date may be ahead)")
    muscle, side, units = str(data.get("muscle") or ""), str(data.get("side") or ""), data.get("units")
    if kind == "botulinum_toxin":
        if muscle not in Muscle.values:
            raise InputError(f"muscle must be one of {', '.join(Muscle.values)}")
        if side not in BodySide.values:
            raise InputError("side must be the patient's left or right")
        if not isinstance(units, int | float) or isinstance(units, bool) or not 0 < float(units) <= 1000:
            raise InputError("units must be a number above 0 (and at most 1000)")
    else:
        muscle, side, units = "", "", None
    return {"kind": kind, "name": name, "start": start, "stop": stop,
            "dose": str(data.get("dose") or "")[:120] if kind == "medication" else "",
            "muscle": muscle, "side": side, "units": float(units) if units is not None else None,
            "notes": str(data.get("notes") or "")[:2000]}


def _treatment_name(kind: str, data: dict[str, Any]) -> str:
    from facenerve.labels import FREE_TEXT_MAX, FREE_TEXT_PREFIX

    name = str(data.get("name") or "")
    names = [n for n, _ in TREATMENT_NAMES[kind]]
    if name in names:
        return name
    if name != OTHER_NAME:
        raise InputError(f"{kind} name must be one of {', '.join(names)}, or {OTHER_NAME} with other_name")
    raw = data.get("other_name")
    text = " ".join(unicodedata.normalize("NFC", raw).split()) if isinstance(raw, str) else ""
    if not text or len(text) > FREE_TEXT_MAX:
        raise InputError(f"other_name (the treatment's name) must be 1–{FREE_TEXT_MAX} characters")
    if any(unicodedata.category(ch) in _HIDDEN for ch in text):
        raise InputError("other_name holds a control, invisible or direction-changing character")
    return FREE_TEXT_PREFIX + text


def record_scale(assessment: Assessment, scale_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """Score ``data`` with the named scale, keep items and result on the assessment, update its summary columns."""
    from facenerve.scales import SCALES, score

    if scale_name not in SCALES:
        raise InputError(f"unknown scale {scale_name!r}; choose from {', '.join(SCALES)}", status=404)
    try:
        result = score(scale_name, data).to_dict()
    except FaceNerveError as exc:
        raise InputError(exc.message) from None
    entry = {"items": data, "result": result}
    spec = SCALES[scale_name]
    with transaction.atomic():
        row = Assessment.objects.select_for_update().get(pk=assessment.pk)
        target = "questionnaires" if spec.kind == "patient" else "scale_scores"
        stored = dict(getattr(row, target) or {})
        stored[scale_name] = entry
        setattr(row, target, stored)
        _apply_summary(row, scale_name, result, data)
        row.save()
    assessment.refresh_from_db()
    return result


#: Which clinician scale result feeds which summary column: (scale, score key, column); the session's automated
#: columns plus the quantitative House–Brackmann. A clinician's entry replaces the automated estimate in that column.
SUMMARY_FROM_SCALES: tuple[tuple[str, str, str], ...] = (
    *AUTOMATED_COLUMNS,
    ("house_brackmann_quantitative", "grade_number", "house_brackmann"),
)


def _apply_summary(row: Assessment, scale_name: str, result: dict[str, Any], items: dict[str, Any]) -> None:
    if scale_name == "house_brackmann_quantitative" and items.get("eye_closure_complete") in (0, 1):
        row.eye_closure_complete = bool(items["eye_closure_complete"])  # the clinician's own entry
    scores = result.get("scores", {})
    for scale, key, column in SUMMARY_FROM_SCALES:
        if scale != scale_name:
            continue
        value = scores.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        setattr(row, column, int(value) if column == "house_brackmann" else float(value))
        row.summary_sources = {**(row.summary_sources or {}), column: "clinician"}


def dismiss_alert(patient: Patient, episode: Episode, rule: str, user: Any, today: date) -> None:
    """Dismiss the open alert ``rule`` of ``episode`` (this instance of it only). Red flags cannot be dismissed."""
    from facenerve.web.clinic.overview import overview

    view = overview(patient, episode, today, with_prognosis=False)
    alert = next((a for a in view.care.alerts if a["rule"] == rule), None) if view else None
    if alert is None:
        raise InputError(f"no open alert {rule!r} for this episode", status=404)
    if not alert["dismissible"]:
        raise InputError("this alert cannot be dismissed (red flags stay until their cause is dealt with)")
    instance = date.fromisoformat(alert["instance"]) if alert["instance"] else None
    AlertDismissal.objects.get_or_create(episode=episode, rule=rule, instance_on=instance,
                                         defaults={"dismissed_by": user})


def undo_dismissal(episode: Episode, rule: str) -> None:
    """Show a dismissed alert again: remove the dismissals of ``rule`` for ``episode``."""
    deleted, _ = AlertDismissal.objects.filter(episode=episode, rule=rule).delete()
    if not deleted:
        raise InputError(f"no dismissed alert {rule!r} for this episode", status=404)


def episode_fields(data: dict[str, Any], birth_date: date) -> dict[str, Any]:
    """The validated columns of an episode of a patient born on ``birth_date``, else :class:`InputError`."""
    onset = data.get("onset_date")
    if not isinstance(onset, date):
        raise InputError("onset date is required")
    if onset > clinic_today():
        raise InputError("the onset date is in the future")
    if onset < birth_date:
        raise InputError("the onset date is before the birth date")
    if data.get("side") not in PalsySide.values:
        raise InputError(f"side must be one of {', '.join(PalsySide.values)}")
    if data.get("cause") not in Cause.values:
        raise InputError(f"cause must be one of {', '.join(Cause.values)}")
    if data.get("severity_at_onset") not in ("complete", "incomplete"):
        raise InputError("severity at onset must be complete or incomplete")
    onset_time = data.get("onset_time")
    if onset_time is not None and not isinstance(onset_time, time):
        raise InputError("onset time must be a time of day (HH:MM)")
    return {"onset_date": onset, "side": data["side"], "cause": data["cause"],
            "complete_at_onset": data["severity_at_onset"] == "complete", "recurrence": bool(data.get("recurrence")),
            "onset_time": onset_time}


def add_episode(patient: Patient, data: dict[str, Any]) -> Episode:
    """Validate and store a new episode of ``patient``."""
    episode: Episode = Episode.objects.create(patient=patient, **episode_fields(data, patient.birth_date))
    return episode


def comorbidity_list(raw: object) -> list[str]:
    """A short, deduplicated list of known comorbidity codes, else :class:`InputError`."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple) or len(raw) > 2 * len(Comorbidity.values):
        raise InputError(f"comorbidities must be a short list from {_choices(Comorbidity)}")
    codes = list(dict.fromkeys(str(c) for c in raw))
    unknown = [c for c in codes if c not in Comorbidity.values]
    if unknown:
        raise InputError(f"unknown comorbidity {unknown[0]!r}; choose from {_choices(Comorbidity)}")
    return codes


def _choices(kind: Any) -> str:
    """The choices of a ``TextChoices`` as people read them, each with the code a program sends."""
    return ", ".join(f"{label} ({value})" for value, label in kind.choices)


def patient_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The validated columns of a new patient (identifier, birth date, sex, comorbidities), else :class:`InputError`:
    the one set of checks for the pages, the API and the FHIR import."""
    identifier = plain_identifier(data.get("identifier"))
    birth_date = data.get("birth_date")
    if not isinstance(birth_date, date) or birth_date > clinic_today():
        raise InputError("the birth date must be a date, not in the future")
    sex = data.get("sex") or "unknown"
    if sex not in Sex.values:
        raise InputError(f"sex must be one of {_choices(Sex)}")
    return {"identifier": identifier, "birth_date": birth_date, "sex": sex,
            "comorbidities": comorbidity_list(data.get("comorbidities"))}


def store_patient(team: Any, fields: dict[str, Any]) -> Patient:
    """Create the patient of :func:`patient_fields` in ``team`` (call inside a transaction); an identifier the team
    already has is :class:`InputError` 409, any other broken database rule a one-line 400."""
    identifier = fields["identifier"]
    taken = f"a patient with identifier {identifier!r} already exists in care team {team.name!r}"
    if Patient.objects.filter(care_team=team, identifier=identifier).exists():
        raise InputError(taken, status=409)
    try:
        with transaction.atomic():
            patient: Patient = Patient.objects.create(care_team=team, **fields)
    except IntegrityError as exc:
        if Patient.objects.filter(care_team=team, identifier=identifier).exists():  # registered at the same moment
            raise InputError(taken, status=409) from None
        raise broken_rule(exc) from None
    return patient


def broken_rule(exc: IntegrityError) -> InputError:
    """A database rule other than the unique identifier, broken (a NOT NULL or CHECK constraint): one line, 400.
    The database's own wording (table and constraint names) goes to the log, not to the person."""
    first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
    log.warning("record refused by the database: %s", first)
    return InputError("a record breaks a rule of the database (a required value is missing or out of range)")


def create_patient(user: Any, data: dict[str, Any]) -> Patient:
    """A new patient in one of ``user``'s care teams, with their first episode."""
    from facenerve.web.clinic.models import CareTeam

    fields = patient_fields(data)
    team = CareTeam.objects.filter(pk=data.get("care_team"), members__user=user).first()
    if team is None:
        raise InputError("choose one of your care teams", status=404)
    episode = episode_fields(data, fields["birth_date"])
    with transaction.atomic():
        patient = store_patient(team, fields)
        Episode.objects.create(patient=patient, **episode)
    return patient
