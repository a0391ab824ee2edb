"""The photo engine on real photos: landmarks, sides, scale, quality checks."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from facenerve import METRICS, PhotoAssessment, analyze_photo
from facenerve.engine.calibrate import DEFAULT_IRIS_MM
from facenerve.engine.frame import POSE_TEMPLATE, FaceFrame, HeadPose
from facenerve.engine.quality import check_pose
from facenerve.errors import FaceNotFoundError
from tests.synth.palsy import PalsyWarp, apply_palsy


def test_mesh_has_478_points_and_patient_sides(astronaut_result: PhotoAssessment) -> None:
    anatomy = astronaut_result.anatomy
    assert anatomy is not None and anatomy.points_px.shape == (478, 2)
    # Unmirrored photo: the patient's right eye is on the image's left.
    assert anatomy.right.iris_center[0] < anatomy.left.iris_center[0]
    assert anatomy.right.commissure[0] < anatomy.left.commissure[0]


def test_values_lie_in_anatomical_ranges(astronaut_result: PhotoAssessment) -> None:
    m = astronaut_result.metrics
    for side in ("left", "right"):
        assert 6 < getattr(m["palpebral_fissure_height"], side) < 13  # 8–11 mm normal [S83]
        assert 2 < getattr(m["mrd1"], side) < 7
        assert 20 < getattr(m["palpebral_fissure_width"], side) < 35
        assert 8 < getattr(m["brow_height"], side) < 30
        assert 40 < getattr(m["commissure_height"], side) < 75
    assert astronaut_result.scale is not None and astronaut_result.scale.source == "iris"
    diameters = astronaut_result.scale.iris_diameter_px
    assert diameters["left"] and diameters["right"]
    assert astronaut_result.scale.mm_per_px == pytest.approx(
        DEFAULT_IRIS_MM / ((diameters["left"] + diameters["right"]) / 2)
    )


def test_every_metric_is_reported_with_difference(astronaut_result: PhotoAssessment) -> None:
    assert set(astronaut_result.metrics) == {m.name for m in METRICS}
    for m in astronaut_result.metrics.values():
        assert m.left is not None and m.right is not None
        assert m.difference == pytest.approx(m.left - m.right)


def test_flipped_photo_swaps_sides_and_mirrored_flag_restores_them(
    astronaut: np.ndarray, astronaut_result: PhotoAssessment
) -> None:
    flipped = np.ascontiguousarray(astronaut[:, ::-1])
    swapped = analyze_photo(flipped).raise_for_error()
    restored = analyze_photo(flipped, mirrored=True).raise_for_error()
    for name in ("commissure_height", "brow_height", "palpebral_fissure_height"):
        original = astronaut_result.metrics[name]
        assert restored.metrics[name].left == pytest.approx(original.left, abs=1e-6)
        assert swapped.metrics[name].left == pytest.approx(original.right, abs=0.6)


def test_no_face_is_an_error() -> None:
    result = analyze_photo(np.asarray(data.coffee()))
    assert not result.ok and result.error is not None and result.error.code == "no_face"
    with pytest.raises(FaceNotFoundError):
        result.raise_for_error()
    assert result.to_dict()["face"]["found"] is False


def test_two_faces_measure_the_larger_and_warn(astronaut: np.ndarray, astronaut_result: PhotoAssessment) -> None:
    small = cv2.resize(astronaut, (400, 400), interpolation=cv2.INTER_AREA)
    canvas = np.full((800, 1200, 3), 200, np.uint8)
    canvas[:, :800] = astronaut
    canvas[200:600, 800:1200] = small
    result = analyze_photo(canvas).raise_for_error()
    assert any("2 faces" in w for w in result.warnings)
    assert result.anatomy is not None and result.anatomy.left.iris_center[0] < 800
    assert result.metrics["commissure_height"].left == pytest.approx(
        astronaut_result.metrics["commissure_height"].left, abs=0.5
    )


def test_small_distant_face_is_found_and_warned(astronaut: np.ndarray) -> None:
    canvas = np.full((1024, 1024, 3), 120, np.uint8)
    canvas[700:940, 100:340] = cv2.resize(astronaut, (240, 240), interpolation=cv2.INTER_AREA)
    result = analyze_photo(canvas)
    assert result.ok, result.error
    assert any("coarse" in w for w in result.warnings)


@pytest.mark.parametrize("left_px", [300, 900])  # inside one tile; across the overlap of two tiles
def test_distant_face_in_a_12_megapixel_photo_is_found_once(astronaut: np.ndarray, left_px: int) -> None:
    """Too small for the detector on the whole photo (it sees 192 px), so it is found in tiles."""
    canvas = np.full((3000, 4000, 3), 120, np.uint8)
    canvas[1300:1600, left_px : left_px + 300] = cv2.resize(astronaut, (300, 300), interpolation=cv2.INTER_AREA)
    result = analyze_photo(canvas)
    assert result.ok, result.error
    assert result.anatomy is not None
    x, y, width, height = result.anatomy.bbox_px
    assert x >= left_px and x + width <= left_px + 300
    assert y >= 1300 and y + height <= 1600
    assert not any("faces found" in warning for warning in result.warnings)


def test_tiny_face_is_measured_with_a_warning_and_less_confidence(astronaut: np.ndarray) -> None:
    """Issue 19: a face that is found gives a result; a small one is warned about and trusted less
    (it used to be refused with ``face_too_small``, which was the bug)."""
    small = cv2.resize(astronaut, (90, 90), interpolation=cv2.INTER_AREA)
    result = analyze_photo(small)
    assert result.ok, result.error
    assert result.quality is not None and result.anatomy is not None
    ipd = float(np.linalg.norm(result.anatomy.left.iris_center - result.anatomy.right.iris_center))
    assert ipd < 30
    assert any("face is very small" in w for w in result.warnings)
    assert result.quality.confidence_factor == pytest.approx(ipd / 30, abs=0.01)
    assert result.to_dict()["quality"]["confidence_factor"] < 1.0


def test_blur_is_warned(astronaut: np.ndarray, astronaut_result: PhotoAssessment) -> None:
    assert not any("blurred" in w for w in astronaut_result.warnings)
    blurred = cv2.GaussianBlur(astronaut, (0, 0), 6)
    result = analyze_photo(blurred)
    assert result.ok and any("blurred" in w for w in result.warnings)


def test_closed_eyes_fall_back_to_the_face_proportion_scale(
    astronaut: np.ndarray, astronaut_result: PhotoAssessment
) -> None:
    """Issue 19: with both eyes shut the photo is still measured; the scale says where it came from and how
    uncertain it is (it used to be refused with ``eyes_closed``, which was the bug)."""
    fissure = astronaut_result.metrics["palpebral_fissure_height"]
    closing = {side: -getattr(fissure, side) for side in ("left", "right")}
    shut = apply_palsy(astronaut, astronaut_result, PalsyWarp("left", fissure_change_mm=closing["left"] * 0.95))
    shut = apply_palsy(shut, astronaut_result, PalsyWarp("right", fissure_change_mm=closing["right"] * 0.95))
    result = analyze_photo(shut)
    assert result.ok, result.error
    assert result.scale is not None and astronaut_result.scale is not None
    assert result.scale.source == "population"
    assert astronaut_result.scale.source == "iris"
    rel = result.scale.relative_uncertainty
    assert rel is not None and astronaut_result.scale.relative_uncertainty is not None
    assert rel > astronaut_result.scale.relative_uncertainty
    # The face proportion agrees with this face's own iris scale within its stated uncertainty.
    assert result.scale.mm_per_px == pytest.approx(astronaut_result.scale.mm_per_px, rel=2 * rel)
    assert any("outer eye corners" in w for w in result.warnings)
    doc = result.to_dict()["scale"]
    assert doc["source"] == "population" and doc["relative_uncertainty"] == pytest.approx(rel)
    manual = analyze_photo(shut, mm_per_px=0.4)
    assert manual.ok and manual.scale is not None and manual.scale.source == "manual"
    assert manual.scale.relative_uncertainty is None
    assert analyze_photo(shut, expression="tight_eye_closure", mm_per_px=0.4).ok


def test_closed_eyes_take_a_given_rest_photo_scale(astronaut: np.ndarray, astronaut_result: PhotoAssessment) -> None:
    fissure = astronaut_result.metrics["palpebral_fissure_height"]
    assert fissure.left is not None and fissure.right is not None and astronaut_result.scale is not None
    shut = apply_palsy(astronaut, astronaut_result, PalsyWarp("left", fissure_change_mm=-fissure.left * 0.95))
    shut = apply_palsy(shut, astronaut_result, PalsyWarp("right", fissure_change_mm=-fissure.right * 0.95))
    result = analyze_photo(shut, fallback_scale=astronaut_result.scale)
    assert result.ok and result.scale is not None
    assert result.scale.source == "session_rest"
    assert result.scale.mm_per_px == astronaut_result.scale.mm_per_px
    assert result.scale.relative_uncertainty == astronaut_result.scale.relative_uncertainty
    assert any("rest photo of the same session" in w for w in result.warnings)
    # An open-eyed photo keeps its own iris scale; the fallback is only for unusable irises.
    assert analyze_photo(astronaut, fallback_scale=astronaut_result.scale).scale.source == "iris"  # type: ignore[union-attr]


def test_one_closed_eye_takes_the_scale_from_the_other(
    astronaut: np.ndarray, astronaut_result: PhotoAssessment
) -> None:
    fissure = astronaut_result.metrics["palpebral_fissure_height"]
    assert fissure.left is not None
    shut = apply_palsy(astronaut, astronaut_result, PalsyWarp("left", fissure_change_mm=-fissure.left * 0.95))
    result = analyze_photo(shut)
    assert result.ok and result.scale is not None
    assert result.scale.source == "iris_one_eye"
    assert result.scale.relative_uncertainty is not None and result.scale.relative_uncertainty > 0.036
    assert any("right iris only" in w for w in result.warnings)


def test_the_face_proportion_holds_on_the_shipped_faces() -> None:
    """The iris / lateral-canthal width ratio (engine.calibrate) is FaceNerve's own measurement; on each shipped
    face with its eyes open it lies within one between-person SD of the constant."""
    from facenerve.engine.calibrate import IRIS_PER_BIOCULAR_WIDTH, IRIS_PER_BIOCULAR_WIDTH_SD, biocular_width_px
    from tests.synth.faces import FACE_NAMES, face_photo

    for name in FACE_NAMES:
        result = analyze_photo(face_photo(name)).raise_for_error()
        assert result.anatomy is not None and result.scale is not None and result.scale.source == "iris"
        iris_px = float(np.mean([d for d in result.scale.iris_diameter_px.values() if d]))
        ratio = iris_px / biocular_width_px(result.anatomy)
        assert abs(ratio - IRIS_PER_BIOCULAR_WIDTH) < IRIS_PER_BIOCULAR_WIDTH_SD, (name, ratio)


def test_pose_limits() -> None:
    """Turned heads up to the profile limit are measured with a warning and a lower confidence factor;
    only a profile is refused (until issue 19, 30° of yaw was refused)."""
    from facenerve.engine.quality import PROFILE_YAW_DEG, confidence_factor

    assert check_pose(HeadPose(2.0, 3.0, 1.0)) == []
    warnings = check_pose(HeadPose(15.0, 0.0, 0.0))
    assert len(warnings) == 1 and "turned" in warnings[0] and "left" in warnings[0]
    assert len(check_pose(HeadPose(-40.0, 0.0, 0.0))) == 1
    with pytest.raises(FaceNotFoundError) as info:
        check_pose(HeadPose(-(PROFILE_YAW_DEG + 5.0), 0.0, 0.0))
    assert info.value.code == "head_turned"
    assert confidence_factor(HeadPose(5.0, 5.0, 0.0), 100.0) == 1.0
    assert confidence_factor(HeadPose(30.0, 0.0, 0.0), 100.0) == 0.5
    assert confidence_factor(HeadPose(20.0, 0.0, 0.0), 100.0) == 0.75
    assert confidence_factor(HeadPose(20.0, 0.0, 0.0), 15.0) == 0.375


@pytest.mark.parametrize(("yaw", "pitch"), [(0.0, 0.0), (20.0, 0.0), (-15.0, 10.0), (0.0, -20.0)])
def test_pose_fit_recovers_projected_template(yaw: float, pitch: float) -> None:
    from facenerve.engine.frame import head_pose
    from tests.synth.pose import anatomy_from_template

    pose = head_pose(anatomy_from_template(yaw, pitch))
    assert pose.yaw_deg == pytest.approx(yaw, abs=1.0)
    assert pose.pitch_deg == pytest.approx(pitch, abs=1.0)


def test_frame_round_trip_and_roll() -> None:
    frame = FaceFrame.from_pupils(np.array([100.0, 100.0]), np.array([200.0, 100.0 + 100 * math.tan(0.1)]))
    assert frame.roll_deg == pytest.approx(math.degrees(0.1))
    pts = np.array([[10.0, 20.0], [300.0, 250.0]])
    assert np.allclose(frame.to_image(frame.to_frame(pts)), pts)
    assert POSE_TEMPLATE.shape == (9, 3)


def test_docs_define_every_metric() -> None:
    text = (Path(__file__).parents[1] / "docs" / "metrics.md").read_text()
    for metric in METRICS:
        assert f"`{metric.name}`" in text
        assert metric.source and metric.measure.__doc__


def test_image_offset_reads_a_pure_one_sided_brow_shift(astronaut: np.ndarray) -> None:
    """A brow band moved down by exactly 12 px on the patient's left is read as 12 px, whatever the mesh says."""
    from facenerve.engine.bilateral import FEATURES, GrayRegion, measure_offset
    from tests.synth.faces import mirror_composite

    base = analyze_photo(astronaut).raise_for_error()
    assert base.frame is not None and base.anatomy is not None and base.scale is not None
    symmetric = mirror_composite(astronaut, float(base.frame.origin_px[0]), "image_left")
    first = analyze_photo(symmetric).raise_for_error()
    assert first.anatomy is not None and first.frame is not None and first.scale is not None
    brow = first.anatomy.left.brow_upper  # patient's left = image right
    top, bottom = int(brow[:, 1].min()) - 40, int(brow[:, 1].max()) + 40
    left_x = int(first.frame.origin_px[0]) + 5
    moved = symmetric.copy()
    moved[top + 12 : bottom, left_x:] = symmetric[top : bottom - 12, left_x:]
    feature = next(f for f in FEATURES if f.contour == "brow_upper")
    gray = GrayRegion.around_face(moved, first.anatomy)
    offset = measure_offset(gray, first.anatomy, first.frame, first.scale.mm_per_px, feature)
    assert offset.used
    assert offset.down_mm / first.scale.mm_per_px == pytest.approx(12.0, abs=0.5)


