"""Care alerts on the pages: dismissing a dismissible alert; red flags can never be dismissed."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.urls import reverse

from facenerve.web.clinic.models import AlertDismissal, Treatment

from .conftest import World, signed_in


def _rules(client: Client, world: World) -> list[str]:
    return [a["rule"] for a in client.get(f"/api/patients/{world.patient_a1.pk}/alerts").json()["alerts"]]


def _inject(world: World, weeks_ago: int) -> None:
    Treatment.objects.create(episode=world.episode_a1, kind="botulinum_toxin", name="botulinum_toxin",
                             start=date.today() - timedelta(weeks=weeks_ago), muscle="mentalis", side="left", units=5)


def test_dismissed_alert_leaves_the_page_and_the_dashboard(world: World) -> None:
    world.episode_a1.onset_date = date.today() - timedelta(days=200)
    world.episode_a1.save()
    _inject(world, 13)
    client = signed_in(world.clinician_a)
    assert "botox_due" in _rules(client, world)
    assert 'data-rule="botox_due"' in client.get(reverse("clinic:dashboard")).content.decode()
    url = reverse("clinic:alert_dismiss", kwargs={"pk": world.patient_a1.pk})
    assert client.post(url, {"rule": "botox_due"}).status_code == 302
    assert "botox_due" not in _rules(client, world)
    page = client.get(reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})).content.decode()
    assert '<li data-rule="botox_due">' in page and "1 dismissed" in page
    assert 'data-rule="botox_due"' not in client.get(reverse("clinic:dashboard")).content.decode()
    # A new injection makes a new alert (a new due date) later on: the dismissal was for that one alert only.
    assert AlertDismissal.objects.get().instance_on == date.today() - timedelta(weeks=13) + timedelta(weeks=12)
    assert client.post(url, {"rule": "botox_due"}).status_code == 404


def test_red_flags_cannot_be_dismissed(world: World) -> None:
    world.episode_a1.side = "bilateral"
    world.episode_a1.save()
    client = signed_in(world.clinician_a)
    alerts = client.get(f"/api/patients/{world.patient_a1.pk}/alerts").json()["alerts"]
    red = [a for a in alerts if a["severity"] == "red_flag"]
    assert red and not any(a["dismissible"] for a in red)
    url = reverse("clinic:alert_dismiss", kwargs={"pk": world.patient_a1.pk})
    response = client.post(url, {"rule": red[0]["rule"]})
    assert response.status_code == 400 and "cannot be dismissed" in response.content.decode()
    api = client.post(f"/api/patients/{world.patient_a1.pk}/alerts/{red[0]['rule']}/dismiss")
    assert api.status_code == 400
    # Even a dismissal row written behind the app's back does not hide a red flag.
    instance = date.fromisoformat(red[0]["instance"]) if red[0]["instance"] else None
    AlertDismissal.objects.create(episode=world.episode_a1, rule=red[0]["rule"], instance_on=instance)
    assert red[0]["rule"] in _rules(client, world)
    page = client.get(reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})).content.decode()
    assert f'class="alert sev-red_flag" data-rule="{red[0]["rule"]}"' in page


def test_dismiss_is_for_the_care_team_only(world: World) -> None:
    world.episode_b1.onset_date = date.today() - timedelta(days=200)
    world.episode_b1.save()
    Treatment.objects.create(episode=world.episode_b1, kind="botulinum_toxin", name="botulinum_toxin",
                             start=date.today() - timedelta(weeks=13), muscle="mentalis", side="left", units=5)
    url = reverse("clinic:alert_dismiss", kwargs={"pk": world.patient_b1.pk})
    api = f"/api/patients/{world.patient_b1.pk}/alerts/botox_due/dismiss"
    for outsider in (world.clinician_a, world.user_a1, world.admin):
        assert signed_in(outsider).post(url, {"rule": "botox_due"}).status_code == 404
        assert signed_in(outsider).post(api).status_code == 404
    assert signed_in(world.user_b1).post(url, {"rule": "botox_due"}).status_code == 403
    assert signed_in(world.user_b1).post(api).status_code == 403
    assert not AlertDismissal.objects.exists()
    assert signed_in(world.clinician_b).post(api).status_code == 204
    assert AlertDismissal.objects.filter(episode=world.episode_b1, rule="botox_due").exists()


def test_alerts_resting_on_automated_grades_are_provisional(world: World) -> None:
    """An automated House–Brackmann IV raises eye protection flagged provisional; the clinician's own IV does not."""
    assessment = world.assessment_a1
    client = signed_in(world.clinician_a)
    for source, provisional in (("automated", True), ("clinician", False)):
        assessment.house_brackmann = 4
        assessment.eye_closure_complete = None
        assessment.summary_sources = {"house_brackmann": source}
        assessment.save()
        alerts = client.get(f"/api/patients/{world.patient_a1.pk}/alerts").json()["alerts"]
        eye = [a for a in alerts if a["rule"] == "eye_protection"]
        assert eye and eye[0]["provisional"] is provisional, (source, eye)
