"""Editor pages: the moderation queue (pending comments, open reports), and writing and publishing articles."""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from facenerve.web.education import access, comments
from facenerve.web.education.articles import ArticleError, save_article
from facenerve.web.education.forms import ArticleForm
from facenerve.web.education.models import Article, Comment, CommentStatus
from facenerve.web.education.views import error

View = Callable[..., HttpResponse]


def editor_only(view: View) -> View:
    """Logged-in editors only: others get 403 (anonymous readers are sent to log in)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access.is_editor(request.user):
            return error(request, 403, "Only editors can do this.")
        return view(request, *args, **kwargs)

    checked: View = wrapped
    return checked


@editor_only
def moderation(request: HttpRequest) -> HttpResponse:
    """Comments waiting for approval and comments with open reports."""
    waiting = Comment.objects.filter(status=CommentStatus.PENDING, deleted=False).select_related("article")
    reported = (Comment.objects.filter(reports__resolved_at__isnull=True).annotate(
        open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True))).select_related("article")
        .prefetch_related("reports"))
    rows = [(c, mark_safe(c.body_html)) for c in waiting.order_by("created_at")[:200]]  # sanitised when saved
    flagged = [(c, mark_safe(c.body_html)) for c in reported.order_by("created_at")[:200]]
    return render(request, "education/moderation.html", {"waiting": rows, "reported": flagged})


@editor_only
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or hide a comment (``action``); its open reports are answered with the outcome."""
    found = get_object_or_404(Comment, pk=pk)
    try:
        comments.moderate(found, request.user, str(request.POST.get("action", "")))
    except comments.CommentError as exc:
        return error(request, exc.status, exc.message, reverse("education:moderation"))
    return redirect("education:moderation")


@editor_only
def article_list(request: HttpRequest) -> HttpResponse:
    """Every article, drafts included."""
    articles = Article.objects.select_related("category").order_by("status", "title")
    return render(request, "education/editor_list.html", {"articles": articles})


@editor_only
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Write or change an article; "Save draft" or "Publish". Every save keeps a version."""
    found = get_object_or_404(Article, slug=slug) if slug else None
    form = ArticleForm(request.POST or None, instance=found)
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = form.save(commit=False)
                save_article(saved, request.user, publish=request.POST.get("publish") == "1")
            except ArticleError as exc:
                form.add_error("body", str(exc))
            else:
                return redirect("education:article_edit", slug=saved.slug)
        return render(request, "education/editor_form.html", {"form": form, "article": found}, status=400)
    versions = list(found.versions.select_related("edited_by")[:20]) if found else []
    return render(request, "education/editor_form.html", {"form": form, "article": found, "versions": versions})
