"""Hemi-face composites: the weak half is the (aligned) rest frame, the healthy half the expression, and the
seam between them is smooth."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from facenerve import Expression
from facenerve.simulate import Subject, hemi_composite, varied_photo
from facenerve.simulate.composite import BLEND_WIDTH_MM
from facenerve.simulate.expressions import COMMISSURE

ROLL_DEG, SCALE = 4.0, 1.05


def _moved_points(points_px: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Mesh points under ``varied_photo(roll_deg=ROLL_DEG, scale=SCALE)`` (landmark pixel centres at +0.5)."""
    h, w = shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), ROLL_DEG, SCALE)
    return (points_px - 0.5) @ matrix[:, :2].T + matrix[:, 2] + 0.5


@pytest.fixture(scope="module")
def moved_smile(astronaut_subject: Subject) -> tuple[np.ndarray, np.ndarray]:
    """The generated smile, as if the head had rolled 4° and come 5% closer: the composite must align to it."""
    _, smile, smile_points = astronaut_subject.expression(Expression.SMILE_OPEN)
    return varied_photo(smile, roll_deg=ROLL_DEG, scale=SCALE), _moved_points(smile_points, smile.shape)


@pytest.mark.parametrize("weak_side", ["left", "right"])
def test_weak_half_is_the_rest_frame_and_healthy_half_the_expression(
    astronaut_subject: Subject, moved_smile: tuple[np.ndarray, np.ndarray], weak_side: str
) -> None:
    smile, smile_points = moved_smile
    rest = astronaut_subject.rgb
    composite = hemi_composite(rest, smile, astronaut_subject.points_px, smile_points, weak_side, 1.0)  # type: ignore[arg-type]
    aligned_rest = varied_photo(rest, roll_deg=ROLL_DEG, scale=SCALE).astype(float)
    out = composite.rgb.astype(float)
    weak = composite.weak_weight >= 0.999
    healthy = composite.weak_weight <= 0.001
    assert weak.sum() > 20_000 and healthy.sum() > 20_000
    # Away from the midline the weak half is the rest frame brought onto the expression's head position...
    assert np.abs(out[weak] - aligned_rest[weak]).mean() < 4.0
    # ...and not the smile, which differs there (around the weak mouth corner).
    corner = composite.points_px[COMMISSURE[weak_side]].astype(int)
    patch = np.s_[corner[1] - 25 : corner[1] + 25, corner[0] - 25 : corner[0] + 25]
    assert np.abs(out[patch] - smile[patch].astype(float)).mean() > 3 * np.abs(out[patch] - aligned_rest[patch]).mean()
    # The healthy half is the expression photo: untouched away from the midline (triangles that cross the
    # midline band bend a little), nearly so next to it.
    assert np.abs(out[healthy] - smile[healthy].astype(float)).mean() < 0.5
    reach = int(3 * BLEND_WIDTH_MM / composite.mm_per_px)
    away = cv2.erode(healthy.astype(np.uint8), np.ones((1, 2 * reach + 1), np.uint8)).astype(bool)
    assert np.abs(out[away] - smile[away].astype(float)).max() <= 1.0


def test_blend_across_the_midline_is_smooth(
    astronaut_subject: Subject, moved_smile: tuple[np.ndarray, np.ndarray]
) -> None:
    smile, smile_points = moved_smile
    composite = hemi_composite(astronaut_subject.rgb, smile, astronaut_subject.points_px, smile_points, "left", 1.0)
    weight = composite.weak_weight
    band_px = BLEND_WIDTH_MM / composite.mm_per_px
    midline = [composite.points_px[i].astype(int) for i in (9, 168, 4, 13, 17)]  # forehead, nasion, nose, lips
    rows = [int(y) for _, y in midline]
    reach = int(4 * band_px)
    for x, y in midline:
        row = weight[y, x - reach : x + reach]
        inside = row[(row > 0.02) & (row < 0.98)]
        # The weight rises across a band about BLEND_WIDTH_MM wide (the patient's left is the image's right) ...
        assert 0.5 * band_px < len(inside) < 2.0 * band_px + 4
        assert row[0] == 0.0 and row[-1] == 1.0 and np.all(np.diff(row) >= -1e-3)
        # ... without a step: at most a smoothstep's steepest slope per pixel.
        assert np.abs(np.diff(row)).max() <= 1.5 / band_px + 0.02
    # No seam in the image: across the band, neighbouring columns differ no more than in either source.
    x_mid = int(composite.points_px[168, 0])
    gray = [cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(float) for img in (composite.rgb, smile)]
    top, bottom = rows[0], rows[-1]
    band = np.s_[top:bottom, x_mid - int(band_px) : x_mid + int(band_px)]
    steps = [np.abs(np.diff(g[band], axis=1)).mean() for g in gray]
    assert steps[0] < 1.3 * steps[1] + 1.0


def test_partial_weakness_moves_the_weak_landmarks_by_the_fraction(astronaut_subject: Subject) -> None:
    _, smile, smile_points = astronaut_subject.expression(Expression.SMILE_OPEN)
    rest_points = astronaut_subject.points_px
    composite = hemi_composite(astronaut_subject.rgb, smile, rest_points, smile_points, "right", 0.5)
    aligned = rest_points @ composite.rest_to_expression[:, :2].T + composite.rest_to_expression[:, 2]
    weak, healthy = COMMISSURE["right"], COMMISSURE["left"]
    np.testing.assert_allclose(composite.points_px[weak], (smile_points[weak] + aligned[weak]) / 2, atol=1e-6)
    np.testing.assert_allclose(composite.points_px[healthy], smile_points[healthy], atol=1e-6)
    # The smile raised the commissure; half weakness leaves it halfway (image y grows downward).
    assert smile_points[weak, 1] < composite.points_px[weak, 1] < aligned[weak, 1]


def test_a_weak_side_must_be_named(astronaut_subject: Subject) -> None:
    rgb, points = astronaut_subject.rgb, astronaut_subject.points_px
    with pytest.raises(ValueError):
        hemi_composite(rgb, rgb, points, points, "none", 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        hemi_composite(rgb, rgb, points[:68], points[:68], "left", 1.0)
