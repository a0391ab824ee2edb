"""The stomion's lateral position from the lips' mirror symmetry (engine/lip_midline.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
import pytest

from facenerve import PhotoAssessment, analyze_photo
from facenerve.engine.bilateral import GrayRegion
from facenerve.engine.lip_midline import AGREE_MM, DISAGREE_MM, LipMidline, measure_lip_midline
from tests.synth.faces import mirror_composite


@dataclass(frozen=True)
class SymmetricMouth:
    """A mirror composite of the astronaut, its assessment, and the mirror line's frame x at the stomion (mm)."""

    rgb: np.ndarray
    result: PhotoAssessment
    axis_x_px: float
    line_mm: float


def _stomion(result: PhotoAssessment) -> np.ndarray:
    assert result.anatomy is not None
    return result.anatomy.stomion


def _line_mm(result: PhotoAssessment, axis_x_px: float) -> float:
    """Frame x (mm) of the image column ``axis_x_px`` at the stomion's height."""
    assert result.frame is not None and result.scale is not None
    stomion = _stomion(result)
    return float(result.frame.to_frame(np.array([axis_x_px, stomion[1]]))[0]) * result.scale.mm_per_px


@pytest.fixture(scope="module")
def symmetric(astronaut: np.ndarray, astronaut_result: PhotoAssessment) -> SymmetricMouth:
    assert astronaut_result.frame is not None
    axis_x_px = float(astronaut_result.frame.origin_px[0])
    rgb = mirror_composite(astronaut, axis_x_px, "image_left")
    result = analyze_photo(rgb).raise_for_error()
    return SymmetricMouth(rgb, result, axis_x_px, _line_mm(result, axis_x_px))


def _measured_from(mouth: SymmetricMouth, model_off_mm: float) -> LipMidline:
    """The lip midline measured with the model's stomion moved ``model_off_mm`` toward the patient's left."""
    result = mouth.result
    assert result.anatomy is not None and result.frame is not None and result.scale is not None
    step = model_off_mm / result.scale.mm_per_px * result.frame.x_axis
    anatomy = replace(
        result.anatomy,
        upper_lip_inner_mid=result.anatomy.upper_lip_inner_mid + step,
        lower_lip_inner_mid=result.anatomy.lower_lip_inner_mid + step,
    )
    gray = GrayRegion.around_face(mouth.rgb, anatomy)
    return measure_lip_midline(gray, anatomy, result.frame, result.scale.mm_per_px)


@pytest.mark.parametrize("model_off_mm", [-0.8, 0.0, 0.8])
def test_the_mirror_line_is_found_and_used_where_the_model_agrees(
    symmetric: SymmetricMouth, model_off_mm: float
) -> None:
    midline = _measured_from(symmetric, model_off_mm)
    assert midline.image_lateral_mm == pytest.approx(symmetric.line_mm, abs=0.05)
    assert midline.weight == pytest.approx(1.0)
    assert midline.lateral_mm == pytest.approx(symmetric.line_mm, abs=0.05)


def test_a_model_stomion_between_the_bounds_is_moved_part_of_the_way(symmetric: SymmetricMouth) -> None:
    off_mm = (AGREE_MM + DISAGREE_MM) / 2.0
    midline = _measured_from(symmetric, off_mm)
    assert midline.image_lateral_mm == pytest.approx(symmetric.line_mm, abs=0.05)
    assert 0.35 < midline.weight < 0.65
    assert symmetric.line_mm < midline.lateral_mm < midline.model_lateral_mm


def test_an_image_line_far_from_the_model_stomion_is_not_used(symmetric: SymmetricMouth) -> None:
    """An open, twisted mouth can look symmetric about some other line: beyond DISAGREE_MM the model stands."""
    midline = _measured_from(symmetric, -3.0)
    assert midline.image_lateral_mm == pytest.approx(symmetric.line_mm, abs=0.1)
    assert midline.weight == 0.0
    assert midline.lateral_mm == midline.model_lateral_mm


@pytest.mark.parametrize("shift_mm", [-3.0, 3.0])
def test_a_mouth_moved_sideways_is_reported_as_a_lip_midpoint_deviation(
    symmetric: SymmetricMouth, shift_mm: float
) -> None:
    """The mouth rows of the symmetric face moved sideways by a known amount (a smooth band, eyes untouched)."""
    result = symmetric.result
    assert result.scale is not None
    mm_per_px = result.scale.mm_per_px
    height, width = symmetric.rgb.shape[:2]
    rows = np.arange(height, dtype=np.float32)
    from_stomion_mm = np.abs(rows - _stomion(result)[1]) * mm_per_px
    band = np.clip((25.0 - from_stomion_mm) / 15.0, 0.0, 1.0)  # 1 within 10 mm of the stomion, 0 beyond 25 mm
    band = band * band * (3.0 - 2.0 * band)
    shift_px = shift_mm / mm_per_px
    map_x = (np.arange(width, dtype=np.float32)[None, :] - (shift_px * band)[:, None]).astype(np.float32)
    map_y = np.ascontiguousarray(np.broadcast_to(rows[:, None], (height, width)))
    moved = cv2.remap(symmetric.rgb, map_x, map_y, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)

    shifted = analyze_photo(moved).raise_for_error()
    assert shifted.lip_midpoint_deviation_mm is not None
    expected_mm = _line_mm(shifted, symmetric.axis_x_px + shift_px)
    assert shifted.lip_midpoint_deviation_mm == pytest.approx(expected_mm, abs=0.2)
    # x runs toward the patient's left, which is the image's right in an unmirrored photo.
    assert np.sign(shifted.lip_midpoint_deviation_mm) == np.sign(shift_mm)
