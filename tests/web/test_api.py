"""The JSON API: OpenAPI document, data, care alerts and prognosis, writes with validation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from .conftest import World, signed_in


def test_openapi_document_lists_the_endpoints(db: Any) -> None:
    doc = Client().get("/api/openapi.json").json()
    assert doc["info"]["title"] == "FaceNerve clinic API"
    for path in ("/api/patients", "/api/patients/{pk}/alerts", "/api/patients/{pk}/prognosis",
                 "/api/patients/{pk}/treatments", "/api/assessments/{pk}/scales/{scale}"):
        assert path in doc["paths"], path
    assert Client().get("/api/docs").status_code == 200


def test_patient_data_alerts_and_prognosis(world: World) -> None:
    client = signed_in(world.clinician_a)
    pk = world.patient_a1.pk
    assert client.get(f"/api/patients/{pk}").json()["identifier"] == "A-001"
    assessments = client.get(f"/api/patients/{pk}/assessments").json()
    assert [a["id"] for a in assessments] == [world.assessment_a1.pk]
    assert assessments[0]["asymmetry_index_mm"] == world.assessment_a1.asymmetry_index_mm
    alerts = client.get(f"/api/patients/{pk}/alerts").json()
    assert alerts["episode"] == world.episode_a1.pk and alerts["problem"] is None
    assert alerts["alerts"]  # else the checks below check nothing
    for alert in alerts["alerts"]:
        assert alert["sources"] and alert["explanation"] and alert["severity"] in {"info", "advisory", "urgent",
                                                                                   "red_flag"}
    prognosis = client.get(f"/api/patients/{pk}/prognosis").json()["prognosis"]
    assert prognosis["label"] and prognosis["sources"]
    detail = client.get(f"/api/assessments/{world.assessment_a1.pk}").json()
    assert detail["photos"][0]["result"]["schema"] == "facenerve.photo/1"


def test_create_treatment_and_validation_errors(world: World) -> None:
    client = signed_in(world.clinician_a)
    url = f"/api/patients/{world.patient_a1.pk}/treatments"
    today = date.today().isoformat()
    created = client.post(url, {"kind": "therapy", "name": "physiotherapy", "start": today},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["name"] == "physiotherapy"
    assert [t["name"] for t in client.get(url).json()] == ["physiotherapy"]
    bad = client.post(url, {"kind": "therapy", "name": "prednisolone", "start": today}, content_type="application/json")
    assert bad.status_code == 400 and "therapy name must be one of" in bad.json()["detail"]
    assert client.post(url, {"kind": "therapy"}, content_type="application/json").status_code == 422
    assert client.post(url, "not json", content_type="application/json").status_code in (400, 422)


def test_score_a_scale_through_the_api(world: World) -> None:
    client = signed_in(world.clinician_a)
    url = f"/api/assessments/{world.assessment_a1.pk}/scales/house_brackmann"
    items = {"gross": 2, "rest": 2, "forehead": 2, "eye_closure": 2, "mouth": 2, "secondary": 1}
    result = client.post(url, {"items": items}, content_type="application/json")
    assert result.status_code == 200 and result.json()["scores"]["grade"] == "II"
    assert client.get(f"/api/patients/{world.patient_a1.pk}/assessments").json()[0]["house_brackmann"] == 2
    wrong = client.post(url, {"items": {**items, "gross": 9}}, content_type="application/json")
    assert wrong.status_code == 400 and "gross" in wrong.json()["detail"]
    unknown = client.post(f"/api/assessments/{world.assessment_a1.pk}/scales/nope", {"items": {}},
                          content_type="application/json")
    assert unknown.status_code == 404


def test_scales_catalogue(db: Any) -> None:
    scales = {s["name"]: s for s in Client().get("/api/scales").json()}
    assert {"house_brackmann", "sunnybrook", "eface"} <= set(scales)
    assert scales["saq"]["kind"] == "patient"
