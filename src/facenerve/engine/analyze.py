"""The photo pipeline: decode → landmarks → frame → scale → metrics → asymmetry → quality."""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

import numpy as np

from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.bilateral import (
    FULL_MATCH_SCORE,
    MIN_MATCH_SCORE,
    GrayRegion,
    pair_reliability,
    refine_bilateral,
)
from facenerve.engine.calibrate import DEFAULT_IRIS_MM, Scale, photo_scale
from facenerve.engine.frame import FaceFrame, head_pose
from facenerve.engine.landmarks import LandmarkDetector, create_detector
from facenerve.engine.lip_midline import apply_lip_midline, measure_lip_midline
from facenerve.engine.quality import (
    COARSE_MM_PER_PX,
    YAW_WARN_DEG,
    assess_quality,
    check_eyes_visible,
    check_face_size,
    check_pose,
)
from facenerve.engine.remeasure import measure_landmarks
from facenerve.engine.tuning import tune_process
from facenerve.errors import FaceNerveError, FaceNotFoundError
from facenerve.io.images import ImageSource, load_image
from facenerve.protocol import Expression

_DETECTORS: dict[tuple[str, str | None, int], LandmarkDetector] = {}
_DETECTORS_LOCK = threading.Lock()


def get_detector(
    backend: str = "mediapipe", predictor_path: Path | None = None, landmark_passes: int = 1
) -> LandmarkDetector:
    """The process-wide detector for ``backend`` (and ``landmark_passes``), created on first use and closed at exit.

    Creating it also tunes this process for many photos (:mod:`facenerve.engine.tuning`): glibc malloc
    thresholds and single-threaded OpenCV.
    """
    key = (backend, str(predictor_path) if predictor_path else None, landmark_passes)
    with _DETECTORS_LOCK:  # threads starting together create one detector, not one each
        if key not in _DETECTORS:
            tune_process()
            _DETECTORS[key] = create_detector(backend, predictor_path=predictor_path, landmark_passes=landmark_passes)
        return _DETECTORS[key]


@atexit.register
def _close_detectors() -> None:
    for detector in _DETECTORS.values():
        detector.close()
    _DETECTORS.clear()


def parse_expression(expression: str | Expression) -> Expression:
    """The Expression named ``expression``; raises ``FaceNerveError`` (code ``bad_option``)."""
    try:
        return Expression(expression)
    except ValueError:
        names = ", ".join(e.value for e in Expression)
        raise FaceNerveError(f"unknown expression {expression!r}; choose from {names}", code="bad_option") from None


def analyze_photo(
    image: ImageSource,
    *,
    expression: str | Expression = Expression.REST,
    backend: str = "mediapipe",
    detector: LandmarkDetector | None = None,
    iris_mm: float = DEFAULT_IRIS_MM,
    mm_per_px: float | None = None,
    mirrored: bool = False,
    name: str | None = None,
    landmark_passes: int = 1,
    fallback_scale: Scale | None = None,
) -> PhotoAssessment:
    """Measure one face photo. Never raises for bad input: check ``.ok`` or ``.raise_for_error()``.

    ``image`` is a path, encoded bytes or an RGB array. Sides in the result are the patient's;
    set ``mirrored`` for front-camera selfies. ``mm_per_px`` overrides the iris scale.
    ``fallback_scale`` (the session's rest-photo scale) is used when neither iris is usable; without it
    the scale falls back to a face proportion (``facenerve.engine.calibrate``). Every face found gives a
    result, except a true profile; small faces and turned heads are measured with warnings and a lower
    ``quality.confidence_factor``.
    ``landmark_passes`` 3 (MediaPipe) averages three landmark passes per region: about half the
    change under roll, rescaling and re-compression, at about twice the time (docs/metrics.md).
    Ignored when ``detector`` is given (it has its own).
    """
    label = name or (str(image) if isinstance(image, str | Path) else "<image>")
    expr_value = str(expression.value if isinstance(expression, Expression) else expression)
    backend_name = detector.name if detector is not None else backend
    passes = int(getattr(detector, "landmark_passes", 1)) if detector is not None else landmark_passes
    base = PhotoAssessment(
        image=label, expression=expr_value, backend=backend_name, mirrored=mirrored, landmark_passes=passes
    )
    try:
        expr = parse_expression(expression)
        loaded = load_image(image, name=name or (label if isinstance(image, str | Path) else None))
        rgb = loaded.rgb[:, ::-1] if mirrored else loaded.rgb
        detector = detector or get_detector(backend, landmark_passes=landmark_passes)
        return _measure(base, np.ascontiguousarray(rgb), expr, detector, iris_mm, mm_per_px, fallback_scale)
    except FaceNerveError as exc:
        return _failed(base, exc)
    except MemoryError:
        return _failed(base, FaceNerveError("out of memory while analysing the image", code="out_of_memory"))


