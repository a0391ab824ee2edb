"""The FHIR R4 Bundle of a patient's course (facenerve.interop.fhir), checked for structure: resource types and
required elements, every reference resolving inside the bundle, codes and UCUM units; validated with
``fhir.resources``; read back (facenerve.interop.fhir_import) into the same course."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from facenerve.interop.fhir import ICD10, MEASURE_SYSTEM, SNOMED, UCUM, bundle
from facenerve.interop.fhir_import import BundleError, read_bundle

COURSE: dict[str, Any] = {
    "patient": {"identifier": "DEMO-001", "birth_date": date(1974, 3, 14), "sex": "female",
                "comorbidities": ["diabetes", "hypertension"]},
    "episodes": [{"id": 1, "onset_date": date(2026, 4, 20), "side": "left", "cause": "bells",
                  "cause_label": "Bell's palsy", "complete_at_onset": True,
                  "onset_at": datetime(2026, 4, 20, 7, 30, tzinfo=UTC)},
                 {"id": 2, "onset_date": date(2026, 10, 1), "side": "right", "cause": "ramsay_hunt",
                  "cause_label": "Ramsay Hunt syndrome", "complete_at_onset": False, "recurrence": True}],
    "assessments": [{"id": 7, "episode": 1, "taken_on": "2026-05-02", "asymmetry_index_mm": 4.1, "house_brackmann": 4,
                     "sunnybrook_composite": 44.0, "eface_total": None, "synkinesis_score": 1.0,
                     "lagophthalmos_mm": None, "eye_closure_complete": True,
                     "summary_sources": {"house_brackmann": "automated"},
                     "photos": {"rest": {"brow_height": {"left": 21.5, "right": 23.0, "unit": "mm"},
                                         "eye_area": {"left": 80.2, "right": 95.0, "unit": "mm2"},
                                         "smile_angle": {"left": None, "right": None, "unit": "deg"}}}}],
    "treatments": [{"id": 3, "episode": 1, "kind": "medication", "name": "prednisolone", "start": "2026-04-21",
                    "stop": "2026-04-30", "dose": "50 mg daily"},
                   {"id": 4, "episode": 1, "kind": "botulinum_toxin", "name": "botulinum_toxin",
                    "start": "2026-09-01", "stop": None, "muscle": "mentalis", "muscle_label": "Mentalis",
                    "side": "left", "units": 5.0, "notes": "=1+1 typed by a clinician"},
                   {"id": 5, "episode": 2, "kind": "therapy", "name": "other:Mirror therapy", "start": "2026-10-05",
                    "stop": None, "kind_label": "Therapy session"}],
}
REQUIRED = {"Patient": (), "Condition": ("subject", "code"), "Observation": ("status", "code", "subject"),
            "DiagnosticReport": ("status", "code", "subject"), "MedicationStatement": ("status", "subject",
                                                                                       "medicationCodeableConcept"),
            "Procedure": ("status", "subject", "code")}


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for v in node.values() for r in _references(v)]
    if isinstance(node, list):
        return [r for v in node for r in _references(v)]
    return []


def _quantities(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node["valueQuantity"]] if "valueQuantity" in node else []
        return own + [q for v in node.values() for q in _quantities(v)]
    if isinstance(node, list):
        return [q for v in node for q in _quantities(v)]
    return []


def test_bundle_structure_references_codes_and_units() -> None:
    doc = json.loads(json.dumps(bundle(COURSE)))  # JSON all the way through
    assert doc["resourceType"] == "Bundle" and doc["type"] == "collection"
    urls = [e["fullUrl"] for e in doc["entry"]]
    assert len(urls) == len(set(urls)) and all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", u) for u in urls)
    kinds = [e["resource"]["resourceType"] for e in doc["entry"]]
    assert kinds.count("Patient") == 1 and kinds.count("Condition") == 2 and kinds.count("DiagnosticReport") == 1
    assert kinds.count("MedicationStatement") == 1 and kinds.count("Procedure") == 2
    for entry in doc["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"].endswith(resource["id"])
        for element in REQUIRED[resource["resourceType"]]:
            assert resource.get(element), (resource["resourceType"], element)
    for reference in _references(doc):
        assert reference in urls, reference
    conditions = [e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "Condition"]
    bells = {(c["system"], c["code"]) for c in conditions[0]["code"]["coding"]}
    assert (SNOMED, "193093009") in bells and (ICD10, "G51.0") in bells
    assert conditions[0]["bodySite"][0]["coding"][0]["code"] == "7771000"  # left
    assert (ICD10, "G51.9") in {(c["system"], c["code"]) for c in conditions[1]["code"]["coding"]}
    quantities = _quantities(doc)
    assert quantities and all(q["system"] == UCUM and q["code"] in ("mm", "mm2", "deg", "{score}", "[arb'U]")
                          for q in quantities)
    observations = [e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "Observation"]
    codes = {o["code"]["coding"][0]["code"]: o for o in observations}
    assert codes["house_brackmann"]["valueCodeableConcept"]["coding"][0]["display"] == "House–Brackmann grade IV"
    assert codes["house_brackmann"]["method"]["text"].startswith("Automated")
    assert codes["rest.eye_area"]["component"][1]["valueQuantity"] == {"value": 80.2, "unit": "mm²",
                                                                        "system": UCUM, "code": "mm2"}
    assert "rest.smile_angle" not in codes and "eface_total" not in codes  # nothing measured, nothing sent
    assert all(o["code"]["coding"][0]["system"] == MEASURE_SYSTEM for o in observations)
    report = next(e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "DiagnosticReport")
    assert len(report["result"]) == len(observations)
    text = json.dumps(doc)
    assert "vitamin_b1" not in text and '"display": "Prednisolone"' in text


def test_the_same_course_gives_the_same_bundle() -> None:
    assert bundle(COURSE) == bundle(COURSE)
    other = {**COURSE, "patient": {**COURSE["patient"], "identifier": "DEMO-002"}}
    assert bundle(other)["entry"][0]["fullUrl"] != bundle(COURSE)["entry"][0]["fullUrl"]


def validate(doc: dict[str, Any]) -> Any:
    """``doc`` parsed by fhir.resources. fhir.resources 8 ships FHIR R5 (the default package), R4B and STU3, no R4:
    R4B is R4 with the same Patient, Condition, Observation, DiagnosticReport, MedicationStatement and Procedure, so
    the Bundle is validated against R4B (elements, types, cardinalities, code and id patterns)."""
    from fhir.resources.R4B.bundle import Bundle

    return Bundle.model_validate(json.loads(json.dumps(doc)))


def normalised(doc: dict[str, Any]) -> Any:
    """``doc`` with each generated id (``urn:uuid:…`` and the resource id) replaced by its entry's position."""
    text = json.dumps(doc, sort_keys=True)
    for number, entry in enumerate(doc["entry"]):
        text = text.replace(entry["resource"]["id"], f"entry-{number}")
    return json.loads(text)


