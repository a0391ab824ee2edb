"""Articles (with kept versions), categories, editors, and the comment thread with reports and reply notices."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

import math
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

WORDS_PER_MINUTE = 200  # reading speed for the "n min read" estimate (a product choice, not a clinical number)


class Category(models.Model):
    """A section of the library; categories nest (Recovery › Facial paralysis)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return " › ".join(c.name for c in self.path())

    def path(self) -> list[Category]:
        """This category and its ancestors, outermost first."""
        chain: list[Category] = []
        node: Category | None = self
        while node is not None and node not in chain:
            chain.insert(0, node)
            node = node.parent
        return chain


class Editor(models.Model):
    """The editor flag: a clinician who may write, publish and moderate."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_flag")
    granted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"editor {self.user}"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Article(models.Model):
    """One article: Markdown body, sources (keys of the references page), author and clinician reviewer."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    summary = models.CharField(max_length=400)
    body = models.TextField(help_text="Markdown; cite sources as [S34] or [S28, S34].")
    sources = models.JSONField(default=list, blank=True, help_text="Reference keys, e.g. [\"S28\", \"S34\"].")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_name = models.CharField(max_length=120, default="FaceNerve editorial team")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="The clinician who reviewed this version.")
    reviewer_name = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-published_at", "title")

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_published(self) -> bool:
        return bool(self.status == ArticleStatus.PUBLISHED)

    @property
    def reading_minutes(self) -> int:
        """Estimated reading time in whole minutes (at least one)."""
        return max(1, math.ceil(len(self.body.split()) / WORDS_PER_MINUTE))


class ArticleVersion(models.Model):
    """A saved state of an article; every save by an editor adds one."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400)
    body = models.TextField()
    sources = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=ArticleStatus.choices)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-number",)
        constraints: ClassVar = [models.UniqueConstraint(fields=("article", "number"), name="education_version_unique")]


class Commenter(models.Model):
    """The name a reader chose to comment under (never their user name or patient identifier by default)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commenter")
    display_name = models.CharField(max_length=40)
    display_name_key = models.CharField(max_length=40, unique=True, editable=False)

    def save(self, *args: object, **kwargs: object) -> None:
        self.display_name_key = self.display_name.casefold()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return str(self.display_name)


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Hidden by a moderator"


class Comment(models.Model):
    """A comment or a reply (one level of replies is shown under its parent)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    display_name = models.CharField(max_length=40)
    by_clinician = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False, help_text="The body rendered and sanitised once.")
    status = models.CharField(max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING)
    deleted = models.BooleanField(default=False)
    address = models.CharField(max_length=64, blank=True, help_text="Client address, kept for the rate limit.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        indexes: ClassVar = [models.Index(fields=("article", "status", "created_at"), name="education_thread_idx")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep ``body_html``: the body rendered and sanitised once, here, for every reader."""
        from facenerve.web.education.render import render_comment

        self.body_html = "" if self.deleted else render_comment(self.body)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.article_id}"


class Report(models.Model):
    """A reader's report of a comment; an editor resolves it (hide the comment, or keep it)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    outcome = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ("created_at",)
        constraints: ClassVar = [models.UniqueConstraint(fields=("comment", "reporter"), name="education_report_once")]


class Notice(models.Model):
    """"Someone replied to your comment": shown on the patient's home page until read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reply = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints: ClassVar = [models.UniqueConstraint(fields=("recipient", "reply"), name="education_notice_once")]
