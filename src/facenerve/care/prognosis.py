"""Prognosis: a prior probability of complete recovery from published figures, then the patient's own course.

1. **Prior** (:func:`prior_probability`): Peitersen's natural history by completeness at onset [S41]; for
   Bell's palsy, Sullivan's prednisolone-within-72-h effect [S34] carried over as an odds ratio; pregnancy with
   complete palsy [S52]; dry eye and dysacusis [S39]; Ramsay Hunt by treatment delay [S53, S54]. Age over 60,
   diabetes and hypertension worsen the outlook [S43] but the reference gives no size, so they are listed, not
   applied. Combining figures from different cohorts as odds ratios is a FaceNerve convention: ``provisional``.
2. **Course** (:func:`prognosis`): early deterioration by day 17 [S47] updates the probability; then an
   exponential approach to a plateau, ``y(t) = P + (y0 − P)·exp(−t/τ)`` with ``t`` in days since onset, is fitted
   to one measure's series (:func:`fit_recovery`), giving the projected plateau with a 95% interval, the day 95%
   of the way is reached, and curve points for a chart. The model is a FaceNerve convention (provisional).

Everything here is an estimate for a group of similar patients, not a promise for one patient.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from scipy import optimize, stats

from facenerve.care import course
from facenerve.care import evidence as ev
from facenerve.care.facts import AssessmentFacts, CareInputError, Cause, EpisodeFacts, TreatmentFacts

SCHEMA = "facenerve.prognosis/1"
LABEL = ("Estimate only: built from published group figures and a curve fitted to this patient's measurements; "
         "it cannot predict one person's recovery with certainty.")
FIT_ORDER: tuple[course.Measure, ...] = (course.SUNNYBROOK, course.EFACE, course.ASYMMETRY, course.HOUSE_BRACKMANN)
"""Preferred series to fit: continuous scores first, the ordinal House–Brackmann grade last."""
INTERVAL_WIDENING = 1.1
"""The fit's asymptotic 95% interval covered the true plateau in 95–96% of seeded simulated series of 9 visits, at
the edge of its label; widened 1.1 times it covers 97–98% (300 series each of four curves), and the tests assert
≥ 95%. A statistics calibration, not a clinical number."""
INTERVAL_LABEL = "95% interval"
"""How the plateau interval is named on pages; its coverage is measured in the tests (docs/care.md)."""
MIN_R_SQUARED = 0.5
"""A fit explaining under half the variance is reported as too noisy (statistics convention, not clinical)."""
CURVE_POINTS = 40


def _odds(p: float) -> float:
    return p / (1.0 - p)


def _probability(odds: float) -> float:
    return odds / (1.0 + odds)


@dataclass(frozen=True)
class Prior:
    """Prior probability of complete recovery and how it was derived."""

    probability: float | None
    derivation: list[str]
    sources: tuple[str, ...]
    risk_factors: tuple[str, ...] = ()


def prior_probability(episode: EpisodeFacts, treatments: Sequence[TreatmentFacts], today: date) -> Prior:
    """Probability of complete recovery from published figures (see module docstring for sources)."""
    if episode.cause is Cause.BELLS:
        return _bells_prior(episode, treatments, today)
    if episode.cause is Cause.RAMSAY_HUNT:
        return _ramsay_hunt_prior(episode, treatments, today)
    return Prior(None, [f"No published recovery figure for cause '{episode.cause}' in the clinical reference: "
                        "no prior probability is given."], ())


def _bells_prior(episode: EpisodeFacts, treatments: Sequence[TreatmentFacts], today: date) -> Prior:
    steps: list[str] = []
    sources: list[str] = ["S41"]
    if episode.complete_at_onset is True:
        p = ev.PEITERSEN_COMPLETE
        steps.append(f"Complete palsy at onset: {p:.0%} recover completely without treatment (Peitersen) [S41].")
    elif episode.complete_at_onset is False:
        p = ev.PEITERSEN_INCOMPLETE
        steps.append(f"Incomplete palsy at onset: {p:.0%} recover completely without treatment (Peitersen) [S41].")
    else:
        p = ev.PEITERSEN_ALL
        steps.append(f"Completeness at onset not recorded: {p:.0%} of all untreated palsies recover completely "
                     "(Peitersen) [S41].")
    steroid = course.steroid_started(treatments, today, episode.onset_date)
    age = episode.age_years(today)
    window_end = episode.onset_date + timedelta(days=ev.STEROID_WINDOW_DAYS)
    before = course.steroid_before_onset(treatments, episode.onset_date)
    if before is not None:
        steps.append(f"{before.name.capitalize()} started on {before.start.isoformat()}, before the onset: not "
                     "counted as treatment of this palsy.")
    if steroid is not None and steroid.start <= window_end:
        if age is not None and age < ev.STEROID_MIN_AGE_YEARS:
            steps.append(f"Steroid within 72 h, but the trial enrolled patients aged {ev.STEROID_MIN_AGE_YEARS} or "
                         "over: its effect is not applied [S34].")
        elif episode.complete_at_onset is None:
            p = ev.SULLIVAN_PREDNISOLONE_9MO
            steps.append(f"{steroid.name.capitalize()} started within 72 h, completeness not recorded: the trial's "
                         f"own population (complete and incomplete palsies, aged 16 or over, treated within 72 h) "
                         f"recovered completely by 9 months in {p:.1%} (Sullivan) [S34].")
            sources.append("S34")
        else:
            ratio = _odds(ev.SULLIVAN_PREDNISOLONE_9MO) / _odds(ev.SULLIVAN_NO_PREDNISOLONE_9MO)
            p = _probability(_odds(p) * ratio)
            steps.append(f"{steroid.name.capitalize()} started within 72 h: complete recovery at 9 months "
                         f"{ev.SULLIVAN_PREDNISOLONE_9MO:.1%} vs {ev.SULLIVAN_NO_PREDNISOLONE_9MO:.1%} (Sullivan) "
                         f"[S34], odds ratio {ratio:.2f} → {p:.0%}.")
            sources.append("S34")
    elif steroid is not None:
        steps.append(f"{steroid.name.capitalize()} started after 72 h: no trial figure, no effect applied [S34].")
    else:
        steps.append("No steroid within 72 h on record: the untreated figure stands.")
    p = _pregnancy(episode, p, steps, sources)
    p = _ear_and_eye(episode, p, steps, sources)
    factors = _direction_only(episode, age, steps, sources)
    steps.append("Combining figures from different cohorts as odds ratios is a FaceNerve convention (provisional).")
    return Prior(p, steps, tuple(dict.fromkeys(sources)), factors)


def _ramsay_hunt_prior(episode: EpisodeFacts, treatments: Sequence[TreatmentFacts], today: date) -> Prior:
    steps: list[str] = []
    sources: list[str] = []
    started = course.given(treatments, course.STEROIDS | course.ANTIVIRALS, "medication", today)
    if not started:
        p = ev.RAMSAY_HUNT_UNTREATED
        steps.append(f"Ramsay Hunt, no steroid or antiviral on record: about {p:.0%} recover completely untreated "
                     "[S54].")
        sources.append("S54")
    else:
        delay_days = episode.days_since_onset(started[0].start)
        if delay_days <= ev.STEROID_WINDOW_DAYS:
            p = ev.RAMSAY_HUNT_TREATED_EARLY
            steps.append(f"Ramsay Hunt treated on day {delay_days} (≤ 3 days): {p:.0%} complete recovery [S53].")
        elif delay_days > ev.RAMSAY_HUNT_LATE_AFTER_DAYS:
            p = ev.RAMSAY_HUNT_TREATED_LATE
            steps.append(f"Ramsay Hunt treated on day {delay_days} (> 7 days): {p:.0%} complete recovery [S53].")
        else:
            p = ev.RAMSAY_HUNT_TREATED_LATE
            steps.append(f"Ramsay Hunt treated on day {delay_days} (4–7 days): no published figure; the > 7-day "
                         f"figure {p:.0%} is used as a cautious lower bound (provisional) [S53].")
        sources.append("S53")
    p = _ear_and_eye(episode, p, steps, sources)
    factors = _direction_only(episode, episode.age_years(today), steps, sources)
    return Prior(p, steps, tuple(dict.fromkeys(sources)), factors)


def _pregnancy(episode: EpisodeFacts, p: float, steps: list[str], sources: list[str]) -> float:
    if "pregnancy" not in episode.comorbidities:
        return p
    sources.append("S52")
    if episode.complete_at_onset is True:
        ratio = _odds(ev.PREGNANCY_COMPLETE_PALSY) / _odds(ev.PREGNANCY_CONTROLS)
        p = _probability(_odds(p) * ratio)
        steps.append(f"Pregnancy with complete palsy: {ev.PREGNANCY_COMPLETE_PALSY:.0%} reach HB I–II vs 77–88% of "
                     f"controls [S52] (midpoint used, provisional), odds ratio {ratio:.2f} → {p:.0%}.")
    elif episode.complete_at_onset is False:
        steps.append("Pregnancy with incomplete palsy: recovery ≈ 100% [S52]; no reduction applied.")
    else:
        steps.append("Pregnancy: worse only with complete palsy [S52], and completeness is not recorded; no "
                     "reduction applied.")
    return p


def _ear_and_eye(episode: EpisodeFacts, p: float, steps: list[str], sources: list[str]) -> float:
    for name, relative, label in (("dry_eye", ev.DRY_EYE_RELATIVE, "Dry eye"),
                                  ("dysacusis", ev.DYSACUSIS_RELATIVE, "Dysacusis")):
        if name in episode.comorbidities:
            p *= relative
            steps.append(f"{label}: complete-recovery chance falls by about {1 - relative:.0%} [S39] (read as a "
                         f"relative fall, provisional) → {p:.0%}.")
            sources.append("S39")
    return p


def _direction_only(episode: EpisodeFacts, age: int | None, steps: list[str], sources: list[str]) -> tuple[str, ...]:
    """Poor prognostic factors of unknown size [S43]: listed in the derivation and returned for the headline."""
    factors: list[str] = [c for c in ev.DIRECTION_ONLY_COMORBIDITIES if c in episode.comorbidities]
    if age is not None and age > ev.POOR_PROGNOSIS_AGE_YEARS:
        factors.insert(0, f"age {age} (over {ev.POOR_PROGNOSIS_AGE_YEARS})")
    if factors:
        steps.append(f"Poorer outlook also expected with {', '.join(factors)} [S43]; the size of the effect is not "
                     "established in the reference, so it is not applied to the number.")
        sources.append("S43")
    return tuple(factors)


@dataclass(frozen=True)
class RecoveryFit:
    """An exponential approach to a plateau fitted to one measure, ``y(t) = P + (y0 − P)·exp(−t/τ)``.

    ``t`` is in days since onset; ``plateau`` ``P`` and ``onset_value`` ``y0`` are in the measure's units;
    ``time_constant_days`` is ``τ``; ``plateau_day`` is when 95% of the way from ``y0`` to ``P`` is reached, and
    ``plateau_day_low``–``plateau_day_high`` its range from the 95% interval of ``τ``. When ``fitted`` is False,
    ``reason`` says why in one line and the numbers are None.
    """

    measure: str
    fitted: bool
    points: int
    reason: str | None = None
    plateau: float | None = None
    plateau_low: float | None = None
    plateau_high: float | None = None
    onset_value: float | None = None
    time_constant_days: float | None = None
    plateau_day: float | None = None
    plateau_day_low: float | None = None
    plateau_day_high: float | None = None
    r_squared: float | None = None
    corrected: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "measure": self.measure, "fitted": self.fitted, "points": self.points, "reason": self.reason,
            "plateau": self.plateau, "plateau_low": self.plateau_low, "plateau_high": self.plateau_high,
            "onset_value": self.onset_value, "time_constant_days": self.time_constant_days,
            "plateau_day": self.plateau_day, "plateau_day_low": self.plateau_day_low,
            "plateau_day_high": self.plateau_day_high, "r_squared": self.r_squared, "corrected": self.corrected,
        }

    def includes(self, value: float | None) -> bool | None:
        """Whether ``value`` lies within the plateau interval (None when not fitted or no value)."""
        if value is None or self.plateau_low is None or self.plateau_high is None:
            return None
        return self.plateau_low - 1e-9 <= value <= self.plateau_high + 1e-9

    def value_at(self, day: float) -> float:
        """The fitted curve at ``day`` days since onset."""
        if self.plateau is None or self.onset_value is None or self.time_constant_days is None:
            raise CareInputError(f"no fitted curve for {self.measure}")
        return self.plateau + (self.onset_value - self.plateau) * math.exp(-day / self.time_constant_days)


def _approach(t: np.ndarray, plateau: float, onset_value: float, tau_days: float) -> np.ndarray:
    curve: np.ndarray = plateau + (onset_value - plateau) * np.exp(-t / tau_days)
    return curve


def fit_recovery(days: Sequence[float], values: Sequence[float], measure: course.Measure) -> RecoveryFit:
    """Fit ``y(t) = P + (y0 − P)·exp(−t/τ)`` to a series (``days`` since onset) of one measure.

    Needs 4 points on at least 3 different days (three parameters plus one degree of freedom for the interval).
    A series that never changes by the measure's change threshold, a decline (plateau worse than the onset value),
    a fit that explains under half the variance, a time constant at its search limit, a curve pinned to the
    scale's limit (no plateau in sight), or an interval wider than the observed change gives ``fitted=False``
    with the reason. A series still rising past its fitted plateau is refitted with the plateau held at least at
    the latest value (``corrected`` says so).
    """
    first = _fit(days, values, measure, None)
    if not first.fitted or first.plateau is None or first.plateau_day is None:
        return first
    t = np.asarray(days, dtype=float)
    y = np.asarray(values, dtype=float)
    if not _still_rising(t, y, measure, first.plateau):
        return first
    last = float(y[np.argsort(t, kind="stable")][-1])
    second = _fit(days, values, measure, last)
    if not second.fitted or second.plateau is None or second.plateau_day is None:
        return second
    if _still_rising(t, y, measure, second.plateau):
        return RecoveryFit(measure.name, False, first.points,
                           f"{measure.label} is still rising past its fitted plateau ({first.plateau:.3g}, said to be "
                           f"reached by day {first.plateau_day:.0f}): no plateau in sight yet")
    return replace(second, corrected=(f"the series was still rising past the first fitted plateau "
                                      f"({first.plateau:.3g}), so the plateau is held at or beyond the latest value "
                                      f"{last:.3g}"))


def _still_rising(t: np.ndarray, y: np.ndarray, measure: course.Measure, plateau: float) -> bool:
    """The latest value is the best of the series so far and beyond the fitted plateau: the series has not yet
    shown that it levels off below it."""
    ordered = y[np.argsort(t, kind="stable")].tolist()
    last = ordered[-1]
    return all(measure.better_by(last, v) >= 0 for v in ordered) and measure.better_by(last, plateau) > (
        1e-4 * measure.change)


def _fit(days: Sequence[float], values: Sequence[float], measure: course.Measure,
         plateau_at_least: float | None) -> RecoveryFit:
    """One bounded fit (see :func:`fit_recovery`); ``plateau_at_least`` holds the plateau at or beyond a value."""
    t = np.asarray(days, dtype=float)
    y = np.asarray(values, dtype=float)
    n = int(t.size)

    def fail(reason: str) -> RecoveryFit:
        return RecoveryFit(measure.name, False, n, reason)

    if n != y.size:
        raise CareInputError("days and values differ in length")
    if n < ev.FIT_MIN_POINTS:
        return fail(f"{n} {measure.label} value(s) on record; a recovery curve needs at least {ev.FIT_MIN_POINTS}")
    if len(set(t.tolist())) < 3:
        return fail(f"{measure.label} values come from fewer than 3 different days")
    if float(np.ptp(y)) < measure.change:
        return fail(f"{measure.label} has not changed by {measure.change:g} or more: no recovery curve to fit")
    span_days = float(t.max() - min(t.min(), 0.0))
    tau_max = 5.0 * max(span_days, 1.0)
    low = measure.low
    high = measure.high if math.isfinite(measure.high) else float(y.max() * 3.0 + 10.0)
    best = y.max() if measure.higher_is_better else y.min()
    p_low, p_high = low, high
    if plateau_at_least is not None:  # held at or beyond a value already recorded (a hair inside the scale's end)
        room = 1e-6 * max(1.0, abs(high - low))
        p_low, p_high = ((min(plateau_at_least, high - room), high) if measure.higher_is_better
                         else (low, max(plateau_at_least, low + room)))
    guess = [float(np.clip(best, p_low, p_high)), float(np.clip(y[np.argmin(t)], low, high)),
             max(span_days / 3.0, 1.0)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            params, covariance = optimize.curve_fit(
                _approach, t, y, p0=guess, bounds=([p_low, low, 1.0], [p_high, high, tau_max]), maxfev=20000)
    except (RuntimeError, ValueError) as err:
        return fail(f"the curve fit did not converge ({str(err).splitlines()[0]})")
    plateau, onset_value, tau_days = (float(v) for v in params)
    if measure.better_by(onset_value, plateau) >= measure.change:
        return fail(f"{measure.label} is worsening, not recovering: no recovery curve is fitted to a decline")
    if tau_days >= 0.99 * tau_max:
        return fail(f"{measure.label} is still changing steadily: no plateau in sight yet")
    residuals = y - _approach(t, *params)
    total = float(np.sum((y - y.mean()) ** 2))
    r_squared = 1.0 - float(np.sum(residuals**2)) / total
    if r_squared < MIN_R_SQUARED:
        return fail(f"{measure.label} is too noisy for a recovery curve (R² {r_squared:.2f})")
    spread = float(np.sqrt(covariance[0, 0])) if np.all(np.isfinite(covariance)) else math.inf
    if not math.isfinite(spread):
        return fail(f"the plateau of {measure.label} cannot be bounded from these points")
    t_value = float(stats.t.ppf(0.5 + ev.FIT_INTERVAL_LEVEL / 2, n - 3))
    half = INTERVAL_WIDENING * t_value * spread
    days_per_tau = math.log(1.0 / (1.0 - ev.PLATEAU_FRACTION))
    plateau_day = tau_days * days_per_tau
    tau_half = t_value * float(np.sqrt(covariance[2, 2]))
    onset_pinned = min(abs(onset_value - low), abs(onset_value - high)) <= 1e-6 * max(1.0, abs(onset_value))
    if onset_pinned and measure.better_by(float(y[np.argmin(t)]), onset_value) >= measure.change:
        return fail(f"{measure.label} rose too steeply for this curve: it needs an onset value at the scale's limit "
                    f"({onset_value:.3g}), so its plateau cannot be trusted")
    at_bound = min(abs(plateau - low), abs(plateau - high)) <= 1e-6 * max(1.0, abs(plateau))
    if at_bound and plateau_day > float(t.max()):
        return fail(f"{measure.label} is still changing and its curve runs into the scale's limit: the data do not "
                    "yet show a plateau")
    if half > float(np.ptp(y)):
        return fail(f"the plateau of {measure.label} is too uncertain (±{half:.3g}) to project from these points")
    if plateau_at_least is None and measure.better_by(float(y[np.argsort(t, kind="stable")][-1]), plateau + (
            half if measure.higher_is_better else -half)) > 1e-9 and not _still_rising(t, y, measure, plateau):
        return fail(f"{measure.label}'s latest value is already beyond the fitted plateau ({plateau:.3g} ± "
                    f"{half:.3g}): the curve does not describe this series")
    plateau_low, plateau_high = max(plateau - half, measure.low), min(plateau + half, measure.high)
    return RecoveryFit(
        measure=measure.name, fitted=True, points=n, plateau=plateau,
        plateau_low=plateau_low, plateau_high=plateau_high,
        onset_value=onset_value, time_constant_days=tau_days, plateau_day=plateau_day,
        plateau_day_low=max(tau_days - tau_half, 1.0) * days_per_tau,
        plateau_day_high=(tau_days + tau_half) * days_per_tau,
        r_squared=r_squared,
    )


@dataclass(frozen=True)
class Prognosis:
    """The prognosis of an episode on a day: prior probability, course update, fitted curve. Always an estimate.

    ``prior_probability_complete`` is None when the reference holds no figure for the cause (then
    ``prior_derivation`` says so). ``probability_complete`` is the prior updated with the course (early
    deterioration [S47], complete recovery recorded). ``plateau*`` are in the units of ``measure``;
    ``plateau_includes_complete`` says whether the plateau interval reaches that measure's complete-recovery value
    (HB I [S1, S34], Sunnybrook 100 [S36]); ``fits`` holds one fit per measure on record; ``summary`` is one line.
    """

    prior_probability_complete: float | None
    prior_derivation: list[str]
    sources: tuple[str, ...]
    fitted: bool
    plateau: float | None
    plateau_low: float | None
    plateau_high: float | None
    measure: str | None
    time_constant_days: float | None
    plateau_reached_on: date | None
    curve: list[tuple[date, float]]
    label: str
    probability_complete: float | None = None
    update_derivation: list[str] = field(default_factory=list)
    reason: str | None = None
    points_used: int = 0
    higher_is_better: bool | None = None
    interval_level: float = ev.FIT_INTERVAL_LEVEL
    plateau_reached_earliest: date | None = None
    plateau_reached_latest: date | None = None
    plateau_includes_complete: bool | None = None
    fits: tuple[RecoveryFit, ...] = ()
    summary: str = ""
    provisional: bool = True
    risk_factors: tuple[str, ...] = ()
    headline_basis: str = "group"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with a ``schema`` field; dates as ISO strings."""
        return {
            "schema": SCHEMA,
            "label": self.label,
            "summary": self.summary,
            "provisional": self.provisional,
            "sources": list(self.sources),
            "prior_probability_complete": self.prior_probability_complete,
            "prior_derivation": list(self.prior_derivation),
            "probability_complete": self.probability_complete,
            "update_derivation": list(self.update_derivation),
            "fitted": self.fitted,
            "reason": self.reason,
            "measure": self.measure,
            "measure_label": course.MEASURES_BY_NAME[self.measure].label if self.measure else None,
            "higher_is_better": self.higher_is_better,
            "points_used": self.points_used,
            "plateau": self.plateau,
            "plateau_low": self.plateau_low,
            "plateau_high": self.plateau_high,
            "interval_level": self.interval_level,
            "time_constant_days": self.time_constant_days,
            "plateau_reached_on": _iso(self.plateau_reached_on),
            "plateau_reached_earliest": _iso(self.plateau_reached_earliest),
            "plateau_reached_latest": _iso(self.plateau_reached_latest),
            "plateau_includes_complete": self.plateau_includes_complete,
            "risk_factors": list(self.risk_factors),
            "headline_basis": self.headline_basis,
            "fits": [fit.to_dict() for fit in self.fits],
            "curve": [{"date": on.isoformat(), "value": value} for on, value in self.curve],
        }


