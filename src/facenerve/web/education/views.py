"""Reading pages (public): library, category, article with its discussion, search, references.

Writing pages (login): display name, comment, edit, delete, report, notices. Comment rules live in
:mod:`comments`; who may do what in :mod:`access`.
"""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from facenerve.web.accounts.ratelimit import client_address
from facenerve.web.education import access, comments
from facenerve.web.education.forms import CommentForm, DisplayNameForm, ReportForm
from facenerve.web.education.models import Article, ArticleStatus, Category, Comment, Commenter, Notice
from facenerve.web.education.references import references
from facenerve.web.education.render import render_article
from facenerve.web.education.search import search as search_articles

THREAD_PAGE = 50  # top-level comments per page of a discussion


def _published() -> Any:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("category", "category__parent")


def error(request: HttpRequest, status: int, message: str, back: str = "") -> HttpResponse:
    """A one-line refusal page with the given status."""
    return render(request, "education/error.html", {"message": message, "back": back}, status=status)


def index(request: HttpRequest) -> HttpResponse:
    """The library: sections with their articles, and the latest articles."""
    counts = dict(_published().values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    tops = [c for c in Category.objects.filter(parent__isnull=True).prefetch_related("children")]
    sections = [(top, [(child, counts.get(child.pk, 0)) for child in top.children.all()]) for top in tops]
    latest = list(_published().order_by("-published_at", "title")[:10])
    return render(request, "education/index.html", {"sections": sections, "latest": latest})


def category(request: HttpRequest, slug: str) -> HttpResponse:
    """One section: its breadcrumbs, sub-sections and published articles (its own and its sub-sections')."""
    section = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    children = list(section.children.all())
    articles = _published().filter(Q(category=section) | Q(category__parent=section)).order_by("title")
    return render(request, "education/category.html",
                  {"section": section, "children": children, "articles": list(articles)})


@dataclass
class CommentView:
    """One comment as the reader sees it."""

    comment: Comment
    html: SafeString
    can_edit: bool
    can_delete: bool
    can_report: bool
    can_moderate: bool
    replies: list[CommentView] = field(default_factory=list)


def _thread(article: Article, user: Any, page: Any) -> tuple[list[CommentView], Any]:
    """One page of top-level comments (oldest first) with all their replies."""
    visible = access.visible_comments(user).filter(article=article)
    tops = Paginator(visible.filter(parent__isnull=True).order_by("created_at", "pk").values_list("pk", flat=True),
                     THREAD_PAGE).get_page(page)
    ids = list(tops.object_list)
    rows = list(visible.filter(Q(pk__in=ids) | Q(parent_id__in=ids)).order_by("created_at", "pk"))
    editor = access.is_editor(user)
    signed_in = access.can_comment(user)
    now = timezone.now()

    def view(c: Comment) -> CommentView:
        own = c.author_id == getattr(user, "pk", None)
        return CommentView(
            c, mark_safe("" if c.deleted else c.body_html),  # rendered and sanitised when saved
            can_edit=comments.can_edit(c, user, now), can_delete=own and not c.deleted,
            can_report=signed_in and not own and not c.deleted, can_moderate=editor,
        )

    top = {c.pk: view(c) for c in rows if c.parent_id is None}
    for c in rows:
        if c.parent_id is not None and c.parent_id in top:
            top[c.parent_id].replies.append(view(c))
    return list(top.values()), tops


def article(request: HttpRequest, slug: str) -> HttpResponse:
    """An article with its sources and discussion (editors may also preview drafts)."""
    found = get_object_or_404(Article.objects.select_related("category", "category__parent"), slug=slug)
    if not found.is_published and not access.is_editor(request.user):
        raise Http404("no such article")
    user = request.user
    sources = [references()[k] for k in found.sources if k in references()]
    thread, comment_page = _thread(found, user, request.GET.get("page"))
    context = {
        "thread": thread, "comment_page": comment_page,
        "article": found, "body": mark_safe(render_article(found.body)),
        "sources": sources, "can_comment": access.can_comment(user),
        "commenter": Commenter.objects.filter(user=user).first() if user.is_authenticated else None,
        "form": CommentForm(), "is_editor": access.is_editor(user),
    }
    return render(request, "education/article.html", context)


def search(request: HttpRequest) -> HttpResponse:
    """Full-text search over published articles."""
    query = request.GET.get("q", "").strip()[:200]
    hits = search_articles(query) if query else []
    return render(request, "education/search.html", {"query": query, "hits": hits})


def references_page(request: HttpRequest) -> HttpResponse:
    """Every source an article may cite, by key."""
    return render(request, "education/references.html", {"references": list(references().values())})


def _article_url(a: Article) -> str:
    return str(reverse("education:article", kwargs={"slug": a.slug}))


@login_required
@require_http_methods(["GET", "POST"])
def display_name(request: HttpRequest) -> HttpResponse:
    """Choose (or change) the name shown with one's comments."""
    if not access.can_comment(request.user):
        return error(request, 403, "Only patients and clinicians can comment.")
    current = Commenter.objects.filter(user=request.user).first()
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not next_url.startswith("/learn/"):
        next_url = reverse("education:index")
    if request.method == "POST":
        form = DisplayNameForm(request.POST, user=request.user)
        if form.is_valid():
            name = form.cleaned_data["display_name"]
            if current is None:
                Commenter.objects.create(user=request.user, display_name=name)
            else:
                current.display_name = name
                current.save()
            return redirect(next_url)
        status = 400
    else:
        form = DisplayNameForm(initial={"display_name": current.display_name if current else ""}, user=request.user)
        status = 200
    return render(request, "education/display_name.html", {"form": form, "next": next_url, "current": current},
                  status=status)


def _parent(request: HttpRequest, found: Article) -> Comment | None:
    """The comment a reply answers (``parent`` in the form), which the user must be able to see."""
    raw = str(request.POST.get("parent") or "")
    if not raw:
        return None
    parent = None
    if raw.isdigit() and len(raw) < 19:
        parent = access.visible_comments(request.user).filter(pk=int(raw), article=found, deleted=False).first()
    if not isinstance(parent, Comment):
        raise Http404("no such comment")
    return parent


@login_required
@require_POST
def comment_post(request: HttpRequest, slug: str) -> HttpResponse:
    """Post a comment or a reply; new accounts' first comments wait for an editor."""
    found = get_object_or_404(_published(), slug=slug)
    back = _article_url(found)
    if not access.can_comment(request.user):
        return error(request, 403, "Only patients and clinicians can comment.", back)
    if not Commenter.objects.filter(user=request.user).exists():
        return redirect(reverse("education:display_name") + f"?next={back}")
    parent = _parent(request, found)
    try:
        posted = comments.post(found, request.user, str(request.POST.get("body", "")), client_address(request),
                               parent)
    except comments.CommentError as exc:
        return error(request, exc.status, exc.message, back)
    return redirect(f"{back}#c{posted.pk}")


def _own_visible(request: HttpRequest, pk: int) -> Comment:
    found: Comment = get_object_or_404(access.visible_comments(request.user).select_related("article"), pk=pk)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one's own comment within 15 minutes of posting it."""
    found = _own_visible(request, pk)
    back = _article_url(found.article)
    if found.author_id != request.user.pk:
        return error(request, 403, "Only the author can change this comment.", back)
    if request.method == "POST":
        try:
            comments.edit(found, request.user, str(request.POST.get("body", "")))
        except comments.CommentError as exc:
            return error(request, exc.status, exc.message, back)
        return redirect(f"{back}#c{found.pk}")
    if not comments.can_edit(found, request.user):
        return error(request, 403, "A comment can only be edited in the first 15 minutes. You can still delete it.",
                     back)
    form = CommentForm(initial={"body": found.body})
    return render(request, "education/comment_edit.html", {"comment": found, "form": form, "back": back})


@login_required
@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one's own comment; "comment deleted" stays in the thread."""
    found = _own_visible(request, pk)
    try:
        comments.delete(found, request.user)
    except comments.CommentError as exc:
        return error(request, exc.status, exc.message, _article_url(found.article))
    return redirect(f"{_article_url(found.article)}#c{found.pk}")


@login_required
@require_POST
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a comment to the editors."""
    found = _own_visible(request, pk)
    back = _article_url(found.article)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return error(request, 400, "The reason can be at most 300 characters.", back)
    try:
        comments.report(found, request.user, form.cleaned_data["reason"])
    except comments.CommentError as exc:
        return error(request, exc.status, exc.message, back)
    return render(request, "education/reported.html", {"back": back})


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a reply notice as read (it leaves the home page)."""
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    notice.read_at = notice.read_at or timezone.now()
    notice.save(update_fields=["read_at"])
    return redirect("clinic:home")
