"""The patient's own page in a real browser (Debian's Chromium through Playwright), on a phone (390×844) and a wide
screen: the demo patient logs in, lands on their page in plain words, with an urgent alert (incomplete eye closure)
shown first; axe-core finds no serious or critical violation and the phone page does not scroll sideways.
Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .browser import axe_violations, login, new_page, no_sideways_scroll, requires_chromium, shot, user_with_password

pytestmark = requires_chromium


def test_patient_own_page_on_a_phone_and_a_wide_screen(live_server: Any, browser: Any) -> None:
    from facenerve.web.clinic.clock import clinic_today
    from facenerve.web.clinic.demo import DEMO_PATIENT, load_demo
    from facenerve.web.clinic.models import Assessment, Patient

    load_demo()
    patient = Patient.objects.get(identifier=DEMO_PATIENT)
    episode = patient.episodes.get()
    Assessment.objects.create(episode=episode, taken_on=clinic_today() - timedelta(days=1), eye_closure_complete=False,
                              summary_sources={})
    user_with_password("own-page-patient", "patient", None)
    from facenerve.web.accounts.models import Profile

    Profile.objects.filter(user__username="demo-patient").update(patient=None)
    Profile.objects.filter(user__username="own-page-patient").update(patient=patient)
    problems: dict[str, list[str]] = {}
    for name, width, height in (("phone", 390, 844), ("wide", 1100, 900)):
        page = new_page(browser, width, height)
        page.goto(live_server.url + "/accounts/login/")
        login(page, "own-page-patient")
        page.wait_for_selector("#course")
        assert page.locator("h1").inner_text() == "Your facial palsy"
        assert "Protect your eye" in page.locator("#contact").inner_text()
        first = page.locator("#what-to-do li.own-alert").first
        assert "contact" in (first.get_attribute("class") or "")
        assert page.locator(".own-visit").count() >= 7
        assert page.locator(".own-thumbs img").count() >= 1
        page.locator("#course details.chart-values summary").click()
        assert page.locator("#course details.chart-values table").is_visible()
        if name == "phone":
            assert no_sideways_scroll(page), "the phone page scrolls sideways"
        problems[name] = axe_violations(page)
        shot(page, f"patient-own-{name}")
        page.context.close()
    assert not any(problems.values()), problems
