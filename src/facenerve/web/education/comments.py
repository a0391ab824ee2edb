"""The comment rules: posting (moderation of new accounts, rate limits), editing, deleting, reports, notices.

Each refusal is a :class:`CommentError` with an HTTP status and a one-line message for the reader.
"""

# mypy: allow-untyped-decorators

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from facenerve.web.education import access
from facenerve.web.education.models import Article, Comment, Commenter, CommentStatus, Notice, Report

MAX_LENGTH = 2000
EDIT_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Limits:
    """Comment limits (settings may override each): moderation of new accounts and the rate limits."""

    moderated_first: int = 3
    window_s: int = 600
    per_user: int = 5
    per_address: int = 20
    reports_per_user: int = 20


def limits() -> Limits:
    base = Limits()
    return Limits(**{k: int(getattr(settings, f"FACENERVE_COMMENTS_{k.upper()}", v)) for k, v in vars(base).items()})


class CommentError(Exception):
    """A refused comment action: ``status`` is the HTTP status, ``message`` the reader's one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _clean_body(body: str) -> str:
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise CommentError(400, "The comment is empty.")
    if len(body) > MAX_LENGTH:
        raise CommentError(400, f"A comment can be at most {MAX_LENGTH} characters (this one has {len(body)}).")
    return body


def _check_rate(user: Any, address: str) -> None:
    rules = limits()
    since = timezone.now() - timedelta(seconds=rules.window_s)
    recent = Comment.objects.filter(created_at__gte=since)
    if recent.filter(author=user).count() >= rules.per_user or (
        address and recent.filter(address=address).count() >= rules.per_address
    ):
        minutes = max(1, rules.window_s // 60)
        raise CommentError(429, f"You have posted a lot in a short time. Please wait up to {minutes} minutes.")


def _initial_status(user: Any) -> str:
    """Clinicians post straight away; a new account's first comments wait for an editor."""
    if access.is_clinician(user):
        return str(CommentStatus.VISIBLE)
    approved = Comment.objects.filter(author=user, status=CommentStatus.VISIBLE).count()
    return str(CommentStatus.VISIBLE if approved >= limits().moderated_first else CommentStatus.PENDING)


def notify(reply: Comment) -> None:
    """A visible reply to a patient's comment becomes a notice for that patient."""
    parent = reply.parent
    if parent is None or reply.status != CommentStatus.VISIBLE or parent.author_id == reply.author_id:
        return
    if access.is_patient(parent.author):
        Notice.objects.get_or_create(recipient=parent.author, reply=reply)


@transaction.atomic
def post(article: Article, user: Any, body: str, address: str, parent: Comment | None = None) -> Comment:
    """Post ``body`` on ``article`` (as a reply to ``parent`` if given) under the user's display name."""
    if not access.can_comment(user):
        raise CommentError(403, "Only patients and clinicians can comment.")
    commenter = Commenter.objects.filter(user=user).first()
    if commenter is None:
        raise CommentError(400, "Choose a display name before you comment.")
    body = _clean_body(body)
    if parent is not None:
        if parent.article_id != article.pk:
            raise CommentError(400, "That comment belongs to another article.")
        parent = parent.parent or parent  # replies are one level deep
    _check_rate(user, address)
    comment: Comment = Comment.objects.create(
        article=article, parent=parent, author=user, display_name=commenter.display_name,
        by_clinician=access.is_clinician(user), body=body, status=_initial_status(user), address=address[:64],
    )
    notify(comment)
    return comment


def _own(comment: Comment, user: Any) -> None:
    if comment.author_id != getattr(user, "pk", None):
        raise CommentError(403, "Only the author can change this comment.")
    if comment.deleted:
        raise CommentError(400, "This comment was deleted.")


def can_edit(comment: Comment, user: Any, now: Any = None) -> bool:
    """The author may edit a comment for 15 minutes after posting it."""
    now = now or timezone.now()
    return comment.author_id == getattr(user, "pk", None) and not comment.deleted and (
        now - comment.created_at <= EDIT_WINDOW)


def edit(comment: Comment, user: Any, body: str) -> Comment:
    """Change the text of one's own comment within the edit window."""
    _own(comment, user)
    if not can_edit(comment, user):
        raise CommentError(403, "A comment can only be edited in the first 15 minutes. You can still delete it.")
    comment.body = _clean_body(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


def delete(comment: Comment, user: Any) -> Comment:
    """Delete one's own comment at any time: the text goes, "comment deleted" stays in the thread."""
    _own(comment, user)
    comment.deleted = True
    comment.body = ""
    comment.save(update_fields=["deleted", "body", "body_html"])
    Notice.objects.filter(reply=comment).delete()
    return comment


def report(comment: Comment, user: Any, reason: str) -> Report:
    """Any logged-in reader reports a comment once; an editor then looks at it."""
    if comment.author_id == user.pk:
        raise CommentError(400, "You cannot report your own comment.")
    since = timezone.now() - timedelta(days=1)
    if Report.objects.filter(reporter=user, created_at__gte=since).count() >= limits().reports_per_user:
        raise CommentError(429, "You have sent many reports today. Please try again tomorrow.")
    found: Report
    found, _ = Report.objects.get_or_create(comment=comment, reporter=user, defaults={"reason": reason.strip()[:300]})
    return found


MODERATION_ACTIONS = {"approve": CommentStatus.VISIBLE, "hide": CommentStatus.HIDDEN}


@transaction.atomic
def moderate(comment: Comment, editor: Any, action: str) -> Comment:
    """Approve or hide a comment; the open reports on it are answered with the same outcome."""
    if action not in MODERATION_ACTIONS:
        raise CommentError(400, "Unknown moderation action.")
    comment.status = MODERATION_ACTIONS[action]
    comment.save(update_fields=["status"])
    comment.reports.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=editor, outcome="kept" if action == "approve" else "hidden"
    )
    if comment.status == CommentStatus.VISIBLE:
        notify(comment)
    return comment
