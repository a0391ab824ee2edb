"""The patient's own page: the patient signed in sees their course, what to do now and the outlook in plain words
(no scale names, no curve, no source keys); urgent alerts are shown prominently; the clinician still sees the
clinician page; another patient gets 404. The plain report (page and PDF text) is plain too."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from facenerve.care import pathway
from facenerve.web.clinic import plain
from facenerve.web.clinic.demo import DEMO_PATIENT, DEMO_PATIENT_USER, load_demo

from .conftest import World, signed_in
from .test_report_pdf import _pdf_text, requires_poppler

#: Words of the clinician's page that must not reach the patient's own page or summary.
JARGON = ("Sunnybrook", "House–Brackmann", "House-Brackmann", "eFACE", "plateau", "[S", "AAO-HNS", "curve",
          "interval", "This patient", "refer to a facial nerve specialist", "reinject",
          "overdue", "asymmetry index")




def _text(html: str) -> str:
    """The page's visible text (tags, scripts and styles removed)."""
    html = re.sub(r"(?s)<(style|script)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _assert_plain(text: str) -> None:
    found = [word for word in JARGON if word.lower() in text.lower()]
    assert not found, found


def _demo() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from facenerve.web.clinic.models import Patient

    load_demo()
    return Patient.objects.get(identifier=DEMO_PATIENT), get_user_model().objects.get(username=DEMO_PATIENT_USER)


def test_patient_sees_their_own_plain_page(db: Any) -> None:
    patient, user = _demo()
    response = signed_in(user).get(reverse("clinic:patient", kwargs={"pk": patient.pk}))
    assert response.status_code == 200
    assert response.templates[0].name == "clinic/patient_own.html"
    html = response.content.decode()
    for heading in ("Your course", "What to do now", "Outlook", "Your summary and downloads"):
        assert f">{heading}</h2>" in html
    text = _text(html)
    _assert_plain(text)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "an internal key reached the page"
    assert "?version=patient" in html and reverse("clinic:export_csv", kwargs={"pk": patient.pk}) in html
    assert "/learn/" in html
    # One sentence per visit, comparing with the first; the annotated pictures where there are photos.
    visits = patient.episodes.get().assessments.count()
    assert html.count('class="own-visit"') == visits
    assert "Your face moved better than at your first visit" in text
    assert 'class="own-thumbs"' in html
    # The outlook in words, from the prognosis figures.
    assert "in 100" in text and "level off around" in text
    # One date format on every page (ISO 8601), the outlook's dates too.
    assert not re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                         r"December) \d", text)
    # The timeline's keyboard table is there, in plain names.
    assert "The timeline's values as a table" in text and "Movement score" in text


def test_every_alert_code_has_patient_wording() -> None:
    source = Path(pathway.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'rule="([a-z_]+)"', source)) | {f"red_flag.{c}" for c in
                                                           re.findall(r'flag\("([a-z_]+)"', source)}
    assert len(codes) >= 14
    for code in codes:
        assert code in plain.ALERTS or code.split(".")[0] in plain.ALERTS, code
        assert code in plain.ALERTS, f"{code} has no wording of its own"
    for key, words in plain.ALERTS.items():
        for part in (words.heading, words.why, words.act):
            _assert_plain(part)
        if key.startswith("red_flag") or key.endswith("@urgent") or key in ("steroid_window", "reassess_worsening"):
            assert "Contact your clinic" in words.heading + words.act, key


@pytest.mark.parametrize("severity", ["red_flag", "urgent"])
def test_unknown_pressing_alert_still_says_contact_your_clinic(severity: str) -> None:
    shown = plain.patient_alerts([{"rule": "something_new", "severity": severity, "sources": ["S28"], "due": None,
                                   "provisional": False}])
    assert shown[0].contact and "Contact your clinic" in shown[0].heading + shown[0].act
    assert shown[0].sources[0].url == "/learn/references/#S28"


