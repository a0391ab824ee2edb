"""Prognosis: the prior from published figures, and the recovery curve recovered from synthetic series."""

from __future__ import annotations

import itertools
import json
import math
from datetime import date, timedelta

import numpy as np
import pytest

from facenerve.care import AssessmentFacts, CareInputError, Cause, fit_recovery, prognosis
from facenerve.care.course import ASYMMETRY, HOUSE_BRACKMANN, SUNNYBROOK
from tests.care.conftest import ONSET, day, episode, med, seen

VISIT_DAYS = (4, 10, 18, 28, 42, 60, 90, 120, 180)


def recovery_series(
    plateau: float, onset_value: float, tau_days: float, noise: float, seed: int, field: str,
    days: tuple[int, ...] = VISIT_DAYS,
) -> list[AssessmentFacts]:
    """Assessments following y = P + (y0 − P)·exp(−t/τ) plus Gaussian noise (seeded)."""
    rng = np.random.default_rng(seed)
    values = plateau + (onset_value - plateau) * np.exp(-np.asarray(days, float) / tau_days)
    values = values + rng.normal(0.0, noise, size=len(days))
    return [seen(d, **{field: float(max(v, 0.0))}) for d, v in zip(days, values, strict=True)]


def odds(p: float) -> float:
    return p / (1 - p)


def prob(o: float) -> float:
    return o / (1 + o)


# --- prior -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("complete", "expected"), [(True, 0.61), (False, 0.94), (None, 0.71)])
def test_prior_starts_from_peitersen(complete: bool | None, expected: float) -> None:
    result = prognosis(episode(complete_at_onset=complete), [], [], day(10))
    assert result.prior_probability_complete == pytest.approx(expected)
    assert "S41" in result.sources and "Peitersen" in result.prior_derivation[0]


@pytest.mark.parametrize(("start", "applied"), [(0, True), (3, True), (4, False)])
def test_prior_applies_sullivan_for_steroid_within_72_hours(start: int, applied: bool) -> None:
    result = prognosis(episode(complete_at_onset=True), [], [med("prednisolone", start)], day(10))
    sullivan = odds(0.944) / odds(0.816)
    expected = prob(odds(0.61) * sullivan) if applied else 0.61
    assert result.prior_probability_complete == pytest.approx(expected)
    assert ("S34" in result.sources) is applied


def test_prior_skips_sullivan_under_16_and_lists_direction_only_factors() -> None:
    child = prognosis(episode(birth_date=date(2014, 1, 1)), [], [med("prednisolone", 1)], day(10))
    assert child.prior_probability_complete == pytest.approx(0.94)
    older = episode(birth_date=date(1950, 1, 1), comorbidities=frozenset({"diabetes", "hypertension"}))
    result = prognosis(older, [], [], day(10))
    assert result.prior_probability_complete == pytest.approx(0.94)  # direction only: not applied
    assert any("diabetes" in s and "hypertension" in s and "age 76" in s for s in result.prior_derivation)
    assert "S43" in result.sources


def test_prior_pregnancy_dry_eye_and_dysacusis() -> None:
    pregnant = prognosis(episode(complete_at_onset=True, comorbidities=frozenset({"pregnancy"})), [], [], day(5))
    assert pregnant.prior_probability_complete == pytest.approx(prob(odds(0.61) * odds(0.52) / odds(0.825)))
    incomplete = prognosis(episode(comorbidities=frozenset({"pregnancy"})), [], [], day(5))
    assert incomplete.prior_probability_complete == pytest.approx(0.94)
    ears = prognosis(episode(comorbidities=frozenset({"dry_eye", "dysacusis"})), [], [], day(5))
    assert ears.prior_probability_complete == pytest.approx(0.94 * 0.90 * 0.75)
    assert "S39" in ears.sources


@pytest.mark.parametrize(("start", "expected"), [(None, 0.20), (3, 0.75), (5, 0.30), (8, 0.30)])
def test_prior_ramsay_hunt_by_treatment_delay(start: int | None, expected: float) -> None:
    treatments = [] if start is None else [med("valaciclovir", start)]
    result = prognosis(episode(cause=Cause.RAMSAY_HUNT), [], treatments, day(20))
    assert result.prior_probability_complete == pytest.approx(expected)


@pytest.mark.parametrize("cause", [Cause.TRAUMA, Cause.CONGENITAL, Cause.CENTRAL, Cause.TUMOUR_OR_SURGERY])
def test_no_prior_without_a_published_figure(cause: Cause) -> None:
    result = prognosis(episode(cause=cause), [], [], day(20))
    assert result.prior_probability_complete is None and result.probability_complete is None
    assert "No published recovery figure" in result.prior_derivation[0]


