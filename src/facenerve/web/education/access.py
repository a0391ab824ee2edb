"""Who may do what in the library: reading is public; comments need a login; editors are flagged clinicians."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from facenerve.web.accounts.models import ROLE_CLINICIAN, ROLE_PATIENT
from facenerve.web.clinic.access import role_of
from facenerve.web.education.models import Comment, CommentStatus, Editor


def is_clinician(user: Any) -> bool:
    return role_of(user) == ROLE_CLINICIAN


def is_patient(user: Any) -> bool:
    return role_of(user) == ROLE_PATIENT


def is_editor(user: Any) -> bool:
    """A clinician with the editor flag: writes, publishes and moderates."""
    return is_clinician(user) and Editor.objects.filter(user=user).exists()


def can_comment(user: Any) -> bool:
    """Patients and clinicians comment; anonymous readers and administrators do not."""
    return role_of(user) in (ROLE_CLINICIAN, ROLE_PATIENT)


def visible_comments(user: Any) -> QuerySet[Comment]:
    """The comments ``user`` may see: visible ones; their own pending or hidden ones; all of them for an editor."""
    comments = Comment.objects.all()
    if is_editor(user):
        return comments
    if user is not None and user.is_authenticated:
        return comments.filter(Q(status=CommentStatus.VISIBLE) | Q(author=user))
    return comments.filter(status=CommentStatus.VISIBLE)
