"""The patient library: bundled articles and their citations, public reading, search, feed, editing with versions,
and the comment rules (display names, moderation, edit window, deletion, reports, notices, rate limits)."""

from __future__ import annotations

import inspect
import re
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from facenerve.web.clinic.models import CareTeam, CareTeamMember
from facenerve.web.education import links
from facenerve.web.education.articles import bundled_articles, load_library
from facenerve.web.education.models import Article, Comment, Commenter, Editor, Notice, Report
from facenerve.web.education.references import references
from facenerve.web.education.render import CITATION, cited_keys

from .conftest import make_patient, make_user

ARTICLE = "/learn/articles/protecting-the-eye/"


@pytest.fixture
def lib(db: Any) -> SimpleNamespace:
    """The bundled articles, a patient with a user (onset 2 days ago), a second patient, a clinician, an editor."""
    load_library()
    team = CareTeam.objects.create(name="Library team")
    patient, episode = make_patient("LIB-0042", team, onset_days_ago=2)
    other, _ = make_patient("LIB-0043", team)
    clinician = make_user("clin-lib", "clinician")
    editor = make_user("editor-lib", "clinician")
    Editor.objects.create(user=editor)
    CareTeamMember.objects.create(team=team, user=clinician, role="neurologist")
    return SimpleNamespace(patient=patient, episode=episode, user=make_user("pat-lib", "patient", patient),
                           other=make_user("pat-other", "patient", other), clinician=clinician, editor=editor)


def client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def named(user: Any, name: str) -> Client:
    Commenter.objects.create(user=user, display_name=name)
    return client(user)


def post_comment(c: Client, body: str, parent: int | None = None, article: str = ARTICLE) -> Any:
    data = {"body": body} | ({"parent": str(parent)} if parent else {})
    return c.post(article + "comments/", data)


# --- the bundled articles ---------------------------------------------------------------------------------------


def test_first_set_is_nine_articles_each_citing_only_bundled_keys() -> None:
    articles = bundled_articles()
    assert len(articles) == 9
    keys = set(references())
    assert len(keys) == 93 and all(references()[k].title for k in keys)
    for article in articles:
        cited = cited_keys(article.body)
        assert len(cited) >= 5, article.slug
        assert set(cited) <= keys, (article.slug, set(cited) - keys)


def _blocks(body: str) -> list[str]:
    """Paragraphs and list items of a Markdown body, with article links removed."""
    text = re.sub(r"\[[^\]]*\]\(/learn/[^)]*\)", "", body)
    return [b.strip() for b in re.split(r"\n\s*\n|\n(?=- |\d+\. )", text) if b.strip() and not b.startswith("#")]


def test_every_number_in_an_article_is_cited() -> None:
    """A paragraph or list item that states a number carries a citation ([S..])."""
    for article in bundled_articles():
        for block in _blocks(article.body):
            if re.search(r"\d", CITATION.sub("", block)):
                assert CITATION.search(block), (article.slug, block)


def test_every_care_alert_links_to_a_bundled_article() -> None:
    from facenerve.care import pathway

    rules = set(re.findall(r'rule=f?"([a-z_]+)', inspect.getsource(pathway)))
    assert {"eye_protection", "synkinesis", "steroid_window", "red_flag", "reassess_worsening"} <= rules
    slugs = {a.slug for a in bundled_articles()}
    for rule in rules:
        link = links.for_rule(rule)
        assert link is not None and link.slug in slugs, rule
    assert links.for_rule("red_flag.bilateral") == links.SPECIALIST
    assert links.for_rule("eye_protection").slug == "protecting-the-eye"  # type: ignore[union-attr]


def test_stage_suggestions() -> None:
    assert links.for_stage(1, False)[0].slug == "first-72-hours"
    assert links.for_stage(200, False)[0].slug == "when-to-see-a-specialist"
    assert links.for_stage(200, True)[0].slug == "aftereffects"
    assert all(len(links.for_stage(d, s)) == 3 for d in (None, 0, 10, 60, 400) for s in (False, True))


def test_load_library_is_idempotent_and_keeps_versions(lib: SimpleNamespace) -> None:
    assert Article.objects.count() == 9
    assert load_library() == 0
    article = Article.objects.get(slug="aftereffects")
    assert article.versions.count() == 1 and article.is_published and article.reading_minutes >= 2
    assert "S65" in article.sources and article.published_at is not None


