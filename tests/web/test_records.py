"""Editing and deleting records (issue 20): the creation rules on every edit, confirmed deletes with CSRF, the
images a delete leaves unnamed removed, and free-text treatment names the care pathway does not read as its drugs.
Access rules for every edit and delete are in test_access.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from facenerve.web.audit.models import AuditEvent
from facenerve.web.clinic.clock import clinic_today
from facenerve.web.clinic.models import (
    Assessment,
    AssessmentPhoto,
    CareTeam,
    CareTeamMember,
    Episode,
    Patient,
    Treatment,
)
from facenerve.web.storage import default_store

from .conftest import World, signed_in
from .test_access import b1_treatment


def _tomorrow() -> str:
    return (clinic_today() + timedelta(days=1)).isoformat()


def test_edit_forms_show_the_stored_values(world: World) -> None:
    client = signed_in(world.clinician_b)
    body = client.get(reverse("clinic:patient_edit", kwargs={"pk": world.patient_b1.pk})).content.decode()
    assert 'value="B-001"' in body and 'value="1970-05-01"' in body
    body = client.get(reverse("clinic:episode_edit", kwargs={"pk": world.episode_b1.pk})).content.decode()
    assert f'value="{world.episode_b1.onset_date.isoformat()}"' in body
    body = client.get(reverse("clinic:treatment_edit", kwargs={"pk": b1_treatment(world).pk})).content.decode()
    assert '<option value="prednisolone" selected>' in body and "treatment.js" in body


@pytest.mark.parametrize(("page", "field"), [("patient_edit", "birth_date"), ("episode_edit", "onset_date"),
                                             ("assessment_edit", "taken_on"), ("treatment_edit", "start")])
def test_edits_refuse_future_dates(world: World, page: str, field: str) -> None:
    onset = world.episode_b1.onset_date.isoformat()
    target = {"patient_edit": world.patient_b1.pk, "episode_edit": world.episode_b1.pk,
              "assessment_edit": world.assessment_b1.pk, "treatment_edit": b1_treatment(world).pk}[page]
    data = {"patient_edit": {"identifier": "B-001", "birth_date": "1970-05-01", "sex": "female",
                             "care_team": world.team_b.pk},
            "episode_edit": {"onset_date": onset, "side": "left", "cause": "bells", "severity_at_onset": "complete"},
            "assessment_edit": {"taken_on": onset},
            "treatment_edit": {"kind": "medication", "name": "prednisolone", "start": onset}}[page]
    response = signed_in(world.clinician_b).post(reverse(f"clinic:{page}", kwargs={"pk": target}),
                                               {**data, field: _tomorrow()})
    assert response.status_code == 400
    assert b"future" in response.content


def test_edits_keep_the_course_in_order(world: World) -> None:
    client = signed_in(world.clinician_b)
    onset = world.episode_b1.onset_date
    b1_treatment(world)
    later = (onset + timedelta(days=5)).isoformat()
    episode = {"onset_date": later, "side": "left", "cause": "bells", "severity_at_onset": "complete"}
    response = client.post(reverse("clinic:episode_edit", kwargs={"pk": world.episode_b1.pk}), episode)
    assert response.status_code == 400 and b"before that onset" in response.content
    patient = {"identifier": "B-001", "birth_date": later, "sex": "female", "care_team": world.team_b.pk}
    response = client.post(reverse("clinic:patient_edit", kwargs={"pk": world.patient_b1.pk}), patient)
    assert response.status_code == 400 and b"after the onset" in response.content
    early = (onset - timedelta(days=1)).isoformat()
    response = client.post(reverse("clinic:assessment_edit", kwargs={"pk": world.assessment_b1.pk}),
                           {"taken_on": early})
    assert response.status_code == 400 and b"before the onset" in response.content
    world.episode_b1.refresh_from_db()
    assert world.episode_b1.onset_date == onset


def test_patient_moves_between_own_teams_only(world: World) -> None:
    team_c = CareTeam.objects.create(name="Team C")
    CareTeamMember.objects.create(team=team_c, user=world.clinician_b, role="ent")
    client = signed_in(world.clinician_b)
    url = reverse("clinic:patient_edit", kwargs={"pk": world.patient_b1.pk})
    data = {"identifier": "B-001", "birth_date": "1970-05-01", "sex": "female"}
    assert client.post(url, {**data, "care_team": world.team_a.pk}).status_code == 400
    assert Patient.objects.get(pk=world.patient_b1.pk).care_team_id == world.team_b.pk
    assert client.post(url, {**data, "care_team": team_c.pk}).status_code == 302
    assert Patient.objects.get(pk=world.patient_b1.pk).care_team_id == team_c.pk
    api = client.put(f"/api/patients/{world.patient_b1.pk}", {**data, "care_team": world.team_a.pk},
                     content_type="application/json")
    assert api.status_code == 404


def test_identifier_taken_in_the_team_is_a_conflict(world: World) -> None:
    from .conftest import make_patient

    make_patient("B-002", world.team_b)
    data = {"identifier": "B-002", "birth_date": "1970-05-01", "sex": "female", "care_team": world.team_b.pk}
    client = signed_in(world.clinician_b)
    response = client.post(reverse("clinic:patient_edit", kwargs={"pk": world.patient_b1.pk}), data)
    assert response.status_code == 409
    api = client.put(f"/api/patients/{world.patient_b1.pk}", data, content_type="application/json")
    assert api.status_code == 409 and "already exists" in api.json()["detail"]


def test_delete_asks_first_and_needs_csrf(world: World) -> None:
    url = reverse("clinic:assessment_delete", kwargs={"pk": world.assessment_b1.pk})
    client = signed_in(world.clinician_b)
    page = client.get(url)
    assert page.status_code == 200 and b"1 photo" in page.content and b"cannot be undone" in page.content
    assert Assessment.objects.filter(pk=world.assessment_b1.pk).exists()  # showing the question deletes nothing
    assert client.post(url, {}).status_code == 400
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.clinician_b)
    assert strict.post(url, {"confirm": "yes"}).status_code == 403
    assert strict.delete(f"/api/assessments/{world.assessment_b1.pk}").status_code == 403
    assert Assessment.objects.filter(pk=world.assessment_b1.pk).exists()


def test_deleting_an_assessment_removes_its_photos_and_unshared_images(world: World) -> None:
    photo = world.photo_b1
    store = default_store()
    digests = [photo.image_sha256, photo.annotated_sha256]
    # The same picture in another assessment keeps its file; once nothing names it, it goes.
    twin = Assessment.objects.create(episode=world.episode_b1, taken_on=world.assessment_b1.taken_on)
    AssessmentPhoto.objects.create(assessment=twin, expression=photo.expression, image_sha256=photo.image_sha256,
                                   annotated_sha256="", width_px=1, height_px=1, result={})
    client = signed_in(world.clinician_b)
    response = client.post(reverse("clinic:assessment_delete", kwargs={"pk": world.assessment_b1.pk}),
                           {"confirm": "yes"})
    assert response.status_code == 302
    assert not AssessmentPhoto.objects.filter(pk=photo.pk).exists()
    assert store.path_of(digests[0]).exists() and not store.path_of(digests[1]).exists()
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and (event.action, event.object_type, event.object_id) == (
        "erase", "assessment", str(world.assessment_b1.pk))
    assert client.delete(f"/api/assessments/{twin.pk}").status_code == 204
    assert not store.path_of(digests[0]).exists()


def test_deleting_a_patient_keeps_their_login_unlinked(world: World) -> None:
    client = signed_in(world.clinician_b)
    page = client.get(reverse("clinic:patient_delete", kwargs={"pk": world.patient_b1.pk}))
    assert b"1 episode" in page.content and b"1 assessment" in page.content
    response = client.post(reverse("clinic:patient_delete", kwargs={"pk": world.patient_b1.pk}), {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == reverse("clinic:dashboard")
    assert not Patient.objects.filter(pk=world.patient_b1.pk).exists()
    assert not Episode.objects.filter(pk=world.episode_b1.pk).exists()
    world.user_b1.refresh_from_db()
    assert world.user_b1.profile.patient_id is None
    page = reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk})
    assert signed_in(world.user_b1).get(page).status_code == 404


def test_free_text_drug_is_labelled_and_not_a_listed_steroid(world: World) -> None:
    from facenerve.care.course import STEROIDS, steroid_started
    from facenerve.web.clinic.care_bridge import treatment_facts

    client = signed_in(world.clinician_b)
    onset = world.episode_b1.onset_date
    data = {"kind": "medication", "name": "other", "other_name": "  prednisolone ", "start": onset.isoformat(),
            "episode": world.episode_b1.pk}
    assert client.post(reverse("clinic:treatment_new", kwargs={"pk": world.patient_b1.pk}), data).status_code == 302
    row = Treatment.objects.get(episode=world.episode_b1)
    assert row.name == "other:prednisolone" and row.name not in STEROIDS
    assert steroid_started([treatment_facts(row)], onset + timedelta(days=3), onset) is None
    page = client.get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk})).content.decode()
    assert "prednisolone (free text)" in page
    fhir = client.get(f"/api/patients/{world.patient_b1.pk}/fhir").json()
    statements = [e["resource"] for e in fhir["entry"] if e["resource"]["resourceType"] == "MedicationStatement"]
    assert statements[0]["medicationCodeableConcept"] == {"text": "prednisolone"}
    edit = client.get(reverse("clinic:treatment_edit", kwargs={"pk": row.pk})).content.decode()
    assert '<option value="other" selected>' in edit and 'value="prednisolone"' in edit


@pytest.mark.parametrize(("body", "needle"), [
    ({"name": "other"}, "other_name"),
    ({"name": "other", "other_name": "x" * 70}, "other_name"),
    ({"name": "other", "other_name": "bad\u202ename"}, "direction"),
    ({"name": "aspirin"}, "must be one of"),
])
def test_bad_treatment_names_are_refused(world: World, body: dict[str, Any], needle: str) -> None:
    client = signed_in(world.clinician_b)
    data = {"kind": "medication", "start": world.episode_b1.onset_date.isoformat(), **body}
    api = client.put(f"/api/treatments/{b1_treatment(world).pk}", data, content_type="application/json")
    assert api.status_code in (400, 422) and needle in api.content.decode()
    assert Treatment.objects.get(episode=world.episode_b1).name == "prednisolone"


@pytest.mark.parametrize(("url", "body"), [
    ("/api/episodes/{e}", {"onset_date": "2999-01-01", "side": "left", "severity_at_onset": "complete"}),
    ("/api/episodes/{e}", {"onset_date": "2020-01-01", "side": "up", "severity_at_onset": "complete"}),
    ("/api/assessments/{a}", {"taken_on": "not a date"}),
    ("/api/assessments/{a}", {"taken_on": "2999-01-01"}),
    ("/api/patients/{p}", {"identifier": "\u0000", "birth_date": "1970-01-01", "care_team": 1}),
    ("/api/patients/{p}", {"identifier": "B", "birth_date": "1970-01-01", "care_team": 1,
                           "comorbidities": ["gout"]}),
])
def test_api_edits_answer_bad_input_with_4xx(world: World, url: str, body: dict[str, Any]) -> None:
    url = url.format(e=world.episode_b1.pk, a=world.assessment_b1.pk, p=world.patient_b1.pk)
    if "care_team" in body:
        body = {**body, "care_team": world.team_b.pk}
    response = signed_in(world.clinician_b).put(url, body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content


def test_unknown_records_are_not_found(world: World) -> None:
    client = signed_in(world.clinician_b)
    for name in ("patient", "episode", "assessment", "treatment"):
        assert client.get(reverse(f"clinic:{name}_edit", kwargs={"pk": 999999})).status_code == 404
        assert client.delete(f"/api/{name}s/999999").status_code == 404
        assert 400 <= client.delete(f"/api/{name}s/{2**70}").status_code < 500
        assert 400 <= client.post(f"/{name}s/{2**70}/delete/", {"confirm": "yes"}).status_code < 500
    huge_team = {"identifier": "B-001", "birth_date": "1970-05-01", "care_team": 2**70}
    response = client.put(f"/api/patients/{world.patient_b1.pk}", huge_team, content_type="application/json")
    assert 400 <= response.status_code < 500
