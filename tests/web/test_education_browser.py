"""The patient library in a real browser (Debian's Chromium through Playwright): an anonymous reader reads an
article, is sent to log in to comment, comments as a patient, the comment waits for an editor who approves it,
and a clinician's reply appears with its badge and as a notice on the patient's page. On the way every page is
checked with axe-core (no serious or critical violation), at 390×844 without sideways scrolling, and the comment
form is reached with the keyboard. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ARTIFACTS, make_patient, make_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "library-test-Pw-4821"
ARTICLE = "/learn/articles/protecting-the-eye/"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium; .ci/run does this)"
)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


def _page(browser: Any, width: int = 1100, height: int = 900) -> Any:
    # bypass_csp only lets the test inject axe-core; the app's own pages load nothing inline.
    return browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True).new_page()


def _shot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "web"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"library-{name}.png"), full_page=True)


def _axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations"
                           ".map(v => ({id: v.id, impact: v.impact, n: v.nodes.length, t: v.nodes[0].target}))")
    return [f"{v['id']} ({v['impact']}, {v['n']}: {v['t']})" for v in result if v["impact"] in ("serious", "critical")]


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def _login(page: Any, username: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def _user(name: str, role: str, patient: Any = None) -> Any:
    user = make_user(name, role, patient)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_read_log_in_comment_moderate_reply(live_server: Any, browser: Any) -> None:
    from facenerve.web.clinic.models import CareTeam, CareTeamMember
    from facenerve.web.education.articles import load_library
    from facenerve.web.education.models import Editor

    load_library()
    team = CareTeam.objects.create(name="Browser team")
    patient, _ = make_patient("BR-0001", team, onset_days_ago=5)
    _user("br-patient", "patient", patient)
    clinician = _user("br-clinician", "clinician")
    CareTeamMember.objects.create(team=team, user=clinician, role="ent")
    Editor.objects.create(user=_user("br-editor", "clinician"))
    base = live_server.url
    problems: dict[str, list[str]] = {}

    reader = _page(browser)
    reader.goto(base + ARTICLE)
    assert reader.locator("h1").inner_text() == "Protecting the eye"
    assert reader.locator("#sources li").count() >= 4
    problems["article"] = _axe(reader)
    _shot(reader, "01-article")
    reader.click("text=Log in to comment")
    reader.wait_for_url("**/accounts/login/**")
    _login(reader, "br-patient")
    reader.wait_for_url(f"**{ARTICLE}*")
    reader.click("text=Choose a display name to comment")
    reader.fill("input[name=display_name]", "Quiet Fern")
    reader.click("form[action*=display-name] button")
    reader.wait_for_url(f"**{ARTICLE}")
    # Keyboard: tabbing from the top reaches the comment box.
    reader.locator("body").focus()
    for _ in range(80):
        reader.keyboard.press("Tab")
        if reader.evaluate("() => document.activeElement.id") == "new-comment":
            break
    else:
        pytest.fail("the comment box cannot be reached with the Tab key")
    reader.keyboard.type("Does the eye **really** recover?")
    reader.click("text=Post comment")
    reader.wait_for_selector(".comment.pending")
    assert "Waiting for moderation" in reader.locator(".comment.pending").inner_text()
    problems["comments (patient)"] = _axe(reader)
    _shot(reader, "02-comment-waiting")

    editor = _page(browser)
    editor.goto(base + "/accounts/login/?next=/learn/moderation/")
    _login(editor, "br-editor")
    editor.wait_for_url("**/learn/moderation/")
    assert "Does the eye" in editor.locator("#waiting").inner_text()
    problems["moderation"] = _axe(editor)
    _shot(editor, "03-moderation")
    editor.click("#waiting button[value=approve]")
    editor.wait_for_url("**/learn/moderation/")
    assert "Nothing is waiting" in editor.locator("#waiting").inner_text()

    doctor = _page(browser)
    doctor.goto(base + "/accounts/login/?next=" + ARTICLE)
    _login(doctor, "br-clinician")
    doctor.wait_for_url(f"**{ARTICLE}")
    doctor.click("text=Choose a display name to comment")
    doctor.fill("input[name=display_name]", "Night Heron")
    doctor.click("form[action*=display-name] button")
    doctor.wait_for_url(f"**{ARTICLE}")
    doctor.click(".comment summary:text('Reply')")
    doctor.fill(".comment textarea[name=body]", "Most eyes do; keep protecting it meanwhile.")
    doctor.click("text=Post reply")
    doctor.wait_for_selector("ol.replies .comment")
    reply = doctor.locator("ol.replies .comment").first
    assert "Clinician" in reply.locator(".badge.clinician").inner_text()

    anonymous = _page(browser)
    anonymous.goto(base + ARTICLE)
    thread = anonymous.locator("#comments").inner_text()
    assert "Does the eye really recover?" in thread and "Clinician" in thread and "Night Heron" in thread
    _shot(anonymous, "04-thread")

    reader.goto(base + "/")
    reader.wait_for_selector("#learn")
    assert "Night Heron" in reader.locator("#learn .notices").inner_text()
    assert reader.locator("#learn .suggested li").count() == 3
    assert reader.locator('#alerts a.learn, #learn a[href="/learn/articles/protecting-the-eye/"]').count() >= 1
    _shot(reader, "05-patient-home")

    for name, url in (("category", "/learn/topics/treatment/"), ("search", "/learn/search/?q=eye+steroids"),
                      ("library", "/learn/"), ("references", "/learn/references/")):
        anonymous.goto(base + url)
        problems[name] = _axe(anonymous)
    assert not {k: v for k, v in problems.items() if v}, problems

    narrow = _page(browser, 390, 844)
    for url in (ARTICLE, "/learn/", "/learn/topics/recovery/", "/learn/search/?q=synkinesis", "/learn/references/",
                "/learn/articles/aftereffects/"):
        narrow.goto(base + url)
        assert _no_sideways_scroll(narrow), url
    narrow.goto(base + ARTICLE)
    _shot(narrow, "06-article-390px")