def test_update_with_early_deterioration_and_complete_recovery() -> None:
    worse = [seen(2, house_brackmann=3), seen(12, house_brackmann=5)]
    result = prognosis(episode(), worse, [], day(20))
    assert result.probability_complete == pytest.approx(prob(odds(0.94) * odds(0.45) / odds(0.73)))
    assert "S47" in result.sources
    late = [seen(2, house_brackmann=3), seen(18, house_brackmann=5)]
    assert prognosis(episode(), late, [], day(20)).probability_complete == pytest.approx(0.94)
    recovered = [seen(2, house_brackmann=3), seen(60, house_brackmann=1)]
    assert prognosis(episode(), recovered, [], day(70)).probability_complete == 1.0


# --- recovery curve ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("plateau", "onset_value", "tau"), [(90.0, 15.0, 30.0), (70.0, 30.0, 60.0)])
def test_sunnybrook_recovery_parameters_are_recovered(seed: int, plateau: float, onset_value: float,
                                                      tau: float) -> None:
    series = recovery_series(plateau, onset_value, tau, noise=2.0, seed=seed, field="sunnybrook_composite")
    result = prognosis(episode(), series, [], day(200))
    assert result.fitted and result.measure == "sunnybrook_composite" and result.higher_is_better
    assert result.plateau == pytest.approx(plateau, abs=4.0)
    assert result.time_constant_days == pytest.approx(tau, rel=0.35)
    assert result.plateau_low is not None and result.plateau_high is not None
    assert result.plateau_low < result.plateau < result.plateau_high
    assert result.plateau_high - result.plateau_low < 40.0  # the calibrated (1.5× asymptotic) 95% interval
    expected_day = tau * math.log(20)
    assert result.plateau_reached_on is not None
    assert abs((result.plateau_reached_on - ONSET).days - expected_day) < 0.35 * expected_day + 1


@pytest.mark.parametrize(("plateau", "onset_value", "tau", "noise"), [(85.0, 20.0, 40.0, 3.0), (60.0, 10.0, 20.0, 4.0)])
def test_the_95_percent_interval_covers_the_true_plateau_in_95_percent_of_runs(
        plateau: float, onset_value: float, tau: float, noise: float) -> None:
    """The label says 95%: the interval must cover the true plateau in at least 95% of seeded series (issue #18)."""
    covered = fitted = 0
    for seed in range(200):
        series = recovery_series(plateau, onset_value, tau, noise=noise, seed=100 + seed, field="sunnybrook_composite")
        fit = prognosis(episode(), series, [], day(200))
        if fit.fitted and fit.plateau_low is not None and fit.plateau_high is not None:
            fitted += 1
            covered += fit.plateau_low <= plateau <= fit.plateau_high
    assert fitted >= 190
    assert covered >= 0.95 * fitted
    assert "95% interval" in fit.summary


def test_asymmetry_recovery_falls_to_its_plateau() -> None:
    series = recovery_series(1.0, 9.0, 25.0, noise=0.3, seed=7, field="asymmetry_index_mm")
    result = prognosis(episode(), series, [], day(200))
    assert result.fitted and result.measure == "asymmetry_index_mm" and result.higher_is_better is False
    assert result.plateau == pytest.approx(1.0, abs=0.6)
    assert result.time_constant_days == pytest.approx(25.0, rel=0.35)
    values = [v for _, v in result.curve]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(values))  # monotone fall


def test_curve_runs_from_onset_past_the_plateau_day() -> None:
    series = recovery_series(90.0, 15.0, 30.0, noise=1.0, seed=1, field="sunnybrook_composite")
    result = prognosis(episode(), series, [], day(200))
    assert result.curve[0][0] == ONSET
    assert result.plateau_reached_on is not None and result.curve[-1][0] >= result.plateau_reached_on
    assert result.curve[-1][0] >= day(200)
    assert 20 <= len(result.curve) <= 45
    values = [v for _, v in result.curve]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))