def test_urgent_alerts_are_shown_prominently_to_the_patient(world: World) -> None:
    """A bilateral palsy (red flag, never dismissible) and incomplete eye closure (urgent): both reach the patient,
    first, in a contact box, each with a link to its source."""
    from facenerve.web.clinic.models import Assessment

    episode = world.episode_a1
    episode.side = "bilateral"
    episode.save()
    Assessment.objects.create(episode=episode, taken_on=date.today() - timedelta(days=1), eye_closure_complete=False,
                              house_brackmann=4, summary_sources={"house_brackmann": "clinician"})
    html = signed_in(world.user_a1).get(reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})).content.decode()
    assert 'id="contact"' in html and ">Contact your clinic</h2>" in html
    assert "both sides of your face are affected" in html
    assert "Protect your eye" in html and "Contact your clinic today if the eye becomes red" in html
    alerts = re.findall(r'<li class="own-alert( contact)?" id="alert-\d+" data-rule="([a-z_.]+)"', html)
    rules = [rule for _, rule in alerts]
    assert "red_flag.bilateral" in rules and "eye_protection" in rules
    contact = [rule for flag, rule in alerts if flag]
    assert rules[: len(contact)] == contact, "alerts to act on come first"
    assert {"red_flag.bilateral", "eye_protection"} <= set(contact)
    assert html.count("Why we say this:") == len(alerts)
    assert 'href="/learn/references/#S37"' in html
    _assert_plain(_text(html))


def test_clinician_still_sees_the_clinician_page(world: World) -> None:
    response = signed_in(world.clinician_a).get(reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk}))
    assert response.status_code == 200
    assert response.templates[0].name == "clinic/patient.html"
    assert "Your course" not in response.content.decode()


def test_another_patient_gets_404(world: World) -> None:
    client = signed_in(world.user_a1)
    assert client.get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk})).status_code == 404
    assert client.get(reverse("clinic:patient", kwargs={"pk": world.patient_a2.pk})).status_code == 404


def test_patient_page_read_is_audited_once(world: World) -> None:
    from facenerve.web.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    url = reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})
    assert signed_in(world.user_a1).get(url).status_code == 200
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert len(events) == 1
    assert (events[0].object_type, events[0].object_id, events[0].username) == ("patient", str(world.patient_a1.pk),
                                                                                 "pat-a1")


def test_patient_without_episode_sees_a_plain_note(world: World) -> None:
    world.episode_a1.delete()
    html = signed_in(world.user_a1).get(reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})).content.decode()
    assert "has not recorded your facial palsy here yet" in html


def test_plain_report_is_plain_and_the_clinical_one_unchanged(db: Any) -> None:
    from django.contrib.auth import get_user_model

    patient, user = _demo()
    url = reverse("clinic:report", kwargs={"pk": patient.pk})
    html = signed_in(user).get(url + "?version=patient").content.decode()
    text = _text(html)
    _assert_plain(text)
    assert "Your latest photos" not in text
    assert "Your latest visit" in text and "What to expect" in text
    assert "the muscle that closes the eye" in text
    clinician = get_user_model().objects.get(username="demo-clinician")
    clinical = _text(signed_in(clinician).get(url).content.decode())
    assert "Sunnybrook composite" in clinical and "House–Brackmann" in clinical and "Latest assessment" in clinical


@requires_poppler
def test_plain_report_pdf_text_is_plain(db: Any, tmp_path: Path) -> None:
    patient, user = _demo()
    response = signed_in(user).get(reverse("clinic:report_pdf", kwargs={"pk": patient.pk}) + "?version=patient")
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", _pdf_text(response.content, tmp_path))
    _assert_plain(text)
    assert "Your latest visit" in text and "What to do now" in text


