"""eFACE: static, dynamic and synkinesis subscores and the (provisional) total."""

from __future__ import annotations

from typing import Any

import pytest

from facenerve.scales import SCALES, ScaleInputError, score
from facenerve.scales.eface import GROUPS, score_eface
from facenerve.scales.provisional import eface_fold_bidirectional


def items(static: Any = 100.0, dynamic: Any = 100.0, synkinesis: Any = 100.0) -> dict[str, Any]:
    chosen = {"static": static, "dynamic": dynamic, "synkinesis": synkinesis}
    data: dict[str, Any] = {}
    for group, rows in GROUPS.items():
        value = chosen[group]
        values = value if isinstance(value, list) else [value] * len(rows)
        data |= {f"{group}.{key}": v for (key, _, _), v in zip(rows, values, strict=True)}
    return data


def test_item_set_is_the_meei_fifteen() -> None:
    assert [len(rows) for rows in GROUPS.values()] == [4, 7, 4]
    assert len(SCALES["eface"].items) == 15


def test_normal_face_scores_100_everywhere() -> None:
    result = score("eface", items())
    assert result.scores == {"static": 100.0, "dynamic": 100.0, "synkinesis": 100.0, "total": 100.0}
    assert result.headline == "total" and result.provisional is True
    assert any("provisional" in step for step in result.derivation)


@pytest.mark.parametrize("static", [0.0, 200.0])
def test_worst_face_scores_0(static: float) -> None:
    result = score("eface", items(static=static, dynamic=0.0, synkinesis=0.0))
    assert result.scores["total"] == 0.0
    assert any("complete flaccid palsy [S13]" in step for step in result.derivation)


@pytest.mark.parametrize(("raw", "folded"), [(0, 0), (50, 50), (100, 100), (150, 50), (200, 0), (130, 70)])
def test_bidirectional_items_fold_around_balance(raw: float, folded: float) -> None:
    assert eface_fold_bidirectional(raw) == folded


def test_dynamic_weighs_twice_static_and_synkinesis() -> None:
    assert score("eface", items(dynamic=0.0)).scores["total"] == 50.0
    assert score("eface", items(static=0.0)).scores["total"] == 75.0
    assert score("eface", items(synkinesis=0.0)).scores["total"] == 75.0


def test_worked_example() -> None:
    data = items(
        static=[80, 70, 140, 90],  # folded 80, 70, 60, 90 → 75
        dynamic=[40, 90, 100, 50, 60, 50, 80],  # 470 / 7 = 67.142857
        synkinesis=[70, 80, 90, 100],  # 85
    )
    result = score_eface(data)
    assert result.scores["static"] == 75.0
    assert result.scores["dynamic"] == pytest.approx(67.14)
    assert result.scores["synkinesis"] == 85.0
    assert result.scores["total"] == pytest.approx((75 + 2 * 470 / 7 + 85) / 4, abs=0.005)
    assert result.scores["total"] == 73.57
    assert "nasolabial_fold_depth 140 → 60" in result.derivation[0]
    assert not any("complete flaccid palsy" in step for step in result.derivation)


def test_total_just_below_60_is_called_complete_palsy() -> None:
    result = score("eface", items(static=60.0, dynamic=59.0, synkinesis=59.0))
    assert result.scores["total"] == 59.25
    assert any("total < 60" in step for step in result.derivation)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"static.brow": 201}, "eface: item 'static.brow' must be a number 0–200, got 201"),
        ({"dynamic.brow_elevation": 150}, "item 'dynamic.brow_elevation' must be a number 0–100, got 150"),
        ({"synkinesis.ocular": -1}, "item 'synkinesis.ocular' must be a number 0–100, got -1"),
        ({"synkinesis.ocular": "none"}, "item 'synkinesis.ocular' must be a number 0–100, got 'none'"),
        ({"dynamic.smile": 50}, "unknown item 'dynamic.smile'"),
    ],
)
def test_validation_names_the_item(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ScaleInputError) as info:
        score("eface", items() | change)
    assert message in str(info.value)


def test_missing_item_is_an_error_unless_partial_scoring_is_asked() -> None:
    data = items()
    del data["dynamic.lower_lip_eeee"]
    with pytest.raises(ScaleInputError, match=r"item 'dynamic\.lower_lip_eeee' is missing"):
        score("eface", data)
    partial = score_eface(data | {"dynamic.brow_elevation": 30.0}, allow_missing=True)
    dynamic = (30 + 5 * 100) / 6
    assert partial.scores["dynamic"] == pytest.approx(dynamic, abs=0.005)
    # Issue 19: the total is given from the items present, flagged partial, the missing item named.
    assert partial.scores["total"] == pytest.approx((100 + 2 * dynamic + 100) / 4, abs=0.01)
    assert partial.scores["partial"] is True
    assert partial.scores["missing"] == "dynamic.lower_lip_eeee"
    assert partial.headline == "total"
    assert any("6 of 7 items" in step for step in partial.derivation)
    assert any(step.startswith("partial total") and "dynamic.lower_lip_eeee" in step for step in partial.derivation)
    assert "partial" not in score_eface(items(), allow_missing=True).scores


def test_no_total_when_a_whole_subscore_is_missing() -> None:
    data = {k: v for k, v in items().items() if not k.startswith("synkinesis.")}
    result = score_eface(data, allow_missing=True)
    assert "total" not in result.scores and "partial" not in result.scores
    assert any("total not computed: no items given for synkinesis" in step for step in result.derivation)
