"""Library security: stored XSS comes out inert, CSRF on every write, no patient identifier on a public page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from facenerve.web.clinic.models import CareTeam, Patient
from facenerve.web.education.articles import load_library, save_article
from facenerve.web.education.models import Article, Comment, Commenter, Editor, Notice
from facenerve.web.education.render import render_article, render_comment

from .conftest import make_patient, make_user

ARTICLE = "/learn/articles/protecting-the-eye/"

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://ok.example/ "a\\" onmouseover=\\"alert(1)")',
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>",
    "<details open ontoggle=alert(1)>",
    "`<script>`",
]


class _Tags(HTMLParser):
    """Every real tag and attribute of a page (escaped text is not a tag)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _inert(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "svg", "img", "iframe", "style", "details", "object", "embed"}, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name in ("href", "src"):
                assert (value or "").startswith(("http://", "https://", "mailto:", "/", "#")), html


@pytest.mark.parametrize("payload", XSS)
def test_markdown_renderers_make_attacks_inert(payload: str) -> None:
    for html in (render_comment(payload), render_article(payload)):
        _inert(html)
        for link in re.findall(r"<a [^>]*>", html):
            assert 'rel="nofollow ugc noopener"' in link


def test_comment_links_get_rel_and_subset_drops_headings() -> None:
    html = render_comment("# big\n**bold** [site](https://example.org/)")
    assert "<h1" not in html and "<strong>bold</strong>" in html
    assert '<a href="https://example.org/" rel="nofollow ugc noopener">site</a>' in html


@pytest.fixture
def seeded(db: Any) -> SimpleNamespace:
    """The library with a patient's attacking comments, approved, and an editor's attacking article."""
    load_library()
    team = CareTeam.objects.create(name="Sec team")
    patient, _ = make_patient("SEC-7781", team)
    user = make_user("sec-pat", "patient", patient)
    editor = make_user("sec-editor", "clinician")
    Editor.objects.create(user=editor)
    return SimpleNamespace(user=user, editor=editor, patient=patient)


def test_stored_xss_in_comments_and_articles_is_inert_on_the_page(seeded: SimpleNamespace) -> None:
    c = Client()
    c.force_login(seeded.user)
    Commenter.objects.create(user=seeded.user, display_name="Tester")
    article = Article.objects.get(slug="protecting-the-eye")
    for payload in XSS:
        Comment.objects.create(article=article, author=seeded.user, display_name="Tester", body=payload,
                               status="visible")
    article.body += "\n\n" + "\n\n".join(XSS)
    save_article(article, seeded.editor, publish=True)
    page = Client().get(ARTICLE).content.decode()
    body = page.split("<main", 1)[1].split(">", 1)[1].split("</main>")[0]
    _inert(re.sub(r"<details>|<summary>", "", body))  # the page's own Reply/Report disclosures are not payloads
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # shown as text (article and comment), not run


def _csrf_posts(s: SimpleNamespace, comment: Comment, notice: Notice) -> list[tuple[str, dict[str, str]]]:
    return [
        (f"{ARTICLE}comments/", {"body": "hi"}),
        ("/learn/display-name/", {"display_name": "Another Name"}),
        (f"/learn/comments/{comment.pk}/edit/", {"body": "changed"}),
        (f"/learn/comments/{comment.pk}/delete/", {}),
        (f"/learn/comments/{comment.pk}/report/", {"reason": "x"}),
        (f"/learn/moderation/comments/{comment.pk}/", {"action": "hide"}),
        (f"/learn/notices/{notice.pk}/read/", {}),
        ("/learn/edit/new/", {"title": "t", "slug": "t", "summary": "s", "body": "b"}),
        ("/learn/edit/aftereffects/", {"title": "t", "slug": "aftereffects", "summary": "s", "body": "b"}),
    ]


def test_every_library_write_needs_the_csrf_token(seeded: SimpleNamespace) -> None:
    Commenter.objects.create(user=seeded.user, display_name="Tester")
    Commenter.objects.create(user=seeded.editor, display_name="Editor Kim")
    article = Article.objects.get(slug="protecting-the-eye")
    comment = Comment.objects.create(article=article, author=seeded.user, display_name="Tester", body="mine",
                                     status="visible")
    reply = Comment.objects.create(article=article, author=seeded.editor, display_name="Editor Kim", body="re",
                                   parent=comment, status="visible")
    notice = Notice.objects.create(recipient=seeded.user, reply=reply)
    for user in (seeded.user, seeded.editor):
        c = Client(enforce_csrf_checks=True)
        c.force_login(user)
        for url, data in _csrf_posts(seeded, comment, notice):
            assert c.post(url, data).status_code == 403, url
    comment.refresh_from_db()
    assert comment.body == "mine" and not comment.deleted and comment.status == "visible"
    assert Comment.objects.count() == 2 and Article.objects.count() == 9


def test_no_patient_identifier_on_any_public_page(db: Any) -> None:
    """Seed the demo, give every patient user comments, then grep every public page for every identifier."""
    from facenerve.web.clinic.demo import load_demo

    load_demo()
    team = CareTeam.objects.get(name="Demo facial nerve clinic")
    for i in range(3):
        patient, _ = make_patient(f"PX-{i:04d}-ZQ", team)
        make_user(f"user-px-{i}", "patient", patient)
    articles = list(Article.objects.all())
    from django.contrib.auth import get_user_model

    for n, user in enumerate(get_user_model().objects.filter(profile__role="patient")):
        Commenter.objects.create(user=user, display_name=f"Reader {n}")
        for article in articles[:3]:
            Comment.objects.create(article=article, author=user, display_name=f"Reader {n}", body="hello",
                                   status="visible")
    identifiers = list(Patient.objects.values_list("identifier", flat=True))
    assert "DEMO-001" in identifiers
    urls = ["/learn/", "/learn/references/", "/learn/feed/", "/learn/search/?q=eye"]
    urls += [f"/learn/articles/{a.slug}/" for a in articles]
    urls += [f"/learn/topics/{slug}/" for slug in ("understanding", "treatment", "recovery", "care", "living")]
    reader = Client()
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for identifier in identifiers:
            assert identifier not in text, (url, identifier)
        for name in ("demo-patient", "user-px-"):
            assert name not in text, (url, name)