def test_bundle_validates_with_fhir_resources() -> None:
    parsed = validate(bundle(COURSE))
    assert parsed.type == "collection" and len(parsed.entry) == len(bundle(COURSE)["entry"])
    kinds = {type(e.resource).__name__ for e in parsed.entry}
    assert kinds == {"Patient", "Condition", "Observation", "DiagnosticReport", "MedicationStatement", "Procedure"}


def test_validation_catches_a_defect() -> None:
    """The validator is not a rubber stamp: a list where FHIR wants one CodeableConcept is refused."""
    from pydantic import ValidationError

    doc = bundle(COURSE)
    condition = next(e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "Condition")
    condition["severity"] = [condition["severity"]]
    with pytest.raises(ValidationError):
        validate(doc)


def test_bundle_reads_back_to_the_same_course() -> None:
    doc = json.loads(json.dumps(bundle(COURSE)))
    course = read_bundle(doc)
    assert course["patient"] == COURSE["patient"]  # comorbidities included
    assert [(e["onset_date"], e["side"], e["cause"], e["complete_at_onset"]) for e in course["episodes"]] == [
        (e["onset_date"], e["side"], e["cause"], e["complete_at_onset"]) for e in COURSE["episodes"]]
    assert [(e["onset_at"], e["recurrence"]) for e in course["episodes"]] == [
        (datetime(2026, 4, 20, 7, 30, tzinfo=UTC), False), (None, True)]
    (assessment,) = course["assessments"]
    assert assessment["house_brackmann"] == 4 and assessment["summary_sources"] == {"house_brackmann": "automated"}
    assert assessment["photos"]["rest"]["eye_area"] == {"left": 80.2, "right": 95.0, "unit": "mm2"}
    treatments = {t["name"]: t for t in course["treatments"]}
    assert treatments["botulinum_toxin"]["muscle"] == "mentalis" and treatments["botulinum_toxin"]["units"] == 5.0
    assert treatments["botulinum_toxin"]["side"] == "left" and treatments["prednisolone"]["dose"] == "50 mg daily"
    assert treatments["other:Mirror therapy"]["kind"] == "therapy"
    assert normalised(bundle(course)) == normalised(doc)


