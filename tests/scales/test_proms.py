"""Patient questionnaires: FaCE, Facial Disability Index, Synkinesis Assessment Questionnaire."""

from __future__ import annotations

from typing import Any

import pytest

from facenerve.scales import ScaleInputError, score

FDI_PHYSICAL = [
    "keeping_food_in_mouth",
    "drinking_from_cup",
    "saying_sounds",
    "eye_tearing_or_dryness",
    "brushing_teeth_or_rinsing",
]
FDI_SOCIAL = [
    "calm_and_peaceful",
    "isolated_from_people",
    "irritable",
    "waking_early_or_at_night",
    "kept_from_going_out",
]


def numbered(count: int, values: list[int] | int) -> dict[str, Any]:
    points = values if isinstance(values, list) else [values] * count
    return {f"item_{n}": v for n, v in enumerate(points, 1)}


def fdi(physical: list[Any], social: list[int]) -> dict[str, Any]:
    data: dict[str, Any] = {f"physical.{k}": v for k, v in zip(FDI_PHYSICAL, physical, strict=True)}
    return data | {f"social.{k}": v for k, v in zip(FDI_SOCIAL, social, strict=True)}


@pytest.mark.parametrize(("answer", "total"), [(5, 100.0), (1, 0.0), (3, 50.0)])
def test_face_extremes_and_midpoint(answer: int, total: float) -> None:
    result = score("face", numbered(15, answer))
    assert result.scores["total"] == total
    assert result.provisional is True and result.headline == "total"


def test_face_worked_example() -> None:
    # Σ = 53 → 100·(53 − 15)/60 = 63.33
    result = score("face", numbered(15, [3, 2, 4, 3, 4, 3, 4, 5, 3, 2, 4, 3, 4, 4, 5]))
    assert result.scores["item_sum"] == 53 and result.scores["total"] == 63.33
    assert any("domain scores" in step and "not computed" in step for step in result.derivation)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (numbered(15, 3) | {"item_4": 0}, "face: item 'item_4' must be an integer 1–5, got 0"),
        (numbered(15, 3) | {"item_16": 3}, "face: unknown item 'item_16'"),
        (numbered(14, 3), "face: item 'item_15' is missing"),
    ],
)
def test_face_validation(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ScaleInputError) as info:
        score("face", data)
    assert message in str(info.value)


def test_fdi_best_and_worst() -> None:
    # the positive item (calm and peaceful) is reversed: answer 1 "all of the time" scores 6
    best = score("fdi", fdi([5] * 5, [1, 6, 6, 6, 6]))
    assert best.scores["physical_function"] == 100.0 and best.scores["social_wellbeing"] == 100.0
    worst = score("fdi", fdi([1] * 5, [6, 1, 1, 1, 1]))
    assert worst.scores["physical_function"] == 0.0 and worst.scores["social_wellbeing"] == 0.0
    assert best.provisional is True and best.headline == "physical_function"


def test_fdi_reverse_scores_only_the_positive_item() -> None:
    calm_all_the_time = score("fdi", fdi([5] * 5, [1, 1, 1, 1, 1])).scores["social_wellbeing"]
    calm_never = score("fdi", fdi([5] * 5, [6, 1, 1, 1, 1])).scores["social_wellbeing"]
    # Σ = 6+1+1+1+1 = 10 → (10−5)/5×20 = 20 ; Σ = 1+1+1+1+1 = 5 → 0
    assert (calm_all_the_time, calm_never) == (20.0, 0.0)
    assert any("calm_and_peaceful = 1 → 6 (reversed)" in s for s in score("fdi", fdi([5] * 5, [1] * 5)).derivation)


def test_fdi_not_done_for_other_reasons_and_na_are_not_counted() -> None:
    # answered: 4 and 3 → Σ 7, N 2 → (7 − 2)/2 × 25 = 62.5
    result = score("fdi", fdi([4, 0, None, 3, "not done for other reasons"], [1, 6, 6, 6, 6]))
    assert result.scores["physical_items_answered"] == 2
    assert result.scores["physical_function"] == 62.5
    data = fdi([4, 0, None, 3, 0], [1, 6, 6, 6, 6])
    del data["physical.saying_sounds"]
    assert score("fdi", data).scores["physical_function"] == 62.5


def test_fdi_not_done_because_of_health_counts() -> None:
    result = score("fdi", fdi([5, 5, 5, 5, "not done because of health"], [1, 6, 6, 6, 6]))
    assert result.scores["physical_function"] == 80.0  # (21 − 5)/5 × 25


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (fdi([0, 0, None, None, 0], [1] * 5), "fdi: no physical function item answered"),
        (fdi([6, 5, 5, 5, 5], [1] * 5), "fdi: item 'physical.keeping_food_in_mouth' must be an integer 0–5, got 6"),
        (fdi([5] * 5, [1, 1, 7, 1, 1]), "fdi: item 'social.irritable' must be an integer 1–6, got 7"),
        (fdi([5] * 5, [1, 1, 0, 1, 1]), "fdi: item 'social.irritable' must be an integer 1–6, got 0"),
    ],
)
def test_fdi_validation(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ScaleInputError) as info:
        score("fdi", data)
    assert message in str(info.value)


def test_fdi_social_items_are_required() -> None:
    data = fdi([5] * 5, [1] * 5)
    del data["social.kept_from_going_out"]
    with pytest.raises(ScaleInputError, match=r"item 'social\.kept_from_going_out' is missing"):
        score("fdi", data)


@pytest.mark.parametrize(("answer", "total"), [(1, 20.0), (5, 100.0), (3, 60.0)])
def test_saq_range_20_to_100(answer: int, total: float) -> None:
    result = score("saq", numbered(9, answer))
    assert result.scores["total"] == total
    assert result.provisional is True


def test_saq_worked_example_and_validation() -> None:
    assert score("saq", numbered(9, [2, 3, 1, 2, 2, 3, 1, 2, 2])).scores["total"] == 40.0
    with pytest.raises(ScaleInputError, match="saq: item 'item_9' must be an integer 1–5, got 6"):
        score("saq", numbered(9, [1] * 8 + [6]))
    with pytest.raises(ScaleInputError, match="saq: unknown item 'item_10'"):
        score("saq", numbered(10, 1))
