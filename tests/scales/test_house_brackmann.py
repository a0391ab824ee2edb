"""House–Brackmann: the clinician's regional choices and the quantitative brow + commissure method."""

from __future__ import annotations

import pytest

from facenerve.scales import ScaleInputError, score
from facenerve.scales.house_brackmann import grade_quantitative, site_points

NORMAL = {"gross": 1, "rest": 1, "forehead": 1, "eye_closure": 1, "mouth": 1, "secondary": 0}


def quantitative(points_left: tuple[float, float], right_mm: tuple[float, float] = (10.0, 10.0), **extra: object):
    data = {
        "brow_excursion_mm": {"left": points_left[0], "right": right_mm[0]},
        "commissure_excursion_mm": {"left": points_left[1], "right": right_mm[1]},
        **extra,
    }
    return score("house_brackmann_quantitative", data)


@pytest.mark.parametrize(
    ("movement_mm", "points"),
    [(0.0, 0), (2.49, 0), (2.5, 1), (4.99, 1), (5.0, 2), (7.5, 3), (9.99, 3), (10.0, 4), (25.0, 4)],
)
def test_one_point_per_quarter_centimetre_capped_at_one_centimetre(movement_mm: float, points: int) -> None:
    assert site_points(movement_mm) == points


@pytest.mark.parametrize(
    ("brow_mm", "commissure_mm", "points", "grade"),
    [
        (10.0, 10.0, 8, "I"),
        (10.0, 7.5, 7, "II"),
        (7.5, 7.5, 6, "III"),
        (5.0, 7.5, 5, "III"),
        (5.0, 5.0, 4, "IV"),
        (2.5, 5.0, 3, "IV"),
        (2.5, 2.5, 2, "V"),
        (0.0, 2.5, 1, "V"),
        (0.0, 0.0, 0, "VI"),
        (2.49, 2.49, 0, "VI"),
    ],
)
def test_quantitative_grade_boundaries(brow_mm: float, commissure_mm: float, points: int, grade: str) -> None:
    result = quantitative((brow_mm, commissure_mm))
    assert result.scores["points"] == points
    assert result.scores["grade"] == grade
    assert result.headline == "grade" and result.value == grade
    assert result.provisional is False and "S1" in result.sources


@pytest.mark.parametrize(("secondary", "provisional"), [(None, False), (0, False), (1, False), (2, True), (3, True)])
def test_quantitative_provisional_with_v2_secondary_rule(secondary: int | None, provisional: bool) -> None:
    # Rule (c), obvious ⇒ III and function-limiting ⇒ IV, is [V2 S3] in the reference; very slight ⇒ II is the table.
    extra = {} if secondary is None else {"secondary": secondary}
    result = quantitative((10.0, 10.0), **extra)
    assert result.provisional is provisional
    assert any("V2" in step for step in result.derivation) is provisional


def test_weaker_side_is_graded_and_both_sides_reported() -> None:
    result = grade_quantitative(
        brow_excursion_mm_left=10.6,
        brow_excursion_mm_right=1.0,
        commissure_excursion_mm_left=9.3,
        commissure_excursion_mm_right=2.6,
    )
    assert result.scores["points_left"] == 7 and result.scores["points_right"] == 1
    assert result.scores["graded_side"] == "right"
    assert result.scores["grade"] == "V"
    assert any("right: brow 1 mm → 0, commissure 2.6 mm → 1" in step for step in result.derivation)


@pytest.mark.parametrize(
    ("movement", "eye_complete", "grade"),
    [
        ((5.0, 5.0), True, "III"),  # 4/8 would be IV; complete closure makes it III
        ((2.5, 5.0), True, "III"),  # 3/8 likewise
        ((5.0, 7.5), False, "IV"),  # 5/8 would be III; incomplete closure makes it IV
        ((7.5, 7.5), False, "IV"),
        ((5.0, 7.5), True, "III"),
        ((5.0, 5.0), False, "IV"),
        ((10.0, 7.5), False, "IV"),  # 7/8 would be II; grades I–III need complete closure (issue #18, row 5)
        ((10.0, 10.0), False, "IV"),  # 8/8 would be I "normal": not with incomplete closure
        ((10.0, 10.0), True, "I"),
        ((2.5, 2.5), True, "V"),  # never made milder on the eye alone; the derivation asks to check the entry
        ((0.0, 0.0), False, "VI"),
    ],
)
def test_eye_closure_rule_applies_in_every_grade(
    movement: tuple[float, float], eye_complete: bool, grade: str
) -> None:
    result = quantitative(movement, eye_closure_complete=int(eye_complete))
    assert result.scores["grade"] == grade
    rule_steps = [step for step in result.derivation if "eye closure" in step and "S2]" in step]
    assert len(rule_steps) == 1, result.derivation


def test_house_brackmann_10_10_10_10_with_incomplete_closure_is_not_normal() -> None:
    """Issue #18, row 5: 10/10/10/10 mm with eye closure incomplete gave grade I "normal, 100%"."""
    result = quantitative((10.0, 10.0), eye_closure_complete="incomplete")
    assert result.scores["grade_number"] >= 4 and result.scores["percent_function"] != "100"
    assert any("grades I–III need complete closure" in step for step in result.derivation)


@pytest.mark.parametrize(("site", "value"), [("brow_excursion_mm", 250.0), ("commissure_excursion_mm", 250.0)])
def test_house_brackmann_movement_in_pixels_is_refused_naming_the_item(site: str, value: float) -> None:
    """Issue #18, row 14: 250 (pixels) was accepted as millimetres and graded I."""
    data = {"brow_excursion_mm": {"left": 10.0, "right": 10.0},
            "commissure_excursion_mm": {"left": 10.0, "right": 10.0}}
    data[site]["left"] = value
    with pytest.raises(ScaleInputError, match=rf"item '{site}.left' must be a number 0–2\d\.\d, got 250"):
        score("house_brackmann_quantitative", data)


