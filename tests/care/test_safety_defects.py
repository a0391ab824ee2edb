"""Issue #18: one test per defect of the clinical audit, named after its row, with the audit's own inputs."""

from __future__ import annotations

from datetime import time

from facenerve.care import AssessmentFacts, Cause, TreatmentFacts, evaluate, prognosis
from facenerve.care import course as course_mod
from facenerve.care import evidence as ev
from facenerve.scales import score
from tests.care.conftest import ONSET, day, episode, injection, med, seen


def rules(alerts: list) -> list[str]:
    return [a.rule for a in alerts]


def auto(n: int, **measures: object) -> AssessmentFacts:
    """An assessment whose measures are all automated estimates."""
    return AssessmentFacts(on=day(n), automated=frozenset(measures), **measures)  # type: ignore[arg-type]


def test_row01_decline_in_small_steps_and_relapse_raise_the_red_flag_and_reassessment() -> None:
    sunnybrook = [seen(n, sunnybrook_composite=v) for n, v in
                  [(3, 70), (10, 72), (20, 71), (35, 62), (50, 55), (65, 48), (80, 41)]]
    alerts = rules(evaluate(episode(), sunnybrook, [med("prednisolone", 0)], day(80)))
    assert "red_flag.progressing" in alerts and "reassess_worsening" in alerts
    relapse = [seen(3, house_brackmann=4), seen(20, house_brackmann=2), seen(40, house_brackmann=4)]
    alerts = rules(evaluate(episode(), relapse, [med("prednisolone", 0)], day(41)))
    assert "red_flag.progressing" in alerts and "reassess_worsening" in alerts


def test_row02_automated_index_moving_never_silences_no_improvement() -> None:
    course = [seen(3, house_brackmann=4), auto(30, asymmetry_index_mm=8.0), seen(60, house_brackmann=4),
              auto(100, asymmetry_index_mm=6.4), seen(121, house_brackmann=4)]
    flag = next(a for a in evaluate(episode(), course, [], day(125)) if a.rule == "red_flag.no_improvement")
    assert "only automated estimates point to improvement" in flag.explanation
    noisy = [auto(10, asymmetry_index_mm=6.0), auto(40, asymmetry_index_mm=7.6), auto(70, asymmetry_index_mm=6.1)]
    alerts = rules(evaluate(episode(), noisy, [], day(125)))
    assert "red_flag.progressing" not in alerts  # one noisy photo is not a progression
    assert "red_flag.no_improvement" in alerts  # and noise is not improvement


def test_row03_eye_protection_on_any_sign_of_incomplete_closure() -> None:
    for visit in (seen(2, eye_closure_complete=True, lagophthalmos_mm=2.0), seen(2, house_brackmann=5)):
        eye = next(a for a in evaluate(episode(), [visit], [med("prednisolone", 0)], day(3))
                   if a.rule == "eye_protection")
        if visit.eye_closure_complete:
            assert "Contradictory entries" in eye.explanation
    mixed = [seen(1, eye_closure_complete=False), auto(4, eye_closure_complete=True)]
    assert "eye_protection" in rules(evaluate(episode(), mixed, [med("prednisolone", 0)], day(5)))
    runs = [seen(5, eye_closure_complete=False), seen(20, eye_closure_complete=True),
            seen(60, eye_closure_complete=False)]
    first = next(a for a in evaluate(episode(), runs[:1], [], day(7)) if a.rule == "eye_protection")
    again = next(a for a in evaluate(episode(), runs, [], day(61)) if a.rule == "eye_protection")
    assert first.instance == day(5) and again.instance == day(60)  # a new instance: an old dismissal cannot hide it
    assert "eye_protection" not in rules(evaluate(episode(), runs[:2], [], day(21)))


def test_row04_recurrence_on_the_same_side_from_earlier_episodes_without_the_checkbox() -> None:
    ep = episode(recurrence=False, previous_sides=("left",))
    flag = next(a for a in evaluate(ep, [], [med("prednisolone", 0)], day(1)) if a.rule.endswith("ipsilateral"))
    assert not flag.dismissible and "S39" in flag.sources