def test_patient_page_queries_do_not_grow_with_visits(world: World, django_assert_max_num_queries: Any) -> None:
    from facenerve.web.clinic.models import Assessment

    url = reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})
    client = signed_in(world.user_a1)
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    for days in range(3, 15):
        Assessment.objects.create(episode=world.episode_a1, taken_on=date.today() - timedelta(days=days),
                                  sunnybrook_composite=20.0 + days)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_an_urgent_alert_a_clinician_dismissed_still_reaches_the_patient(world: World) -> None:
    """Dismissing "protect the eye" clears the clinician's list; the patient still reads it, marked as reviewed."""
    from facenerve.web.clinic import services
    from facenerve.web.clinic.clock import clinic_today
    from facenerve.web.clinic.models import Assessment

    Assessment.objects.create(episode=world.episode_a1, taken_on=date.today() - timedelta(days=1),
                              eye_closure_complete=False, house_brackmann=4,
                              summary_sources={"house_brackmann": "clinician"})
    services.dismiss_alert(world.patient_a1, world.episode_a1, "eye_protection", world.clinician_a, clinic_today())
    url = reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})
    clinician = signed_in(world.clinician_a).get(url).content.decode()
    assert "Protect the eye: closure is incomplete — dismissed by clin-a" in clinician
    html = signed_in(world.user_a1).get(url).content.decode()
    assert 'data-rule="eye_protection"' in html and "Your clinic has already looked at this" in html


def test_the_outlook_says_the_published_figure_then_the_updated_one() -> None:
    """The patient reads the published chance as published, and the course-updated one as theirs (as the clinician's
    table does), never the updated figure called "published"."""
    from facenerve.web.clinic import plain

    said = plain.outlook({"prior_probability_complete": 0.86, "probability_complete": 0.64, "sources": []},
                         date.today())
    assert said is not None
    assert said.sentences[0].startswith("Most people with a palsy like yours recover fully: about 86 in 100")
    assert said.sentences[1] == "Taking your visits so far into account, the estimate for you is about 64 in 100."
    half = plain.outlook({"prior_probability_complete": 0.5, "probability_complete": 0.5}, date.today())
    assert half is not None and half.sentences[0].startswith("About 50 in 100")


def test_when_the_advice_cannot_be_worked_out_nothing_reassures(world: World) -> None:
    """If the care rules refuse the record (here a stored grade outside I–VI, which no form lets in), the patient's
    page and summary say so and send them to the clinic; neither says there is nothing to do."""
    from facenerve.web.clinic.models import Assessment

    Assessment.objects.create(episode=world.episode_a1, taken_on=date.today() - timedelta(days=1), house_brackmann=9)
    for path in (reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk}),
                 reverse("clinic:report", kwargs={"pk": world.patient_a1.pk}) + "?version=patient"):
        html = signed_in(world.user_a1).get(path).content.decode()
        assert "could not be worked out" in html and "Contact your clinic to ask" in html, path
        assert "Nothing for you to do" not in html, path


def test_a_recurrence_whose_earlier_side_is_unknown_is_not_called_same_side() -> None:
    from facenerve.web.clinic import plain

    alert = {"rule": "red_flag.recurrent_ipsilateral", "severity": "red_flag", "provisional": True,
             "sources": ["S39"]}
    (shown,) = plain.patient_alerts([alert])
    assert shown.contact and "has come back" in shown.heading and "same side as before" not in shown.heading
    (known,) = plain.patient_alerts([{**alert, "provisional": False}])
    assert "came back on the same side" in known.heading


def test_the_summary_says_how_each_figure_was_found() -> None:
    from facenerve.web.clinic.plain import own_source

    assert own_source({"eface_total": "automated"}, "eface_total") == " (measured automatically from your photos)"
    assert own_source({"eface_total": "imported_unstated"}, "eface_total") == " (from another clinic's record)"
    assert own_source({"eface_total": "clinician"}, "eface_total") == "" == own_source(None, "eface_total")


def test_a_setback_since_the_last_visit_is_said_even_when_better_than_the_first() -> None:
    from types import SimpleNamespace

    from facenerve.web.clinic import plain

    def visit(day: int, score: float) -> Any:
        return SimpleNamespace(taken_on=date(2026, 1, day), summary_sources={}, sunnybrook_composite=score,
                               house_brackmann=None, eface_total=None, asymmetry_index_mm=None)

    first, best, latest = visit(1, 20.0), visit(10, 80.0), visit(20, 50.0)
    said = plain.visit_sentence(latest, [first, best])
    assert said.startswith("Your face moved better than at your first visit: a movement score of 50")
    assert "It moved less well than at your visit of 2026-01-10, though: 80 then." in said
    assert "less well" not in plain.visit_sentence(visit(20, 78.0), [first, best])
