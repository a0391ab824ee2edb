"""The Atom feed of published articles."""

# mypy: allow-subclassing-any

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from facenerve.web.education.models import Article, ArticleStatus


class LatestArticles(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = "FaceNerve patient library"
    link = "/learn/"
    subtitle = "Articles about facial palsy for patients, with their sources."

    def items(self) -> list[Article]:
        return list(Article.objects.filter(status=ArticleStatus.PUBLISHED).order_by("-updated_at")[:50])

    def item_title(self, item: Article) -> str:
        return str(item.title)

    def item_description(self, item: Article) -> str:
        return str(item.summary)

    def item_link(self, item: Article) -> str:
        return f"/learn/articles/{item.slug}/"

    def item_pubdate(self, item: Article) -> datetime | None:
        published: datetime | None = item.published_at
        return published

    def item_updateddate(self, item: Article) -> datetime | None:
        updated: datetime | None = item.updated_at
        return updated

    def item_author_name(self, item: Article) -> str:
        return str(item.author_name)
