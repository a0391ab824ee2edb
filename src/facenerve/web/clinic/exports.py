"""A patient's course as plain data, for exports (:mod:`facenerve.interop.fhir`) and reports: rows in, dicts out.

A figure imported from a Bundle goes out with the method it came with (``imported`` → automated), never as a
FaceNerve estimate or a FaceNerve clinician's grade of its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from facenerve.web.clinic.choices import IMPORTED_METHODS, IMPORTED_SOURCES, Cause, Comorbidity, Muscle, TreatmentKind
from facenerve.web.clinic.imports import IMPORTED_PHOTOS
from facenerve.web.clinic.models import Patient
from facenerve.web.clinic.overview import assessment_doc, treatment_doc


def course(patient: Patient) -> dict[str, Any]:
    """Patient, episodes, assessments (with each photo's metrics) and treatments of ``patient``, as plain data."""
    episodes, assessments, treatments = [], [], []
    for episode in patient.episodes.order_by("onset_date", "id"):
        episodes.append({"id": episode.pk, "onset_date": episode.onset_date, "side": episode.side,
                         "cause": episode.cause, "cause_label": dict(Cause.choices).get(episode.cause, episode.cause),
                         "complete_at_onset": episode.complete_at_onset, "recurrence": episode.recurrence,
                         "onset_at": datetime.combine(episode.onset_date, episode.onset_time,
                                                      tzinfo=timezone.get_current_timezone())
                         if episode.onset_time is not None else None})
        for a in episode.assessments.prefetch_related("photos").order_by("taken_on", "id"):
            photos = {p.expression: (p.result or {}).get("metrics") or {} for p in a.photos.all()}
            if not photos:  # an imported assessment: its measures came without photos
                photos = dict((a.engine_result or {}).get(IMPORTED_PHOTOS) or {})
            doc = assessment_doc(a)
            sources = {column: IMPORTED_METHODS.get(source, source) for column, source in doc["summary_sources"].items()
                       if source != IMPORTED_SOURCES[""]}  # an imported figure with no method goes out with none
            assessments.append({**doc, "summary_sources": sources, "episode": episode.pk, "photos": photos})
        for t in episode.treatments.order_by("start", "id"):
            treatments.append({**treatment_doc(t), "episode": episode.pk,
                               "kind_label": dict(TreatmentKind.choices).get(t.kind, t.kind),
                               "muscle_label": dict(Muscle.choices).get(t.muscle, t.muscle)})
    return {"patient": {"identifier": patient.identifier, "birth_date": patient.birth_date, "sex": patient.sex,
                        "comorbidities": list(patient.comorbidities or ()),
                        "comorbidity_labels": dict(Comorbidity.choices)},
            "episodes": episodes, "assessments": assessments, "treatments": treatments}
