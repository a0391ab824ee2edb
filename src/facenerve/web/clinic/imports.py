"""A course read from a FHIR Bundle (:mod:`facenerve.interop.fhir_import`) stored as a new patient of a care team.

Every record passes the same checks as one entered in the pages (:mod:`facenerve.web.clinic.services`): dates not in
the future, nothing before birth or onset, known sides, causes, treatments and muscles. All or nothing: one bad record
and no row is written (:class:`~facenerve.web.clinic.services.InputError`, one line). The Bundle holds no photos, so
each assessment's per-photo measures are kept in its ``engine_result`` (``imported_photo_metrics``), where the
exports read them.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from facenerve import labels
from facenerve.engine.metrics import METRICS_BY_NAME
from facenerve.interop.fhir import SUMMARY
from facenerve.protocol import Expression
from facenerve.web.clinic.choices import Sex
from facenerve.web.clinic.clock import clinic_today
from facenerve.web.clinic.models import Assessment, CareTeam, Episode, Patient, Treatment
from facenerve.web.clinic.services import OTHER_NAME, InputError, _episode_fields, plain_identifier, treatment_fields

#: Where an imported assessment keeps its per-photo measures (``{expression: {metric: {left, right, unit}}}``).
IMPORTED_PHOTOS = "imported_photo_metrics"
#: Summary figures: (lowest, highest) accepted.
_RANGES = {"asymmetry_index_mm": (0.0, 100.0), "house_brackmann": (1, 6), "sunnybrook_composite": (0.0, 100.0),
           "eface_total": (0.0, 100.0), "synkinesis_score": (0.0, 15.0), "lagophthalmos_mm": (0.0, 30.0)}


def import_course(course: dict[str, Any], team: CareTeam) -> Patient:
    """Store ``course`` as a new patient of ``team`` (all or nothing), else :class:`InputError`."""
    person = course["patient"]
    identifier = plain_identifier(person.get("identifier"))
    birth_date = person.get("birth_date")
    if not isinstance(birth_date, date) or birth_date > clinic_today():
        raise InputError("the birth date must be a date, not in the future")
    if person.get("sex") not in Sex.values:
        raise InputError(f"sex must be one of {', '.join(Sex.values)}")
    try:
        with transaction.atomic():
            if Patient.objects.filter(care_team=team, identifier=identifier).exists():
                raise InputError(f"a patient with identifier {identifier!r} already exists in care team "
                                 f"{team.name!r}", status=409)
            patient: Patient = Patient.objects.create(identifier=identifier, birth_date=birth_date,
                                                      sex=person["sex"], care_team=team)
            episodes: dict[Any, Episode] = {}
            for row in course["episodes"]:
                fields = _episode_fields({**row, "severity_at_onset": "complete" if row["complete_at_onset"]
                                          else "incomplete"}, birth_date)
                episodes[row["id"]] = Episode.objects.create(patient=patient, **fields)
            for row in course["assessments"]:
                _assessment(episodes[row["episode"]], row)
            for row in course["treatments"]:
                _treatment(episodes[row["episode"]], row)
    except IntegrityError:  # the same identifier, created at the same moment
        raise InputError(f"a patient with identifier {identifier!r} already exists", status=409) from None
    return patient


def _assessment(episode: Episode, row: dict[str, Any]) -> Assessment:
    taken_on = date.fromisoformat(str(row["taken_on"]))
    if taken_on < episode.onset_date:
        raise InputError(f"the assessment of {taken_on.isoformat()} is before the onset of its episode")
    if taken_on > clinic_today():
        raise InputError(f"the assessment date {taken_on.isoformat()} is in the future")
    summary: dict[str, Any] = {}
    for key in SUMMARY:
        value = row.get(key)
        if value is None:
            continue
        low, high = _RANGES[key]
        if not math.isfinite(float(value)) or not low <= float(value) <= high:
            raise InputError(f"{labels.measure(key)} {value!r} is outside {low}–{high}")
        summary[key] = int(value) if key == "house_brackmann" else float(value)
    sources = {k: v for k, v in (row.get("summary_sources") or {}).items() if k in summary}
    photos = _photo_metrics(row.get("photos") or {})
    assessment: Assessment = Assessment.objects.create(
        episode=episode, taken_on=taken_on, eye_closure_complete=row.get("eye_closure_complete"),
        affected_side=row.get("affected_side") if row.get("affected_side") in ("left", "right") else "",
        summary_sources=sources, engine_result={"source": "FHIR import", IMPORTED_PHOTOS: photos} if photos else None,
        **summary,
    )
    return assessment


def _photo_metrics(photos: dict[str, Any]) -> dict[str, Any]:
    """Per-photo measures with a known expression, metric and unit, else :class:`InputError`."""
    for expression, metrics in photos.items():
        if expression not in {e.value for e in Expression}:
            raise InputError(f"unknown expression {expression!r}")
        for name, metric in metrics.items():
            known = METRICS_BY_NAME.get(name)
            if known is None:
                raise InputError(f"unknown photo measure {name!r}")
            if metric.get("unit") != known.unit:
                raise InputError(f"{labels.measure(name)} is in {known.unit}, not {metric.get('unit')!r}")
    return photos


def _treatment(episode: Episode, row: dict[str, Any]) -> Treatment:
    typed = labels.free_text_name(str(row["name"]))
    data = {**row, "name": OTHER_NAME if typed else row["name"], "other_name": typed,
            "start": date.fromisoformat(str(row["start"])),
            "stop": date.fromisoformat(str(row["stop"])) if row.get("stop") else None}
    treatment: Treatment = Treatment.objects.create(episode=episode, **treatment_fields(episode, data))
    return treatment
