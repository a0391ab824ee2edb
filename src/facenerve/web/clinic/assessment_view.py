"""What the assessment page shows: the chosen photo large, a contact sheet of the session, human-labelled measures,
warnings about the session (identical photos) and the automated and clinician scores with their labels.

Display only: every figure comes from the stored engine documents and scale results.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from facenerve import labels
from facenerve.protocol import Expression
from facenerve.web.clinic.models import Assessment, AssessmentPhoto

_ORDER = {e.value: i for i, e in enumerate(Expression)}


@dataclass(frozen=True)
class MeasureRow:
    key: str
    label: str
    right: float | None
    left: float | None
    unit: str
    percent: float | None


@dataclass(frozen=True)
class PhotoCard:
    photo: AssessmentPhoto
    doc: dict[str, Any]
    label: str
    measures: list[MeasureRow] = field(default_factory=list)
    corrected: dict[str, Any] | None = None

    @property
    def expression(self) -> str:
        return str(self.photo.expression)

    @property
    def corrected_at(self) -> datetime | None:
        """When the landmarks were corrected, as a datetime in the clinic's time zone (stored as ISO text)."""
        return parsed_time((self.corrected or {}).get("at"))

    @property
    def scale_text(self) -> str:
        """E.g. "0.12 mm per pixel, from both irises"."""
        scale = self.doc.get("scale") or {}
        if not scale:
            return "no scale"
        return f"{scale.get('mm_per_px')} mm per pixel, {labels.scale_source(scale.get('source'))}"


def parsed_time(raw: Any) -> datetime | None:
    """An ISO timestamp stored in a document, as a datetime in the clinic's time zone (for ``labels.day``)."""
    try:
        when = datetime.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None
    return timezone.localtime(when) if when is not None and timezone.is_aware(when) else when


def photo_cards(assessment: Assessment) -> list[PhotoCard]:
    """The session's photos in protocol order (rest first), each with its measures labelled."""
    cards = []
    for photo in sorted(assessment.photos.all(), key=lambda p: (_ORDER.get(p.expression, 99), p.pk)):
        doc = photo.result or {}
        rows = [
            MeasureRow(name, labels.measure(name), m.get("right"), m.get("left"), labels.unit(m.get("unit")),
                       m.get("percent_of_reference"))
            for name, m in (doc.get("metrics") or {}).items()
        ]
        cards.append(PhotoCard(photo, doc, labels.expression(photo.expression), rows, doc.get("corrected")))
    return cards


def identical_photos(cards: list[PhotoCard]) -> list[str]:
    """One warning per group of photos that are the same picture (same file, or the same landmarks measured the
    same everywhere): a session of one photo uploaded under several expressions measures no movement."""
    groups: dict[Any, list[str]] = defaultdict(list)
    for card in cards:
        groups[("file", card.photo.image_sha256)].append(card.label)
    by_values: dict[Any, list[str]] = defaultdict(list)
    for card in cards:
        metrics = card.doc.get("metrics") or {}
        if metrics and card.photo.image_sha256 not in {c.photo.image_sha256 for c in cards if c is not card}:
            key = tuple(sorted((n, m.get("left"), m.get("right")) for n, m in metrics.items()))
            by_values[("values", key)].append(card.label)
    warnings = []
    for names in [*groups.values(), *by_values.values()]:
        if len(names) > 1:
            warnings.append(f"{len(names)} photos are the same picture ({', '.join(names)}): no movement can be "
                            "measured between them. Check that each expression was photographed.")
    return warnings


def chosen(cards: list[PhotoCard], wanted: str | None) -> PhotoCard | None:
    """The photo shown large: the one asked for, else the first measured one, else the first."""
    if not cards:
        return None
    return (next((c for c in cards if c.expression == wanted), None)
            or next((c for c in cards if c.photo.annotated_sha256), None) or cards[0])


#: The scale whose items an automated estimate uses, when it is not the scale it is named after: the automated
#: House–Brackmann grade is the quantitative method (brow and commissure movement in mm).
AUTO_ITEMS = {"house_brackmann": "house_brackmann_quantitative"}
#: Automated items an assessment's own record can hold: item key → the assessment's field.
RECORDED_ITEMS = {"eye_closure_complete": "eye_closure_complete"}


def auto_scores(engine_result: dict[str, Any], assessment: Assessment | None = None) -> list[dict[str, Any]]:
    """The session's automated estimates: scale title, headline in words, missing items by label, derivation.

    An item the photos could not measure but the clinician recorded on the assessment (eye closure) is not called
    missing: it goes to ``recorded`` with the clinician's value, and the estimate is said to be made without it."""
    from facenerve.scales.auto import HEADLINES

    rows = []
    for name, doc in (engine_result.get("scores") or {}).items():
        if not isinstance(doc, dict):
            continue
        items = AUTO_ITEMS.get(name, name)
        headline = HEADLINES.get(name, "")
        value = doc.get(headline)
        missing, recorded = [], []
        for key in (str(k) for k in doc.get("missing") or []):
            field_name = RECORDED_ITEMS.get(key)
            held = getattr(assessment, field_name, None) if assessment is not None and field_name else None
            if held is None:
                missing.append(labels.item(items, key))
            else:
                recorded.append(f"{labels.item(items, key)} (recorded by the clinician: "
                                f"{labels.value(field_name or key, held)})")
        rows.append({
            "name": name, "title": labels.scale(name), "headline": labels.score(headline),
            "value": labels.house_brackmann(value) if name == "house_brackmann" and value is not None else value,
            "missing": missing, "recorded": recorded, "partial": bool(doc.get("partial")),
            "derivation": readable(items, doc.get("derivation") or []), "sources": doc.get("sources") or [],
        })
    return rows