def _update(episode: EpisodeFacts, assessments: Sequence[AssessmentFacts], prior: Prior) -> Prior:
    """The prior updated with the course: complete recovery recorded → 1; early deterioration [S47]."""
    recovered = course.complete_recovery(assessments)
    if recovered.holds:
        return Prior(1.0, [f"Complete recovery recorded: {recovered.detail}."], recovered_sources(recovered))
    if prior.probability is None:
        return Prior(None, [], ())
    note = [f"Not counted as recovery: {recovered.detail}."] if recovered.provisional else []
    early = course.deteriorated_by(episode, assessments, ev.EARLY_DETERIORATION_LAST_DAY)
    if not early.holds:
        return Prior(prior.probability, [*note, f"No early worsening recorded ({early.detail}): prior unchanged."], ())
    ratio = _odds(ev.EARLY_DETERIORATION) / _odds(ev.NO_EARLY_DETERIORATION)
    p = _probability(_odds(prior.probability) * ratio)
    return Prior(p, [*note, f"Worsened early ({early.detail}): complete recovery {ev.EARLY_DETERIORATION:.0%} vs "
                     f"{ev.NO_EARLY_DETERIORATION:.0%} without early worsening (Marsk) [S47], odds ratio "
                     f"{ratio:.2f} → {p:.0%}."], ("S47",))


