"""Issue #18 through the web: alert instances, recurrence from stored episodes, onset time, the clinic's date."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from facenerve.web.clinic.clock import clinic_today

from .conftest import make_patient, make_user, signed_in


@pytest.fixture
def clinic(db: Any) -> tuple[Any, Any, Any, Client]:
    from facenerve.web.clinic.models import CareTeam, CareTeamMember

    team = CareTeam.objects.create(name="Eye team")
    clinician = make_user("clin-eye", "clinician")
    CareTeamMember.objects.create(team=team, user=clinician, role="neurologist")
    patient, episode = make_patient("E-001", team, onset_days_ago=70)
    return team, patient, episode, signed_in(clinician)


def _alerts(client: Client, patient: Any) -> dict[str, dict[str, Any]]:
    return {a["rule"]: a for a in client.get(f"/api/patients/{patient.pk}/alerts").json()["alerts"]}


def test_eye_alert_dismissed_comes_back_when_closure_is_incomplete_again(clinic: tuple[Any, Any, Any, Client]) -> None:
    """Issue #18, row 3c: dismissed in week 1, complete on day 20, incomplete on day 60 -> shown again."""
    from facenerve.web.clinic.models import Assessment

    _, patient, episode, client = clinic
    onset = episode.onset_date
    Assessment.objects.create(episode=episode, taken_on=onset + timedelta(days=3), eye_closure_complete=False)
    assert "eye_protection" in _alerts(client, patient)
    url = reverse("clinic:alert_dismiss", kwargs={"pk": patient.pk})
    assert client.post(url, {"rule": "eye_protection"}).status_code == 302
    assert "eye_protection" not in _alerts(client, patient)
    Assessment.objects.create(episode=episode, taken_on=onset + timedelta(days=20), eye_closure_complete=True)
    assert "eye_protection" not in _alerts(client, patient)
    Assessment.objects.create(episode=episode, taken_on=onset + timedelta(days=60), eye_closure_complete=False)
    alert = _alerts(client, patient)["eye_protection"]
    assert alert["instance"] == (onset + timedelta(days=60)).isoformat()


def test_automated_complete_closure_does_not_clear_the_eye_alert(clinic: tuple[Any, Any, Any, Client]) -> None:
    """Issue #18, row 3b, through the web's summary sources: clinician incomplete day 1, automated complete day 4."""
    from facenerve.web.clinic.models import Assessment

    _, patient, episode, client = clinic
    onset = episode.onset_date
    Assessment.objects.create(episode=episode, taken_on=onset + timedelta(days=1), eye_closure_complete=False)
    Assessment.objects.create(episode=episode, taken_on=onset + timedelta(days=4), eye_closure_complete=True,
                              summary_sources={"eye_closure_complete": "automated"})
    assert "eye_protection" in _alerts(client, patient)


def test_recurrence_on_the_same_side_comes_from_stored_episodes(clinic: tuple[Any, Any, Any, Client]) -> None:
    """Issue #18, row 4: an earlier left episode, a new left one, recurrence not ticked -> the red flag."""
    from facenerve.web.clinic.models import Episode

    _, patient, episode, client = clinic
    Episode.objects.create(patient=patient, onset_date=episode.onset_date - timedelta(days=900), side="left",
                           cause="bells", complete_at_onset=False)
    assert not episode.recurrence
    flag = _alerts(client, patient)["red_flag.recurrent_ipsilateral"]
    assert not flag["dismissible"]


def test_onset_time_is_stored_and_makes_the_steroid_window_exact(clinic: tuple[Any, Any, Any, Client]) -> None:
    """Issue #18, row 10: with an onset time the window ends at that hour; without one the alert says it may
    have closed on the third day."""
    team, _, _, client = clinic
    import json

    response = client.post("/api/patients", data=json.dumps({
        "identifier": "T-72", "birth_date": "1980-01-01", "care_team": team.pk, "onset_date":
        (clinic_today() - timedelta(days=3)).isoformat(), "onset_time": "14:30", "side": "left",
        "severity_at_onset": "incomplete"}), content_type="application/json")
    assert response.status_code in (200, 201), response.content
    patient = response.json()["id"]
    timed = client.get(f"/api/patients/{patient}/alerts").json()["alerts"]
    window = next(a for a in timed if a["rule"] == "steroid_window")
    assert "14:30" in window["title"]
    from facenerve.web.clinic.models import Episode

    Episode.objects.filter(patient_id=patient).update(onset_time=None)
    untimed = client.get(f"/api/patients/{patient}/alerts").json()["alerts"]
    window = next(a for a in untimed if a["rule"] == "steroid_window")
    assert "may have closed (onset time not recorded)" in window["title"]
    episode = Episode.objects.get(patient_id=patient)
    assert episode.onset_time is None
    Episode.objects.filter(pk=episode.pk).update(onset_time=time(9, 0))
    assert Episode.objects.get(pk=episode.pk).onset_time == time(9, 0)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_the_clinics_date(zone: str) -> None:
    """Issue #18, row 10: "today" follows FACENERVE_TIME_ZONE. UTC+14 and UTC−11 are 25 hours apart, so their
    dates always differ, and the clinic's date must match its own zone's."""
    with override_settings(TIME_ZONE=zone):
        assert clinic_today() == datetime.now(ZoneInfo(zone)).date()
    with override_settings(TIME_ZONE="Pacific/Kiritimati"):
        east = clinic_today()
    with override_settings(TIME_ZONE="Pacific/Pago_Pago"):
        west = clinic_today()
    assert east - west == timedelta(days=1)