def test_row05_house_brackmann_quantitative_incomplete_closure_is_never_normal() -> None:
    data = {"brow_excursion_mm": {"left": 10, "right": 10}, "commissure_excursion_mm": {"left": 10, "right": 10},
            "eye_closure_complete": "incomplete"}
    result = score("house_brackmann_quantitative", data)
    assert result.scores["grade"] == "IV"
    data["commissure_excursion_mm"] = {"left": 7.5, "right": 10}
    assert score("house_brackmann_quantitative", data).scores["grade"] == "IV"


def test_row06_automated_house_brackmann_one_is_an_estimate_not_recovery() -> None:
    course = [seen(3, house_brackmann=4), auto(92, house_brackmann=1)]
    alerts = rules(evaluate(episode(), course, [med("prednisolone", 0)], day(95)))
    assert "specialist_referral" in alerts
    outlook = prognosis(episode(), course, [med("prednisolone", 0)], day(95))
    assert outlook.probability_complete is not None and outlook.probability_complete < 1.0
    assert "100%" not in outlook.summary and "a clinician's grade must confirm it" in outlook.summary


def test_row07_headline_and_plateau_tell_one_story() -> None:
    values = [(3, 30), (10, 45), (20, 60), (35, 72), (60, 81), (90, 85), (120, 86)]
    course = [seen(n, sunnybrook_composite=v) for n, v in values]
    outlook = prognosis(episode(complete_at_onset=False), course, [med("prednisolone", 0)], day(125))
    assert outlook.fitted and outlook.plateau_includes_complete is False
    assert outlook.headline_basis == "curve"
    assert "short of complete recovery" in outlook.summary and "lies outside" not in outlook.summary
    assert "chance of complete recovery 9" not in outlook.summary


def test_row08_a_worsening_series_is_never_fitted_as_recovery() -> None:
    values = [(3, 80), (10, 60), (20, 45), (30, 38), (45, 33), (60, 31)]
    course = [seen(n, sunnybrook_composite=v) for n, v in values]
    outlook = prognosis(episode(), course, [], day(61))
    assert not outlook.fitted and "worsening, not recovering" in (outlook.reason or "")
    assert "red_flag.progressing" in rules(evaluate(episode(), course, [], day(61)))


def test_row09_no_plateau_below_the_last_value_nor_reached_in_the_past_while_rising() -> None:
    values = [(7, 20), (14, 50), (21, 65), (42, 72), (60, 80), (90, 85), (120, 88)]
    course = [seen(n, sunnybrook_composite=v) for n, v in values]
    outlook = prognosis(episode(), course, [], day(121))
    if outlook.fitted:
        assert outlook.plateau is not None and outlook.plateau >= 88
        assert outlook.plateau_reached_on is not None and "held at or beyond the latest value" in str(
            next(f.corrected for f in outlook.fits if f.measure == "sunnybrook_composite"))
    else:
        assert outlook.reason


def test_row10_steroid_window_without_onset_time_says_it_may_have_closed() -> None:
    untimed = next(a for a in evaluate(episode(), [], [], day(3)) if a.rule == "steroid_window")
    assert "may have closed (onset time not recorded)" in untimed.title and untimed.provisional
    early = next(a for a in evaluate(episode(), [], [], day(2)) if a.rule == "steroid_window")
    assert "may have closed" not in early.title and "Onset time not recorded" in early.explanation
    timed = next(a for a in evaluate(episode(onset_time=time(14, 30)), [], [], day(3)) if a.rule == "steroid_window")
    assert "14:30" in timed.title and not timed.provisional


def test_row11_steroid_started_before_onset_does_not_count() -> None:
    before = [med("prednisolone", -45)]
    window = next(a for a in evaluate(episode(), [], before, day(1)) if a.rule == "steroid_window")
    assert "before the onset" in window.explanation
    outlook = prognosis(episode(complete_at_onset=False), [], before, day(1))
    assert outlook.prior_probability_complete == ev.PEITERSEN_INCOMPLETE  # untreated [S41], not the 72-h effect