@pytest.mark.parametrize(("doc", "message"), [
    ([], "not a FHIR Bundle"),
    ({"resourceType": "Patient"}, "not a FHIR Bundle"),
    ({"resourceType": "Bundle", "entry": []}, "no entries"),
    ({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Condition"}}]}, "exactly one Patient"),
    ({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient", "birthDate": "1970-01-01"}}]},
     "no identifier"),
    ({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient", "birthDate": "1970-01-01",
                                                        "identifier": [{"value": "X"}]}}]}, "no Condition"),
])
def test_unreadable_bundles_are_one_line_errors(doc: Any, message: str) -> None:
    with pytest.raises(BundleError, match=message) as caught:
        read_bundle(doc)
    assert "\n" not in str(caught.value)


def test_a_broken_reference_or_value_is_named() -> None:
    doc = json.loads(json.dumps(bundle(COURSE)))
    report = next(e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "DiagnosticReport")
    report["result"].append({"reference": "urn:uuid:00000000-0000-0000-0000-000000000000"})
    with pytest.raises(BundleError, match="not in the Bundle"):
        read_bundle(doc)
    doc = json.loads(json.dumps(bundle(COURSE)))
    observation = next(e["resource"] for e in doc["entry"] if e["resource"].get("valueQuantity"))
    observation["valueQuantity"]["value"] = "four"
    with pytest.raises(BundleError, match="not a number"):
        read_bundle(doc)
    doc = json.loads(json.dumps(bundle(COURSE)))
    photo = next(e["resource"] for e in doc["entry"] if e["resource"].get("component"))
    photo["component"] = ["not an object"]
    with pytest.raises(BundleError, match=r"^Brow height \(Rest\): a component is not an object"):
        read_bundle(doc)


def _observation(doc: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e["resource"] for e in doc["entry"] if e["resource"].get("code", {}).get(
        "coding", [{}])[0].get("code") == code)
    return found


def test_the_comorbidities_go_out_with_snomed_codes() -> None:
    doc = bundle(COURSE)
    patient = doc["entry"][0]["resource"]
    codes = [(c["system"], c["code"]) for x in patient["extension"] for c in x["valueCodeableConcept"]["coding"]]
    assert (SNOMED, "73211009") in codes and (SNOMED, "38341003") in codes
    conditions = [e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "Condition"]
    assert conditions[0]["onsetDateTime"] == "2026-04-20T07:30:00+00:00" and "extension" not in conditions[0]
    assert conditions[1]["extension"] == [{"url": "urn:facenerve:recurrence", "valueBoolean": True}]
    validate(doc)


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e400", "1" + "0" * 400])
def test_a_value_that_is_not_finite_is_refused_naming_it(raw: str) -> None:
    """json.loads reads NaN, Infinity and 1e400 as floats that are not finite, and 400 digits as an int too large
    for a float (OverflowError): each is one line naming the measure, in its label."""
    text = json.dumps(bundle(COURSE))
    doc = json.loads(text.replace('"value": 44.0', f'"value": {raw}'))
    assert _observation(doc, "sunnybrook_composite")["valueQuantity"]["value"] != 44.0
    with pytest.raises(BundleError, match=r"^Sunnybrook composite: the value is not a finite number") as caught:
        read_bundle(doc)
    assert "\n" not in str(caught.value)
    doc = json.loads(text.replace('"value": 80.2', f'"value": {raw}'))
    with pytest.raises(BundleError, match=r"^Eye opening area \(Rest\), patient's left: the value is not a finite"):
        read_bundle(doc)


def test_an_element_of_the_wrong_type_is_named_in_words() -> None:
    doc = json.loads(json.dumps(bundle(COURSE)))
    statement = next(e for e in doc["entry"] if e["resource"]["resourceType"] == "MedicationStatement")
    statement["resource"]["reasonReference"] = 5
    with pytest.raises(BundleError) as caught:
        read_bundle(doc)
    assert str(caught.value) == (f"MedicationStatement {statement['fullUrl']}: an element holds a number where "
                                 "FHIR R4 expects a list")
    photo = next(e for e in doc["entry"] if e["resource"].get("component"))
    statement["resource"]["reasonReference"] = []
    photo["resource"]["component"][0]["valueQuantity"] = "21.5 mm"
    with pytest.raises(BundleError, match="the valueQuantity is not an object with a value") as caught:
        read_bundle(doc)
    for element in ("Error", "object has no attribute", "brow_height"):
        assert element not in str(caught.value)