def test_house_brackmann_movement_in_centimetres_is_questioned() -> None:
    """Issue #18, row 14: values in cm (1.0) scored 0 points and grade VI with no word of the unit."""
    result = quantitative((1.0, 0.8), right_mm=(1.0, 1.0))
    assert "check the units" in result.derivation[0] and "centimetres" in result.derivation[0]
    assert not any("check the units" in step for step in quantitative((0.0, 0.0)).derivation)
    assert not any("check the units" in step for step in quantitative((0.0, 0.0), right_mm=(0.0, 0.0)).derivation)


def test_eye_closure_given_by_name_and_omitted() -> None:
    assert quantitative((5.0, 5.0), eye_closure_complete="complete").scores["grade"] == "III"
    omitted = quantitative((5.0, 5.0))
    assert omitted.scores["grade"] == "IV"
    assert any("not applied" in step for step in omitted.derivation)


def test_synkinesis_floor_applies_regardless_of_motor_function() -> None:
    assert quantitative((10.0, 10.0), secondary="obvious but not disfiguring").scores["grade"] == "III"
    assert quantitative((10.0, 10.0), secondary=3).scores["grade"] == "IV"
    assert quantitative((0.0, 0.0), secondary=3).scores["grade"] == "VI"


def test_clinician_normal_and_total() -> None:
    normal = score("house_brackmann", NORMAL)
    assert normal.scores == {"grade": "I", "grade_number": 1, "description": "normal", "percent_function": "100"}
    total = score(
        "house_brackmann",
        {"gross": 6, "rest": "asymmetric", "forehead": "none", "eye_closure": "none", "mouth": 6, "secondary": 0},
    )
    assert total.scores["grade"] == "VI"


@pytest.mark.parametrize(
    ("choices", "grade"),
    [
        ({"gross": 2, "rest": 2, "forehead": 2, "eye_closure": 2, "mouth": 2, "secondary": 1}, "II"),
        ({"gross": 3, "rest": 2, "forehead": 3, "eye_closure": 3, "mouth": 3, "secondary": 2}, "III"),
        ({"gross": 4, "rest": 2, "forehead": 4, "eye_closure": 4, "mouth": 4, "secondary": 0}, "IV"),
        ({"gross": 5, "rest": 3, "forehead": 4, "eye_closure": 4, "mouth": 5, "secondary": 0}, "V"),
        # the most affected region sets the grade
        ({"gross": 2, "rest": 2, "forehead": 2, "eye_closure": 2, "mouth": 3, "secondary": 0}, "III"),
        # forehead 'none' says IV–VI, but complete eye closure separates III from IV
        ({"gross": 3, "rest": 2, "forehead": 4, "eye_closure": 3, "mouth": 3, "secondary": 0}, "III"),
        # function-limiting synkinesis means IV regardless of motor function
        ({"gross": 2, "rest": 2, "forehead": 2, "eye_closure": 2, "mouth": 2, "secondary": 3}, "IV"),
    ],
)
def test_clinician_choices_give_the_table_grade(choices: dict[str, int], grade: str) -> None:
    assert score("house_brackmann", choices).scores["grade"] == grade


def test_clinician_inconsistent_choices_are_noted() -> None:
    result = score("house_brackmann", {**NORMAL, "mouth": 6})
    assert result.scores["grade"] == "VI"
    assert any("no single grade fits" in step for step in result.derivation)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**NORMAL, "forehead": 7}, "house_brackmann: item 'forehead' must be an integer 1–4"),
        ({**NORMAL, "eye_closure": "shut"}, "item 'eye_closure' must be"),
        ({k: v for k, v in NORMAL.items() if k != "mouth"}, "item 'mouth' is missing"),
        ({**NORMAL, "mouht": 1}, "unknown item 'mouht' (did you mean 'mouth'?)"),
    ],
)
def test_clinician_validation_names_the_item(data: dict[str, object], message: str) -> None:
    with pytest.raises(ScaleInputError, match=None) as info:
        score("house_brackmann", data)
    assert message in str(info.value)
    assert info.value.code == "scale_input"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"brow_excursion_mm": {"left": -1.0, "right": 10.0}}, "item 'brow_excursion_mm.left' must be a number 0–25.6"),
        (
            {"brow_excursion_mm": {"left": True, "right": 10.0}},
            "'brow_excursion_mm.left' must be a number 0–25.6, got bool",
        ),
        ({"eye_closure_complete": 2}, "item 'eye_closure_complete' must be one of 0, 1"),
        ({"commissure_excursion_mm": {"left": float("nan"), "right": 1.0}}, "got nan"),
        ({"commissure_excursion_mm": {"left": float("inf"), "right": 1.0}}, "got inf"),
        ({"commissure_excursion_mm": {"left": 10**400, "right": 1.0}}, "got a number too large"),
    ],
)
def test_quantitative_validation_names_the_item(extra: dict[str, object], message: str) -> None:
    data: dict[str, object] = {
        "brow_excursion_mm": {"left": 10.0, "right": 10.0},
        "commissure_excursion_mm": {"left": 10.0, "right": 10.0},
        **extra,
    }
    with pytest.raises(ScaleInputError) as info:
        score("house_brackmann_quantitative", data)
    assert message in str(info.value)
