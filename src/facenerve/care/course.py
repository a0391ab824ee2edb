"""The course of an episode read from its assessments: each judgement is defined here, once.

* **improvement** — some measure, at some assessment, is better than the worst value recorded before it by at
  least the measure's change threshold; or complete recovery is documented.
* **progressing** (after a day) — a new worst value, beyond the change threshold, recorded after that day.
* **complete recovery** — the latest graded assessment is House–Brackmann I [S1, S34] and/or Sunnybrook
  composite 100 [S36] (every grade it carries must say so).
* **synkinesis emerging** — the latest Sunnybrook synkinesis subscore is ≥ 1 (an item graded mild or worse [S4])
  and is the first recorded or higher than the lowest earlier one.
* **eye closure incomplete** — the latest assessment with eye evidence says closure is incomplete, or shows
  lagophthalmos, or is House–Brackmann IV or worse [S2].

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


def _automated(assessments: Sequence[AssessmentFacts], fields: Sequence[str]) -> bool:
    """True when any of ``assessments`` carries one of ``fields`` as an automated (provisional) estimate."""
    return any(name in a.automated for a in assessments for name in fields)


def complete_recovery(assessments: Sequence[AssessmentFacts]) -> Finding:
    """Complete recovery: the latest graded assessment is HB I [S1, S34] and/or Sunnybrook 100 [S36]."""
    graded = [a for a in sorted(assessments, key=lambda a: a.on)
              if a.house_brackmann is not None or a.sunnybrook_composite is not None]
    if not graded:
        return Finding(False, "no House–Brackmann or Sunnybrook grade on record")
    latest = graded[-1]
    hb, sb = latest.house_brackmann, latest.sunnybrook_composite
    complete = (hb is None or hb == ev.HB_COMPLETE_GRADE) and (sb is None or sb >= ev.SUNNYBROOK_COMPLETE)
    parts = [f"House–Brackmann {hb}"] if hb is not None else []
    parts += [f"Sunnybrook {_fmt(sb)}"] if sb is not None else []
    verdict = "complete recovery" if complete else "not complete"
    automated = _automated([latest], [HOUSE_BRACKMANN.name, SUNNYBROOK.name])
    return Finding(complete, f"{' and '.join(parts)} on {latest.on.isoformat()}: {verdict}"
                   + (" (automated estimate)" if automated else ""),
                   HOUSE_BRACKMANN.name if hb is not None else SUNNYBROOK.name, automated)


def improvement(assessments: Sequence[AssessmentFacts]) -> Finding:
    """Improvement: a value better than the worst one before it by the measure's change threshold."""
    for measure in MEASURES:
        points = series(assessments, measure)
        if not points:
            continue
        worst_on, worst = points[0]
        for on, value in points[1:]:
            if measure.better_by(value, worst) >= measure.change - _EPS:
                used = [a for a in assessments if a.on in (worst_on, on)]
                return Finding(True, f"{measure.label} {_fmt(worst)} on {worst_on.isoformat()} → {_fmt(value)} on "
                                     f"{on.isoformat()}", measure.name,
                               measure.provisional or _automated(used, [measure.name]))
            if measure.goodness(value) < measure.goodness(worst):
                worst_on, worst = on, value
    recovered = complete_recovery(assessments)
    if recovered.holds:
        return recovered
    if not assessments:
        return Finding(False, "no assessment on record")
    return Finding(False, "no measure improved by its change threshold", provisional=True)


def progressing_after(episode: EpisodeFacts, assessments: Sequence[AssessmentFacts], day: int) -> Finding:
    """Progressing after ``day``: a new worst value, beyond the change threshold, recorded after that day."""
    for measure in MEASURES:
        points = series(assessments, measure)
        if not points:
            continue
        worst = points[0][1]
        for on, value in points[1:]:
            if episode.days_since_onset(on) > day and measure.better_by(worst, value) >= measure.change - _EPS:
                return Finding(True, f"{measure.label} worsened from {_fmt(worst)} to {_fmt(value)} on "
                                     f"{on.isoformat()} (day {episode.days_since_onset(on)})",
                               measure.name, measure.provisional or _automated(assessments, [measure.name]))
            worst = min(worst, value, key=measure.goodness)
    return Finding(False, f"no new worsening recorded after day {day}")


