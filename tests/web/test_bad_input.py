"""Bad input as a user or a script would send it: every answer is a 4xx with a one-line reason, nothing is stored,
and nothing raises (the test client re-raises any server error, so a 500 fails the test)."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from facenerve.web.clinic.models import Assessment, AssessmentPhoto, Episode, Patient, Treatment
from tests.synth.faces import face_photo

from .conftest import World, signed_in


def _upload(world: World, data: dict[str, Any], *, xhr: bool) -> Any:
    extra = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if xhr else {}
    url = reverse("clinic:assessment_new", kwargs={"pk": world.patient_a1.pk})
    return signed_in(world.clinician_a).post(url, data, **extra)


def _jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _stored() -> tuple[int, int]:
    return Assessment.objects.count(), AssessmentPhoto.objects.count()


def _huge_jpeg() -> bytes:
    """A real 8200×8200 px JPEG (67 MP, over the 60 MP limit) that is small on disk: every pixel must be refused
    by its size, not by a truncated header."""
    return _jpeg(np.full((8200, 8200, 3), 128, np.uint8), quality=30)


@pytest.mark.parametrize("xhr", [True, False])
def test_truncated_photo_is_refused_with_one_line(world: World, face_jpeg: bytes, xhr: bool) -> None:
    before = _stored()
    response = _upload(world, {"taken_on": date.today().isoformat(),
                               "photo_rest": SimpleUploadedFile("cut.jpg", face_jpeg[: len(face_jpeg) // 3])}, xhr=xhr)
    assert response.status_code == 400
    text = response.json()["error"] if xhr else response.content.decode()
    assert "rest photo: truncated or corrupt image data" in text
    assert _stored() == before


def test_photo_of_too_many_pixels_is_refused(world: World) -> None:
    before = _stored()
    response = _upload(world, {"taken_on": date.today().isoformat(),
                               "photo_rest": SimpleUploadedFile("huge.jpg", _huge_jpeg())}, xhr=True)
    assert response.status_code == 400
    assert "8200×8200 px" in response.json()["error"] and "limit" in response.json()["error"]
    assert _stored() == before


def test_a_pdf_named_jpg_is_refused(world: World) -> None:
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    response = _upload(world, {"taken_on": date.today().isoformat(),
                               "photo_rest": SimpleUploadedFile("scan.jpg", pdf, "image/jpeg")}, xhr=True)
    assert response.status_code == 400 and "not an image" in response.json()["error"]


def test_two_faces_are_measured_with_a_visible_warning(world: World) -> None:
    """Two people in the photo: the largest face is measured and the result page says so."""
    pair = np.hstack([face_photo("astronaut"), face_photo("grace_hopper")])
    response = _upload(world, {"taken_on": date.today().isoformat(),
                               "photo_rest": SimpleUploadedFile("pair.jpg", _jpeg(pair))}, xhr=False)
    assert response.status_code == 302
    page = signed_in(world.clinician_a).get(response["Location"]).content.decode()
    assert "2 faces found; measured the largest" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"photo_rest": "not a file"}, "choose at least one photo"),
        ({"photo_wink": SimpleUploadedFile("a.jpg", b"x")}, "choose at least one photo"),
        ({"taken_on": ""}, "taken_on"),
        ({"taken_on": "2026-02-30"}, "taken_on"),
        ({"taken_on": "1800-01-01"}, "before the onset"),
    ],
)
def test_wrong_form_data_is_a_400_naming_the_field(world: World, data: dict[str, Any], message: str) -> None:
    before = _stored()
    response = _upload(world, {"taken_on": date.today().isoformat(), **data}, xhr=True)
    assert response.status_code == 400, response.content
    assert message in response.json()["error"]
    assert _stored() == before


def test_garbage_content_length_does_not_crash(world: World) -> None:
    url = reverse("clinic:assessment_new", kwargs={"pk": world.patient_a1.pk})
    response = signed_in(world.clinician_a).post(url, {"taken_on": date.today().isoformat()},
                                               HTTP_X_REQUESTED_WITH="XMLHttpRequest", CONTENT_LENGTH="lots")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("clinic:patient", "?episode=abc"),
        ("clinic:patient", "?episode=99999999"),
        ("clinic:treatment_new", "?episode=-1"),
    ],
)
def test_wrong_query_values_are_404(world: World, path: str, query: str) -> None:
    url = reverse(path, kwargs={"pk": world.patient_a1.pk}) + query
    assert signed_in(world.clinician_a).get(url).status_code == 404


@pytest.mark.parametrize("url", ["/images/not-a-digest", "/images/" + "0" * 64, "/patients/99999999/",
                                 "/assessments/99999999/", "/assessments/1/scales/no_such_scale/"])
def test_unknown_records_are_404(world: World, url: str) -> None:
    assert signed_in(world.clinician_a).get(url).status_code == 404


def test_dashboard_with_a_wrong_page_number_still_answers(world: World) -> None:
    client = signed_in(world.clinician_a)
    for page in ("abc", "-3", "999999"):
        assert client.get(reverse("clinic:dashboard") + f"?page={page}").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"resting__eye": "7"}, "resting"),
        ({"resting__eye": "one"}, "resting"),
        ({}, "required"),
    ],
)
def test_scale_form_errors_are_400(world: World, data: dict[str, str], message: str) -> None:
    url = reverse("clinic:scale", kwargs={"pk": world.assessment_a1.pk, "scale": "sunnybrook"})
    response = signed_in(world.clinician_a).post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    world.assessment_a1.refresh_from_db()
    assert world.assessment_a1.scale_scores == {}


def test_observation_form_errors_are_400(world: World) -> None:
    url = reverse("clinic:observations", kwargs={"pk": world.assessment_a1.pk})
    response = signed_in(world.clinician_a).post(url, {"eye_closure_complete": "false", "lagophthalmos_mm": "-4"})
    assert response.status_code == 400 and "lagophthalmos_mm" in response.content.decode()
    world.assessment_a1.refresh_from_db()
    assert world.assessment_a1.lagophthalmos_mm is None


def test_dismiss_without_a_rule_is_a_404_with_its_reason(world: World) -> None:
    url = reverse("clinic:alert_dismiss", kwargs={"pk": world.patient_a1.pk})
    response = signed_in(world.clinician_a).post(url, {})
    assert response.status_code == 404 and response.content.decode() == "no open alert '' for this episode"


# --- JSON API -------------------------------------------------------------------------------------------------------


def _api(world: World, method: str, url: str, body: str | None = None) -> Any:
    client = signed_in(world.clinician_a)
    if method == "get":
        return client.get(url)
    return client.post(url, body or "", content_type="application/json")


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/patients/abc", None),
        ("get", "/api/patients/{a1}/alerts?episode=abc", None),
        ("get", "/api/patients?limit=lots", None),
        ("post", "/api/patients/{a1}/treatments", "{not json"),
        ("post", "/api/patients/{a1}/treatments", "[1, 2]"),
        ("post", "/api/patients/{a1}/treatments", '{"kind": "medication"}'),
        ("post", "/api/patients/{a1}/treatments", '{"kind": "medication", "name": "prednisolone", "start": "soon"}'),
        ("post", "/api/patients/{a1}/treatments", '{"kind": "laser", "name": "x", "start": "2026-01-01"}'),
        ("post", "/api/patients/{a1}/treatments",
         '{"kind": "botulinum_toxin", "name": "botox", "start": "2026-01-01", "units": "many"}'),
        ("post", "/api/patients/{a1}/episodes", '{"onset_date": "2026-01-01", "side": "up", "severity_at_onset": "x"}'),
        ("post", "/api/patients", '{"identifier": ""}'),
        ("post", "/api/assessments/{as1}/scales/sunnybrook", '{"items": [1, 2]}'),
        ("post", "/api/assessments/{as1}/scales/sunnybrook", '{"items": {"resting.eye": 9}}'),
        ("post", "/api/assessments/{as1}/scales/no_such_scale", '{"items": {}}'),
        ("post", "/api/patients/{a1}/alerts/no_such_rule/dismiss", None),
    ],
)
def test_api_bad_input_is_a_4xx_json_error(world: World, method: str, url: str, body: str | None) -> None:
    before = (Patient.objects.count(), Episode.objects.count(), Treatment.objects.count())
    url = url.format(a1=world.patient_a1.pk, as1=world.assessment_a1.pk)
    response = _api(world, method, url, body)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    doc = json.loads(response.content)
    assert doc.get("detail"), doc
    assert (Patient.objects.count(), Episode.objects.count(), Treatment.objects.count()) == before
    world.assessment_a1.refresh_from_db()
    assert world.assessment_a1.scale_scores == {}
