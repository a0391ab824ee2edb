"""The clinician's workstation in a real browser (Debian's Chromium through Playwright): drag a mouth-corner handle
and nudge a pupil with the arrow keys, save, see the measure change and the photo marked corrected, reset it; every
clinic page checked with axe-core (no serious or critical violation) and at 390×844 without sideways scrolling.
Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .browser import axe_violations, login, new_page, no_sideways_scroll, requires_chromium, shot, user_with_password
from .conftest import make_patient

pytestmark = requires_chromium


def _world(analysed: Any) -> tuple[Any, Any, Any]:
    from facenerve.web.clinic.models import Assessment, AssessmentPhoto, CareTeam, CareTeamMember, Treatment

    team = CareTeam.objects.create(name="Browser team")
    clinician = user_with_password("clin-browser", "clinician")
    CareTeamMember.objects.create(team=team, user=clinician, role="neurologist")
    patient, episode = make_patient("BR-001", team, onset_days_ago=120)
    stored = analysed.photos[0]
    assessment = Assessment.objects.create(episode=episode, taken_on=date.today() - timedelta(days=3),
                                           asymmetry_index_mm=analysed.asymmetry_index_mm,
                                           affected_side=analysed.affected_side, engine_result=analysed.engine_result)
    photo = AssessmentPhoto.objects.create(
        assessment=assessment, expression=stored.expression.value, image_sha256=stored.image_sha256,
        annotated_sha256=stored.annotated_sha256, width_px=stored.width_px, height_px=stored.height_px,
        result=stored.result, landmarks=stored.landmarks)
    Treatment.objects.create(episode=episode, kind="medication", name="vitamin_b1", start=episode.onset_date)
    return patient, assessment, photo


def _cell(page: Any, metric: str, column: int) -> str:
    return str(page.inner_text(f'tr[data-metric="{metric}"] td:nth-of-type({column})'))


def test_correct_a_landmark_then_reset(live_server: Any, browser: Any, analysed_faces: list[Any]) -> None:
    patient, assessment, photo = _world(analysed_faces[0])
    page = new_page(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    login(page, "clin-browser")
    problems: dict[str, list[str]] = {}
    for name, path in (("dashboard", "/patients/"), ("patient", f"/patients/{patient.pk}/"),
                       ("treatment-form", f"/patients/{patient.pk}/treatments/new/"),
                       ("assessment-form", f"/patients/{patient.pk}/assessments/new/"),
                       ("scale-form", f"/assessments/{assessment.pk}/scales/sunnybrook/"),
                       ("compare", f"/patients/{patient.pk}/compare/"), ("report", f"/patients/{patient.pk}/report/"),
                       ("not-found", "/patients/999999/")):
        page.goto(live_server.url + path)
        problems[name] = axe_violations(page)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    problems["assessment"] = axe_violations(page)
    before = _cell(page, "commissure_height", 2)  # Left column
    shot(page, "workstation-assessment")
    page.click("text=Correct landmarks")
    page.wait_for_selector('circle[data-handle="left.commissure"]')
    problems["landmarks"] = axe_violations(page)
    handle = page.locator('circle[data-handle="left.commissure"]')
    box = handle.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 20, steps=5)
    page.mouse.up()
    page.focus('circle[data-handle="right.pupil"]')
    page.keyboard.press("ArrowUp")
    moves = page.input_value("#lm-moves")
    assert '"left.commissure"' in moves and '"right.pupil"' in moves
    page.click("button[data-zoom=in]")
    shot(page, "workstation-landmarks")
    page.click("text=Save and measure again")
    page.wait_for_selector("text=corrected by hand")
    after = _cell(page, "commissure_height", 2)
    assert float(after) < float(before) - 0.5, (before, after)
    page.click("text=Reset to automatic")
    page.wait_for_load_state()
    assert _cell(page, "commissure_height", 2) == before
    assert "corrected by hand" not in page.content()
    phone = new_page(browser, 390, 844)
    phone.goto(f"{live_server.url}/accounts/login/")
    login(phone, "clin-browser")
    for path in ("/patients/", f"/patients/{patient.pk}/", f"/assessments/{assessment.pk}/",
                 f"/photos/{photo.pk}/landmarks/", f"/patients/{patient.pk}/compare/",
                 f"/patients/{patient.pk}/report/"):
        phone.goto(live_server.url + path)
        assert no_sideways_scroll(phone), path
    shot(phone, "workstation-patient-phone")
    assert {k: v for k, v in problems.items() if v} == {}