def test_row12_electrodiagnostics_when_the_palsy_becomes_complete() -> None:
    for completeness in (False, None):
        ep = episode(complete_at_onset=completeness)
        alerts = evaluate(ep, [seen(4, house_brackmann=6)], [med("prednisolone", 0)], day(5))
        assert "electrodiagnostics" in rules(alerts)


def test_row13_bilateral_is_a_red_flag_whatever_the_cause() -> None:
    for cause in (Cause.RAMSAY_HUNT, Cause.TRAUMA):
        flag = next(a for a in evaluate(episode(side="bilateral", cause=cause), [], [], day(1))
                    if a.rule == "red_flag.bilateral")
        assert not flag.dismissible


def test_row14_house_brackmann_movement_out_of_human_range_is_refused() -> None:
    import pytest

    from facenerve.scales import ScaleInputError

    data = {"brow_excursion_mm": {"left": 250, "right": 10}, "commissure_excursion_mm": {"left": 10, "right": 10}}
    with pytest.raises(ScaleInputError, match=r"brow_excursion_mm\.left"):
        score("house_brackmann_quantitative", data)


def test_row15_unknown_completeness_with_steroid_uses_the_trial_population_and_risks_show() -> None:
    outlook = prognosis(episode(complete_at_onset=None), [], [med("prednisolone", 1)], day(2))
    assert outlook.prior_probability_complete == ev.SULLIVAN_PREDNISOLONE_9MO  # Sullivan's population [S34]
    old = episode(complete_at_onset=False, birth_date=ONSET.replace(year=ONSET.year - 76),
                  comorbidities=frozenset({"diabetes", "hypertension"}))
    summary = prognosis(old, [], [med("prednisolone", 1)], day(2)).summary
    assert "age 76" in summary and "diabetes" in summary and "hypertension" in summary


def test_row16_cosmetic_rules() -> None:
    from facenerve.scales.yanagihara import ITEMS

    yanagihara = {spec.key: 0 for spec in ITEMS if spec.required}
    assert score("yanagihara", yanagihara).scores["recovered"] == "no"
    stale = evaluate(episode(), [], [injection(30)], day(30 + 3 * 365))
    assert "botox_due" not in rules(stale)
    stable = [seen(150, synkinesis_score=3.0), seen(200, synkinesis_score=3.0)]
    assert "synkinesis" in rules(evaluate(episode(), stable, [], day(210)))
    pairs = [injection(100), injection(150), injection(300), injection(400)]
    short = [a for a in evaluate(episode(), [], pairs, day(401)) if a.rule == "botox_interval_short"]
    assert {a.since for a in short} == {day(150)}  # the first pair, though the last two are far enough apart
    from facenerve.scales import SCALES

    eface_keys = [spec.key for spec in SCALES["eface"].items]
    one_static = {k: 100 for k in eface_keys if not k.startswith("static.")} | {"static.brow": 100}
    from facenerve.scales.eface import score_eface

    eface = score_eface(one_static, allow_missing=True)
    assert eface.scores["static_items"] == "1 of 4 (partial)"
    # The interval's label and its measured coverage: tests/care/test_prognosis.py
    # (test_the_95_percent_interval_covers_the_true_plateau_in_95_percent_of_runs).


def test_course_keeps_clinician_and_automated_values_apart() -> None:
    points = course_mod.points_of([seen(1, house_brackmann=4), auto(2, house_brackmann=2)], course_mod.HOUSE_BRACKMANN)
    assert [p.automated for p in points] == [False, True]


def test_treatment_facts_are_plain() -> None:
    assert TreatmentFacts(kind="medication", name="Prednisolone", start=day(0)).name == "prednisolone"


def test_row09_a_series_that_reaches_the_top_of_the_scale_keeps_its_plateau() -> None:
    """Held at or beyond the latest value, the plateau of a series that reached Sunnybrook 100 is 100 (not a
    failed fit on empty bounds)."""
    from facenerve.care import course as c
    from facenerve.care import fit_recovery

    fit = fit_recovery([4, 10, 18, 28, 42, 60, 90], [20, 45, 62, 75, 88, 95, 100], c.SUNNYBROOK)
    assert fit.fitted and fit.plateau is not None and fit.plateau >= 99.99, fit
    assert fit.includes(100.0)
