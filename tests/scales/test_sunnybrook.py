"""Sunnybrook Facial Grading System: resting ×5, voluntary ×4, synkinesis, composite."""

from __future__ import annotations

from typing import Any

import pytest

from facenerve.scales import ScaleInputError, score
from facenerve.scales.sunnybrook import EXPRESSIONS, score_sunnybrook

KEYS = [key for key, _ in EXPRESSIONS]


def sheet(eye: Any = 0, cheek: Any = 0, mouth: Any = 0, voluntary: Any = 5, synkinesis: Any = 0) -> dict[str, Any]:
    vol = voluntary if isinstance(voluntary, list) else [voluntary] * 5
    syn = synkinesis if isinstance(synkinesis, list) else [synkinesis] * 5
    data: dict[str, Any] = {"resting.eye": eye, "resting.cheek": cheek, "resting.mouth": mouth}
    data |= {f"voluntary.{k}": v for k, v in zip(KEYS, vol, strict=True)}
    data |= {f"synkinesis.{k}": s for k, s in zip(KEYS, syn, strict=True)}
    return data


def test_normal_face_scores_100() -> None:
    result = score("sunnybrook", sheet())
    assert result.scores == {
        "resting": 0,
        "voluntary": 100,
        "synkinesis": 0,
        "composite": 100,
        "composite_below_zero": False,
    }
    assert result.headline == "composite"


def test_provisional_because_resting_points_are_from_a_secondary_source() -> None:
    # The reference tags the resting item points [V2 S6]: provisional until confirmed in the primary paper [S4].
    result = score("sunnybrook", sheet())
    assert result.provisional is True and result.to_dict()["provisional"] is True
    assert any("S6" in step and "V2" in step for step in result.derivation)


def test_worst_case_composite_is_minus_15_and_flagged() -> None:
    result = score("sunnybrook", sheet(eye=1, cheek=2, mouth=1, voluntary=1, synkinesis=3))
    assert result.scores["resting"] == 20
    assert result.scores["voluntary"] == 20
    assert result.scores["synkinesis"] == 15
    assert result.scores["composite"] == -15
    assert result.scores["composite_below_zero"] is True
    assert any("below the reported range" in step for step in result.derivation)


def test_zero_composite_is_not_flagged() -> None:
    # voluntary 20, resting 20, synkinesis 0 → 0
    result = score("sunnybrook", sheet(eye=1, cheek=2, mouth=1, voluntary=1))
    assert result.scores["composite"] == 0 and result.scores["composite_below_zero"] is False


def test_worked_example_with_named_choices() -> None:
    # resting: narrow eye 1 + absent fold 2 + drooped corner 1 = 4 → 20; voluntary 3+4+2+3+4 = 16 → 64;
    # synkinesis 1+0+2+1+0 = 4; composite 64 − 20 − 4 = 40.
    data = sheet(
        eye="narrow", cheek="absent", mouth="corner drooped", voluntary=[3, 4, 2, 3, 4], synkinesis=[1, 0, 2, 1, 0]
    )
    result = score_sunnybrook(data)
    assert (result.scores["resting"], result.scores["voluntary"], result.scores["synkinesis"]) == (20, 64, 4)
    assert result.scores["composite"] == 40
    assert "resting.eye = 1 (narrow)" in result.derivation[0]
    assert any("64 − 20 − 4 = 40" in step for step in result.derivation)


def test_wide_eye_and_more_pronounced_fold_score_one_point_each() -> None:
    result = score("sunnybrook", sheet(eye="wide", cheek="more_pronounced", mouth="corner pulled up/out"))
    assert result.scores["resting"] == 15


def test_nested_json_is_accepted() -> None:
    flat = sheet(voluntary=4, synkinesis=1)
    nested: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        group, item = key.split(".")
        nested.setdefault(group, {})[item] = value
    assert score("sunnybrook", nested).scores == score("sunnybrook", flat).scores


def test_partial_scoring_lists_what_is_missing() -> None:
    data = sheet()
    del data["synkinesis.snarl"]
    with pytest.raises(ScaleInputError, match=r"item 'synkinesis\.snarl' is missing"):
        score("sunnybrook", data)
    result = score_sunnybrook(data, allow_missing=True)
    assert result.scores["resting"] == 0 and result.scores["voluntary"] == 100
    assert "synkinesis" not in result.scores and "composite" not in result.scores
    assert result.headline == "missing" and result.scores["missing"] == "synkinesis.snarl"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"voluntary.gentle_eye_closure": 7},
            "sunnybrook: item 'voluntary.gentle_eye_closure' must be an integer 1–5, got 7",
        ),
        ({"voluntary.snarl": 0}, "item 'voluntary.snarl' must be an integer 1–5, got 0"),
        ({"voluntary.snarl": 2.5}, "item 'voluntary.snarl' must be an integer 1–5, got 2.5"),
        ({"synkinesis.lip_pucker": 4}, "item 'synkinesis.lip_pucker' must be an integer 0–3, got 4"),
        ({"resting.cheek": 3}, "item 'resting.cheek' must be an integer 0–2"),
        ({"resting.eye": "squinty"}, "item 'resting.eye' must be one of 0, 1 (or \"normal\""),
        ({"resting.mouth": None}, "item 'resting.mouth' is null"),
        ({"resting.mouth": [1]}, "item 'resting.mouth' must be one of 0, 1"),
        ({"voluntary.smile": 5}, "unknown item 'voluntary.smile'"),
    ],
)
def test_validation_errors_name_the_item(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ScaleInputError) as info:
        score("sunnybrook", sheet() | change)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_integral_floats_are_accepted() -> None:
    assert score("sunnybrook", sheet(voluntary=4.0)).scores["voluntary"] == 80


def test_non_mapping_and_unknown_scale() -> None:
    with pytest.raises(ScaleInputError, match="sunnybrook: input must be an object"):
        score("sunnybrook", [1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(ScaleInputError, match="unknown scale 'sunny'"):
        score("sunny", sheet())
