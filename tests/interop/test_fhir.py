"""The FHIR R4 Bundle of a patient's course (facenerve.interop.fhir), checked for structure: resource types and
required elements, every reference resolving inside the bundle, codes and UCUM units."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from facenerve.interop.fhir import ICD10, MEASURE_SYSTEM, SNOMED, UCUM, bundle

COURSE: dict[str, Any] = {
    "patient": {"identifier": "DEMO-001", "birth_date": date(1974, 3, 14), "sex": "female"},
    "episodes": [{"id": 1, "onset_date": date(2026, 4, 20), "side": "left", "cause": "bells",
                  "cause_label": "Bell's palsy", "complete_at_onset": True},
                 {"id": 2, "onset_date": date(2026, 10, 1), "side": "right", "cause": "ramsay_hunt",
                  "cause_label": "Ramsay Hunt syndrome", "complete_at_onset": False}],
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
                    "side": "left", "units": 5.0}],
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
    assert kinds.count("MedicationStatement") == 1 and kinds.count("Procedure") == 1
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
    assert quantities and all(q["system"] == UCUM and q["code"] in ("mm", "mm2", "deg", "{score}") for q in quantities)
    observations = [e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "Observation"]
    codes = {o["code"]["coding"][0]["code"]: o for o in observations}
    assert codes["house_brackmann"]["valueCodeableConcept"]["coding"][0]["display"] == "House–Brackmann grade IV"
    assert codes["house_brackmann"]["note"][0]["text"].startswith("automated")
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