def recovered_sources(finding: course.Finding) -> tuple[str, ...]:
    """Sources of the complete-recovery definition behind ``finding``."""
    return course.MEASURES_BY_NAME[finding.measure].sources if finding.measure else ()


def _choose(assessments: Sequence[AssessmentFacts], measure: str | None) -> course.Measure:
    if measure is not None:
        if measure not in course.MEASURES_BY_NAME:
            raise CareInputError(f"unknown measure {measure!r}; choose from {', '.join(course.MEASURES_BY_NAME)}")
        return course.MEASURES_BY_NAME[measure]
    counts = [(len(course.series(assessments, m)), m) for m in FIT_ORDER]
    for count, m in counts:
        if count >= ev.FIT_MIN_POINTS:
            return m
    return max(counts, key=lambda c: c[0])[1]


def _curve(onset: date, fit: RecoveryFit, end_day: float) -> list[tuple[date, float]]:
    step = max(1, math.ceil(end_day / (CURVE_POINTS - 1)))
    days = range(0, int(end_day) + step, step)
    return [(onset + timedelta(days=d), round(fit.value_at(d), 3)) for d in days]


def prognosis(
    episode: EpisodeFacts,
    assessments: Sequence[AssessmentFacts],
    treatments: Sequence[TreatmentFacts],
    today: date,
    measure: str | None = None,
) -> Prognosis:
    """The prognosis on ``today`` (facts dated later are ignored); ``measure`` forces which series is fitted.

    Raises :class:`CareInputError` when ``today`` is before the onset or ``measure`` is unknown.
    """
    if not isinstance(today, date) or today < episode.onset_date:
        raise CareInputError(f"today ({today}) must be a date on or after the onset ({episode.onset_date})")
    known = course.until(assessments, today)
    known_treatments = [t for t in treatments if t.start <= today]
    prior = prior_probability(episode, known_treatments, today)
    updated = _update(episode, known, prior)
    chosen = _choose(known, measure)
    fits = {m.name: _fit_series(episode, known, m) for m in FIT_ORDER if course.series(known, m)}
    fit = fits.get(chosen.name) or _fit_series(episode, known, chosen)
    sources = tuple(dict.fromkeys((*prior.sources, *updated.sources, *chosen.sources)))
    curve: list[tuple[date, float]] = []
    reached = earliest = latest = None
    if fit.fitted and fit.plateau_day is not None:
        reached = _on_day(episode, fit.plateau_day)
        earliest, latest = _on_day(episode, fit.plateau_day_low), _on_day(episode, fit.plateau_day_high)
        last_day = max(episode.days_since_onset(on) for on, _ in course.series(known, chosen))
        end_day = max(fit.plateau_day * 1.2, float(last_day), float(episode.days_since_onset(today)))
        curve = _curve(episode.onset_date, fit, end_day)
    includes_complete = fit.includes(chosen.complete)
    headline = _headline(prior.probability, updated.probability, chosen, fit, reached, includes_complete,
                         prior.risk_factors,
                         course.automated_grade_note(known, only_if_complete=True))
    return Prognosis(
        prior_probability_complete=prior.probability,
        prior_derivation=prior.derivation,
        sources=sources,
        fitted=fit.fitted,
        plateau=fit.plateau,
        plateau_low=fit.plateau_low,
        plateau_high=fit.plateau_high,
        measure=chosen.name,
        time_constant_days=fit.time_constant_days,
        plateau_reached_on=reached,
        curve=curve,
        label=LABEL,
        probability_complete=updated.probability,
        update_derivation=updated.derivation,
        reason=fit.reason,
        points_used=fit.points,
        higher_is_better=chosen.higher_is_better,
        plateau_reached_earliest=earliest,
        plateau_reached_latest=latest,
        plateau_includes_complete=includes_complete,
        fits=tuple(fits.values()),
        summary=headline.text,
        risk_factors=prior.risk_factors,
        headline_basis=headline.basis,
    )


