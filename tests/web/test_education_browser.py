"""The patient library in a real browser (Debian's Chromium through Playwright): an anonymous reader reads an
article, is sent to log in to comment, comments as a patient, the comment waits for an editor who approves it,
and a clinician's reply appears with its badge and as a notice on the patient's page. On the way every page is
checked with axe-core (no serious or critical violation), at 390×844 without sideways scrolling, and the comment
form is reached with the keyboard. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from typing import Any

import pytest

from .browser import axe_violations, login, new_page, no_sideways_scroll, requires_chromium, shot, user_with_password
from .conftest import make_patient

ARTICLE = "/learn/articles/protecting-the-eye/"

pytestmark = requires_chromium


def _shot(page: Any, name: str) -> None:
    shot(page, f"library-{name}")


def test_read_log_in_comment_moderate_reply(live_server: Any, browser: Any) -> None:
    from facenerve.web.clinic.models import CareTeam, CareTeamMember
    from facenerve.web.education.articles import load_library
    from facenerve.web.education.models import Editor

    load_library()
    team = CareTeam.objects.create(name="Browser team")
    patient, _ = make_patient("BR-0001", team, onset_days_ago=5)
    user_with_password("br-patient", "patient", patient)
    clinician = user_with_password("br-clinician", "clinician")
    CareTeamMember.objects.create(team=team, user=clinician, role="ent")
    Editor.objects.create(user=user_with_password("br-editor", "clinician"))
    base = live_server.url
    problems: dict[str, list[str]] = {}

    reader = new_page(browser)
    reader.goto(base + ARTICLE)
    assert reader.locator("h1").inner_text() == "Protecting the eye"
    assert reader.locator("#sources li").count() >= 4
    problems["article"] = axe_violations(reader)
    _shot(reader, "01-article")
    reader.click("text=Log in to comment")
    reader.wait_for_url("**/accounts/login/**")
    login(reader, "br-patient")
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
    problems["comments (patient)"] = axe_violations(reader)
    _shot(reader, "02-comment-waiting")

    editor = new_page(browser)
    editor.goto(base + "/accounts/login/?next=/learn/moderation/")
    login(editor, "br-editor")
    editor.wait_for_url("**/learn/moderation/")
    assert "Does the eye" in editor.locator("#waiting").inner_text()
    problems["moderation"] = axe_violations(editor)
    _shot(editor, "03-moderation")
    editor.click("#waiting button[value=approve]")
    editor.wait_for_url("**/learn/moderation/")
    assert "Nothing is waiting" in editor.locator("#waiting").inner_text()

    doctor = new_page(browser)
    doctor.goto(base + "/accounts/login/?next=" + ARTICLE)
    login(doctor, "br-clinician")
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

    anonymous = new_page(browser)
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
        problems[name] = axe_violations(anonymous)
    assert not {k: v for k, v in problems.items() if v}, problems

    narrow = new_page(browser, 390, 844)
    for url in (ARTICLE, "/learn/", "/learn/topics/recovery/", "/learn/search/?q=synkinesis", "/learn/references/",
                "/learn/articles/aftereffects/"):
        narrow.goto(base + url)
        assert no_sideways_scroll(narrow), url
    narrow.goto(base + ARTICLE)
    _shot(narrow, "06-article-390px")
