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
#: Which way each summary figure improves, by its definition (a grade's change says it in words instead): more
#: asymmetry, synkinesis or lid gap is worse; a higher Sunnybrook composite or eFACE total is better.
BETTER_WHEN = {"asymmetry_index_mm": "lower is better", "sunnybrook_composite": "higher is better",
               "eface_total": "higher is better", "synkinesis_score": "lower is better",
               "lagophthalmos_mm": "lower is better"}


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


def _key(a: Assessment) -> tuple[date, int]:
    return (a.taken_on, a.pk)


def nearest_around(treatment: Treatment, assessments: list[Assessment],
                   with_photos: set[int] | None = None) -> tuple[Assessment | None, Assessment | None]:
    """The last visit on or before the treatment's start and the first one after it; with ``with_photos`` (the ids
    of visits that have photos) the nearest such visits on each side, else the nearest visits at all."""
    before = [a for a in assessments if a.taken_on <= treatment.start]
    after = [a for a in assessments if a.taken_on > treatment.start]
    if with_photos is not None:
        before = [a for a in before if a.pk in with_photos] or before
        after = [a for a in after if a.pk in with_photos] or after
    return (max(before, key=_key) if before else None, min(after, key=_key) if after else None)


def latest_pair(assessments: list[Assessment], with_photos: set[int]) -> tuple[Assessment, Assessment] | None:
    """The default comparison: the two latest visits with photos, else the two latest visits."""
    ordered = sorted(assessments, key=_key)
    photographed = [a for a in ordered if a.pk in with_photos]
    chosen = photographed[-2:] if len(photographed) >= 2 else ordered[-2:]
    return (chosen[0], chosen[1]) if len(chosen) == 2 else None


def skipped_note(first: Assessment | None, second: Assessment | None, assessments: list[Assessment],
                 with_photos: set[int], *, low: date | None = None, high: date | None = None) -> str:
    """Says so when visits without photos were passed over to reach the chosen pair (between ``low`` and ``high``,
    the window the choice looked in; by default after the later chosen visit)."""
    if first is None or second is None:
        return ""
    passed = [a for a in assessments if a.pk not in with_photos and a.pk not in (first.pk, second.pk)
              and (low is None or a.taken_on >= low) and (high is None or a.taken_on <= high)
              and (low is not None or high is not None or a.taken_on > first.taken_on)]
    if not passed:
        return ""
    days = ", ".join(labels.day(a.taken_on) for a in sorted(passed, key=_key))
    return (f"Showing the nearest visits with photos ({labels.day(first.taken_on)} and "
            f"{labels.day(second.taken_on)}); visits without photos ({days}) were passed over.")


def summary_changes(a: Assessment, b: Assessment) -> list[Change]:
    rows = []
    for key in SUMMARY_KEYS:
        first, second = getattr(a, key), getattr(b, key)
        if first is None and second is None:
            continue
        if key == "house_brackmann":
            rows.append(Change(labels.measure(key), labels.house_brackmann(first) or "—",
                               labels.house_brackmann(second) or "—", grade_change(first, second)))
            continue
        unit = labels.unit(labels.SUMMARY_UNITS.get(key, ""))
        before, after = labels.value(key, first), labels.value(key, second)
        rows.append(Change(f"{labels.measure(key)} ({BETTER_WHEN[key]})", before, after, shown_change(before, after),
                           unit if unit in ("mm", "mm²") else "points"))
    return rows


def grade_change(first: Any, second: Any) -> str:
    """A House–Brackmann change in words (a lower grade is better): "2 grades better (IV → II)"."""
    if first is None or second is None:
        return "—"
    steps = round(float(second) - float(first))
    if steps == 0:
        return "no change"
    way = "better" if steps < 0 else "worse"
    count = abs(steps)
    return (f"{count} grade{'s' if count > 1 else ''} {way} "
            f"({labels.house_brackmann(first)} → {labels.house_brackmann(second)})")


def shown_change(before: str, after: str) -> str:
    """The change between two figures as shown (``"9.4"``, ``"7.4 mm"``), computed from those shown values and given
    with as many decimals as they have, so the column never disagrees with the figures beside it."""
    a, b = _number(before), _number(after)
    if a is None or b is None:
        return "—"
    decimals = max(_decimals(before), _decimals(after))
    delta = round(b[0] - a[0], decimals)
    if delta == 0:
        return "no change"
    return f"{delta:+.{decimals}f}".replace("-", "−")


def _number(text: str) -> tuple[float, str] | None:
    head = text.split(" ")[0]
    try:
        return float(head), head
    except ValueError:
        return None


def _decimals(text: str) -> int:
    head = text.split(" ")[0]
    return len(head.split(".")[1]) if "." in head else 0


def pairs(a: Assessment, b: Assessment) -> list[ExpressionPair]:
    """One pair per expression photographed at either visit, in protocol order; a visit without any photo says so."""
    first = {p.expression: p for p in a.photos.all()}
    second = {p.expression: p for p in b.photos.all()}
    found = []
    for expression in Expression:
        x, y = first.get(expression.value), second.get(expression.value)
        if x is None and y is None:
            continue
        found.append(ExpressionPair(expression.value, labels.expression(expression.value), x, y, _metric_changes(x, y),
                                    (photo_side(a.taken_on, x, bool(first)), photo_side(b.taken_on, y, bool(second)))))
    return found


def photo_side(taken_on: date, photo: AssessmentPhoto | None, visit_has_photos: bool = True) -> PhotoSide:
    if photo is None:
        return PhotoSide(taken_on, None, note="No photo of this expression at this visit." if visit_has_photos
                         else "No photos at this visit.")
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
                               shown_change(_num(v1), _num(v2)), unit))
    return rows


def _num(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f}"

