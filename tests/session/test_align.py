"""Alignment to the rest photo: the similarity fit, and the rest scale carried to other photos."""

from __future__ import annotations

import math

import cv2
import numpy as np

from facenerve import analyze_photo
from facenerve.session.align import align, fit_similarity, rest_geometry
from tests.synth.session import base_face


def test_similarity_fit_recovers_a_known_transform() -> None:
    rng = np.random.default_rng(3)
    source = rng.uniform(0, 400, size=(6, 2))
    angle = math.radians(7.0)
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    target = 1.3 * source @ rotation.T + np.array([12.0, -40.0])
    fit = fit_similarity(source, target)
    assert abs(fit.scale - 1.3) < 1e-9
    np.testing.assert_allclose(fit(source), target, atol=1e-9)


def test_the_rest_photo_aligned_to_itself_is_unchanged() -> None:
    _, rest = base_face()
    aligned = align(rest, rest)
    assert aligned.anchor_residual_mm < 1e-6
    own = rest_geometry(rest)
    for side in ("left", "right"):
        np.testing.assert_allclose(aligned.geometry[side].anatomy.commissure, own[side].anatomy.commissure, atol=1e-9)


def test_a_smaller_rotated_photo_takes_the_rest_scale_through_the_anchors() -> None:
    rgb, rest = base_face()
    assert rest.scale is not None
    height, width = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 6.0, 0.8)
    smaller = cv2.warpAffine(rgb, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    photo = analyze_photo(smaller).raise_for_error()
    aligned = align(photo, rest)
    assert abs(aligned.mm_per_px / (rest.scale.mm_per_px / 0.8) - 1.0) < 0.02
    assert aligned.anchor_residual_mm < 1.0
    # Same face, same pose: every landmark lands where it was at rest, within a millimetre.
    own = rest_geometry(rest)
    for side in ("left", "right"):
        moved = aligned.geometry[side].anatomy.commissure - own[side].anatomy.commissure
        assert float(np.linalg.norm(moved)) < 1.0
