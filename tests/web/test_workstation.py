"""The clinician's workstation (issue 20): human labels, one date format, sources as links, styled error pages,
favicon, dismissed alerts with who/when and undo, search with no match, overdue advisories, future treatments."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from facenerve import labels
from facenerve.engine.metrics import METRICS
from facenerve.scales import SCALES
from facenerve.web.clinic.models import AlertDismissal, Treatment

from .conftest import World, signed_in
from .test_access import HB_ITEMS

#: Keys that must never reach a person (the issue's examples).
INTERNAL = ("house_brackmann", "sunnybrook_composite", "brow_height", "mrd1", "mm2", "vitamin_b1", "eface_total",
            "house_brackmann:", "eye_closure", "smile_open")




def visible_text(html: str) -> str:
    """What a person reads: the page without tags, attributes, scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_every_measure_scale_item_and_drug_has_a_label() -> None:
    for metric in METRICS:
        assert labels.measure(metric.name) in labels.MEASURES.values()
    for spec in SCALES.values():
        assert labels.scale(spec.name) and "_" not in labels.scale(spec.name)
        for item in spec.items:
            assert labels.item(spec.name, item.key) == item.label
    assert labels.treatment("vitamin_b1") == "Vitamin B1" and labels.treatment("Cetirizine") == "Cetirizine"
    assert [labels.house_brackmann(v) for v in (1, "3", 6.0, "IV")] == ["I", "III", "VI", "IV"]
    assert labels.unit("mm2") == "mm²" and labels.humanise("some_key") == "Some key"
    assert labels.day(date(2026, 3, 4)) == "2026-03-04"


def test_no_internal_key_on_the_patient_and_assessment_pages(world: World) -> None:
    client = signed_in(world.clinician_b)
    url = reverse("clinic:scale", kwargs={"pk": world.assessment_b1.pk, "scale": "house_brackmann"})
    assert client.post(url, HB_ITEMS).status_code == 302
    Treatment.objects.create(episode=world.episode_b1, kind="medication", name="vitamin_b1",
                             start=world.episode_b1.onset_date)
    for page in (reverse("clinic:assessment", kwargs={"pk": world.assessment_b1.pk}),
                 reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk})):
        text = visible_text(client.get(page).content.decode())
        for key in INTERNAL:
            assert key not in text, (page, key)
    assessment = visible_text(client.get(reverse("clinic:assessment", kwargs={"pk": world.assessment_b1.pk}))
                              .content.decode())
    assert "House–Brackmann, grade: III" in assessment and "Eye closure" in assessment
    assert "MRD1 (pupil to upper lid)" in assessment and "mm²" in assessment
    patient = client.get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk})).content.decode()
    assert "<td>III</td>" in patient and "Vitamin B1" in patient
    assert world.episode_b1.onset_date.isoformat() in patient  # one date format: ISO 8601
    assert not re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                         r"December|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.) \d", visible_text(patient))


def test_source_keys_link_to_the_references_page(world: World) -> None:
    client = signed_in(world.clinician_b)
    url = reverse("clinic:scale", kwargs={"pk": world.assessment_b1.pk, "scale": "house_brackmann"})
    client.post(url, HB_ITEMS)
    page = client.get(reverse("clinic:assessment", kwargs={"pk": world.assessment_b1.pk})).content.decode()
    assert '<a class="ref" href="/learn/references/#S1">S1</a>' in page
    references = client.get("/learn/references/").content.decode()
    assert 'id="S1"' in references


def test_styled_403_and_404_pages_and_favicon(world: World) -> None:
    patient = signed_in(world.user_b1)
    refused = patient.get(reverse("clinic:dashboard"))
    body = refused.content.decode()
    assert refused.status_code == 403 and "<h1>You cannot do this here</h1>" in body and 'href="/"' in body
    missing = signed_in(world.clinician_a).get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk}))
    assert missing.status_code == 404 and "<h1>Page not found</h1>" in missing.content.decode()
    assert "skip-link" in body and 'rel="icon"' in body
    icon = Client().get("/favicon.ico", follow=True)
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content if icon.streaming else
                                                           [icon.content])


def test_search_with_no_match_says_so(world: World) -> None:
    body = signed_in(world.clinician_a).get(reverse("clinic:dashboard") + "?q=ZZZ-404").content.decode()
    assert "No patient matches “ZZZ-404”" in body and "No patients in your care teams" not in body


def _botox_alert(world: World, weeks_ago: int) -> None:
    world.episode_a1.onset_date = date.today() - timedelta(days=300)
    world.episode_a1.save()
    Treatment.objects.create(episode=world.episode_a1, kind="botulinum_toxin", name="botulinum_toxin",
                             start=date.today() - timedelta(weeks=weeks_ago), muscle="mentalis", side="left", units=5)


def test_overdue_advisory_is_marked(world: World) -> None:
    _botox_alert(world, 20)  # reinjection due at 12 weeks: 8 weeks overdue
    page = signed_in(world.clinician_a).get(reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk}))
    body = page.content.decode()
    assert re.search(r'class="alert sev-\w+ overdue" data-rule="botox_due"', body)
    assert '<span class="badge overdue">overdue</span>' in body


def test_dismissed_alert_shows_who_and_when_and_can_be_undone(world: World) -> None:
    _botox_alert(world, 13)
    client = signed_in(world.clinician_a)
    page_url = reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})
    assert client.post(reverse("clinic:alert_dismiss", kwargs={"pk": world.patient_a1.pk}),
                       {"rule": "botox_due"}).status_code == 302
    body = client.get(page_url).content.decode()
    assert f"dismissed by clin-a on {date.today().isoformat()}" in body
    undo = reverse("clinic:alert_undismiss", kwargs={"pk": world.patient_a1.pk})
    assert signed_in(world.user_a1).post(undo, {"rule": "botox_due"}).status_code == 403
    assert signed_in(world.clinician_b).post(undo, {"rule": "botox_due"}).status_code == 404
    assert AlertDismissal.objects.count() == 1
    assert client.post(undo, {"rule": "botox_due"}).status_code == 302
    assert AlertDismissal.objects.count() == 0
    assert "dismissed by" not in client.get(page_url).content.decode()
    assert client.post(undo, {"rule": "botox_due"}).status_code == 404


@pytest.mark.parametrize("days", [1, 30])
def test_a_treatment_starting_in_the_future_is_refused(world: World, days: int) -> None:
    start = (date.today() + timedelta(days=days)).isoformat()
    reply = signed_in(world.clinician_a).post(reverse("clinic:treatment_new", kwargs={"pk": world.patient_a1.pk}),
                                            {"kind": "medication", "name": "prednisolone", "start": start})
    assert reply.status_code == 400 and "in the future" in reply.content.decode()
    assert not Treatment.objects.exists()
