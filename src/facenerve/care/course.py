"""The course of an episode read from its assessments: each judgement is defined here, once.

Every judgement reads the whole series of a measure, and keeps apart values a clinician graded from values the
photo engine estimated (``AssessmentFacts.automated``): **an automated value may raise a concern but never settle
one** — it never establishes improvement or complete recovery, and never clears incomplete eye closure.

* **improvement** — for some measure, the latest clinician value is better than the worst clinician value before it
  by at least the measure's change threshold; or complete recovery is documented by a clinician.
* **worsening** (:func:`worsening`) — a value worse than the best value recorded before it by at least the change
  threshold. A clinician's value counts at once; an automated value only when the next value of the same measure
  is also that much worse than the same best (two visits agree), so one noisy photo is not a relapse.
* **progressing** (after a day) — a worsening whose worse value was recorded after that day.
* **relapse** — the latest values show a worsening (a later visit clearly worse than an earlier better one).
* **complete recovery** — the latest assessment a clinician graded is House–Brackmann I [S1, S34] and/or
  Sunnybrook composite 100 [S36] (every grade it carries must say so).
* **synkinesis present / emerging** — the latest Sunnybrook synkinesis subscore is ≥ 1 (an item graded mild or
  worse [S4]); emerging when it is the first recorded or higher than the lowest earlier one.
* **eye closure incomplete** — any sign of incomplete closure at the latest visit that shows one or that a
  clinician graded: closure marked incomplete, lagophthalmos > 0 mm, or House–Brackmann IV or worse [S2].

Change thresholds: one HB grade [S1]; asymmetry index 1.5 mm [S91]; Sunnybrook and eFACE 10 points are
FaceNerve conventions (provisional). See docs/care.md.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from facenerve.care import evidence as ev
from facenerve.care.facts import AssessmentFacts, EpisodeFacts, TreatmentFacts
from facenerve.labels import house_brackmann as house_brackmann_label


@dataclass(frozen=True)
class Measure:
    """A measure recorded in assessments: direction, smallest real change, bounds and complete-recovery value."""

    name: str
    label: str
    read: Callable[[AssessmentFacts], float | None]
    higher_is_better: bool
    change: float
    low: float
    high: float
    complete: float | None
    sources: tuple[str, ...]
    provisional: bool

    def show(self, value: float) -> str:
        """The value as people read it: a House–Brackmann grade in roman numerals, other numbers plainly."""
        if self.name == "house_brackmann" and float(value).is_integer() and 1 <= value <= 6:
            return house_brackmann_label(int(value))
        return f"{value:g}"

    def goodness(self, value: float) -> float:
        """The value signed so that larger is always better."""
        return value if self.higher_is_better else -value

    def better_by(self, a: float, b: float) -> float:
        """How much better ``a`` is than ``b`` in this measure's units (negative when worse)."""
        return self.goodness(a) - self.goodness(b)


HOUSE_BRACKMANN = Measure(
    "house_brackmann", "House–Brackmann grade", lambda a: a.house_brackmann, False,
    ev.HB_CHANGE_GRADES, 1, 6, ev.HB_COMPLETE_GRADE, ("S1", "S34"), False,
)
SUNNYBROOK = Measure(
    "sunnybrook_composite", "Sunnybrook composite", lambda a: a.sunnybrook_composite, True,
    ev.SUNNYBROOK_CHANGE_POINTS, -15, 100, ev.SUNNYBROOK_COMPLETE, ("S4", "S36"), True,
)
EFACE = Measure(
    "eface_total", "eFACE total", lambda a: a.eface_total, True,
    ev.EFACE_CHANGE_POINTS, 0, 100, None, ("S10",), True,
)
ASYMMETRY = Measure(
    "asymmetry_index_mm", "asymmetry index (mm)", lambda a: a.asymmetry_index_mm, False,
    ev.ASYMMETRY_CHANGE_MM, 0, math.inf, None, ("S91",), True,
)
_EPS = 1e-9  # float tolerance on change thresholds
MEASURES: tuple[Measure, ...] = (HOUSE_BRACKMANN, SUNNYBROOK, EFACE, ASYMMETRY)
MEASURES_BY_NAME = {m.name: m for m in MEASURES}