def test_house_brackmann_series_can_be_fitted_and_measure_forced() -> None:
    grades = [seen(d, house_brackmann=g, sunnybrook_composite=s) for d, g, s in
              [(3, 6, 10.0), (14, 5, 25.0), (30, 4, 45.0), (60, 3, 62.0), (90, 2, 75.0), (150, 2, 80.0)]]
    forced = prognosis(episode(), grades, [], day(160), measure="house_brackmann")
    assert forced.measure == "house_brackmann" and forced.fitted and forced.higher_is_better is False
    assert forced.plateau is not None and 1.0 <= forced.plateau <= 3.0
    assert prognosis(episode(), grades, [], day(160)).measure == "sunnybrook_composite"
    with pytest.raises(CareInputError, match="unknown measure"):
        prognosis(episode(), grades, [], day(160), measure="smile")


# --- edge cases ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_too_few_points_are_not_fitted(count: int) -> None:
    series = recovery_series(90.0, 15.0, 30.0, 1.0, 0, "sunnybrook_composite", days=VISIT_DAYS[:count])
    result = prognosis(episode(), series, [], day(200))
    assert not result.fitted and result.curve == [] and result.plateau is None
    assert result.reason is not None and "at least 4" in result.reason
    assert result.prior_probability_complete == pytest.approx(0.94)
    json.dumps(result.to_dict())


def test_flat_series_is_not_fitted() -> None:
    flat = [seen(d, sunnybrook_composite=50.0 + (d % 3)) for d in VISIT_DAYS]
    result = prognosis(episode(), flat, [], day(200))
    assert not result.fitted and result.reason is not None and "not changed" in result.reason


def test_noisy_series_is_not_fitted() -> None:
    zigzag = [seen(d, sunnybrook_composite=v) for d, v in zip(VISIT_DAYS, [20, 80, 25, 75, 30, 85, 20, 80, 30],
                                                              strict=True)]
    result = prognosis(episode(), zigzag, [], day(200))
    assert not result.fitted and result.reason is not None and "noisy" in result.reason


def test_steady_linear_change_has_no_plateau_in_sight() -> None:
    line = [seen(d, sunnybrook_composite=10.0 + 0.4 * d) for d in VISIT_DAYS]
    result = prognosis(episode(), line, [], day(200))
    assert not result.fitted and result.reason is not None and "plateau" in result.reason


def test_same_day_repeats_are_not_enough() -> None:
    repeats = [seen(d, sunnybrook_composite=v) for d, v in [(10, 20.0), (10, 22.0), (40, 60.0), (40, 61.0)]]
    result = prognosis(episode(), repeats, [], day(50))
    assert not result.fitted and result.reason is not None and "3 different days" in result.reason


def test_future_facts_are_ignored_and_today_before_onset_rejected() -> None:
    series = recovery_series(90.0, 15.0, 30.0, 1.0, 0, "sunnybrook_composite")
    on_day_20 = prognosis(episode(), series, [], day(20))
    assert on_day_20.points_used == 3 and not on_day_20.fitted
    with pytest.raises(CareInputError):
        prognosis(episode(), series, [], ONSET - timedelta(days=1))


def test_to_dict_is_json_and_always_labelled_an_estimate() -> None:
    series = recovery_series(90.0, 15.0, 30.0, 1.0, 0, "sunnybrook_composite")
    data = json.loads(json.dumps(prognosis(episode(), series, [med("prednisolone", 1)], day(200)).to_dict()))
    assert data["schema"] == "facenerve.prognosis/1" and data["provisional"] is True
    assert "Estimate" in data["label"]
    assert data["curve"][0] == {"date": ONSET.isoformat(), "value": pytest.approx(data["curve"][0]["value"])}
    assert data["plateau_reached_on"] is not None and set(data["sources"]) >= {"S41", "S34"}


def test_fit_recovery_directly_and_its_input_checks() -> None:
    days = np.array(VISIT_DAYS, dtype=float)
    values = 2.0 + 4.0 * np.exp(-days / 20.0)
    fit = fit_recovery(days.tolist(), values.tolist(), HOUSE_BRACKMANN)
    assert fit.fitted and fit.plateau == pytest.approx(2.0, abs=0.05)
    assert fit.time_constant_days == pytest.approx(20, rel=0.05)
    assert fit.value_at(0.0) == pytest.approx(6.0, abs=0.05)
    with pytest.raises(CareInputError):
        fit_recovery([1.0, 2.0], [1.0], SUNNYBROOK)
    unfitted = fit_recovery([], [], ASYMMETRY)
    assert not unfitted.fitted
    with pytest.raises(CareInputError):
        unfitted.value_at(1.0)


