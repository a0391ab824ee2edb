"""Template filters that show keys as people read them (:mod:`facenerve.labels`), dates in one format, and source
keys as links to the references page.

``{% load labels %}`` then ``{{ name|measure }}``, ``{{ grade|hb }}``, ``{{ a.taken_on|day }}``,
``{{ a.sources|sources }}``.
"""

# mypy: allow-untyped-decorators
# (Django ships no type hints; its filter decorator keeps the signature it wraps.)

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from facenerve import labels

register = template.Library()
REFERENCES_URL = "/learn/references/"
_KEY = re.compile(r"S\d{1,3}")
#: A bracketed source note in a derivation line: ``[S10, S12; provisional]``, ``[S6; V2]``, ``[V2]``.
_BRACKET = re.compile(r"\[([^\[\]]*\b(?:S\d{1,3}|V\d)\b[^\[\]]*)\]")
#: The reference's tag for a value found only in a secondary summary (docs/scales.md, "Provisional").
SECONDARY_TAG = "found only in a secondary summary or open-source code, not yet in the primary paper"

register.filter("measure", labels.measure)
register.filter("unit", labels.unit)
register.filter("expression_label", labels.expression)
register.filter("treatment_label", labels.treatment)
register.filter("scale_title", labels.scale)
register.filter("score_label", labels.score)
register.filter("scale_source", labels.scale_source)
register.filter("backend_label", labels.backend)


@register.filter
def own_source(summary_sources: Any, key: str) -> str:
    """``{{ a.summary_sources|own_source:"eface_total" }}``: how a figure was found, in the patient's words."""
    from facenerve.web.clinic.plain import own_source as said

    return said(summary_sources if isinstance(summary_sources, dict) else None, key)
register.filter("hb", labels.house_brackmann)
register.filter("day", labels.day)


@register.filter
def asymmetry_call(asymmetry: Any) -> str:
    """``{{ doc.asymmetry|asymmetry_call }}``: a photo's side call with its severity, in one honest phrase."""
    a = asymmetry or {}
    return labels.asymmetry_call(a.get("affected_side"), a.get("confidence"), a.get("severity"))


@register.filter
def item_label(key: str, scale: str) -> str:
    """``{{ key|item_label:scale_name }}``: a scale item's label."""
    return labels.item(scale, key)


@register.filter
def figure(raw: Any, key: str) -> str:
    """``{{ value|figure:"house_brackmann" }}``: a summary figure with its unit, grades in roman numerals."""
    return labels.value(key, raw)


@register.filter
def source_badge(summary_sources: Any, key: str) -> SafeString:
    """``{{ a.summary_sources|source_badge:"house_brackmann" }}``: a badge saying how the figure was found
    (automated estimate, imported from another record); nothing for a clinician's entry or no record."""
    found = (summary_sources or {}).get(key) if isinstance(summary_sources, dict) else None
    if found not in labels.SOURCES or found == "clinician":
        return format_html("")
    return format_html(' <span class="badge">{}</span>', labels.source(found))


@register.filter
def source_mark(summary_sources: Any, key: str) -> SafeString:
    """``{{ a.summary_sources|source_mark:"eface_total" }}``: a short mark for a table cell (``auto``,
    ``imported``), its title the full label."""
    found = (summary_sources or {}).get(key) if isinstance(summary_sources, dict) else None
    if found not in labels.SOURCES or found == "clinician":
        return format_html("")
    return format_html('<sup title="{}">{}</sup>', labels.source(found),
                       "auto" if found == "automated" else "imported")


@register.filter
def sources(keys: str | Iterable[str] | None) -> SafeString:
    """Source keys (``"S41, S34"`` or a list) as links to their entry on the references page."""
    text = keys if isinstance(keys, str) else ", ".join(str(k) for k in keys or ())
    found = _KEY.findall(text)
    if not found:
        return format_html("{}", text)
    return format_html_join(", ", '<a class="ref" href="{}#{}">{}</a>', ((REFERENCES_URL, k, k) for k in found))


def _link_keys(note: str) -> str:
    linked = _KEY.sub(lambda m: f'<a class="ref" href="{REFERENCES_URL}#{m.group(0)}">{m.group(0)}</a>', note)
    return re.sub(r"\bV\d\b", f'<abbr title="{SECONDARY_TAG}">secondary source</abbr>', linked)


@register.filter
def derivation(line: Any) -> SafeString:
    """A derivation line for people: its text escaped, its bracketed source keys (``[S6; V2]``) as links to the
    references page, the secondary-source tag in words."""
    text = str(conditional_escape(str(line)))
    return mark_safe(_BRACKET.sub(lambda m: f"[{_link_keys(m.group(1))}]", text))  # the text was escaped above


@register.filter
def overdue(due: str | date | None, today: date) -> bool:
    """True when an alert's due date (ISO text or a date) is before ``today``."""
    if not due:
        return False
    try:
        when = due if isinstance(due, date) else date.fromisoformat(str(due)[:10])
    except ValueError:
        return False
    return when < today


@register.filter
def plain_muscle(treatment: Any) -> str:
    """``{{ t|plain_muscle }}``: a treatment's muscle with what it does, for the patient's summary."""
    from facenerve.web.clinic.plain import muscle

    return muscle(str(treatment.muscle), str(treatment.get_muscle_display()))