def deteriorated_by(episode: EpisodeFacts, assessments: Sequence[AssessmentFacts], day: int) -> Finding:
    """Early deterioration: by ``day``, a value worse than an earlier one by the change threshold [S47]."""
    for measure in MEASURES:
        points = [p for p in series(assessments, measure) if episode.days_since_onset(p[0]) <= day]
        if not points:
            continue
        best = points[0][1]
        for on, value in points[1:]:
            if measure.better_by(best, value) >= measure.change - _EPS:
                return Finding(True, f"{measure.label} worsened from {_fmt(best)} to {_fmt(value)} by "
                                     f"{on.isoformat()}", measure.name,
                               measure.provisional or _automated(assessments, [measure.name]))
            best = max(best, value, key=measure.goodness)
    return Finding(False, f"no worsening recorded by day {day}")


def synkinesis_emerging(assessments: Sequence[AssessmentFacts]) -> Finding:
    """Synkinesis emerging: latest Sunnybrook synkinesis ≥ 1 [S4], first recorded or above the lowest earlier."""
    scores = [(a.on, a.synkinesis_score) for a in sorted(assessments, key=lambda a: a.on)
              if a.synkinesis_score is not None]
    if not scores:
        return Finding(False, "no synkinesis score on record")
    on, latest = scores[-1]
    if latest < ev.SYNKINESIS_PRESENT_SCORE:
        return Finding(False, f"synkinesis score {_fmt(latest)} on {on.isoformat()}")
    earlier = [s for _, s in scores[:-1]]
    if earlier and latest <= min(earlier):
        return Finding(False, f"synkinesis score {_fmt(latest)} on {on.isoformat()}, not rising")
    since = f", up from {_fmt(min(earlier))}" if earlier else ""
    return Finding(True, f"Sunnybrook synkinesis score {_fmt(latest)}/15 on {on.isoformat()}{since}",
                   "synkinesis_score", _automated(assessments, ["synkinesis_score"]))


def eye_closure_incomplete(assessments: Sequence[AssessmentFacts]) -> Finding:
    """Eye closure incomplete at the latest assessment with eye evidence (closure, lagophthalmos, HB ≥ IV [S2])."""
    for a in sorted(assessments, key=lambda a: a.on, reverse=True):
        if a.eye_closure_complete is not None:
            state = "complete" if a.eye_closure_complete else "incomplete"
            return Finding(not a.eye_closure_complete, f"eye closure {state} on {a.on.isoformat()}",
                           provisional=_automated([a], ["eye_closure_complete"]))
        if a.lagophthalmos_mm is not None:
            return Finding(a.lagophthalmos_mm > 0, f"lagophthalmos {_fmt(a.lagophthalmos_mm)} mm on {a.on.isoformat()}",
                           provisional=_automated([a], ["lagophthalmos_mm"]))
        if a.house_brackmann is not None:
            incomplete = a.house_brackmann >= ev.HB_INCOMPLETE_EYE_CLOSURE_GRADE
            automated = _automated([a], [HOUSE_BRACKMANN.name])
            return Finding(incomplete, f"House–Brackmann {a.house_brackmann} on {a.on.isoformat()}"
                                       + (" (automated estimate)" if automated else "")
                                       + (" (eye closure incomplete from grade IV)" if incomplete else ""),
                           provisional=automated)
    return Finding(False, "no eye closure evidence on record")


def given(treatments: Sequence[TreatmentFacts], names: frozenset[str], kind: str, by: date) -> list[TreatmentFacts]:
    """Treatments of ``kind`` whose name is in ``names`` started on or before ``by``, oldest first."""
    return sorted((t for t in treatments if t.kind == kind and t.name in names and t.start <= by),
                  key=lambda t: t.start)


def steroid_started(treatments: Sequence[TreatmentFacts], by: date) -> TreatmentFacts | None:
    """The first oral steroid course started on or before ``by``, if any."""
    found = given(treatments, STEROIDS, "medication", by)
    return found[0] if found else None
