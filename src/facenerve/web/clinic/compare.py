"""Two visits side by side: for each expression both photos aligned on the pupils at one mm scale (``aligned.py``)
and the change of each measure (sign and unit), and the change of each summary figure and grade. Display only:
differences of stored figures, no clinical logic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from facenerve import labels
from facenerve.protocol import Expression
from facenerve.web.clinic import aligned
from facenerve.web.clinic.models import Assessment, AssessmentPhoto, Treatment

SUMMARY_KEYS = ("asymmetry_index_mm", "house_brackmann", "sunnybrook_composite", "eface_total", "synkinesis_score",
                "lagophthalmos_mm")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    change: str
    unit: str = ""


@dataclass(frozen=True)
class PhotoSide:
    """One visit's photo of an expression: aligned on the pupils when it can be, else why not (``note``)."""

    taken_on: date
    photo: AssessmentPhoto | None
    aligned: bool = False
    note: str = ""
    scale_source: str = ""


@dataclass(frozen=True)
class ExpressionPair:
    expression: str
    label: str
    before: AssessmentPhoto | None
    after: AssessmentPhoto | None
    changes: list[Change] = field(default_factory=list)
    sides: tuple[PhotoSide, ...] = ()

    @property
    def both_aligned(self) -> bool:
        return len(self.sides) == 2 and all(s.aligned for s in self.sides)


def nearest_around(treatment: Treatment, assessments: list[Assessment]) -> tuple[Assessment | None, Assessment | None]:
    """The last visit on or before the treatment's start and the first one after it."""
    before = [a for a in assessments if a.taken_on <= treatment.start]
    after = [a for a in assessments if a.taken_on > treatment.start]
    key = lambda a: (a.taken_on, a.pk)  # noqa: E731
    return (max(before, key=key) if before else None, min(after, key=key) if after else None)


def summary_changes(a: Assessment, b: Assessment) -> list[Change]:
    rows = []
    for key in SUMMARY_KEYS:
        first, second = getattr(a, key), getattr(b, key)
        if first is None and second is None:
            continue
        if key == "house_brackmann":
            step = "—" if first is None or second is None else _signed(second - first, " grade")
            rows.append(Change(labels.measure(key), labels.house_brackmann(first) or "—",
                               labels.house_brackmann(second) or "—", step))
            continue
        unit = labels.unit(labels.SUMMARY_UNITS.get(key, ""))
        rows.append(Change(labels.measure(key), labels.value(key, first), labels.value(key, second),
                           "—" if first is None or second is None else _signed(second - first, ""),
                           unit if unit in ("mm", "mm²") else "points"))
    return rows


def pairs(a: Assessment, b: Assessment) -> list[ExpressionPair]:
    """One pair per expression photographed at either visit, in protocol order."""
    first = {p.expression: p for p in a.photos.all()}
    second = {p.expression: p for p in b.photos.all()}
    found = []
    for expression in Expression:
        x, y = first.get(expression.value), second.get(expression.value)
        if x is None and y is None:
            continue
        found.append(ExpressionPair(expression.value, labels.expression(expression.value), x, y, _metric_changes(x, y),
                                    (photo_side(a.taken_on, x), photo_side(b.taken_on, y))))
    return found


def photo_side(taken_on: date, photo: AssessmentPhoto | None) -> PhotoSide:
    if photo is None:
        return PhotoSide(taken_on, None, note="No photo of this expression at this visit.")
    alignment, note = aligned.alignment_of(photo)
    source = str(((photo.result or {}).get("scale") or {}).get("source") or "")
    return PhotoSide(taken_on, photo, alignment is not None, note, source)


def _metric_changes(x: AssessmentPhoto | None, y: AssessmentPhoto | None) -> list[Change]:
    mx = ((x.result or {}).get("metrics") or {}) if x else {}
    my = ((y.result or {}).get("metrics") or {}) if y else {}
    rows = []
    for name in [n for n in labels.MEASURES if n in mx or n in my]:
        unit = labels.unit(str((mx.get(name) or my.get(name) or {}).get("unit") or ""))
        for side in ("right", "left"):
            v1, v2 = (mx.get(name) or {}).get(side), (my.get(name) or {}).get(side)
            if v1 is None and v2 is None:
                continue
            rows.append(Change(f"{labels.measure(name)}, patient's {side}", _num(v1), _num(v2),
                               "—" if v1 is None or v2 is None else _signed(float(v2) - float(v1), ""), unit))
    return rows


def _num(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def _signed(delta: float, suffix: str) -> str:
    if abs(delta) < 0.05:
        return "no change"
    text = f"{delta:+.0f}" if float(delta).is_integer() else f"{delta:+.1f}"
    return text.replace("-", "−") + suffix