# --- reading ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/learn/", "/learn/topics/recovery/", "/learn/topics/aftereffects/", ARTICLE,
                                 "/learn/search/?q=eye", "/learn/references/", "/learn/feed/"])
def test_reading_is_public(lib: SimpleNamespace, url: str) -> None:
    assert client().get(url).status_code == 200


def test_article_page_has_byline_summary_sources_and_reference_links(lib: SimpleNamespace) -> None:
    body = client().get("/learn/articles/first-72-hours/").content.decode()
    assert "FaceNerve editorial team" in body and "clinician review pending" in body and "min read" in body
    assert 'href="/learn/references/#S34"' in body and "Early treatment with prednisolone" in body
    assert "Treatment</a> › <a" in body  # breadcrumbs: Library › Treatment › The first days
    refs = client().get("/learn/references/").content.decode()
    assert all(f'id="{k}"' in refs for k in references())
    main = refs.split("<main", 1)[1]
    assert "http://47.251.13.51" not in main.split("href=")[-1]  # raw IP addresses are not links


def test_category_page_lists_its_and_its_subsections_articles(lib: SimpleNamespace) -> None:
    body = client().get("/learn/topics/recovery/").content.decode()
    assert "How long recovery takes" in body and "Aftereffects: synkinesis" in body
    assert "Protecting the eye" not in body
    assert client().get("/learn/topics/no-such-topic/").status_code == 404


def test_search_finds_articles_and_survives_any_input(lib: SimpleNamespace) -> None:
    body = client().get("/learn/search/", {"q": "steroids"}).content.decode()
    assert "The first 72 hours" in body and "<mark>" in body
    body = client().get("/learn/search/", {"q": "synkin"}).content.decode()  # the last word is a prefix
    assert "/learn/articles/aftereffects/" in body
    for nasty in ['"', "OR (", "eye AND NOT", "*", "-", "a" * 5000, "NEAR(x y", "\x00", "💥 ' ; DROP TABLE"]:
        assert client().get("/learn/search/", {"q": nasty}).status_code == 200
    Article.objects.filter(slug="aftereffects").update(status="draft")
    assert "/learn/articles/aftereffects/" not in client().get("/learn/search/", {"q": "synkinesis"}).content.decode()