def test_annotation_panel_text_stays_inside_the_panel(astronaut: np.ndarray, astronaut_result: PhotoAssessment) -> None:
    """Every line of the side panel (evidence, warnings, table) is wrapped before the image's right edge."""
    from dataclasses import replace

    from facenerve.engine.draw import PANEL_COLOUR, render_annotation

    noisy = replace(astronaut_result, warnings=("2 faces found; measured the largest",) * 2)
    image = np.asarray(render_annotation(astronaut, noisy).convert("RGB"))
    margin = image[:, -6:, :].reshape(-1, 3)
    assert (margin == np.array(PANEL_COLOUR)).all()


@pytest.mark.parametrize(("backend", "rounds"), [("mediapipe", 12), ("dlib", 3)])
def test_threads_sharing_the_process_wide_detector_get_their_own_results(
    astronaut: np.ndarray, grace: np.ndarray, backend: str, rounds: int
) -> None:
    """A threaded web server shares one detector; each photo must still get its own landmarks."""
    from concurrent.futures import ThreadPoolExecutor

    photos = {"astronaut": astronaut, "grace": grace}
    alone = {name: analyze_photo(rgb, backend=backend).raise_for_error().to_dict() for name, rgb in photos.items()}

    def measure(name: str) -> tuple[str, dict[str, object]]:
        return name, analyze_photo(photos[name], backend=backend).raise_for_error().to_dict()

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(measure, ["astronaut", "grace"] * rounds))
    assert all(result == alone[name] for name, result in together)


def test_the_annotated_picture_writes_no_internal_key(
    astronaut: np.ndarray, astronaut_result: PhotoAssessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every word drawn on the annotated PNG is a human label: no ``snake_case`` key, no ``mm2`` or ``mrd1``, no
    detector or scale-source key (facenerve.labels)."""
    import re

    from PIL import ImageDraw

    from facenerve.engine.draw import render_annotation

    drawn: list[str] = []
    real_text = ImageDraw.ImageDraw.text

    def recording_text(self: ImageDraw.ImageDraw, xy: object, text: str, *args: object, **kwargs: object) -> None:
        drawn.append(text)
        real_text(self, xy, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", recording_text)
    render_annotation(astronaut, astronaut_result)
    words = " ".join(drawn)
    assert "Eye opening height (mm)" in words and "Rest" in words and "MediaPipe" in words
    assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b|\bmm2\b|\bmrd\d\b|\bmediapipe\b|\biris_one_eye\b", words), words
    assert "-0.0" not in words