def automated_fallbacks(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """Summary figures the assessment's row leaves empty while the session's automated estimate holds one: column →
    ``{"value", "partial"}``. The Scores block shows them marked as automated estimates, so it never says "—" next to
    an estimate list that gives a figure."""
    from facenerve.web.clinic.photos import AUTOMATED_COLUMNS

    scores = (assessment.engine_result or {}).get("scores") or {}
    found: dict[str, dict[str, Any]] = {}
    for scale_name, key, column in AUTOMATED_COLUMNS:
        doc = scores.get(scale_name) or {}
        value = doc.get(key)
        if getattr(assessment, column, None) is None and isinstance(value, int | float) and not isinstance(value, bool):
            items = str(doc.get(f"{key}_items") or "")
            shown = labels.house_brackmann(value) if column == "house_brackmann" else f"{value:g}"  # as listed below
            found[column] = {"value": shown, "partial": bool(doc.get("partial")),
                             "items": items.replace(" (partial)", "")}
    return found


def side_sources(assessment: Assessment) -> str:
    """The affected side with each source named: what the assessment records and what the photos, pooled, found."""
    pooled = ((assessment.engine_result or {}).get("affected_side") or {}).get("pooled") or {}
    parts = []
    if assessment.affected_side in ("left", "right"):
        parts.append(f"recorded: patient's {assessment.affected_side}")
    side = pooled.get("side")
    if side:
        found = f"patient's {side}" if side in ("left", "right") else "no side beyond normal asymmetry"
        confidence = pooled.get("confidence")
        parts.append(f"photos pooled: {found}" + (f" (probability {confidence:.2f})"
                                                   if isinstance(confidence, int | float) else ""))
    return " · ".join(parts) or "—"


def scale_entries(entries: dict[str, Any]) -> list[dict[str, Any]]:
    """Clinician (or questionnaire) entries: title, headline label and value (House–Brackmann in roman numerals),
    the items by their labels, derivation and sources."""
    rows = []
    for name, entry in (entries or {}).items():
        result = entry.get("result") or {}
        headline = str(result.get("headline") or "")
        value = (result.get("scores") or {}).get(headline)
        if name.startswith("house_brackmann") and value is not None:
            value = labels.house_brackmann(value)
        items = [(labels.item(name, str(k)), v) for k, v in _flat(entry.get("items") or {}).items()]
        rows.append({"name": name, "title": labels.scale(name), "headline": labels.score(headline), "value": value,
                     "items": items, "derivation": readable(name, result.get("derivation") or []),
                     "sources": result.get("sources") or [], "provisional": bool(result.get("provisional"))})
    return rows


def readable(scale: str, lines: list[str]) -> list[str]:
    """Derivation lines with the scale's item keys (``eye_closure = 3``, ``resting.eye``) and metric names replaced
    by their labels, sides named as the patient's, and no repository path (``docs/metrics.md``): people read these.
    Source keys stay as written; the ``derivation`` template filter links them to the references page."""
    from facenerve.scales import SCALES

    spec = SCALES.get(scale)
    keys = sorted({i.key for i in spec.items} if spec else set(), key=len, reverse=True)
    parts = _part_labels(spec.items) if spec else {}
    names = sorted(labels.MEASURES, key=len, reverse=True)
    out = []
    for line in lines:
        text = str(line)
        for key in keys:
            pattern = rf"(?<![\w.]){re.escape(key)}(?![\w.])" if ("_" in key or "." in key) else \
                rf"(?<![\w.]){re.escape(key)}(?= =)"
            text = re.sub(pattern, labels.item(scale, key).replace("\\", r"\\"), text)
        for part in sorted(parts, key=len, reverse=True):  # "palpebral_fissure" of "static = mean of …"
            text = re.sub(rf"(?<![\w.]){re.escape(part)}(?![\w.])", parts[part].replace("\\", r"\\"), text)
        for name in names:
            if "_" in name or (name.isalnum() and not name.isalpha()):
                text = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w.])", labels.measure(name), text)
        out.append(plain(text))
    return out


_REPOSITORY_PATH = re.compile(r"\s*\((?:see )?docs/[\w./-]+\)|;?\s*\bdocs/[\w./-]+\.md\b")


def plain(text: str) -> str:
    """An engine sentence for people: no repository path, the pooled side call in words, sides the patient's."""
    text = _REPOSITORY_PATH.sub("", text)
    text = re.sub(r"\bpooled: none \(", "pooled: no side beyond normal asymmetry (", text)
    text = re.sub(r"\bpooled: (left|right) \(", r"pooled: patient's \1 (", text)
    return re.sub(r"\bgraded side (left|right)\b", r"graded side: patient's \1", text)


def _part_labels(items: Any) -> dict[str, str]:
    """The last part of dotted item keys (``static.palpebral_fissure`` → ``palpebral_fissure``) with a label, for
    derivation lines that name items within their group. A part shared by several items gets the label they share
    after their group (``voluntary.brow_lift``, ``synkinesis.brow_lift`` → "Brow lift (forehead wrinkle)")."""
    found: dict[str, set[str]] = defaultdict(set)
    for i in items:
        if "." in i.key:
            part = i.key.rsplit(".", 1)[1]
            if "_" in part:
                found[part].add(i.label.split(": ", 1)[1] if ": " in i.label else i.label)
    return {part: next(iter(texts)) if len(texts) == 1 else labels.humanise(part) for part, texts in found.items()}


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