STEROIDS = frozenset({"prednisolone", "prednisone", "methylprednisolone", "dexamethasone", "steroid", "corticosteroid"})
ANTIVIRALS = frozenset({"valaciclovir", "valacyclovir", "aciclovir", "acyclovir", "famciclovir"})
RETRAINING_THERAPIES = frozenset({"physiotherapy", "facial_exercises", "biofeedback", "neuromuscular_retraining"})
"""Therapies that deliver the first step of synkinesis care, (biofeedback) retraining [S61]; acupuncture,
electrical stimulation and massage are not that step."""
REANIMATION_PROCEDURES = frozenset({
    "nerve_transfer", "masseteric_nerve_transfer", "hypoglossal_nerve_transfer", "cross_face_nerve_graft",
    "free_muscle_transfer", "gracilis_free_muscle_transfer", "temporalis_tendon_transfer",
})


@dataclass(frozen=True)
class Finding:
    """A judgement about the course: whether it holds, which measure showed it, and a one-line detail."""

    holds: bool
    detail: str
    measure: str | None = None
    provisional: bool = False


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def until(assessments: Sequence[AssessmentFacts], day: date) -> list[AssessmentFacts]:
    """Assessments on or before ``day``, oldest first."""
    return sorted((a for a in assessments if a.on <= day), key=lambda a: a.on)


def series(assessments: Sequence[AssessmentFacts], measure: Measure) -> list[tuple[date, float]]:
    """The (date, value) series of one measure, oldest first, skipping assessments that lack it."""
    points = [(a.on, measure.read(a)) for a in sorted(assessments, key=lambda a: a.on)]
    return [(on, float(value)) for on, value in points if value is not None]


