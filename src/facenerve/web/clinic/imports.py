"""A course read from a FHIR Bundle (:mod:`facenerve.interop.fhir_import`) stored as a new patient of a care team.

Every record passes the same checks as one entered in the pages (:mod:`facenerve.web.clinic.services`): the patient's
(:func:`~facenerve.web.clinic.services.patient_fields`), dates not in the future, nothing before birth or onset,
known sides, causes, treatments and muscles; each summary figure within what its scale can give
(:data:`SUMMARY_RANGES`), each per-photo measure finite and within what a face allows
(:data:`facenerve.engine.metrics.PLAUSIBLE`). All or nothing: one bad record and no row is written
(:class:`~facenerve.web.clinic.services.InputError`, one line). The Bundle holds no photos, so each assessment's
per-photo measures are kept in its ``engine_result`` (``imported_photo_metrics``), where the exports read them.

Every summary figure is marked as imported (:data:`~facenerve.web.clinic.choices.IMPORTED_SOURCES`): its derivation
did not come with it. One the Bundle gave as an automated estimate, or with no method, stays an automated estimate for
the care pathway (it may raise a concern, never settle one).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from facenerve import labels
from facenerve.engine.metrics import FACE_SPAN_MM, METRICS_BY_NAME, PLAUSIBLE
from facenerve.interop.fhir import SUMMARY
from facenerve.protocol import Expression
from facenerve.scales import eface, house_brackmann, sunnybrook
from facenerve.web.clinic.choices import IMPORTED_SOURCES
from facenerve.web.clinic.clock import clinic_today
from facenerve.web.clinic.forms import LAGOPHTHALMOS_RANGE
from facenerve.web.clinic.models import Assessment, CareTeam, Episode, Patient, Treatment
from facenerve.web.clinic.services import (
    OTHER_NAME,
    InputError,
    broken_rule,
    episode_fields,
    patient_fields,
    store_patient,
    treatment_fields,
)

#: Where an imported assessment keeps its per-photo measures (``{expression: {metric: {left, right, unit}}}``).
IMPORTED_PHOTOS = "imported_photo_metrics"
#: Summary figures: (lowest, highest) each can be, from the scale that gives it (Sunnybrook composite −15 to 100) or
#: the form that takes it (lagophthalmos); the asymmetry index (a root mean square of left − right distances, mm) is
#: bounded by the engineering limit :data:`~facenerve.engine.metrics.FACE_SPAN_MM`.
SUMMARY_RANGES: dict[str, tuple[float, float]] = {
    "asymmetry_index_mm": (0.0, FACE_SPAN_MM),
    "house_brackmann": house_brackmann.GRADE_RANGE,
    "sunnybrook_composite": sunnybrook.COMPOSITE_RANGE,
    "eface_total": eface.TOTAL_RANGE,
    "synkinesis_score": sunnybrook.SYNKINESIS_RANGE,
    "lagophthalmos_mm": LAGOPHTHALMOS_RANGE,
}


def import_course(course: dict[str, Any], team: CareTeam) -> Patient:
    """Store ``course`` as a new patient of ``team`` (all or nothing), else :class:`InputError`."""
    fields = patient_fields(course["patient"])
    try:
        with transaction.atomic():
            patient = store_patient(team, fields)
            episodes: dict[Any, Episode] = {}
            for row in course["episodes"]:
                onset = _onset(row)
                data = {**row, **onset, "severity_at_onset": "complete" if row["complete_at_onset"] else "incomplete"}
                episodes[row["id"]] = Episode.objects.create(patient=patient,
                                                             **episode_fields(data, fields["birth_date"]))
            for row in course["assessments"]:
                _assessment(episodes[row["episode"]], row)
            for row in course["treatments"]:
                _treatment(episodes[row["episode"]], row)
    except IntegrityError as exc:  # a rule of the database other than the identifier (store_patient answers that)
        raise broken_rule(exc) from None
    return patient


def _onset(row: dict[str, Any]) -> dict[str, Any]:
    """The onset date and time of day in the clinic's time zone (a dateTime with an offset is converted to it)."""
    moment = row.get("onset_at")
    if not isinstance(moment, datetime):
        return {"onset_date": row["onset_date"], "onset_time": None}
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return {"onset_date": local.date(), "onset_time": local.time().replace(tzinfo=None)}


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
        low, high = SUMMARY_RANGES[key]
        number = _finite(value, f"{labels.measure(key)} of {taken_on.isoformat()}")
        if not low <= number <= high:
            shown = f"{labels.house_brackmann(low)}–{labels.house_brackmann(high)}" if key == "house_brackmann" \
                else f"{low:g} to {high:g}"
            raise InputError(f"{labels.measure(key)} of {taken_on.isoformat()} is {labels.value(key, number)}, "
                             f"outside {shown}")
        summary[key] = int(number) if key == "house_brackmann" else number
    given = row.get("summary_sources") or {}
    sources = {key: IMPORTED_SOURCES.get(str(given.get(key) or ""), IMPORTED_SOURCES[""]) for key in summary}
    if row.get("eye_closure_complete") is not None:  # the Bundle gives no method for it
        sources["eye_closure_complete"] = IMPORTED_SOURCES[""]
    photos = _photo_metrics(row.get("photos") or {})
    assessment: Assessment = Assessment.objects.create(
        episode=episode, taken_on=taken_on, eye_closure_complete=row.get("eye_closure_complete"),
        affected_side=row.get("affected_side") if row.get("affected_side") in ("left", "right") else "",
        summary_sources=sources, engine_result={"source": "FHIR import", IMPORTED_PHOTOS: photos} if photos else None,
        **summary,
    )
    return assessment


