"""Each care pathway rule fires on one side of its date boundary and not on the other (dates pinned)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from facenerve.care import Alert, AssessmentFacts, CareInputError, Cause, Severity, TreatmentFacts, evaluate
from tests.care.conftest import ONSET, day, episode, injection, med, seen

DOCS = Path(__file__).resolve().parents[2] / "docs" / "care.md"


def rules(alerts: list[Alert]) -> list[str]:
    return [a.rule for a in alerts]


def only(alerts: list[Alert], rule: str) -> Alert:
    found = [a for a in alerts if a.rule == rule]
    assert len(found) == 1, rules(alerts)
    return found[0]


# --- steroid window: onset ≤ 72 h ago and no steroid ----------------------------------------------------------


@pytest.mark.parametrize(("n", "fires"), [(0, True), (1, True), (3, True), (4, False), (10, False)])
def test_steroid_window_boundary_is_72_hours(n: int, fires: bool) -> None:
    assert ("steroid_window" in rules(evaluate(episode(), [], [], day(n)))) is fires


def test_steroid_window_closes_when_a_steroid_is_recorded() -> None:
    alerts = evaluate(episode(), [], [med("valaciclovir", 1)], day(2))
    alert = only(alerts, "steroid_window")
    assert alert.severity is Severity.URGENT and alert.due == day(3) and alert.dismissible
    assert "S28" in alert.sources
    assert "steroid_window" not in rules(evaluate(episode(), [], [med("Prednisolone", 1)], day(2)))


def test_steroid_recorded_after_today_does_not_count() -> None:
    assert "steroid_window" in rules(evaluate(episode(), [], [med("prednisolone", 3)], day(2)))


def test_steroid_window_respects_age_16_and_cause() -> None:
    child = episode(birth_date=date(2012, 1, 1))
    assert "steroid_window" not in rules(evaluate(child, [], [], day(1)))
    unknown_age = only(evaluate(episode(birth_date=None), [], [], day(1)), "steroid_window")
    assert "aged 16 or over" in unknown_age.explanation and "not recorded" in unknown_age.explanation
    assert "steroid_window" not in rules(evaluate(episode(cause=Cause.TRAUMA), [], [], day(1)))
    hunt = only(evaluate(episode(cause=Cause.RAMSAY_HUNT), [], [], day(1)), "steroid_window")
    assert "S53" in hunt.sources


# --- eye protection ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measures", "fires"),
    [
        ({"eye_closure_complete": False}, True),
        ({"eye_closure_complete": True}, False),
        ({"lagophthalmos_mm": 2.0}, True),
        ({"lagophthalmos_mm": 0.0}, False),
        ({"house_brackmann": 4}, True),
        ({"house_brackmann": 3}, False),
        ({}, False),
    ],
)
def test_eye_protection(measures: dict[str, object], fires: bool) -> None:
    alerts = evaluate(episode(), [seen(1, **measures)], [med("prednisolone", 0)], day(5))
    assert ("eye_protection" in rules(alerts)) is fires


def test_eye_protection_follows_the_latest_assessment() -> None:
    course = [seen(1, eye_closure_complete=False), seen(20, eye_closure_complete=True)]
    assert "eye_protection" not in rules(evaluate(episode(), course, [], day(25)))
    assert "eye_protection" in rules(evaluate(episode(), course, [], day(19)))  # what was due on day 19


# --- red flags -----------------------------------------------------------------------------------------------


def test_bilateral_is_an_undismissible_red_flag() -> None:
    alert = only(evaluate(episode(side="bilateral"), [], [], day(1)), "red_flag.bilateral")
    assert alert.severity is Severity.RED_FLAG and not alert.dismissible
    assert set(alert.sources) >= {"S37", "S39"}
    assert evaluate(episode(side="bilateral"), [], [], day(1))[0] == alert  # red flags come first
    assert "red_flag.bilateral" not in rules(evaluate(episode(), [], [], day(1)))
    # A bilateral palsy is a red flag whatever the recorded cause (issue #18, row 13).
    assert "red_flag.bilateral" in rules(evaluate(episode(side="bilateral", cause=Cause.TRAUMA), [], [], day(1)))


@pytest.mark.parametrize(
    ("side", "recurrence", "previous", "fires"),
    [
        ("left", True, ("left",), True),
        ("left", True, ("right",), False),
        ("left", True, ("right", "bilateral"), True),
        ("bilateral", True, ("right",), True),
        ("left", True, (), True),  # ticked with no earlier episode on record: flagged, the side unknown
        ("left", False, ("left",), True),  # derived from the stored episodes, ticked or not (issue #18, row 4)
        ("left", False, ("right",), False),
    ],
)
def test_recurrent_on_the_same_side(side: str, recurrence: bool, previous: tuple[str, ...], fires: bool) -> None:
    ep = episode(side=side, recurrence=recurrence, previous_sides=previous)
    alerts = evaluate(ep, [], [med("prednisolone", 0)], day(1))
    assert ("red_flag.recurrent_ipsilateral" in rules(alerts)) is fires


@pytest.mark.parametrize(("n", "fires"), [(21, False), (22, True)])
def test_still_progressing_after_three_weeks(n: int, fires: bool) -> None:
    course = [seen(2, house_brackmann=3), seen(n, house_brackmann=5)]
    alerts = evaluate(episode(), course, [med("prednisolone", 0)], day(30))
    assert ("red_flag.progressing" in rules(alerts)) is fires


def test_worsening_that_stopped_before_three_weeks_is_not_progressing() -> None:
    course = [seen(2, house_brackmann=3), seen(10, house_brackmann=5), seen(30, house_brackmann=5)]
    assert "red_flag.progressing" not in rules(evaluate(episode(), course, [], day(31)))


def test_progressing_on_the_asymmetry_index_uses_its_change_threshold() -> None:
    small = [seen(2, asymmetry_index_mm=4.0), seen(30, asymmetry_index_mm=5.4)]
    large = [seen(2, asymmetry_index_mm=4.0), seen(30, asymmetry_index_mm=5.5)]
    assert "red_flag.progressing" not in rules(evaluate(episode(), small, [], day(31)))
    flag = only(evaluate(episode(), large, [], day(31)), "red_flag.progressing")
    assert flag.provisional  # the asymmetry threshold is a FaceNerve convention


def test_no_improvement_by_four_months() -> None:
    flat = [seen(5, house_brackmann=5), seen(100, house_brackmann=5)]
    assert "red_flag.no_improvement" not in rules(evaluate(episode(), flat, [], date(2026, 5, 9)))
    flag = only(evaluate(episode(), flat, [], date(2026, 5, 10)), "red_flag.no_improvement")  # onset + 4 months
    assert not flag.dismissible and "S37" in flag.sources
    improving = [*flat, seen(110, house_brackmann=4)]
    assert "red_flag.no_improvement" not in rules(evaluate(episode(), improving, [], date(2026, 5, 10)))


def test_no_improvement_without_any_assessment_says_so() -> None:
    flag = only(evaluate(episode(), [], [], date(2026, 6, 1)), "red_flag.no_improvement")
    assert "no assessment on record" in flag.explanation


# --- early review and referral ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "fires"), [(20, False), (21, True), (89, True), (90, False)])
def test_early_review_from_three_weeks_until_referral(n: int, fires: bool) -> None:
    # onset 2026-01-10 + 3 months = 2026-04-10 = day 90 (referral takes over); day 89 is 2026-04-09
    flat = [seen(2, sunnybrook_composite=30.0), seen(19, sunnybrook_composite=35.0)]
    alerts = evaluate(episode(), flat, [med("prednisolone", 0)], day(n))
    assert ("early_review" in rules(alerts)) is fires


def test_early_review_silent_once_improvement_recorded() -> None:
    better = [seen(2, sunnybrook_composite=30.0), seen(19, sunnybrook_composite=40.0)]
    assert "early_review" not in rules(evaluate(episode(), better, [], day(21)))


def test_early_review_beyond_bells_palsy_is_provisional() -> None:
    # A recorded improvement check that found none rests on change thresholds; Ramsay Hunt is also a convention.
    flat = [seen(2, house_brackmann=4), seen(19, house_brackmann=4)]
    hunt = only(evaluate(episode(cause=Cause.RAMSAY_HUNT), flat, [med("prednisolone", 1)], day(22)), "early_review")
    assert hunt.provisional and "convention" in hunt.explanation
    bells = only(evaluate(episode(), flat, [med("prednisolone", 1)], day(22)), "early_review")
    assert "convention" not in bells.explanation


@pytest.mark.parametrize(("today", "fires"), [(date(2026, 4, 9), False), (date(2026, 4, 10), True)])
def test_specialist_referral_at_three_months(today: date, fires: bool) -> None:
    partial = [seen(5, house_brackmann=4), seen(60, house_brackmann=2)]
    assert ("specialist_referral" in rules(evaluate(episode(), partial, [], today))) is fires
    if fires:
        assert not only(evaluate(episode(), partial, [], today), "specialist_referral").provisional
        # KAS 11 is a Bell's palsy guideline [S28]: applying it to Ramsay Hunt is a FaceNerve convention.
        hunt = only(evaluate(episode(cause=Cause.RAMSAY_HUNT), partial, [], today), "specialist_referral")
        assert hunt.provisional and "convention" in hunt.explanation


def test_no_referral_after_complete_recovery() -> None:
    recovered = [seen(5, house_brackmann=4), seen(80, house_brackmann=1, sunnybrook_composite=100.0)]
    alerts = evaluate(episode(), recovered, [med("prednisolone", 0)], date(2026, 6, 1))
    assert alerts == []
    not_quite = [seen(5, house_brackmann=4), seen(80, house_brackmann=1, sunnybrook_composite=92.0)]
    assert "specialist_referral" in rules(evaluate(episode(), not_quite, [], date(2026, 6, 1)))


def test_alerts_resting_on_automated_estimates_are_provisional_but_still_fire() -> None:
    # An automated HB IV (a photo-session estimate) still raises eye protection, flagged provisional.
    clinician = only(evaluate(episode(), [seen(5, house_brackmann=4)], [], day(6)), "eye_protection")
    assert not clinician.provisional
    auto = seen(5, house_brackmann=4, automated=frozenset({"house_brackmann"}))
    alert = only(evaluate(episode(), [auto], [], day(6)), "eye_protection")
    assert alert.severity is Severity.URGENT and alert.provisional and "automated estimate" in alert.explanation
    # Recovery judged from an automated grade: the referral is provisional too.
    partial = [seen(5, house_brackmann=4), seen(60, house_brackmann=2, automated=frozenset({"house_brackmann"}))]
    assert only(evaluate(episode(), partial, [], date(2026, 4, 10)), "specialist_referral").provisional
    synk = [seen(100, synkinesis_score=0.0), seen(150, synkinesis_score=3.0, automated=frozenset({"synkinesis_score"}))]
    assert only(evaluate(episode(), synk, [], day(160)), "synkinesis").provisional


def test_automated_must_name_assessment_fields() -> None:
    with pytest.raises(CareInputError, match="automated names unknown assessment fields: grade"):
        seen(5, house_brackmann=4, automated=frozenset({"grade"}))


# --- synkinesis ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "fires"),
    [((0.0, 2.0), True), ((2.0, 2.0), True), ((3.0, 1.0), True), ((1.0,), True), ((0.0,), False), ((), False),
     ((2.0, 0.0), False)],
)
def test_synkinesis_present(scores: tuple[float, ...], fires: bool) -> None:
    course = [seen(100 + 30 * i, synkinesis_score=s) for i, s in enumerate(scores)]
    alerts = evaluate(episode(), course, [], day(200))
    assert ("synkinesis" in rules(alerts)) is fires


def test_synkinesis_advice_follows_treatment() -> None:
    course = [seen(100, synkinesis_score=0.0), seen(150, synkinesis_score=4.0)]
    fresh = only(evaluate(episode(), course, [], day(160)), "synkinesis")
    assert "Start physiotherapy" in fresh.explanation and "above 2" in fresh.explanation
    physio = TreatmentFacts(kind="therapy", name="physiotherapy", start=day(152))
    on_physio = only(evaluate(episode(), course, [physio], day(160)), "synkinesis")
    assert "evaluate for botulinum toxin" in on_physio.explanation
    # Acupuncture is not the retraining step of the synkinesis care sequence [S61]: still advise retraining first.
    acupuncture = TreatmentFacts(kind="therapy", name="acupuncture", start=day(152))
    on_acupuncture = only(evaluate(episode(), course, [acupuncture], day(160)), "synkinesis")
    assert "Start physiotherapy" in on_acupuncture.explanation
    assert "synkinesis" not in rules(evaluate(episode(), course, [injection(155)], day(160)))
    assert "synkinesis" not in rules(evaluate(episode(cause=Cause.CENTRAL), course, [], day(160)))


# --- botulinum toxin ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "fires"), [(300 + 83, False), (300 + 84, True), (300 + 200, True)])
def test_botox_due_never_under_12_weeks(n: int, fires: bool) -> None:
    alerts = evaluate(episode(), [], [injection(200), injection(300)], day(n))
    assert ("botox_due" in rules(alerts)) is fires
    if fires:
        due = only(alerts, "botox_due")
        assert due.due == day(384)
        # The 12-week floor is FaceNerve's rule (issue #4); the reference gives only "effect ≈ 3 months" [S65].
        assert due.provisional and "FaceNerve" in due.explanation


@pytest.mark.parametrize(("gap", "fires"), [(83, True), (84, False)])
def test_botox_interval_short(gap: int, fires: bool) -> None:
    alerts = evaluate(episode(), [], [injection(200), injection(200 + gap)], day(290))
    assert ("botox_interval_short" in rules(alerts)) is fires
    if fires:
        assert only(alerts, "botox_interval_short").provisional


# --- reanimation window ------------------------------------------------------------------------------------------


def test_reanimation_window_from_six_to_twelve_months_then_free_muscle() -> None:
    flat = [seen(5, house_brackmann=6), seen(150, house_brackmann=6)]
    ep = episode(complete_at_onset=True)
    assert "reanimation_window" not in rules(evaluate(ep, flat, [], date(2026, 7, 9)))
    urgent = only(evaluate(ep, flat, [], date(2026, 7, 10)), "reanimation_window")  # onset + 6 months
    assert urgent.severity is Severity.URGENT and urgent.due == date(2027, 1, 10)
    # The 6-month start is a FaceNerve convention (the reference gives no month to begin); 12 months is [S71].
    assert urgent.provisional and "convention" in urgent.explanation and "S71" in urgent.sources
    late = only(evaluate(ep, flat, [], date(2027, 1, 10)), "reanimation_window")
    assert late.severity is Severity.ADVISORY and "free muscle transfer" in late.explanation
    assert late.due == date(2027, 7, 10)
    assert only(evaluate(ep, flat, [], date(2027, 8, 1)), "reanimation_window").due is None


def test_reanimation_window_silent_with_recovery_procedure_or_congenital_cause() -> None:
    flat = [seen(5, house_brackmann=6), seen(150, house_brackmann=6)]
    today = date(2026, 8, 1)
    assert "reanimation_window" not in rules(evaluate(episode(), [*flat, seen(170, house_brackmann=5)], [], today))
    transfer = TreatmentFacts(kind="procedure", name="nerve transfer", start=date(2026, 7, 20))
    assert "reanimation_window" not in rules(evaluate(episode(), flat, [transfer], today))
    assert "reanimation_window" not in rules(evaluate(episode(cause=Cause.CONGENITAL), flat, [], today))
    assert "reanimation_window" in rules(evaluate(episode(cause=Cause.TRAUMA), flat, [], today))


# --- electrodiagnostics --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "fires"), [(2, False), (3, True), (14, True), (15, False)])
def test_electrodiagnostics_days_3_to_14_for_complete_palsy(n: int, fires: bool) -> None:
    alerts = evaluate(episode(complete_at_onset=True), [], [med("prednisolone", 0)], day(n))
    assert ("electrodiagnostics" in rules(alerts)) is fires
    assert "electrodiagnostics" not in rules(evaluate(episode(complete_at_onset=False), [], [], day(n)))


# --- the whole engine ------------------------------------------------------------------------------------------------


def test_today_before_onset_is_a_clear_error() -> None:
    with pytest.raises(CareInputError, match="before the onset"):
        evaluate(episode(), [], [], ONSET - timedelta(days=1))


def test_alerts_are_sorted_by_severity_and_cite_documented_sources() -> None:
    ep = episode(side="bilateral", complete_at_onset=True, birth_date=None)
    course = [seen(1, eye_closure_complete=False, house_brackmann=5)]
    alerts = evaluate(ep, course, [], day(3))
    assert rules(alerts) == ["red_flag.bilateral", "eye_protection", "steroid_window", "electrodiagnostics"]
    assert [a.severity.rank for a in alerts] == sorted(a.severity.rank for a in alerts)
    documented = set(re.findall(r"\bS\d+\b", DOCS.read_text(encoding="utf-8")))
    for alert in alerts:
        assert alert.sources and set(alert.sources) <= documented, alert


def test_every_rule_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule in ("steroid_window", "eye_protection", "red_flag.bilateral", "red_flag.recurrent_ipsilateral",
                 "red_flag.progressing", "red_flag.no_improvement", "early_review", "specialist_referral",
                 "synkinesis", "botox_due", "botox_interval_short", "reanimation_window", "electrodiagnostics"):
        assert f"`{rule}`" in text, rule


def test_a_full_course_changes_alerts_over_time() -> None:
    ep = episode(complete_at_onset=True)
    course: list[AssessmentFacts] = [
        seen(1, house_brackmann=5, eye_closure_complete=False),
        seen(25, house_brackmann=4, eye_closure_complete=False),
        seen(70, house_brackmann=3, eye_closure_complete=True),
        seen(200, house_brackmann=2, synkinesis_score=3.0),
    ]
    treatments = [med("prednisolone", 1), TreatmentFacts(kind="therapy", name="physiotherapy", start=day(30))]
    assert rules(evaluate(ep, course, treatments, day(2))) == ["eye_protection"]
    assert rules(evaluate(ep, course, treatments, day(5))) == ["eye_protection", "electrodiagnostics"]
    assert rules(evaluate(ep, course, treatments, day(30))) == ["eye_protection"]
    assert rules(evaluate(ep, course, treatments, day(100))) == ["specialist_referral"]
    assert rules(evaluate(ep, course, treatments, day(210))) == ["specialist_referral", "synkinesis"]


def test_explanations_keep_clinical_capitals() -> None:
    alert = only(evaluate(episode(), [seen(1, house_brackmann=5)], [med("prednisolone", 0)], day(5)), "eye_protection")
    assert alert.explanation.startswith("House–Brackmann V") and "grade IV" in alert.explanation
