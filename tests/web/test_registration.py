"""Clinicians register patients (in their own care teams only) and new episodes; patients and outsiders cannot."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from facenerve.web.clinic.models import Episode, Patient

from .conftest import World, signed_in


def _new_patient(world: World, **changes: Any) -> dict[str, Any]:
    data = {"identifier": "A-NEW", "birth_date": "1980-02-03", "sex": "male", "comorbidities": ["diabetes"],
            "care_team": world.team_a.pk, "onset_date": (date.today() - timedelta(days=1)).isoformat(),
            "side": "right", "cause": "ramsay_hunt", "severity_at_onset": "complete"}
    return {**data, **changes}


def test_clinician_registers_a_patient_in_their_team(world: World) -> None:
    client = signed_in(world.clinician_a)
    response = client.post(reverse("clinic:patient_new"), _new_patient(world))
    assert response.status_code == 302
    patient = Patient.objects.get(identifier="A-NEW")
    assert patient.care_team == world.team_a and patient.comorbidities == ["diabetes"]
    episode = patient.episodes.get()
    assert (episode.side, episode.cause, episode.complete_at_onset) == ("right", "ramsay_hunt", True)
    page = client.get(response["Location"]).content.decode()
    assert 'data-rule="steroid_window"' in page  # the care pathway sees the new episode at once
    assert signed_in(world.clinician_b).get(response["Location"]).status_code == 404


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"identifier": "A-001"}, 409, "already exists"),
        ({"onset_date": (date.today() + timedelta(days=2)).isoformat()}, 400, "in the future"),
        ({"onset_date": "1970-01-01"}, 400, "before the birth date"),
        ({"side": "middle"}, 400, "Select a valid choice"),
    ],
)
def test_registration_errors(world: World, changes: dict[str, Any], status: int, message: str) -> None:
    response = signed_in(world.clinician_a).post(reverse("clinic:patient_new"), _new_patient(world, **changes))
    assert response.status_code == status
    assert message in response.content.decode()
    assert Patient.objects.count() == 3


def test_cannot_register_into_another_team(world: World) -> None:
    foreign_team = _new_patient(world, care_team=world.team_b.pk)
    page = signed_in(world.clinician_a).post(reverse("clinic:patient_new"), foreign_team)
    assert page.status_code == 400
    api = signed_in(world.clinician_a).post("/api/patients", _new_patient(world, care_team=world.team_b.pk),
                                          content_type="application/json")
    assert api.status_code == 404
    assert not Patient.objects.filter(identifier="A-NEW").exists()


@pytest.mark.parametrize("user", ["user_a1", "admin"])
def test_only_clinicians_register(world: World, user: str) -> None:
    client = signed_in(getattr(world, user))
    assert client.post(reverse("clinic:patient_new"), _new_patient(world)).status_code == 403
    assert client.post("/api/patients", _new_patient(world), content_type="application/json").status_code == 403
    assert not Patient.objects.filter(identifier="A-NEW").exists()


def test_new_episode_for_own_patient_only(world: World) -> None:
    data = {"onset_date": date.today().isoformat(), "side": "left", "cause": "bells",
            "severity_at_onset": "incomplete", "recurrence": "on"}
    own = reverse("clinic:episode_new", kwargs={"pk": world.patient_a1.pk})
    assert signed_in(world.clinician_a).post(own, data).status_code == 302
    newest = Episode.objects.filter(patient=world.patient_a1).order_by("-onset_date", "-id").first()
    assert newest is not None and newest.recurrence and not newest.complete_at_onset
    foreign = reverse("clinic:episode_new", kwargs={"pk": world.patient_b1.pk})
    for outsider in (world.clinician_a, world.user_a1, world.admin):
        assert signed_in(outsider).post(foreign, data).status_code == 404
        api = signed_in(outsider).post(f"/api/patients/{world.patient_b1.pk}/episodes", {**data, "recurrence": True},
                                     content_type="application/json")
        assert api.status_code == 404
    assert signed_in(world.user_b1).post(foreign, data).status_code == 403
    assert Episode.objects.filter(patient=world.patient_b1).count() == 1
    created = signed_in(world.clinician_b).post(f"/api/patients/{world.patient_b1.pk}/episodes",
                                              {**data, "recurrence": True}, content_type="application/json")
    assert created.status_code == 201 and created.json()["recurrence"] is True
