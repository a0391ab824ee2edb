"""Issue #18: properties over generated courses (rising, flat, falling, relapsing, noisy), seeded.

* adding automated estimates to a clinician's course never removes a red flag or an urgent alert;
* a falling series is never fitted as a recovery;
* the headline never contradicts the plateau interval.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from facenerve.care import AssessmentFacts, Severity, evaluate, fit_recovery, prognosis
from facenerve.care import course as course_mod
from tests.care.conftest import day, episode, med

VISIT_DAYS = (3, 10, 21, 35, 60, 90, 125, 150)
SHAPES: dict[str, Callable[[float], float]] = {
    "rising": lambda t: 20 + 70 * (1 - 2.718 ** (-t / 40)),
    "flat": lambda t: 40.0,
    "falling": lambda t: 80 - 50 * (1 - 2.718 ** (-t / 30)),
    "relapsing": lambda t: 30 + 0.5 * t if t < 60 else 60 - 0.4 * (t - 60),
}


def _course(rng: random.Random, shape: str, noise: float) -> list[tuple[int, float]]:
    return [(d, max(-15.0, min(100.0, SHAPES[shape](d) + rng.gauss(0, noise)))) for d in VISIT_DAYS]


def _grade(sunnybrook: float) -> int:
    """A clinician's HB grade consistent with a Sunnybrook value (for richer generated courses)."""
    return 1 if sunnybrook >= 95 else 2 if sunnybrook >= 80 else 3 if sunnybrook >= 60 else 4 if sunnybrook >= 40 \
        else 5 if sunnybrook >= 10 else 6


def _pressing(alerts: list) -> set[str]:
    return {a.rule for a in alerts if a.severity in (Severity.RED_FLAG, Severity.URGENT)}


@pytest.mark.parametrize("shape", [*SHAPES, "noisy"])
def test_automated_values_never_silence_a_red_flag_or_urgent_alert(shape: str) -> None:
    rng = random.Random(hash(shape) % 1000)
    for _ in range(40):
        values = _course(rng, "flat" if shape == "noisy" else shape, 12.0 if shape == "noisy" else 3.0)
        clinician = [AssessmentFacts(on=day(d), sunnybrook_composite=round(v), house_brackmann=_grade(v),
                                     eye_closure_complete=v >= 40) for d, v in values]
        extra = []
        for d in rng.sample(range(1, 160), 4):
            extra.append(AssessmentFacts(
                on=day(d), automated=frozenset({"asymmetry_index_mm", "house_brackmann", "eye_closure_complete"}),
                asymmetry_index_mm=round(rng.uniform(0, 9), 1), house_brackmann=rng.randint(1, 6),
                eye_closure_complete=rng.random() < 0.5))
        for today in (day(22), day(95), day(125), day(160)):
            alone = _pressing(evaluate(episode(), clinician, [med("prednisolone", 0)], today))
            mixed = _pressing(evaluate(episode(), clinician + extra, [med("prednisolone", 0)], today))
            assert alone <= mixed, (shape, values, extra, today)


@pytest.mark.parametrize("noise", [0.0, 2.0, 5.0])
def test_a_falling_series_is_never_fitted_as_recovery(noise: float) -> None:
    rng = random.Random(int(noise * 10))
    for _ in range(60):
        start, drop, tau = rng.uniform(60, 95), rng.uniform(15, 50), rng.uniform(10, 60)
        days = [float(d) for d in VISIT_DAYS]
        values = [start - drop * (1 - 2.718 ** (-d / tau)) + rng.gauss(0, noise) for d in days]
        fit = fit_recovery(days, values, course_mod.SUNNYBROOK)
        assert not fit.fitted or (fit.plateau is not None and fit.onset_value is not None
                                  and fit.plateau >= fit.onset_value - course_mod.SUNNYBROOK.change), values


@pytest.mark.parametrize("shape", [*SHAPES, "noisy"])
def test_the_headline_never_contradicts_the_interval(shape: str) -> None:
    rng = random.Random(7 + len(shape))
    for _ in range(30):
        values = _course(rng, "rising" if shape == "noisy" else shape, 8.0 if shape == "noisy" else 2.0)
        facts = [AssessmentFacts(on=day(d), sunnybrook_composite=round(v)) for d, v in values]
        outlook = prognosis(episode(complete_at_onset=rng.choice([True, False, None])), facts,
                            [med("prednisolone", 0)], day(160))
        if outlook.plateau_includes_complete is False and (outlook.probability_complete or 0) < 1:
            assert outlook.headline_basis == "curve" and "short of complete recovery" in outlook.summary
            assert "Group figure:" not in outlook.summary
        if outlook.plateau_includes_complete is True:
            assert "within that interval" in outlook.summary
        recorded = [round(v) for _, v in values]
        if outlook.fitted and outlook.plateau is not None and recorded[-1] == max(recorded):
            assert outlook.plateau >= recorded[-1] - 1e-3, (values, outlook.plateau)  # not below a series still rising