def _fmt(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Point:
    """One value of a measure at a visit, and whether the photo engine estimated it."""

    on: date
    value: float
    automated: bool


def points_of(assessments: Sequence[AssessmentFacts], measure: Measure) -> list[Point]:
    """The series of one measure, oldest first, with each value's origin (clinician or automated)."""
    found = []
    for a in sorted(assessments, key=lambda a: a.on):
        value = measure.read(a)
        if value is not None:
            found.append(Point(a.on, float(value), measure.name in a.automated))
    return found


def _automated(assessments: Sequence[AssessmentFacts], fields: Sequence[str]) -> bool:
    """True when any of ``assessments`` carries one of ``fields`` as an automated (provisional) estimate."""
    return any(name in a.automated for a in assessments for name in fields)


def _graded(a: AssessmentFacts, clinician_only: bool) -> bool:
    fields = (HOUSE_BRACKMANN.name, SUNNYBROOK.name)
    present = [f for f, v in zip(fields, (a.house_brackmann, a.sunnybrook_composite), strict=True) if v is not None]
    return bool(present) and (not clinician_only or all(f not in a.automated for f in present))


def _recovery_verdict(a: AssessmentFacts) -> tuple[bool, str]:
    hb, sb = a.house_brackmann, a.sunnybrook_composite
    complete = (hb is None or hb == ev.HB_COMPLETE_GRADE) and (sb is None or sb >= ev.SUNNYBROOK_COMPLETE)
    parts = [f"House–Brackmann {house_brackmann_label(hb)}"] if hb is not None else []
    parts += [f"Sunnybrook {_fmt(sb)}"] if sb is not None else []
    return complete, " and ".join(parts)


def complete_recovery(assessments: Sequence[AssessmentFacts]) -> Finding:
    """Complete recovery: the latest clinician-graded assessment is HB I [S1, S34] and/or Sunnybrook 100 [S36].

    An automated grade never establishes it: when only an automated grade says so, the finding does not hold and
    its detail says the estimate awaits a clinician's grade.
    """
    graded = [a for a in sorted(assessments, key=lambda a: a.on) if _graded(a, clinician_only=True)]
    note = automated_grade_note(assessments)
    if not graded:
        detail = "no House–Brackmann or Sunnybrook grade by a clinician on record"
        return Finding(False, f"{detail} ({note})" if note else detail, provisional=bool(note))
    latest = graded[-1]
    complete, what = _recovery_verdict(latest)
    verdict = "complete recovery" if complete else "not complete"
    detail = f"{what} on {latest.on.isoformat()}: {verdict}" + (f"; {note}" if note else "")
    measure = HOUSE_BRACKMANN.name if latest.house_brackmann is not None else SUNNYBROOK.name
    return Finding(complete, detail, measure, bool(note))


def automated_grade_note(assessments: Sequence[AssessmentFacts], *, only_if_complete: bool = False) -> str:
    """A note on an automated grade newer than every clinician's grade ("" when there is none); with
    ``only_if_complete``, only when that estimate says complete recovery (it then awaits a clinician's grade)."""
    ordered = sorted(assessments, key=lambda a: a.on)
    graded = [a for a in ordered if _graded(a, clinician_only=True)]
    estimated = [a for a in ordered if _graded(a, clinician_only=False)]
    if not estimated or (graded and estimated[-1].on <= graded[-1].on):
        return ""
    says, what = _recovery_verdict(estimated[-1])
    if only_if_complete and not says:
        return ""
    return (f"automated estimate {what} on {estimated[-1].on.isoformat()}"
            + (" suggests complete recovery; a clinician's grade must confirm it" if says else ""))


def _improved(points: Sequence[Point], measure: Measure) -> tuple[Point, Point] | None:
    """(worst earlier, latest) when the latest value is better than the worst before it by the threshold."""
    if len(points) < 2:
        return None
    latest = points[-1]
    worst = min(points[:-1], key=lambda p: measure.goodness(p.value))
    return (worst, latest) if measure.better_by(latest.value, worst.value) >= measure.change - _EPS else None


def improvement(assessments: Sequence[AssessmentFacts]) -> Finding:
    """Improvement: the latest clinician value better than the worst clinician value before it by the threshold.

    Automated values never establish it. When only they point to improvement, the finding does not hold, is
    provisional, and its detail says so (the alerts it guards keep firing and say why).
    """
    automated_hint = ""
    for measure in MEASURES:
        every = points_of(assessments, measure)
        found = _improved([p for p in every if not p.automated], measure)
        if found is not None:
            worst, latest = found
            return Finding(True, f"{measure.label} {measure.show(worst.value)} on {worst.on.isoformat()} → "
                                 f"{measure.show(latest.value)} on {latest.on.isoformat()}", measure.name,
                           measure.provisional)
        hint = _improved(every, measure)
        if hint is not None and not automated_hint:
            worst, latest = hint
            automated_hint = (f"only automated estimates point to improvement ({measure.label} "
                              f"{measure.show(worst.value)} on {worst.on.isoformat()} → {measure.show(latest.value)} "
                              f"on {latest.on.isoformat()}); "
                              "no clinician's grade confirms it")
    recovered = complete_recovery(assessments)
    if recovered.holds:
        return recovered
    if not assessments:
        return Finding(False, "no assessment on record")
    if automated_hint:
        return Finding(False, automated_hint, provisional=True)
    return Finding(False, "no clinician-graded measure improved by its change threshold", provisional=True)


@dataclass(frozen=True)
class Worsening:
    """A value worse than the best before it by the measure's change threshold (see :func:`worsening`)."""

    measure: Measure
    best: Point
    worse: Point
    confirmed_by: Point | None

    @property
    def automated(self) -> bool:
        return self.worse.automated

    def describe(self, episode: EpisodeFacts) -> str:
        origin = " (automated estimates, confirmed at the next visit)" if self.automated else ""
        return (f"{self.measure.label} worsened from {self.measure.show(self.best.value)} on "
                f"{self.best.on.isoformat()} to {self.measure.show(self.worse.value)} on {self.worse.on.isoformat()} "
                f"(day {episode.days_since_onset(self.worse.on)}){origin}")


def _series_views(assessments: Sequence[AssessmentFacts]) -> list[tuple[Measure, list[Point]]]:
    """Each measure's clinician-only series, then its whole series: a worsening found in either counts, so an
    automated value can add a worsening but never hide one a clinician recorded."""
    views: list[tuple[Measure, list[Point]]] = []
    for measure in MEASURES:
        every = points_of(assessments, measure)
        views.append((measure, [p for p in every if not p.automated]))
        views.append((measure, every))
    return views


def worsenings(assessments: Sequence[AssessmentFacts]) -> list[Worsening]:
    """Every worsening of every measure, oldest first.

    A value is a worsening when it is worse than the best value recorded before it (any origin) by the
    measure's change threshold. A clinician's value counts alone; an automated one only when the next value of the
    same measure is also worse than that best by the threshold (two visits agree). Using the best earlier value,
    not the previous step, catches a decline in small steps.
    """
    found: list[Worsening] = []
    for measure, pts in _series_views(assessments):
        if not pts:
            continue
        best = pts[0]  # the best so far (the first of equals), kept as the series is walked
        for j in range(1, len(pts)):
            following = pts[j + 1] if j + 1 < len(pts) else None
            if _worse(measure, best, pts[j], following):
                found.append(Worsening(measure, best, pts[j], following if pts[j].automated else None))
            best = _better_of(measure, best, pts[j])
    return sorted(found, key=lambda w: w.worse.on)


def _better_of(measure: Measure, best: Point, point: Point) -> Point:
    """``point`` when it is strictly better than ``best``, else ``best`` (so the first of equal values stays)."""
    return point if measure.goodness(point.value) > measure.goodness(best.value) else best


def progressing_after(episode: EpisodeFacts, assessments: Sequence[AssessmentFacts], day: int) -> Finding:
    """Progressing after ``day``: a value recorded after that day worse, by the change threshold, than the best of
    the last value on or before that day and every value since (a decline in small steps adds up; a worsening
    that stopped before that day is not progression). An automated value needs the next one to agree."""
    for measure, pts in _series_views(assessments):
        before = [p for p in pts if episode.days_since_onset(p.on) <= day]
        after = [p for p in pts if episode.days_since_onset(p.on) > day]
        best = before[-1] if before else None  # the best of the last value on or before the day and every one since
        for k, point in enumerate(after):
            if best is not None:
                following = after[k + 1] if k + 1 < len(after) else None
                if _worse(measure, best, point, following):
                    w = Worsening(measure, best, point, following if point.automated else None)
                    return Finding(True, w.describe(episode), measure.name, measure.provisional or point.automated)
            best = point if best is None else _better_of(measure, best, point)
    return Finding(False, f"no worsening recorded after day {day}")


def _worse(measure: Measure, best: Point, point: Point, following: Point | None) -> bool:
    """``point`` is worse than ``best`` by the threshold; an automated point needs ``following`` to agree."""
    if measure.better_by(best.value, point.value) < measure.change - _EPS:
        return False
    if not point.automated:
        return True
    return following is not None and measure.better_by(best.value, following.value) >= measure.change - _EPS


def relapse(episode: EpisodeFacts, assessments: Sequence[AssessmentFacts]) -> tuple[Finding, date | None]:
    """Relapse: the latest value of a measure is a worsening against the best before it; and since when.

    For an automated latest value, the previous automated value must be that much worse too (two visits agree).
    """
    for measure, pts in _series_views(assessments):
        if len(pts) < 2:
            continue
        latest = pts[-1]
        best_at = max(range(len(pts) - 1), key=lambda i: measure.goodness(pts[i].value))
        best = pts[best_at]
        if measure.better_by(best.value, latest.value) < measure.change - _EPS:
            continue
        worse_run = [p for p in pts[best_at + 1:] if measure.better_by(best.value, p.value) >= measure.change - _EPS]
        if latest.automated and len(worse_run) < 2:
            continue
        since = worse_run[0].on
        w = Worsening(measure, best, latest, None)
        return Finding(True, w.describe(episode), measure.name, measure.provisional or latest.automated), since
    return Finding(False, "no visit worse than an earlier one"), None


def deteriorated_by(episode: EpisodeFacts, assessments: Sequence[AssessmentFacts], day: int) -> Finding:
    """Early deterioration: by ``day``, a worsening (:func:`worsenings`) [S47]."""
    early = [w for w in worsenings(assessments) if episode.days_since_onset(w.worse.on) <= day]
    if not early:
        return Finding(False, f"no worsening recorded by day {day}")
    first = early[0]
    return Finding(True, first.describe(episode), first.measure.name, first.measure.provisional or first.automated)


def synkinesis_present(assessments: Sequence[AssessmentFacts]) -> tuple[Finding, bool, date | None]:
    """Synkinesis present: latest Sunnybrook synkinesis ≥ 1 [S4]; whether it is emerging (first recorded or above
    the lowest earlier score); and since when the score has stayed ≥ 1."""
    scores = [(a.on, a.synkinesis_score) for a in sorted(assessments, key=lambda a: a.on)
              if a.synkinesis_score is not None]
    if not scores:
        return Finding(False, "no synkinesis score on record"), False, None
    on, latest = scores[-1]
    if latest < ev.SYNKINESIS_PRESENT_SCORE:
        return Finding(False, f"synkinesis score {_fmt(latest)} on {on.isoformat()}"), False, None
    since = on
    for earlier_on, score in reversed(scores[:-1]):
        if score < ev.SYNKINESIS_PRESENT_SCORE:
            break
        since = earlier_on
    earlier = [s for _, s in scores[:-1]]
    emerging = not earlier or latest > min(earlier)
    trend = (f", up from {_fmt(min(earlier))}" if emerging and earlier
             else f", stable since {since.isoformat()}" if not emerging else "")
    return (Finding(True, f"Sunnybrook synkinesis score {_fmt(latest)}/15 on {on.isoformat()}{trend}",
                    "synkinesis_score", _automated(assessments, ["synkinesis_score"])), emerging, since)


def synkinesis_emerging(assessments: Sequence[AssessmentFacts]) -> Finding:
    """Synkinesis emerging: present (≥ 1 [S4]) and the first recorded or above the lowest earlier score."""
    finding, emerging, _ = synkinesis_present(assessments)
    if finding.holds and not emerging:
        return Finding(False, f"{finding.detail}, not rising")
    return finding


@dataclass(frozen=True)
class EyeSigns:
    """Eye-closure evidence of one visit: signs of incomplete closure, signs of complete closure, by origin."""

    on: date
    incomplete: tuple[str, ...]
    complete: tuple[str, ...]
    incomplete_automated: bool
    complete_by_clinician: bool


def eye_signs(a: AssessmentFacts) -> EyeSigns:
    """The eye-closure signs one assessment carries [S2]: the checkbox, lagophthalmos, the HB grade."""
    incomplete: list[tuple[str, bool]] = []
    complete: list[tuple[str, bool]] = []
    if a.eye_closure_complete is not None:
        auto = "eye_closure_complete" in a.automated
        (complete if a.eye_closure_complete else incomplete).append(
            (f"eye closure marked {'complete' if a.eye_closure_complete else 'incomplete'}"
             + (" (automated)" if auto else ""), auto))
    if a.lagophthalmos_mm is not None:
        auto = "lagophthalmos_mm" in a.automated
        (incomplete if a.lagophthalmos_mm > 0 else complete).append(
            (f"lagophthalmos {_fmt(a.lagophthalmos_mm)} mm" + (" (automated)" if auto else ""), auto))
    if a.house_brackmann is not None:
        auto = HOUSE_BRACKMANN.name in a.automated
        grade = house_brackmann_label(a.house_brackmann)
        label = f"House–Brackmann {grade}" + (" (automated estimate)" if auto else "")
        if a.house_brackmann >= ev.HB_INCOMPLETE_EYE_CLOSURE_GRADE:
            incomplete.append((f"{label} (eye closure incomplete from grade IV)", auto))
        else:
            complete.append((label, auto))
    return EyeSigns(
        on=a.on,
        incomplete=tuple(text for text, _ in incomplete),
        complete=tuple(text for text, _ in complete),
        incomplete_automated=bool(incomplete) and all(auto for _, auto in incomplete),
        complete_by_clinician=any(not auto for _, auto in complete),
    )


def eye_closure_incomplete(assessments: Sequence[AssessmentFacts]) -> tuple[Finding, date | None]:
    """Eye closure incomplete, and since which visit (the start of the current run of such visits).

    The deciding visit is the latest one that shows any sign of incomplete closure or that a clinician graded as
    complete; a visit where only automated values say "complete" never clears it [S2, S28]. Contradictory signs
    in the deciding visit are named in the detail.
    """
    relevant = [s for s in (eye_signs(a) for a in sorted(assessments, key=lambda a: a.on))
                if s.incomplete or s.complete_by_clinician]
    if not relevant:
        return Finding(False, "no eye closure evidence on record"), None
    latest = relevant[-1]
    if not latest.incomplete:
        return Finding(False, f"{'; '.join(latest.complete)} on {latest.on.isoformat()}: eye closure complete"), None
    since = latest.on
    for earlier in reversed(relevant[:-1]):
        if not earlier.incomplete:
            break
        since = earlier.on
    detail = f"{'; '.join(latest.incomplete)} on {latest.on.isoformat()}"
    if latest.complete:
        detail += (f". Contradictory entries on that visit: {'; '.join(latest.complete)}; check the record "
                   "(FaceNerve acts on the sign of incomplete closure)")
    return Finding(True, detail, provisional=latest.incomplete_automated), since


def given(treatments: Sequence[TreatmentFacts], names: frozenset[str], kind: str, by: date) -> list[TreatmentFacts]:
    """Treatments of ``kind`` whose name is in ``names`` started on or before ``by``, oldest first."""
    return sorted((t for t in treatments if t.kind == kind and t.name in names and t.start <= by),
                  key=lambda t: t.start)


def steroid_started(treatments: Sequence[TreatmentFacts], by: date, onset: date) -> TreatmentFacts | None:
    """The first oral steroid course started between ``onset`` and ``by`` (a course begun before the onset treats
    something else and does not count for this episode), if any."""
    found = [t for t in given(treatments, STEROIDS, "medication", by) if t.start >= onset]
    return found[0] if found else None


def steroid_before_onset(treatments: Sequence[TreatmentFacts], onset: date) -> TreatmentFacts | None:
    """The latest oral steroid course started before ``onset``, if any (reported, never counted)."""
    found = [t for t in treatments if t.kind == "medication" and t.name in STEROIDS and t.start < onset]
    return max(found, key=lambda t: t.start) if found else None
