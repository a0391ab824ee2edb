"""The patient page's timeline and the record edit pages in a real browser (Debian's Chromium through Playwright):
the chart's values reachable by keyboard in a table, no serious or critical axe-core violation, and at 390×844 no
sideways scrolling and chart text at least 10 px high. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from .browser import axe_violations, login, new_page, no_sideways_scroll, requires_chromium, shot, user_with_password
from .conftest import make_patient

pytestmark = requires_chromium

#: Rendered font size (px) of every visible text of the timeline: its font size in SVG units times the SVG's scale.
CHART_TEXT_PX = """() => [...document.querySelectorAll('svg.timeline text')]
  .filter(t => t.getClientRects().length > 0)
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)"""


def _course() -> tuple[Any, Any]:
    from facenerve.web.clinic.models import Assessment, CareTeam, CareTeamMember, Treatment

    team = CareTeam.objects.create(name="Chart team")
    clinician = user_with_password("clin-chart", "clinician")
    CareTeamMember.objects.create(team=team, user=clinician, role="neurologist")
    patient, episode = make_patient("CH-001", team, onset_days_ago=200)
    for day, asym, hb, sb in ((3, 6.5, 5, 20.0), (30, 4.8, 4, 41.0), (90, 3.1, 3, 58.0), (180, 1.9, 2, 77.0)):
        Assessment.objects.create(episode=episode, taken_on=episode.onset_date + timedelta(days=day),
                                  asymmetry_index_mm=asym, affected_side="left", house_brackmann=hb,
                                  sunnybrook_composite=sb)
    treatment = Treatment.objects.create(episode=episode, kind="medication", name="other:Mecobalamin",
                                         start=episode.onset_date + timedelta(days=2))
    return patient, treatment


def test_chart_values_by_keyboard_and_readable_on_a_phone(live_server: Any, browser: Any) -> None:
    patient, treatment = _course()
    url = f"{live_server.url}/patients/{patient.pk}/"
    page = new_page(browser, 1280, 900)
    page.goto(f"{live_server.url}/accounts/login/")
    login(page, "clin-chart")
    problems: dict[str, list[str]] = {}
    page.goto(url)
    problems["patient"] = axe_violations(page)
    assert min(page.evaluate(CHART_TEXT_PX)) >= 10
    summary = page.locator("details.chart-values summary")
    for _ in range(60):  # the table is reachable with the Tab key alone
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('details.chart-values summary')"):
            break
    else:
        pytest.fail("the chart's table cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    table = page.locator("details.chart-values table")
    assert table.is_visible() and summary.get_attribute("aria-expanded") in (None, "true")
    first = date.today() - timedelta(days=200 - 3)
    row = table.locator(f'tr:has(th:text-is("{first.isoformat()}"))').inner_text()
    assert "6.5" in row and "V" in row and "20" in row
    problems["patient-table-open"] = axe_violations(page)
    for name, path in (("patient-edit", f"/patients/{patient.pk}/edit/"),
                       ("treatment-edit", f"/treatments/{treatment.pk}/edit/"),
                       ("treatment-delete", f"/treatments/{treatment.pk}/delete/")):
        page.goto(live_server.url + path)
        problems[name] = axe_violations(page)
    page.goto(f"{live_server.url}/treatments/{treatment.pk}/edit/")
    assert page.locator("input[name=other_name]").is_visible()
    assert page.input_value("input[name=other_name]") == "Mecobalamin"
    page.select_option("select[name=name]", "prednisolone")
    assert not page.locator("input[name=other_name]").is_visible()

    phone = new_page(browser, 390, 844)
    phone.goto(f"{live_server.url}/accounts/login/")
    login(phone, "clin-chart")
    phone.goto(url)
    assert no_sideways_scroll(phone)
    sizes = phone.evaluate(CHART_TEXT_PX)
    assert sizes and min(sizes) >= 10, sizes
    assert phone.locator("svg.timeline.narrow").is_visible() and not phone.locator("svg.timeline.wide").is_visible()
    problems["patient-phone"] = axe_violations(phone)
    shot(phone, "timeline-phone")
    assert {k: v for k, v in problems.items() if v} == {}