def _finite(value: Any, what: str) -> float:
    """``value`` as a finite float, else :class:`InputError` naming ``what``."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise InputError(f"{what} is not a finite number")
    return number


def _photo_metrics(photos: dict[str, Any]) -> dict[str, Any]:
    """Per-photo measures with a known expression, metric and unit, each side finite and within what a face allows
    (:data:`~facenerve.engine.metrics.PLAUSIBLE`), else :class:`InputError`."""
    expressions = {e.value for e in Expression}
    for expression, metrics in photos.items():
        if expression not in expressions:
            raise InputError(f"the Bundle holds measures of an expression FaceNerve does not photograph "
                             f"({labels.expression(expression)})")
        for name, metric in metrics.items():
            what = f"{labels.measure(name)} ({labels.expression(expression)})"
            known = METRICS_BY_NAME.get(name)
            if known is None:
                raise InputError(f"the Bundle holds a photo measure FaceNerve does not take: {what}")
            if metric.get("unit") != known.unit:
                given = labels.unit(metric.get("unit")) or "no unit FaceNerve knows"
                raise InputError(f"{what} must be in {labels.unit(known.unit)}, not {given}")
            low, high = PLAUSIBLE[known.unit]
            for side in ("left", "right"):
                if metric.get(side) is None:
                    continue
                number = _finite(metric[side], f"{what}, patient's {side}")
                if not low <= number <= high:
                    raise InputError(f"{what}, patient's {side}, is {number:g} {labels.unit(known.unit)}: outside "
                                     f"{low:g} to {high:g}, more than a face allows (pixels or a wrong unit?)")
    return photos


def _treatment(episode: Episode, row: dict[str, Any]) -> Treatment:
    typed = labels.free_text_name(str(row["name"]))
    data = {**row, "name": OTHER_NAME if typed else row["name"], "other_name": typed,
            "start": date.fromisoformat(str(row["start"])),
            "stop": date.fromisoformat(str(row["stop"])) if row.get("stop") else None}
    treatment: Treatment = Treatment.objects.create(episode=episode, **treatment_fields(episode, data))
    return treatment