def test_recovery_to_complete_fits_at_the_top_of_the_scale() -> None:
    series = recovery_series(100.0, 15.0, 30.0, noise=2.0, seed=3, field="sunnybrook_composite")
    capped = [seen((a.on - ONSET).days, sunnybrook_composite=min(100.0, a.sunnybrook_composite or 0.0)) for a in series]
    result = prognosis(episode(), capped, [], day(200))
    assert result.fitted and result.plateau is not None and result.plateau_low is not None
    assert result.plateau >= 97.0 and result.plateau_high == 100.0


def test_early_uncertain_series_says_so_instead_of_guessing() -> None:
    early = recovery_series(80.0, 15.0, 30.0, noise=2.0, seed=0, field="sunnybrook_composite", days=(4, 10, 18, 28))
    result = prognosis(episode(), early, [], day(30))
    assert not result.fitted and result.reason is not None and "too uncertain" in result.reason


def test_plateau_date_range_complete_recovery_check_and_summary() -> None:
    series = recovery_series(90.0, 15.0, 30.0, noise=2.0, seed=2, field="sunnybrook_composite")
    result = prognosis(episode(), series, [], day(200))
    assert result.plateau_reached_earliest is not None and result.plateau_reached_latest is not None
    assert result.plateau_reached_on is not None
    assert result.plateau_reached_earliest <= result.plateau_reached_on <= result.plateau_reached_latest
    assert result.plateau_includes_complete is False  # 90 ± a few points does not reach Sunnybrook 100
    # The curve contradicts the group figure, so the headline rests on the curve and says why (issue #18, row 7).
    assert result.headline_basis == "curve"
    assert "short of complete recovery" in result.summary and "94%" in result.summary
    capped = recovery_series(100.0, 15.0, 30.0, noise=2.0, seed=3, field="sunnybrook_composite")
    capped = [seen((a.on - ONSET).days, sunnybrook_composite=min(100.0, a.sunnybrook_composite or 0.0)) for a in capped]
    assert prognosis(episode(), capped, [], day(200)).plateau_includes_complete is True
    few = prognosis(episode(cause=Cause.TRAUMA), series[:2], [], day(200))
    assert few.plateau_includes_complete is None
    assert few.summary.startswith("No published recovery figure") and "No recovery curve yet" in few.summary


def test_every_measure_on_record_gets_its_own_fit() -> None:
    both = [
        AssessmentFacts(on=a.on, sunnybrook_composite=a.sunnybrook_composite, asymmetry_index_mm=b.asymmetry_index_mm)
        for a, b in zip(recovery_series(90.0, 15.0, 30.0, 2.0, 4, "sunnybrook_composite"),
                        recovery_series(1.0, 9.0, 30.0, 0.3, 4, "asymmetry_index_mm"), strict=True)
    ]
    result = prognosis(episode(), [*both, seen(50, house_brackmann=3)], [], day(200))
    by_measure = {fit.measure: fit for fit in result.fits}
    assert set(by_measure) == {"sunnybrook_composite", "asymmetry_index_mm", "house_brackmann"}
    asymmetry = by_measure["asymmetry_index_mm"]
    assert asymmetry.fitted and asymmetry.plateau == pytest.approx(1.0, abs=0.7)
    assert not by_measure["house_brackmann"].fitted
    assert [f["measure"] for f in result.to_dict()["fits"]] == [f.measure for f in result.fits]


def test_prose_names_each_chance_as_its_table_row_does() -> None:
    """The trial's patient page: the prose called the course-updated figure "the group figure" (64%) while the table
    gave the published figure (86%) and the updated one (64%) on two rows. Each figure is named by its row's words."""
    values = [(3, 50), (14, 30), (30, 50), (50, 60), (70, 65), (100, 68), (130, 69.5), (160, 70), (200, 70)]
    result = prognosis(episode(), [seen(d, sunnybrook_composite=v) for d, v in values], [med("prednisolone", 0)],
                       day(210))
    assert result.prior_probability_complete is not None and result.probability_complete is not None
    published, updated = f"{result.prior_probability_complete:.0%}", f"{result.probability_complete:.0%}"
    assert published != updated and result.headline_basis == "curve"
    assert f"from published figures: {published} of similar patients" in result.summary
    assert f"updated with this course: {updated}" in result.summary
    assert f"({updated} of similar patients" not in result.summary and "group figure" not in result.summary
    early = prognosis(episode(), [seen(d, sunnybrook_composite=v) for d, v in values[:2]], [med("prednisolone", 0)],
                      day(20))
    assert early.summary.startswith(f"Chance of complete recovery, from published figures: {published}")