def test_feed_is_atom_with_every_published_article(lib: SimpleNamespace) -> None:
    response = client().get("/learn/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response.content.decode().count("<entry>") == 9


def test_drafts_are_for_editors_only(lib: SimpleNamespace) -> None:
    Article.objects.filter(slug="aftereffects").update(status="draft")
    assert client().get("/learn/articles/aftereffects/").status_code == 404
    assert client(lib.clinician).get("/learn/articles/aftereffects/").status_code == 404
    assert client(lib.editor).get("/learn/articles/aftereffects/").status_code == 200


# --- editing ----------------------------------------------------------------------------------------------------


def test_editor_writes_publishes_and_versions_are_kept(lib: SimpleNamespace) -> None:
    from facenerve.web.education.models import Category

    c = client(lib.editor)
    data = {"title": "Sleeping with a weak eyelid", "slug": "sleep", "category": Category.objects.get(
        slug="eye-care").pk, "summary": "Night care.", "body": "Protect the eye [S28].", "publish": "0"}
    assert c.post("/learn/edit/new/", data).status_code == 302
    assert client().get("/learn/articles/sleep/").status_code == 404  # a draft
    assert c.post("/learn/edit/sleep/", data | {"publish": "1"}).status_code == 302
    assert client().get("/learn/articles/sleep/").status_code == 200
    assert c.post("/learn/edit/sleep/", data | {"body": "Changed [S28, S2].", "publish": "1"}).status_code == 302
    article = Article.objects.get(slug="sleep")
    assert [v.number for v in article.versions.all()] == [3, 2, 1]
    assert article.sources == ["S28", "S2"] and article.author == lib.editor
    refused = c.post("/learn/edit/sleep/", data | {"body": "Made up [S999]."})
    assert refused.status_code == 400 and "Unknown reference keys: S999" in refused.content.decode()
    assert article.versions.count() == 3


# --- comments ---------------------------------------------------------------------------------------------------


def test_commenting_needs_a_login_and_a_display_name(lib: SimpleNamespace) -> None:
    anonymous = client().post(ARTICLE + "comments/", {"body": "hello"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert "Log in to comment" in client().get(ARTICLE).content.decode()
    c = client(lib.user)
    response = post_comment(c, "hello")
    assert response.status_code == 302 and response["Location"].startswith("/learn/display-name/")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("name", ["pat-lib", "PAT LIB", "LIB-0042", "lib0042 fan", "Dr Editor", "x", "<b>hi</b>"])
def test_display_name_is_never_the_user_name_or_record(lib: SimpleNamespace, name: str) -> None:
    response = client(lib.user).post("/learn/display-name/", {"display_name": name})
    assert response.status_code == 400
    assert not Commenter.objects.filter(user=lib.user).exists()


def test_display_name_is_chosen_and_unique(lib: SimpleNamespace) -> None:
    ok = client(lib.user).post("/learn/display-name/", {"display_name": "Blue Heron", "next": ARTICLE})
    assert ok.status_code == 302 and ok["Location"] == ARTICLE
    taken = client(lib.other).post("/learn/display-name/", {"display_name": "blue heron"})
    assert taken.status_code == 400 and "taken" in taken.content.decode()


def test_comment_waits_for_an_editor_then_a_clinician_reply_is_badged_and_noticed(lib: SimpleNamespace) -> None:
    patient = named(lib.user, "Blue Heron")
    assert post_comment(patient, "Does the eye get better?").status_code == 302
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assert "Does the eye get better?" not in client().get(ARTICLE).content.decode()
    assert "Does the eye get better?" not in client(lib.other).get(ARTICLE).content.decode()
    own = patient.get(ARTICLE).content.decode()
    assert "Does the eye get better?" in own and "Waiting for moderation" in own
    assert "Does the eye get better?" in client(lib.editor).get("/learn/moderation/").content.decode()

    assert client(lib.editor).post(f"/learn/moderation/comments/{comment.pk}/", {"action": "approve"}).status_code \
        == 302
    assert "Does the eye get better?" in client().get(ARTICLE).content.decode()

    doctor = named(lib.clinician, "Night Owl")
    assert post_comment(doctor, "Usually, yes.", parent=comment.pk).status_code == 302
    reply = Comment.objects.get(parent=comment)
    assert reply.status == "visible" and reply.by_clinician  # clinicians are not held for moderation
    page = client().get(ARTICLE).content.decode()
    assert re.search(r"Night Owl</strong> <span class=\"badge clinician\">Clinician</span>", page)
    notice = Notice.objects.get(recipient=lib.user)
    home = patient.get(f"/patients/{lib.patient.pk}/").content.decode()
    assert "replied to you" in home and f"#c{reply.pk}" in home
    assert patient.post(f"/learn/notices/{notice.pk}/read/").status_code == 302
    assert "replied to you" not in patient.get(f"/patients/{lib.patient.pk}/").content.decode()


def test_new_accounts_are_moderated_until_enough_comments_were_approved(lib: SimpleNamespace) -> None:
    patient = named(lib.user, "Blue Heron")
    for i in range(3):
        post_comment(patient, f"comment {i}")
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}
    Comment.objects.update(status="visible")
    post_comment(patient, "trusted now")
    assert Comment.objects.get(body="trusted now").status == "visible"


def test_edit_within_15_minutes_delete_any_time(lib: SimpleNamespace) -> None:
    patient = named(lib.user, "Blue Heron")
    post_comment(patient, "first words")
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status="visible")
    other = named(lib.other, "Grey Wren")
    post_comment(other, "a reply", parent=comment.pk)
    assert other.post(f"/learn/comments/{comment.pk}/edit/", {"body": "hijack"}).status_code == 403
    assert other.post(f"/learn/comments/{comment.pk}/delete/").status_code == 403
    assert patient.post(f"/learn/comments/{comment.pk}/edit/", {"body": "better words"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "better words" and comment.edited_at is not None
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    late = patient.post(f"/learn/comments/{comment.pk}/edit/", {"body": "too late"})
    assert late.status_code == 403 and "15 minutes" in late.content.decode()
    assert patient.get(f"/learn/comments/{comment.pk}/edit/").status_code == 403
    assert patient.post(f"/learn/comments/{comment.pk}/delete/").status_code == 302
    page = client(lib.editor).get(ARTICLE).content.decode()
    assert "Comment deleted" in page and "better words" not in page and "a reply" in page


def test_any_reader_reports_and_a_hidden_comment_is_invisible_to_others(lib: SimpleNamespace) -> None:
    patient = named(lib.user, "Blue Heron")
    post_comment(patient, "buy my cure")
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status="visible")
    reporter = client(lib.other)  # no display name needed to report
    assert reporter.post(f"/learn/comments/{comment.pk}/report/", {"reason": "advert"}).status_code == 200
    assert patient.post(f"/learn/comments/{comment.pk}/report/", {"reason": "me"}).status_code == 400
    assert "advert" in client(lib.editor).get("/learn/moderation/").content.decode()
    client(lib.editor).post(f"/learn/moderation/comments/{comment.pk}/", {"action": "hide"})
    assert Report.objects.get().outcome == "hidden"
    for viewer in (None, lib.other, lib.clinician):
        assert "buy my cure" not in client(viewer).get(ARTICLE).content.decode()
    assert "Hidden by a moderator" in patient.get(ARTICLE).content.decode()
    assert reporter.post(f"/learn/comments/{comment.pk}/report/").status_code == 404
    assert client(lib.clinician).post(ARTICLE + "comments/", {"body": "x", "parent": comment.pk}).status_code in (
        302, 404)
    assert not Comment.objects.filter(parent=comment).exists()


def test_rate_limit_per_user_and_per_address(lib: SimpleNamespace, settings: Any) -> None:
    settings.FACENERVE_COMMENTS_PER_USER = 3
    settings.FACENERVE_COMMENTS_PER_ADDRESS = 4
    patient = named(lib.user, "Blue Heron")
    codes = [post_comment(patient, f"c{i}").status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]
    other = named(lib.other, "Grey Wren")  # same address (the test client's 127.0.0.1)
    assert post_comment(other, "one").status_code == 302
    assert post_comment(other, "two").status_code == 429
    far = Client(REMOTE_ADDR="10.9.8.7")
    far.force_login(lib.clinician)
    Commenter.objects.create(user=lib.clinician, display_name="Night Owl")
    assert post_comment(far, "from elsewhere").status_code == 302
    assert Comment.objects.count() == 5


@pytest.mark.parametrize(("body", "status"), [("", 400), ("   ", 400), ("x" * 2001, 400)])
def test_bad_comment_text_is_a_clear_400(lib: SimpleNamespace, body: str, status: int) -> None:
    response = post_comment(named(lib.user, "Blue Heron"), body)
    assert response.status_code == status and "comment" in response.content.decode().lower()


def test_bad_references_are_4xx(lib: SimpleNamespace) -> None:
    patient = named(lib.user, "Blue Heron")
    assert post_comment(patient, "x", parent=10**30).status_code == 404
    assert patient.post(ARTICLE + "comments/", {"body": "x", "parent": "abc"}).status_code == 404
    post_comment(patient, "on the eye")
    elsewhere = "/learn/articles/aftereffects/"
    assert post_comment(patient, "x", parent=Comment.objects.get().pk, article=elsewhere).status_code == 404
    assert client(lib.editor).post(f"/learn/moderation/comments/{Comment.objects.get().pk}/",
                                   {"action": "explode"}).status_code == 400
    assert patient.get("/learn/comments/999999/edit/").status_code == 404
    assert patient.post("/learn/articles/no-such/comments/", {"body": "x"}).status_code == 404
    assert patient.get(ARTICLE + "comments/").status_code == 405
    assert patient.post("/learn/notices/1/read/").status_code == 404
    assert patient.post("/learn/display-name/", {"display_name": "x" * 500}).status_code == 400


def test_long_discussions_are_paged_with_their_replies(lib: SimpleNamespace) -> None:
    article = Article.objects.get(slug="protecting-the-eye")
    first = Comment.objects.create(article=article, author=lib.user, display_name="A", body="top 0", status="visible")
    Comment.objects.create(article=article, author=lib.other, display_name="B", body="reply to 0", parent=first,
                           status="visible")
    for i in range(1, 55):
        Comment.objects.create(article=article, author=lib.user, display_name="A", body=f"top {i}", status="visible")
    page1 = client().get(ARTICLE).content.decode()
    assert "top 0" in page1 and "reply to 0" in page1 and "top 49<" in page1 and "top 50<" not in page1
    assert "Page 1 of 2" in page1
    page2 = client().get(ARTICLE + "?page=2").content.decode()
    assert "top 54" in page2 and "top 0<" not in page2
    assert client().get(ARTICLE + "?page=zzz").status_code == 200
