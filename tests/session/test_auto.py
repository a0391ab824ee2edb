"""The automated estimators' bands, worked by hand on constructed measurements (no photos)."""

from __future__ import annotations

import pytest

from facenerve import Expression
from facenerve.scales.auto import (
    EYE_NARROWING_STEP_PCT,
    estimate_eface,
    estimate_house_brackmann,
    estimate_sunnybrook,
    synkinesis_band,
    voluntary_band,
)
from facenerve.session.dynamics import SideValues
from facenerve.session.measures import SessionMeasures
from facenerve.session.synkinesis import SynkinesisValue


def excursion(name: str, expression: Expression, healthy_right: float, left: float) -> SideValues:
    """Left affected: the ratio is left / right."""
    return SideValues(name, expression.value, "mm", left, healthy_right, "right", left / healthy_right)


@pytest.mark.parametrize(
    ("left_mm", "expected"),
    [(10.0, 5), (9.1, 5), (9.0, 4), (5.1, 4), (5.0, 3), (2.6, 3), (2.5, 2), (1.3, 2), (1.2, 1), (-2.0, 1)],
)
def test_voluntary_bands_at_their_edges(left_mm: float, expected: int) -> None:
    points, derivation = voluntary_band(excursion("commissure_excursion_mm", Expression.SMILE_OPEN, 10.0, left_mm))
    assert points == expected, derivation
    assert "ratio" in derivation or "MDC95" in derivation


def test_no_voluntary_item_when_the_healthy_side_did_not_move() -> None:
    v = SideValues("brow_elevation_mm", "brow_raise", "mm", 0.2, 1.0, "right", None)
    assert voluntary_band(v)[0] is None


@pytest.mark.parametrize(
    ("excess", "expected"),
    [(0.0, 0), (11.0, 0), (11.1, 1), (22.1, 1), (22.2, 2), (33.2, 2), (33.3, 3), (80.0, 3)],
)
def test_synkinesis_bands_in_steps_of_the_s85_difference(excess: float, expected: int) -> None:
    assert synkinesis_band(excess, EYE_NARROWING_STEP_PCT) == expected


def _measures(ratio: float, residual_gap_left_mm: float, narrowing_excess: float = 20.0) -> SessionMeasures:
    dynamics = {
        Expression.BROW_RAISE: {
            "brow_elevation_mm": excursion("brow_elevation_mm", Expression.BROW_RAISE, 10.0, 10.0 * ratio)
        },
        Expression.SMILE_OPEN: {
            "commissure_excursion_mm": excursion("commissure_excursion_mm", Expression.SMILE_OPEN, 9.0, 9.0 * ratio)
        },
        Expression.TIGHT_EYE_CLOSURE: {
            "residual_gap_mm": SideValues(
                "residual_gap_mm", "tight_eye_closure", "mm", residual_gap_left_mm, 0.0, "right", None
            )
        },
    }
    synkinesis = (
        SynkinesisValue("ocular_oral", "smile_open", "%", 20.0 + narrowing_excess, 20.0, narrowing_excess, "left"),
    )
    return SessionMeasures(None, None, "left", "constructed", 0.5, dynamics, synkinesis)


@pytest.mark.parametrize(
    ("ratio", "gap_mm", "narrowing_excess", "grade"),
    [
        (1.0, 0.0, 0.0, "I"),
        (0.95, 0.0, 0.0, "I"),  # within normal asymmetry [S90]: both sites 4 points
        (0.85, 0.0, 0.0, "III"),  # 8.5 mm → 3 + 3 = 6/8
        (0.5, 0.0, 0.0, "III"),  # 5 mm → 2 + 2 = 4/8 (IV), but complete closure ⇒ III [S2]
        (0.5, 3.0, 0.0, "IV"),  # incomplete closure (3 mm more than the healthy eye) ⇒ IV [S2]
        (0.25, 8.0, 0.0, "V"),  # 2.5 mm → 1 + 1 = 2/8
        (0.1, 8.0, 0.0, "VI"),
        (1.0, 0.0, 20.0, "II"),  # one S85 step of ocular synkinesis: mild → HB secondary "very slight" ⇒ II [S1, S3]
        (1.0, 0.0, 25.0, "III"),  # two steps: obvious ⇒ III [S3]
    ],
)
def test_house_brackmann_normalised_to_the_healthy_side(
    ratio: float, gap_mm: float, narrowing_excess: float, grade: str
) -> None:
    m = _measures(ratio, gap_mm, narrowing_excess)
    hb = estimate_house_brackmann(m, estimate_sunnybrook(m))
    assert hb.scores["grade"] == grade, hb.to_dict()["derivation"]
    assert hb.to_dict()["provisional"] is True


def test_estimates_without_a_rest_photo_list_what_is_missing() -> None:
    m = _measures(0.5, 0.0)
    sunnybrook = estimate_sunnybrook(m)
    assert sunnybrook.items["resting.eye"].value is None and "composite" not in sunnybrook.scores
    assert sunnybrook.items["voluntary.open_mouth_smile"].value == 3
    assert sunnybrook.items["synkinesis.open_mouth_smile"].value == 1
    eface = estimate_eface(m)
    assert "total" not in eface.scores and "static.brow" in eface.missing
    assert eface.items["dynamic.oral_commissure_smile"].value == 50.0
