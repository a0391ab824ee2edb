"""The expression generator: natural bilateral expressions from one rest photo, measured by the engine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from facenerve import Expression, FaceNerveError, PhotoAssessment, analyze_photo
from facenerve.engine.frame import FaceFrame
from facenerve.simulate import ExpressionAmounts, Subject, generate_expression
from facenerve.simulate.expressions import (
    BROW_ELEVATION_MM,
    COMMISSURE,
    DYNAMIC_ASYMMETRY,
    LOWER_LID,
    SMILE_DIRECTION_DEG,
    SMILE_EXCURSION_MM,
    SMILE_EXCURSION_RANGE_MM,
    UPPER_LID,
)
from facenerve.simulate.geometry import MmFrame

SIDES = ("right", "left")


def _measure(subject: Subject, expression: Expression) -> PhotoAssessment:
    _, rgb, _ = subject.expression(expression)
    return analyze_photo(rgb, expression=expression, mm_per_px=subject.mm_per_px).raise_for_error()


def _change(result: PhotoAssessment, base: PhotoAssessment, metric: str, side: str) -> float:
    return float(getattr(result.metrics[metric], side) - getattr(base.metrics[metric], side))


def _frame(subject: Subject) -> MmFrame:
    p = subject.points_px
    return MmFrame(FaceFrame.from_pupils(p[468], p[473]), subject.mm_per_px)


def test_smile_moves_each_commissure_by_the_reference_excursion(astronaut_subject: Subject) -> None:
    frame = _frame(astronaut_subject)
    _, _, moved = astronaut_subject.expression(Expression.SMILE_OPEN)
    for side in SIDES:
        i = COMMISSURE[side]
        d = frame.to_mm(moved[i]) - frame.to_mm(astronaut_subject.points_px[i])
        assert math.hypot(*d) == pytest.approx(SMILE_EXCURSION_MM[0], abs=0.05)  # [S88]
        assert math.degrees(math.atan2(-d[1], abs(d[0]))) == pytest.approx(SMILE_DIRECTION_DEG, abs=0.5)


def test_smile_raises_both_corners_and_narrows_both_eyes(astronaut_subject: Subject) -> None:
    base, smile = astronaut_subject.base, _measure(astronaut_subject, Expression.SMILE_OPEN)
    for side in SIDES:
        assert _change(smile, base, "commissure_height", side) < -4.0  # the corner rises (smaller distance below)
        assert _change(smile, base, "commissure_excursion", side) > 4.0
        assert _change(smile, base, "palpebral_fissure_height", side) < -0.4  # healthy narrowing [S85]
        assert abs(_change(smile, base, "brow_height", side)) < 1.5


def test_brow_raise_lifts_both_brows_and_leaves_the_mouth(grace_subject: Subject) -> None:
    base, raised = grace_subject.base, _measure(grace_subject, Expression.BROW_RAISE)
    for side in SIDES:
        assert _change(raised, base, "brow_height", side) > 0.5 * BROW_ELEVATION_MM[0]
        assert abs(_change(raised, base, "commissure_height", side)) < 1.0
        assert abs(_change(raised, base, "palpebral_fissure_height", side)) < 1.0


def test_eye_closure_brings_the_lids_together(astronaut_subject: Subject) -> None:
    _, _, moved = astronaut_subject.expression(Expression.GENTLE_EYE_CLOSURE)
    frame = _frame(astronaut_subject)
    for side in SIDES:
        upper, lower = frame.to_mm(moved[list(UPPER_LID[side])]), frame.to_mm(moved[list(LOWER_LID[side])])
        order = np.argsort(lower[:, 0])
        gap = np.interp(upper[:, 0], lower[order, 0], lower[order, 1]) - upper[:, 1]
        assert np.abs(gap).max() < 0.15  # the mesh's lids meet (mm, within the contours' interpolation)
    base, closed = astronaut_subject.base, _measure(astronaut_subject, Expression.GENTLE_EYE_CLOSURE)
    for side in SIDES:
        assert getattr(closed.metrics["palpebral_fissure_height"], side) < 3.0
        assert _change(closed, base, "palpebral_fissure_height", side) < -5.0


def test_the_face_keeps_its_own_asymmetry(astronaut_subject: Subject) -> None:
    """Nothing is mirrored: the left–right differences of the rest photo survive where the expression does not
    act (brows in a smile, mouth in a brow raise)."""
    base = astronaut_subject.base
    for expression, metric in ((Expression.SMILE_OPEN, "brow_height"), (Expression.BROW_RAISE, "commissure_height")):
        result = _measure(astronaut_subject, expression)
        before = base.metrics[metric].left - base.metrics[metric].right
        after = result.metrics[metric].left - result.metrics[metric].right
        assert after == pytest.approx(before, abs=0.8)
    _, smile, _ = astronaut_subject.expression(Expression.SMILE_OPEN)
    assert np.abs(smile.astype(int) - smile[:, ::-1].astype(int)).mean() > 10


def test_drawn_amounts_follow_the_reference() -> None:
    draws = [ExpressionAmounts.drawn(np.random.default_rng(seed)) for seed in range(200)]
    excursions = np.array([a.smile_excursion_mm for a in draws])
    assert excursions.min() >= SMILE_EXCURSION_RANGE_MM[0] and excursions.max() <= SMILE_EXCURSION_RANGE_MM[1]
    assert excursions.mean() == pytest.approx(SMILE_EXCURSION_MM[0], abs=0.6)
    assert excursions.std() > 1.0  # subjects differ
    asymmetry = np.array([abs(a.left_factor - a.right_factor) for a in draws])
    assert asymmetry.max() <= DYNAMIC_ASYMMETRY and asymmetry.mean() > 0.01  # [S90]


def test_gains_hold_one_side_still(astronaut_subject: Subject) -> None:
    frame = generate_expression(astronaut_subject.rgb, astronaut_subject.points_px, "smile_open",
                                gains={"left": 0.0})
    still = COMMISSURE["left"]
    np.testing.assert_allclose(frame.points_px[still], astronaut_subject.points_px[still], atol=0.3)
    assert frame.points_px[COMMISSURE["right"], 1] < astronaut_subject.points_px[COMMISSURE["right"], 1] - 10


def test_expressions_it_cannot_make_are_refused(astronaut_subject: Subject) -> None:
    with pytest.raises(FaceNerveError) as info:
        generate_expression(astronaut_subject.rgb, astronaut_subject.points_px, Expression.LOWER_TEETH)
    assert info.value.code == "bad_option"