def _fit_series(episode: EpisodeFacts, assessments: Sequence[AssessmentFacts], measure: course.Measure) -> RecoveryFit:
    points = course.series(assessments, measure)
    return fit_recovery([float(episode.days_since_onset(on)) for on, _ in points], [v for _, v in points], measure)


def _on_day(episode: EpisodeFacts, day: float | None) -> date | None:
    """The date ``day`` days after onset; None past the calendar's end."""
    if day is None or not math.isfinite(day):
        return None
    try:
        return episode.onset_date + timedelta(days=round(day))
    except OverflowError:
        return None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class Headline:
    """The one-line summary and what it rests on: ``"group"`` (published figures), ``"curve"`` (this patient's
    fitted plateau, when it contradicts the group figure) or ``"recorded"`` (complete recovery on record)."""

    text: str
    basis: str


def _chance(published: float, probability: float | None) -> str:
    """The chance of complete recovery in the words of the prognosis table's rows: the published group figure and,
    when the course changed it, the figure updated with this course. One wording, so prose and table agree."""
    text = f"from published figures: {published:.0%} of similar patients"
    if probability is not None and f"{probability:.0%}" != f"{published:.0%}":
        text += f"; updated with this course: {probability:.0%}"
    return text


def _headline(published: float | None, probability: float | None, measure: course.Measure, fit: RecoveryFit,
              reached: date | None, includes_complete: bool | None, risk_factors: Sequence[str],
              automated_note: str) -> Headline:
    """One consistent line: the probability, the risk factors that lower it, then the plateau or why there is none.

    When the plateau interval excludes complete recovery, the line rests on the patient's own curve and says why:
    the group figure describes similar patients at onset, the curve this patient's course since. ``published`` is
    the group figure (the table's "from published figures" row), ``probability`` that figure updated with the
    course (the "updated with this course" row); the prose names each by the same words as its row.
    """
    factors = (f" Lower with {', '.join(risk_factors)} (size of the effect not established [S43])."
               if risk_factors else "")
    estimate = f" Not yet recovery: the {automated_note}." if automated_note else ""
    if probability is not None and probability >= 1.0:
        first = "Complete recovery is recorded by a clinician."
    elif probability is None or published is None:
        first = "No published recovery figure applies to this cause."
    else:
        first = f"Chance of complete recovery, {_chance(published, probability)}."
    if not fit.fitted or fit.plateau is None or reached is None:
        return Headline(f"{first}{factors}{estimate} No recovery curve yet: {fit.reason}.",
                        "recorded" if probability == 1.0 else "group")
    plateau = (f"Projected {measure.label} plateau {fit.plateau:.3g} ({fit.plateau_low:.3g}–{fit.plateau_high:.3g}, "
               f"{INTERVAL_LABEL}), 95% of the way by about {reached.isoformat()}.")
    if (includes_complete is False and measure.complete is not None and probability is not None and probability < 1
            and published is not None):
        return Headline(
            f"This patient's own curve points to a {measure.label} plateau of {fit.plateau:.3g} "
            f"({fit.plateau_low:.3g}–{fit.plateau_high:.3g}, {INTERVAL_LABEL}), short of complete recovery "
            f"({measure.complete:g}), 95% of the way by about {reached.isoformat()}. The chance of complete "
            f"recovery ({_chance(published, probability)}) describes patients at onset; this "
            f"patient's measured course since is the better guide now.{factors}{estimate}",
            "curve")
    where = ""
    if includes_complete is not None and measure.complete is not None:
        where = f" Complete recovery ({measure.complete:g}) lies within that interval."
    return Headline(f"{first}{factors}{estimate} {plateau}{where}", "recorded" if probability == 1.0 else "group")
