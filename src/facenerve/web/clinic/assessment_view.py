"""What the assessment page shows: the chosen photo large, a contact sheet of the session, human-labelled measures,
warnings about the session (identical photos) and the automated and clinician scores with their labels.

Display only: every figure comes from the stored engine documents and scale results.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

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
    def scale_text(self) -> str:
        """E.g. "0.12 mm per pixel, from both irises"."""
        scale = self.doc.get("scale") or {}
        if not scale:
            return "no scale"
        return f"{scale.get('mm_per_px')} mm per pixel, {labels.scale_source(scale.get('source'))}"


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


def auto_scores(engine_result: dict[str, Any]) -> list[dict[str, Any]]:
    """The session's automated estimates: scale title, headline in words, missing items by label, derivation."""
    from facenerve.scales.auto import HEADLINES

    rows = []
    for name, doc in (engine_result.get("scores") or {}).items():
        if not isinstance(doc, dict):
            continue
        headline = HEADLINES.get(name, "")
        value = doc.get(headline)
        rows.append({
            "name": name, "title": labels.scale(name), "headline": labels.score(headline),
            "value": labels.house_brackmann(value) if name == "house_brackmann" and value is not None else value,
            "missing": [labels.item(name, str(k)) for k in doc.get("missing") or []],
            "derivation": readable(name, doc.get("derivation") or []), "sources": doc.get("sources") or [],
        })
    return rows


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
    by their labels."""
    from facenerve.scales import SCALES

    spec = SCALES.get(scale)
    keys = sorted({i.key for i in spec.items} if spec else set(), key=len, reverse=True)
    names = sorted(labels.MEASURES, key=len, reverse=True)
    out = []
    for line in lines:
        text = str(line)
        for key in keys:
            pattern = rf"(?<![\w.]){re.escape(key)}(?![\w.])" if ("_" in key or "." in key) else \
                rf"(?<![\w.]){re.escape(key)}(?= =)"
            text = re.sub(pattern, labels.item(scale, key).replace("\\", r"\\"), text)
        for name in names:
            if "_" in name or (name.isalnum() and not name.isalpha()):
                text = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w.])", labels.measure(name), text)
        out.append(text)
    return out


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
