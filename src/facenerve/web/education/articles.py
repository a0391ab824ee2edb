"""Saving articles (every save keeps a version) and loading the bundled first set of articles."""

# mypy: allow-untyped-decorators

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils import timezone

from facenerve.web.education.models import Article, ArticleStatus, ArticleVersion, Category
from facenerve.web.education.references import is_known
from facenerve.web.education.render import cited_keys

#: The library's sections: (slug, name, parent slug or None, description).
CATEGORIES: tuple[tuple[str, str, str | None, str], ...] = (
    ("understanding", "Understanding facial palsy", None, "What facial palsy is and how it shows."),
    ("about-bells-palsy", "Bell's palsy", "understanding", "Facial palsy without another cause."),
    ("treatment", "Treatment", None, "What helps, and what the evidence says."),
    ("first-days", "The first days", "treatment", "Steroids and antivirals in the first 72 hours."),
    ("eye-care", "Eye care", "treatment", "Protecting an eye that does not close."),
    ("other-therapies", "Other therapies", "treatment", "Acupuncture, electrical stimulation and massage."),
    ("recovery", "Recovery", None, "How recovery goes and what can be left."),
    ("facial-paralysis", "Facial paralysis", "recovery", "How long recovery takes."),
    ("exercises", "Exercises and physiotherapy", "recovery", "Retraining and judging progress."),
    ("aftereffects", "Aftereffects", "recovery", "Synkinesis, spasm and twitching, and their treatments."),
    ("care", "Getting care", None, "Specialists, tests and referral."),
    ("specialists", "Specialists and tests", "care", "When to see a specialist."),
    ("living", "Living with facial palsy", None, "Everyday life, other people, and later help."),
    ("everyday-life", "Everyday life", "living", "Eating, talking, sleep and social life."),
)


class ArticleError(ValueError):
    """An article cannot be saved as given (e.g. it cites a key missing from the references)."""


def unknown_citations(body: str) -> list[str]:
    """Keys cited in ``body`` that are not in the bundled reference list."""
    return [k for k in cited_keys(body) if not is_known(k)]


@transaction.atomic
def save_article(article: Article, editor: Any, *, publish: bool) -> ArticleVersion:
    """Save ``article`` (its sources taken from its citations) and keep the new state as a version.

    Publishing sets the published date the first time and the updated date every time.
    """
    if missing := unknown_citations(article.body):
        raise ArticleError(f"unknown reference keys: {', '.join(missing)}")
    article.sources = cited_keys(article.body)
    now = timezone.now()
    if publish:
        article.status = ArticleStatus.PUBLISHED
        article.published_at = article.published_at or now
        article.updated_at = now
    if article.author_id is None and editor is not None and article.pk is None:
        article.author = editor
        article.author_name = editor.get_full_name() or article.author_name
    article.save()
    last = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version: ArticleVersion = ArticleVersion.objects.create(
        article=article, number=last + 1, title=article.title, summary=article.summary, body=article.body,
        sources=article.sources, status=article.status, edited_by=editor,
    )
    return version


@dataclass(frozen=True)
class BundledArticle:
    slug: str
    title: str
    category: str
    summary: str
    body: str


def parse_bundled(text: str) -> BundledArticle:
    """One bundled article file: a ``---`` header of ``key: value`` lines, then the Markdown body."""
    _, header, body = text.split("---\n", 2)
    fields = {}
    for line in header.strip().splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip().strip('"')
    return BundledArticle(fields["slug"], fields["title"], fields["category"], fields["summary"], body.strip() + "\n")


def bundled_articles() -> list[BundledArticle]:
    """The first set of articles shipped with the package, in file order."""
    folder = resources.files("facenerve.web.education").joinpath("content")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".md")), key=lambda f: f.name)
    return [parse_bundled(f.read_text("utf-8")) for f in files]


def ensure_categories() -> dict[str, Category]:
    """Create the library's sections if missing; return them by slug."""
    found: dict[str, Category] = {}
    for position, (slug, name, parent, description) in enumerate(CATEGORIES):
        found[slug], _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "parent": found.get(parent or ""), "description": description,
                                 "position": position},
        )
    return found


@transaction.atomic
def load_library() -> int:
    """Create the sections and publish each bundled article not yet in the database; return how many were added.

    An article already present (perhaps edited since) is left as it is.
    """
    categories = ensure_categories()
    existing = set(Article.objects.values_list("slug", flat=True))
    added = 0
    for item in bundled_articles():
        if item.slug in existing:
            continue
        article = Article(slug=item.slug, title=item.title, category=categories[item.category],
                          summary=item.summary, body=item.body)
        save_article(article, None, publish=True)
        added += 1
    return added
