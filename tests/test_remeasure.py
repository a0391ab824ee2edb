"""Measuring from given landmarks (facenerve.engine.remeasure): the photo pipeline's own numbers, no detection."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from facenerve import analyze_photo
from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.remeasure import (
    anatomy_from_dict,
    anatomy_to_dict,
    landmarks_document,
    measure_landmarks,
    photo_from_documents,
    remeasure,
)
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression
from tests.synth.faces import face_photo


@pytest.fixture(scope="module")
def measured() -> object:
    return analyze_photo(face_photo("astronaut"), expression=Expression.SMILE_OPEN).raise_for_error()


def test_the_same_landmarks_give_the_same_numbers(measured: object) -> None:
    photo = measured  # type: ignore[assignment]
    again = remeasure(photo, photo.anatomy)  # type: ignore[attr-defined]
    assert again.metrics == photo.metrics and again.asymmetry == photo.asymmetry  # type: ignore[attr-defined]
    rebuilt = photo_from_documents(photo.to_dict(), landmarks_document(photo))  # type: ignore[attr-defined]
    for name, value in photo.metrics.items():  # type: ignore[attr-defined]
        assert rebuilt.metrics[name].left == pytest.approx(value.left, abs=0.02, rel=1e-3)


def test_a_moved_mouth_corner_moves_its_measure_by_the_scale(measured: object) -> None:
    photo = measured  # type: ignore[assignment]
    anatomy = photo.anatomy  # type: ignore[attr-defined]
    mm_per_px = photo.scale.mm_per_px  # type: ignore[attr-defined]
    lifted = replace(anatomy, left=replace(anatomy.left, commissure=anatomy.left.commissure + np.array([0.0, -10.0])))
    before = measure_landmarks(anatomy, photo.frame, mm_per_px, Expression.SMILE_OPEN)  # type: ignore[attr-defined]
    after = measure_landmarks(lifted, photo.frame, mm_per_px, Expression.SMILE_OPEN)  # type: ignore[attr-defined]
    change = after.metrics["commissure_height"].left - before.metrics["commissure_height"].left  # type: ignore[operator]
    assert change == pytest.approx(-10.0 * mm_per_px, rel=0.05)  # the pupil line is near level
    assert after.metrics["commissure_height"].right == before.metrics["commissure_height"].right
    with pytest.raises(FaceNerveError):
        measure_landmarks(anatomy, photo.frame, -1.0, Expression.REST)  # type: ignore[attr-defined]


def test_landmarks_round_trip_and_refuse_garbage(measured: object) -> None:
    anatomy = measured.anatomy  # type: ignore[attr-defined]
    again = anatomy_from_dict(anatomy_to_dict(anatomy))
    assert np.allclose(again.right.brow_upper, anatomy.right.brow_upper, atol=0.006)
    doc = anatomy_to_dict(anatomy)
    for bad in ({}, {**doc, "chin": ["x", 1]}, {**doc, "nasion": [np.nan, 1]}):
        with pytest.raises(FaceNerveError) as caught:
            anatomy_from_dict(bad)
        assert caught.value.code == "bad_landmarks"


def test_reading_a_photo_as_a_mirror_image_swaps_the_patients_sides(measured: object) -> None:
    """mirror_result: each side's measures become the other side's (to rounding), twice is the original, and it
    agrees with analysing the photo as a mirror image in the first place (detection noise allowed)."""
    from facenerve.engine.remeasure import mirror_result

    photo: PhotoAssessment = measured  # type: ignore[assignment]
    rgb = face_photo("astronaut")
    width = rgb.shape[1]
    flipped = mirror_result(photo, width)
    assert flipped.mirrored and flipped.anatomy is not None
    swapped = remeasure(flipped, flipped.anatomy)
    for name, value in photo.metrics.items():
        assert swapped.metrics[name].right == pytest.approx(value.left, abs=1e-6), name
        assert swapped.metrics[name].left == pytest.approx(value.right, abs=1e-6), name
    assert swapped.lip_midpoint_deviation_mm == pytest.approx(-photo.lip_midpoint_deviation_mm, abs=1e-6)
    back = mirror_result(flipped, width)
    assert not back.mirrored and np.allclose(back.anatomy.points_px, photo.anatomy.points_px)  # type: ignore[union-attr]
    detected = analyze_photo(rgb, expression=Expression.SMILE_OPEN, mirrored=True).raise_for_error()
    for name in ("brow_height", "commissure_height", "palpebral_fissure_height"):
        assert detected.metrics[name].right == pytest.approx(swapped.metrics[name].right, abs=0.5), name
        assert detected.metrics[name].left == pytest.approx(swapped.metrics[name].left, abs=0.5), name


def test_a_mirrored_reading_renames_the_sides_in_warnings_scale_and_open_eyes(measured: object) -> None:
    from facenerve.engine.remeasure import mirror_result

    photo: PhotoAssessment = measured  # type: ignore[assignment]
    assert photo.quality is not None and photo.scale is not None
    sided = replace(photo, warnings=("head turned 12° toward the patient's left: horizontal distances are corrected",
                                     "scale from the right iris only (the other eye is closed)", "photo looks blurred"),
                    quality=replace(photo.quality, open_eyes={"right": True, "left": False}),
                    scale=replace(photo.scale, iris_diameter_px={"right": 30.0, "left": 33.0}))
    flipped = mirror_result(sided, 512)
    assert flipped.warnings == ("head turned 12° toward the patient's right: horizontal distances are corrected",
                                "scale from the left iris only (the other eye is closed)", "photo looks blurred")
    assert flipped.quality is not None and flipped.quality.open_eyes == {"left": True, "right": False}
    assert flipped.scale is not None and flipped.scale.iris_diameter_px == {"left": 30.0, "right": 33.0}
