"""The clinician's workstation in a real browser (Debian's Chromium through Playwright): drag a mouth-corner handle
and nudge a pupil with the arrow keys, save, see the measure change and the photo marked corrected, reset it; drag
a handle with a finger on a phone; compare two visits aligned on the pupils; download the report PDF (both versions)
from the report page; every clinic page checked with axe-core (no serious or critical violation) and at 390×844
without sideways scrolling. Screenshots go to test-artifacts/web/."""

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
    handle.scroll_into_view_if_needed()  # the mouse does not scroll the page
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
    page.wait_for_selector("text=Discard the correction")  # asks first, without JavaScript
    problems["reset"] = axe_violations(page)
    page.click("text=Discard the correction")
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


def _touch_drag(page: Any, selector: str, dx: float, dy: float, beside: float = 0.0, steps: int = 6) -> None:
    """A finger put ``beside`` CSS pixels right of the element's centre, moved by (dx, dy) and lifted: real touch
    input through the DevTools protocol, so Chromium makes the pointer events (pointerType "touch") and applies
    touch-action."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2 + beside, box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x + dx * step / steps, "y": y + dy * step / steps}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_drag_a_handle_by_touch_on_a_phone(live_server: Any, browser: Any, analysed_faces: list[Any]) -> None:
    _, assessment, photo = _world(analysed_faces[0])
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    login(page, "clin-browser")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    before = _cell(page, "commissure_height", 2)
    page.goto(f"{live_server.url}/photos/{photo.pk}/landmarks/")
    handle = 'circle[data-handle="left.commissure"]'
    page.wait_for_selector(handle)
    page.evaluate("() => { window.seen = []; document.addEventListener('pointermove', "
                  "e => window.seen.push(e.pointerType), true); }")
    page.locator(handle).scroll_into_view_if_needed()
    start = [float(page.get_attribute(handle, axis) or "nan") for axis in ("cx", "cy")]
    per_css_px = page.evaluate("() => 1 / document.querySelector('svg.lm-handles').getScreenCTM().d")
    scroll = page.evaluate("() => window.scrollY")
    # The handle is drawn a few pixels wide: the finger lands beside it, as a finger does, still takes it, and moves
    # it by the finger's move without first jumping under the finger.
    _touch_drag(page, handle, 0, -20, beside=10)
    assert set(page.evaluate("() => window.seen")) == {"touch"}
    assert page.evaluate("() => window.scrollY") == scroll  # the finger moved the handle, not the page
    moved = [float(page.get_attribute(handle, axis) or "nan") for axis in ("cx", "cy")]
    assert abs(moved[0] - start[0]) < per_css_px and abs((start[1] - moved[1]) - 20 * per_css_px) < 2 * per_css_px, (
        start, moved, per_css_px)
    assert '"left.commissure"' in page.input_value("#lm-moves")
    shot(page, "workstation-landmarks-touch")
    page.tap("text=Save and measure again")
    page.wait_for_selector("text=corrected by hand")
    after = _cell(page, "commissure_height", 2)
    assert float(after) < float(before) - 0.5, (before, after)
    context.close()


def test_compare_two_visits_aligned_on_the_pupils(live_server: Any, browser: Any, analysed_faces: list[Any]) -> None:
    from facenerve.web.clinic.models import Assessment, AssessmentPhoto

    patient, assessment, photo = _world(analysed_faces[0])
    later = Assessment.objects.create(episode=assessment.episode, taken_on=assessment.taken_on + timedelta(days=2))
    scale = photo.result["scale"]
    AssessmentPhoto.objects.create(
        assessment=later, expression=photo.expression, image_sha256=photo.image_sha256,
        annotated_sha256=photo.annotated_sha256, width_px=photo.width_px, height_px=photo.height_px,
        result={**photo.result, "scale": {**scale, "mm_per_px": scale["mm_per_px"] * 1.1}}, landmarks=photo.landmarks)
    page = new_page(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    login(page, "clin-browser")
    page.goto(f"{live_server.url}/patients/{patient.pk}/compare/")
    page.wait_for_load_state("networkidle")
    sizes = page.evaluate("() => [...document.querySelectorAll('img.aligned')].map(i => [i.naturalWidth, "
                          "i.naturalHeight])")
    assert sizes == [[480, 560], [480, 560]]
    page.click("text=Overlay the two visits")
    slider = page.locator("input[data-overlay]")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => getComputedStyle(document.querySelector('img.overlay-top')).opacity") == "0.6"
    assert slider.get_attribute("aria-valuetext") == "later visit 60% opaque"
    shot(page, "workstation-compare-aligned")
    assert axe_violations(page) == []
    phone = new_page(browser, 390, 844)
    phone.goto(f"{live_server.url}/accounts/login/")
    login(phone, "clin-browser")
    phone.goto(f"{live_server.url}/patients/{patient.pk}/compare/")
    phone.click("text=Overlay the two visits")
    assert no_sideways_scroll(phone)


def test_download_the_report_pdf(live_server: Any, browser: Any, analysed_faces: list[Any]) -> None:
    patient, _, _ = _world(analysed_faces[0])
    page = new_page(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    login(page, "clin-browser")
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    assert page.locator("a.pdf-link").count() == 2  # the clinical report and the patient's summary
    page.click("text=Printable report")
    page.wait_for_selector("#report-latest")
    with page.expect_download() as started:
        page.get_by_role("link", name="Download PDF", exact=True).click()
    download = started.value
    assert download.suggested_filename.startswith("facenerve-report-BR-001-")
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    with page.expect_download() as started:
        page.get_by_role("link", name="Download PDF, patient's summary").click()
    assert started.value.suggested_filename.startswith("facenerve-summary-BR-001-")
    with open(started.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    shot(page, "workstation-report")
