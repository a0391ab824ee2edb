"""A patient's course of facial palsy as a FHIR R4 Bundle (type ``collection``), from plain data: no ORM, no I/O.

In: ``course`` — a mapping with ``patient`` (identifier, birth_date, sex, comorbidities and their labels),
``episodes`` (id, onset_date, onset_at — the onset as an aware datetime when its time is known —, side, cause,
complete_at_onset, recurrence), ``assessments`` (id, episode, taken_on, the summary figures, ``photos``: expression →
``facenerve.photo/1`` metrics) and ``treatments`` (id, episode, kind, name, start, stop, dose, muscle, side, units).
Out: a JSON-ready dict with one Patient, a Condition per episode (SNOMED CT and ICD-10 where a code exists), an
Observation per measure and per grade (UCUM units; FaceNerve's own code system where LOINC has none), a
DiagnosticReport per assessment linking its Observations, and a MedicationStatement or Procedure per treatment.
Every reference points inside the bundle (``urn:uuid:`` full URLs, stable for the same data). Beside each display,
FaceNerve's own codes (cause, severity at onset, side, treatment kind and name, muscle, summary source, comorbidity)
and extensions (recurrence) make the bundle readable back (:mod:`facenerve.interop.fhir_import`): what it carries is
listed in docs/web.md, "Export and exchange"; photos, scale items, questionnaires, notes of an assessment and alert
dismissals are not in it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from facenerve import labels

UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
#: FaceNerve's own code systems (measures with no LOINC code, causes, treatments, expressions).
MEASURE_SYSTEM = "urn:facenerve:measure"
CAUSE_SYSTEM = "urn:facenerve:cause"
TREATMENT_SYSTEM = "urn:facenerve:treatment"
TREATMENT_KIND_SYSTEM = "urn:facenerve:treatment-kind"
MUSCLE_SYSTEM = "urn:facenerve:muscle"
SEVERITY_SYSTEM = "urn:facenerve:severity-at-onset"
#: How a summary figure was found: ``automated`` (the session's estimate, provisional) or ``clinician``.
METHOD_SYSTEM = "urn:facenerve:method"
METHODS = {"automated": "Automated estimate (provisional)", "clinician": "Entered by a clinician"}
#: FaceNerve extensions: an assessment's episode, a treatment's side (patient's) and botulinum toxin units.
CONDITION_EXTENSION = "urn:facenerve:condition"
SIDE_EXTENSION = "urn:facenerve:side"
UNITS_EXTENSION = "urn:facenerve:botulinum-units"
IDENTIFIER_SYSTEM = "urn:facenerve:patient-identifier"
#: A patient's comorbidity (Patient extension, a code of ``urn:facenerve:comorbidity`` and SNOMED CT where known) and
#: an episode that is a recurrence (Condition extension, valueBoolean).
COMORBIDITY_EXTENSION = "urn:facenerve:comorbidity"
COMORBIDITY_SYSTEM = "urn:facenerve:comorbidity"
COMORBIDITY_SNOMED = {"diabetes": ("73211009", "Diabetes mellitus"),
                      "hypertension": ("38341003", "Hypertensive disorder")}
RECURRENCE_EXTENSION = "urn:facenerve:recurrence"
OBSERVATION_CATEGORY = {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "exam",
                        "display": "Exam"}
#: Condition codes that exist for a cause: Bell's palsy (SNOMED CT 193093009, ICD-10 G51.0); every other cause is
#: coded as facial nerve disorder (ICD-10 G51.9, unspecified) with FaceNerve's cause code beside it.
CAUSE_CODES: dict[str, list[dict[str, str]]] = {
    "bells": [{"system": SNOMED, "code": "193093009", "display": "Bell's palsy"},
              {"system": ICD10, "code": "G51.0", "display": "Bell's palsy"}],
}
FALLBACK_CODES = [{"system": ICD10, "code": "G51.9", "display": "Disorder of facial nerve, unspecified"}]
#: SNOMED CT laterality qualifiers.
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right"), "bilateral": ("51440002",
                                                                                          "Right and left")}
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
_NAMESPACE = uuid.UUID("6f0c1c3e-5a0f-4c59-9c55-7b1f3e0e2a10")
SUMMARY = ("asymmetry_index_mm", "house_brackmann", "sunnybrook_composite", "eface_total", "synkinesis_score",
           "lagophthalmos_mm")


def bundle(course: Mapping[str, Any]) -> dict[str, Any]:
    """The course as a FHIR R4 ``Bundle`` of type ``collection`` (JSON-ready)."""
    patient = course["patient"]
    key = str(patient["identifier"])
    entries: list[dict[str, Any]] = []

    def add(kind: str, local: str, resource: dict[str, Any]) -> str:
        url = f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{key}/{kind}/{local}')}"
        entries.append({"fullUrl": url, "resource": {"resourceType": kind, "id": url.rsplit(':', 1)[1], **resource}})
        return url

    person: dict[str, Any] = {
        "identifier": [{"system": IDENTIFIER_SYSTEM, "value": key}],
        "birthDate": _day(patient.get("birth_date")),
        "gender": GENDER.get(str(patient.get("sex") or "unknown"), "unknown"),
    }
    names = patient.get("comorbidity_labels") or {}
    comorbidities = [{"url": COMORBIDITY_EXTENSION, "valueCodeableConcept": _comorbidity(str(c), names)}
                     for c in patient.get("comorbidities") or ()]
    if comorbidities:
        person["extension"] = comorbidities
    subject = {"reference": add("Patient", "patient", person)}
    conditions = {}
    for episode in course.get("episodes", ()):
        conditions[episode["id"]] = add("Condition", f"episode-{episode['id']}", _condition(episode, subject))
    for assessment in course.get("assessments", ()):
        results = [{"reference": add("Observation", f"a{assessment['id']}-{o['code']['coding'][0]['code']}", o)}
                   for o in _observations(assessment, subject)]
        report: dict[str, Any] = {
            "status": "final",
            "code": _code(MEASURE_SYSTEM, "photo-assessment", "Facial palsy photo assessment"),
            "subject": subject, "effectiveDateTime": _day(assessment["taken_on"]), "result": results,
        }
        if assessment.get("episode") in conditions:
            report["extension"] = [{"url": CONDITION_EXTENSION,
                                    "valueReference": {"reference": conditions[assessment["episode"]]}}]
        add("DiagnosticReport", f"assessment-{assessment['id']}", report)
    for treatment in course.get("treatments", ()):
        kind, resource = _treatment(treatment, subject, conditions.get(treatment.get("episode")))
        add(kind, f"treatment-{treatment['id']}", resource)
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _condition(episode: Mapping[str, Any], subject: dict[str, str]) -> dict[str, Any]:
    cause = str(episode.get("cause") or "other")
    coding = [*CAUSE_CODES.get(cause, FALLBACK_CODES), {"system": CAUSE_SYSTEM, "code": cause,
                                                        "display": str(episode.get("cause_label") or cause)}]
    side = str(episode.get("side") or "")
    condition: dict[str, Any] = {
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                       "code": "active"}]},
        "code": {"coding": coding, "text": f"Facial palsy ({episode.get('cause_label') or cause})"},
        "subject": subject,
        "onsetDateTime": episode["onset_at"].isoformat() if episode.get("onset_at") else _day(episode["onset_date"]),
    }
    if episode.get("recurrence"):
        condition["extension"] = [{"url": RECURRENCE_EXTENSION, "valueBoolean": True}]
    if side in LATERALITY:
        condition["bodySite"] = [{**_laterality(side), "text": f"Face, {LATERALITY[side][1].lower()} side"}]
    if episode.get("complete_at_onset") is not None:
        severity = "complete" if episode["complete_at_onset"] else "incomplete"
        condition["severity"] = _code(SEVERITY_SYSTEM, severity, f"{severity} at onset")
    return condition


def _comorbidity(code: str, names: Mapping[str, str]) -> dict[str, Any]:
    concept = _code(COMORBIDITY_SYSTEM, code, str(names.get(code) or code))
    if code in COMORBIDITY_SNOMED:
        snomed, display = COMORBIDITY_SNOMED[code]
        concept["coding"].append({"system": SNOMED, "code": snomed, "display": display})
    return concept


def _laterality(side: str) -> dict[str, Any]:
    """The patient's side as a SNOMED CT laterality qualifier (a CodeableConcept's ``coding``)."""
    code, display = LATERALITY[side]
    return {"coding": [{"system": SNOMED, "code": code, "display": display}]}


def _observations(assessment: Mapping[str, Any], subject: dict[str, str]) -> list[dict[str, Any]]:
    when = _day(assessment["taken_on"])
    sources = assessment.get("summary_sources") or {}
    found = []
    for key in SUMMARY:
        value = assessment.get(key)
        if value is None or isinstance(value, bool) or not math.isfinite(float(value)):
            continue
        observation = _observation(key, labels.measure(key), subject, when)
        if key == "house_brackmann":
            grade = labels.house_brackmann(value)
            observation["valueCodeableConcept"] = _code(MEASURE_SYSTEM, f"house-brackmann-{grade}",
                                                        f"House–Brackmann grade {grade}")
        else:
            observation["valueQuantity"] = _quantity(float(value), labels.SUMMARY_UNITS.get(key, ""))
        if sources.get(key) in METHODS:
            observation["method"] = _code(METHOD_SYSTEM, sources[key], METHODS[sources[key]])
        found.append(observation)
    if assessment.get("eye_closure_complete") is not None:
        observation = _observation("eye_closure_complete", labels.measure("eye_closure_complete"), subject, when)
        observation["valueBoolean"] = bool(assessment["eye_closure_complete"])
        found.append(observation)
    if assessment.get("affected_side") in LATERALITY:
        side = str(assessment["affected_side"])
        observation = _observation("affected_side", "Affected side", subject, when)
        observation["valueCodeableConcept"] = {**_laterality(side), "text": f"patient's {side}"}
        found.append(observation)
    for expression, metrics in sorted((assessment.get("photos") or {}).items()):
        for name, metric in sorted(metrics.items()):
            components = [
                {"code": _code(MEASURE_SYSTEM, f"{name}.{side}", f"{labels.measure(name)}, patient's {side}"),
                 "valueQuantity": _quantity(float(metric[side]), str(metric.get("unit") or ""))}
                for side in ("right", "left")
                if isinstance(metric.get(side), int | float) and math.isfinite(float(metric[side]))
            ]
            if not components:
                continue
            observation = _observation(f"{expression}.{name}",
                                       f"{labels.measure(name)} ({labels.expression(expression)})", subject, when)
            observation["component"] = components
            found.append(observation)
    return found


def _observation(code: str, display: str, subject: dict[str, str], when: str) -> dict[str, Any]:
    return {"status": "final", "category": [{"coding": [OBSERVATION_CATEGORY]}],
            "code": _code(MEASURE_SYSTEM, code, display), "subject": subject, "effectiveDateTime": when}


def _treatment(t: Mapping[str, Any], subject: dict[str, str], condition: str | None) -> tuple[str, dict[str, Any]]:
    name = str(t["name"])
    typed = labels.free_text_name(name)  # a name the clinician typed has no code, only its text
    code = ({"text": typed} if typed else
            {"coding": [{"system": TREATMENT_SYSTEM, "code": name, "display": labels.treatment(name)}],
             "text": labels.treatment(name)})
    period = {"start": _day(t["start"]), **({"end": _day(t["stop"])} if t.get("stop") else {})}
    common: dict[str, Any] = {}
    if condition:
        common["reasonReference"] = [{"reference": condition}]
    if t.get("notes"):
        common["note"] = [{"text": str(t["notes"])}]
    if t["kind"] == "medication":
        statement: dict[str, Any] = {"status": "completed" if t.get("stop") else "active",
                                     "medicationCodeableConcept": code, "subject": subject,
                                     "effectivePeriod": period}
        if t.get("dose"):
            statement["dosage"] = [{"text": str(t["dose"])}]
        return "MedicationStatement", {**statement, **common}
    kind = str(t["kind"])
    ongoing = kind == "therapy" and not t.get("stop")  # an injection or an operation is done on its day
    procedure: dict[str, Any] = {"status": "in-progress" if ongoing else "completed", "code": code,
                                 "subject": subject, "performedPeriod": period,
                                 "category": _code(TREATMENT_KIND_SYSTEM, kind, str(t.get("kind_label") or kind))}
    side = str(t.get("side") or "")
    extensions: list[dict[str, Any]] = []
    if side in LATERALITY:
        extensions.append({"url": SIDE_EXTENSION, "valueCodeableConcept": {**_laterality(side),
                                                                           "text": f"patient's {side}"}})
    if isinstance(t.get("units"), int | float) and math.isfinite(float(t["units"])):
        extensions.append({"url": UNITS_EXTENSION, "valueQuantity": _quantity(float(t["units"]), "U")})
    if extensions:
        procedure["extension"] = extensions
    if t.get("muscle"):
        muscle = str(t["muscle"])
        text = f"{t.get('muscle_label') or muscle}, patient's {side}" if side else str(t.get("muscle_label") or muscle)
        procedure["bodySite"] = [{"coding": [{"system": MUSCLE_SYSTEM, "code": muscle,
                                              "display": str(t.get("muscle_label") or muscle)}], "text": text}]
    return "Procedure", {**procedure, **common}


def _code(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _quantity(value: float, unit: str) -> dict[str, Any]:
    """A UCUM quantity (``mm``, ``mm2``, ``deg``, ``{score}``, ``[arb'U]``)."""
    ucum = labels.UCUM.get(unit, "1")
    return {"value": round(value, 3), "unit": labels.unit(unit) or ucum, "system": UCUM, "code": ucum}


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
