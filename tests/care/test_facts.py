"""Facts validate their ranges with one-line CareInputErrors; alerts keep red flags undismissible."""

from __future__ import annotations

import math
from datetime import date

import pytest

from facenerve import FaceNerveError
from facenerve.care import Alert, AssessmentFacts, CareInputError, Severity, TreatmentFacts
from tests.care.conftest import ONSET, day, episode


@pytest.mark.parametrize(
    "measures",
    [
        {"house_brackmann": 0},
        {"house_brackmann": 7},
        {"house_brackmann": 2.5},
        {"house_brackmann": True},
        {"sunnybrook_composite": 101.0},
        {"sunnybrook_composite": -16.0},
        {"eface_total": -1.0},
        {"synkinesis_score": 16.0},
        {"asymmetry_index_mm": -0.1},
        {"asymmetry_index_mm": math.nan},
        {"lagophthalmos_mm": math.inf},
    ],
)
def test_assessment_out_of_range_is_rejected(measures: dict[str, object]) -> None:
    with pytest.raises(CareInputError) as caught:
        AssessmentFacts(on=ONSET, **measures)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)
    assert caught.value.code == "bad_care_input"
    assert isinstance(caught.value, FaceNerveError)


def test_assessment_accepts_the_scale_ranges() -> None:
    a = AssessmentFacts(on=ONSET, house_brackmann=6, sunnybrook_composite=-15, eface_total=100, synkinesis_score=15)
    assert a.house_brackmann == 6


def test_episode_rejects_bad_side_and_birth_after_onset() -> None:
    with pytest.raises(CareInputError, match="side"):
        episode(side="up")
    with pytest.raises(CareInputError, match="previous side"):
        episode(previous_sides=("middle",))
    with pytest.raises(CareInputError, match="birth_date"):
        episode(birth_date=date(2027, 1, 1))


def test_episode_normalises_comorbidities_and_age() -> None:
    ep = episode(comorbidities=frozenset({" Diabetes", "PREGNANCY"}), birth_date=date(1966, 1, 11))
    assert ep.comorbidities == {"diabetes", "pregnancy"}
    assert ep.age_years(day(0)) == 59  # the day before the 60th birthday
    assert ep.age_years(day(1)) == 60


def test_treatment_rejects_stop_before_start_and_unknown_kind() -> None:
    with pytest.raises(CareInputError, match="stop"):
        TreatmentFacts(kind="medication", name="prednisolone", start=day(2), stop=day(1))
    with pytest.raises(CareInputError, match="kind"):
        TreatmentFacts(kind="surgery", name="x", start=day(2))  # type: ignore[arg-type]
    assert TreatmentFacts(kind="procedure", name="Free Muscle-Transfer", start=day(2)).name == "free_muscle_transfer"


def test_red_flag_cannot_be_dismissible() -> None:
    with pytest.raises(ValueError, match="dismissible"):
        Alert(rule="red_flag.x", severity=Severity.RED_FLAG, title="t", explanation="e", sources=("S37",))
    alert = Alert(rule="red_flag.x", severity=Severity.RED_FLAG, title="t", explanation="e", sources=("S37",),
                  dismissible=False, due=day(3))
    assert alert.to_dict()["due"] == "2026-01-13"
    assert alert.to_dict()["severity"] == "red_flag"


def test_cause_accepts_its_string_value_only() -> None:
    from facenerve.care import Cause

    assert episode(cause="ramsay_hunt").cause is Cause.RAMSAY_HUNT
    with pytest.raises(CareInputError, match="cause must be one of"):
        episode(cause="flu")


def test_package_docstring_example_runs() -> None:
    import doctest

    import facenerve.care

    result = doctest.testmod(facenerve.care)
    assert result.attempted >= 1 and result.failed == 0