def _failed(base: PhotoAssessment, exc: FaceNerveError) -> PhotoAssessment:
    from dataclasses import replace

    message = exc.message if exc.message.startswith(base.image) else f"{base.image}: {exc.message}"
    return replace(base, error=type(exc)(message, code=exc.code))


def _measure(
    base: PhotoAssessment,
    rgb: np.ndarray,
    expression: Expression,
    detector: LandmarkDetector,
    iris_mm: float,
    mm_per_px: float | None,
    fallback_scale: Scale | None = None,
) -> PhotoAssessment:
    from dataclasses import replace

    size_px = (int(rgb.shape[1]), int(rgb.shape[0]))
    detection = detector.detect(rgb)
    anatomy = detection.anatomy
    if anatomy is None:
        raise FaceNotFoundError("no face found", code="no_face")
    warnings = check_face_size(anatomy)
    pose = head_pose(anatomy)
    warnings.extend(check_pose(pose, anatomy))
    check_eyes_visible(rgb, anatomy)
    frame = FaceFrame.from_pupils(anatomy.right.iris_center, anatomy.left.iris_center)
    quality = assess_quality(rgb, anatomy, frame, face_count=detection.face_count, pose=pose)
    warnings.extend(quality.warnings)
    scale = photo_scale(
        anatomy,
        open_eyes=quality.open_eyes,
        iris_mm=iris_mm,
        mm_per_px=mm_per_px,
        fallback=fallback_scale,
        yaw_deg=pose.yaw_deg,
    )
    warnings.extend(scale.warnings)
    if scale.mm_per_px > COARSE_MM_PER_PX:
        warnings.append(
            f"face is small in the photo ({scale.mm_per_px:.2f} mm per pixel): millimetre values are coarse"
        )
    gray = GrayRegion.around_face(rgb, anatomy)
    anatomy, offsets = refine_bilateral(gray, anatomy, frame, scale.mm_per_px,
                                        eyes_open=all(quality.open_eyes.values()))
    # In a brow raise a weak brow that stays still looks unlike the raised one: that is the palsy, not glasses.
    reliability = pair_reliability(offsets) if expression is not Expression.BROW_RAISE else {}
    if reliability.get("brow", 1.0) < MIN_MATCH_SCORE / FULL_MATCH_SCORE:
        warnings.append("the two brows do not look alike in the photo (glasses rim, hair or shadow): brow measures "
                        "are less reliable and count for less in the affected side")
    lip_midline = measure_lip_midline(gray, anatomy, frame, scale.mm_per_px)
    anatomy = apply_lip_midline(anatomy, frame, scale.mm_per_px, lip_midline)
    if abs(pose.yaw_deg) > YAW_WARN_DEG:
        frame = frame.corrected_for_yaw(pose.yaw_deg)  # horizontal distances, as far as a 2-D view allows
    measured = measure_landmarks(anatomy, frame, scale.mm_per_px, expression,
                                 quality_factor=quality.confidence_factor, region_reliability=reliability)
    return replace(
        base,
        face_found=True,
        anatomy=anatomy,
        frame=frame,
        pose=pose,
        scale=scale,
        metrics=measured.metrics,
        lip_midpoint_deviation_mm=measured.lip_midpoint_deviation_mm,
        asymmetry=measured.asymmetry,
        quality=quality,
        warnings=tuple(warnings),
        image_size_px=size_px,
    )
