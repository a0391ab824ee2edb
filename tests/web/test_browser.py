"""A real browser (Debian's Chromium driven by Playwright): log in, open the demo patient, upload a photo, see the
annotated result and the new chart point, add a treatment, see an alert change. A screenshot of each page is kept
in test-artifacts/web/ (or $FACENERVE_TEST_ARTIFACTS)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from .browser import requires_chromium, shot

pytestmark = requires_chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield context.new_page()
    context.close()


def _shot(page: Any, name: str) -> None:
    shot(page, name)


def _asymmetry_points(page: Any) -> int:
    return int(page.locator('svg.wide g[data-series="asymmetry_index_mm"] circle.point').count())


def _alert_rules(page: Any) -> set[str]:
    return set(page.locator("#alerts li.alert").evaluate_all("els => els.map(e => e.dataset.rule)"))


def test_clinician_journey(live_server: Any, page: Any, face_jpeg: bytes, tmp_path: Path) -> None:
    from facenerve.web.clinic.demo import DEMO_PATIENT, load_demo

    clinician = next(login for login in load_demo() if login.role == "clinician")
    photo = tmp_path / "smile.jpg"
    photo.write_bytes(face_jpeg)

    page.goto(f"{live_server.url}/accounts/login/")
    _shot(page, "01-login")
    page.fill("input[name=username]", clinician.username)
    page.fill("input[name=password]", clinician.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/patients/")
    assert page.locator(f"text={DEMO_PATIENT}").count() == 1
    _shot(page, "02-dashboard")

    page.click(f"text={DEMO_PATIENT}")
    page.wait_for_selector("#timeline svg")
    points_before = _asymmetry_points(page)
    rules_before = _alert_rules(page)
    assert points_before >= 5
    assert "botox_due" in rules_before
    assert page.locator("#treatments tr.treatment").count() >= 4
    _shot(page, "03-patient")
    patient_url = page.url

    page.click("text=New assessment")
    page.wait_for_selector("#photo-session")
    page.set_input_files("input[name=photo_smile_open]", str(photo))
    _shot(page, "04-new-assessment")
    page.click("#photo-session button[type=submit]")
    page.wait_for_function(
        "() => /^\\/assessments\\/\\d+\\/$/.test(location.pathname) || !document.getElementById('upload-error').hidden",
        timeout=60_000,
    )
    _shot(page, "05-assessment-result")
    assert re.search(r"/assessments/\d+/$", page.url), page.locator("#upload-error").inner_text()
    image = page.locator("img.annotated")
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "mm" in page.locator("#asymmetry-index").inner_text()
    _shot(page, "05-assessment-result")

    page.goto(patient_url)
    assert _asymmetry_points(page) == points_before + 1
    today_point = page.locator(f'svg.wide g[data-series="asymmetry_index_mm"] '
                               f'circle[data-date="{date.today().isoformat()}"]')
    assert today_point.count() == 1
    _shot(page, "06-patient-new-point")

    page.click("text=Add treatment")
    page.wait_for_selector("#treatment-form")
    page.select_option("select[name=kind]", "botulinum_toxin")
    page.select_option("select[name=name]", "botulinum_toxin")
    page.select_option("select[name=muscle]", "orbicularis_oculi")
    page.select_option("select[name=side]", "left")
    page.fill("input[name=units]", "5")
    _shot(page, "07-add-treatment")
    page.click("#treatment-form button[type=submit]")
    page.wait_for_selector("#alerts")
    rules_after = _alert_rules(page)
    assert "botox_due" not in rules_after
    assert rules_after != rules_before
    injections = page.locator('#timeline svg.wide line.event[data-kind="botulinum_toxin"]')
    assert injections.count() >= 2 * 3  # two injections, marked on each of the 3 panels
    _shot(page, "08-patient-after-treatment")


def test_api_docs_render_without_a_cdn(live_server: Any, page: Any) -> None:
    """The OpenAPI docs come from files served by the app itself, under the app's Content Security Policy."""
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "FaceNerve clinic API" in page.locator(".swagger-ui .info .title").inner_text()
    assert not [url for url in failed if not url.startswith(live_server.url)]
    _shot(page, "09-api-docs")
