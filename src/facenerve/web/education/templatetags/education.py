"""Template tags the clinic pages use: an alert's article link, and the patient's reading and reply notices."""

# mypy: allow-untyped-decorators

from __future__ import annotations

from typing import Any

from django import template

from facenerve.web.education import access, links
from facenerve.web.education.models import CommentStatus, Notice

register = template.Library()


@register.simple_tag
def alert_article(rule: str) -> links.ArticleLink | None:
    """The article explaining an alert of ``rule``, or None."""
    return links.for_rule(str(rule))


def _has_synkinesis(view: Any) -> bool:
    alerts = getattr(view.care, "alerts", []) if view is not None else []
    scores = [a.synkinesis_score for a in (view.assessments if view is not None else []) if a.synkinesis_score]
    return any(a.get("rule") == "synkinesis" for a in alerts) or bool(scores)


@register.inclusion_tag("education/_patient_panel.html", takes_context=True)
def education_panel(context: template.Context, view: Any, days_since_onset: int | None) -> dict[str, Any]:
    """For a patient viewing their own page: unread replies to their comments, and articles for their stage."""
    user = context.get("user")
    if not access.is_patient(user):
        return {"show": False}
    notices = list(Notice.objects.filter(recipient=user, read_at__isnull=True, reply__deleted=False,
                                         reply__status=CommentStatus.VISIBLE)
                   .select_related("reply", "reply__article")[:10])
    return {"show": True, "notices": notices, "csrf_token": context.get("csrf_token"),
            "suggested": links.for_stage(days_since_onset, _has_synkinesis(view))}
