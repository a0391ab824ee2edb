"""Photo quality checks: face size, head pose, open eyes, sharpness, and the confidence they leave.

The limits here are engineering limits of the measurement, not clinical thresholds; each is
named and documented in docs/metrics.md. A face that is found is measured: only a true profile
(or a face with no distance between its pupils) is refused. Small faces and turned heads are
measured with a warning and a lower :func:`confidence_factor`.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from facenerve.engine.frame import FaceFrame, HeadPose
from facenerve.engine.landmarks.base import SIDES, FaceAnatomy, Side
from facenerve.engine.metrics import y_at
from facenerve.errors import FaceNotFoundError

#: Below this interpupillary distance (px) the face is small: measured with a warning and lower confidence.
#: (Until issue 19 it was refused.)
MIN_INTERPUPILLARY_PX = 30.0
#: Below this interpupillary distance (px) the pupils are not resolved at all: nothing to measure.
DEGENERATE_INTERPUPILLARY_PX = 2.0
#: Above this scale (mm per pixel) one pixel is coarser than the 0.5 mm accuracy target.
COARSE_MM_PER_PX = 0.5
#: Yaw or pitch beyond these (deg) is warned about; horizontal distances are corrected for the yaw.
YAW_WARN_DEG, PITCH_WARN_DEG = 10.0, 15.0
#: At these (deg) the confidence factor has fallen to one half (the old refusal limits, kept as the
#: "measurable pose" of video gaps' past: docs/metrics.md).
YAW_ERROR_DEG, PITCH_ERROR_DEG = 30.0, 35.0
#: A true profile, refused: yaw or pitch beyond these (deg), or the far eye narrower than
#: ``PROFILE_EYE_WIDTH_RATIO`` of the near one (one eye is not visible).
PROFILE_YAW_DEG, PROFILE_PITCH_DEG = 50.0, 50.0
PROFILE_EYE_WIDTH_RATIO = 0.4
#: One eye is not visible (turned away or cut off) when the grey-level spread around it is below this fraction of
#: the other eye's: the landmark model placed it on a blank background.
HIDDEN_EYE_TEXTURE_RATIO = 0.25
#: The confidence factor never falls below this for a face that is measured.
MIN_CONFIDENCE_FACTOR = 0.2
#: An eye whose lid aperture is below this fraction of its iris diameter hides the iris.
OPEN_EYE_APERTURE_FRACTION = 0.45
#: Without an iris, its size is estimated from the eye's width: a palpebral fissure is about 2.5 iris
#: diameters wide (an engineering estimate for the dlib fallback only, not a clinical value).
FISSURE_WIDTH_PER_IRIS = 2.5
#: Sharpness (variance of the Laplacian of the face, normalised to 100 px between pupils) below
#: this is called blurred.
MIN_SHARPNESS = 40.0


@dataclass(frozen=True)
class Quality:
    """Warnings collected for one photo, and the measures they came from."""

    warnings: tuple[str, ...]
    sharpness: float
    open_eyes: dict[Side, bool]
    #: 0–1: how far pose and face size let the asymmetry be trusted (:func:`confidence_factor`).
    confidence_factor: float = 1.0


def eye_is_open(anatomy: FaceAnatomy, frame: FaceFrame, side: Side) -> bool:
    """True when the lid aperture at the pupil shows enough of the iris to measure it."""
    part = anatomy.side(side)
    diameter = part.iris_diameter_px
    pupil = frame.to_frame(part.iris_center)
    aperture = y_at(frame.to_frame(part.lower_lid), float(pupil[0])) - y_at(
        frame.to_frame(part.upper_lid), float(pupil[0])
    )
    reference = diameter if diameter else palpebral_width_px(anatomy, side) / FISSURE_WIDTH_PER_IRIS
    return aperture >= OPEN_EYE_APERTURE_FRACTION * reference


def palpebral_width_px(anatomy: FaceAnatomy, side: Side) -> float:
    part = anatomy.side(side)
    return float(np.linalg.norm(part.lateral_canthus - part.medial_canthus))


def sharpness(rgb: np.ndarray, anatomy: FaceAnatomy) -> float:
    """Variance of the Laplacian over the face box, resampled to 100 px between pupils."""
    ipd = float(np.linalg.norm(anatomy.left.iris_center - anatomy.right.iris_center))
    x, y, w, h = anatomy.bbox_px
    crop = rgb[max(y, 0) : y + h, max(x, 0) : x + w]
    if crop.size == 0 or ipd <= 0:
        return 0.0
    factor = 100.0 / ipd
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    gray = cv2.resize(
        gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    )
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def interpupillary_px(anatomy: FaceAnatomy) -> float:
    return float(np.linalg.norm(anatomy.left.iris_center - anatomy.right.iris_center))


def check_face_size(anatomy: FaceAnatomy) -> list[str]:
    """Warnings for a small face; raises ``FaceNotFoundError`` (``face_too_small``) only when the pupils coincide."""
    ipd = interpupillary_px(anatomy)
    if ipd < DEGENERATE_INTERPUPILLARY_PX:
        raise FaceNotFoundError(
            f"face too small to measure ({ipd:.1f} px between the pupils)",
            code="face_too_small",
        )
    if ipd < MIN_INTERPUPILLARY_PX:
        return [
            f"face is very small ({ipd:.0f} px between the pupils, {MIN_INTERPUPILLARY_PX:.0f} px or more advised): "
            "landmarks are coarse and the affected side is less certain"
        ]
    return []


def is_profile(anatomy: FaceAnatomy, pose: HeadPose) -> bool:
    """True for a face seen in profile: yaw or pitch beyond the profile limits, or one eye hardly visible."""
    if abs(pose.yaw_deg) > PROFILE_YAW_DEG or abs(pose.pitch_deg) > PROFILE_PITCH_DEG:
        return True
    widths = sorted(palpebral_width_px(anatomy, side) for side in SIDES)
    return widths[1] <= 0 or widths[0] / widths[1] < PROFILE_EYE_WIDTH_RATIO


def eye_texture(rgb: np.ndarray, anatomy: FaceAnatomy, side: Side) -> float:
    """Grey-level standard deviation over the eye and its surroundings (lids' box, widened)."""
    part = anatomy.side(side)
    pts = np.vstack([part.upper_lid, part.lower_lid])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    width = max(float(x1 - x0), 1.0)
    height, image_width = rgb.shape[:2]
    left, right = int(max(x0 - 0.2 * width, 0)), int(min(x1 + 0.2 * width, image_width))
    top, bottom = int(max(y0 - 0.5 * width, 0)), int(min(y1 + 0.5 * width, height))
    if right - left < 1 or bottom - top < 1:
        return 0.0
    return float(cv2.cvtColor(rgb[top:bottom, left:right], cv2.COLOR_RGB2GRAY).std())


def check_eyes_visible(rgb: np.ndarray, anatomy: FaceAnatomy) -> None:
    """Raises ``FaceNotFoundError`` (``head_turned``) when one eye lies on a blank area: it is not visible."""
    textures = sorted(eye_texture(rgb, anatomy, side) for side in SIDES)
    if textures[1] > 0 and textures[0] < HIDDEN_EYE_TEXTURE_RATIO * textures[1]:
        raise FaceNotFoundError(
            "one eye is not visible (face in profile or cut off by the picture's edge); "
            "retake the photo facing the camera",
            code="head_turned",
        )


def check_pose(pose: HeadPose, anatomy: FaceAnatomy | None = None) -> list[str]:
    """Warnings for a turned or tilted head; raises ``FaceNotFoundError`` (``head_turned``) for a true profile
    (:func:`is_profile`; without ``anatomy`` only the angles are checked)."""
    turn = "left" if pose.yaw_deg > 0 else "right"
    tilt = "down" if pose.pitch_deg > 0 else "up"
    profile = (
        is_profile(anatomy, pose)
        if anatomy is not None
        else abs(pose.yaw_deg) > PROFILE_YAW_DEG or abs(pose.pitch_deg) > PROFILE_PITCH_DEG
    )
    if profile:
        raise FaceNotFoundError(
            f"face seen in profile (yaw {pose.yaw_deg:+.0f}°, pitch {pose.pitch_deg:+.0f}°): one side cannot be "
            "measured; retake the photo facing the camera",
            code="head_turned",
        )
    warnings = []
    if abs(pose.yaw_deg) > YAW_WARN_DEG:
        warnings.append(
            f"head turned {abs(pose.yaw_deg):.0f}° toward the patient's {turn}: horizontal distances are corrected "
            "for the turn, but part of the measured asymmetry may come from the turned head"
        )
    if abs(pose.pitch_deg) > PITCH_WARN_DEG:
        warnings.append(
            f"head tilted {tilt} {abs(pose.pitch_deg):.0f}°: vertical distances are foreshortened "
            "and asymmetry may come from the head position"
        )
    return warnings


def _falling(value: float, start: float, half_at: float) -> float:
    """1 up to ``start``, then falling linearly to 0.5 at ``half_at`` (and on), never below the floor."""
    excess = max(0.0, abs(value) - start) / (half_at - start)
    return max(MIN_CONFIDENCE_FACTOR, 1.0 - 0.5 * excess)


def confidence_factor(pose: HeadPose | None, interpupillary_distance_px: float) -> float:
    """0–1: how much of the asymmetry model's confidence a photo's pose and face size leave.

    1 for a frontal face (yaw ≤ 10°, pitch ≤ 15°) with at least 30 px between the pupils; falling linearly to
    one half at 30° yaw or 35° pitch (the old refusal limits); proportional to the interpupillary distance below
    30 px; the factors multiply, never below 0.2. Engineering choices, not clinical values (docs/metrics.md).
    It is reported as ``quality.confidence_factor`` for the asymmetry model to scale its confidence by.
    """
    factor = 1.0
    if pose is not None:
        factor *= _falling(pose.yaw_deg, YAW_WARN_DEG, YAW_ERROR_DEG)
        factor *= _falling(pose.pitch_deg, PITCH_WARN_DEG, PITCH_ERROR_DEG)
    if interpupillary_distance_px < MIN_INTERPUPILLARY_PX:
        factor *= interpupillary_distance_px / MIN_INTERPUPILLARY_PX
    return round(max(MIN_CONFIDENCE_FACTOR, min(1.0, factor)), 3)


def assess_quality(
    rgb: np.ndarray, anatomy: FaceAnatomy, frame: FaceFrame, *, face_count: int, pose: HeadPose | None = None
) -> Quality:
    """Face-count, open-eye and sharpness checks, and the confidence factor of ``pose`` and face size
    (the pose and scale warnings come from :func:`check_pose` and the calibration)."""
    warnings = []
    if face_count > 1:
        warnings.append(f"{face_count} faces found; measured the largest")
    open_eyes = {side: eye_is_open(anatomy, frame, side) for side in SIDES}
    value = sharpness(rgb, anatomy)
    if value < MIN_SHARPNESS:
        warnings.append(
            f"photo looks blurred (sharpness {value:.0f} < {MIN_SHARPNESS:.0f}); landmarks may be imprecise"
        )
    factor = confidence_factor(pose, interpupillary_px(anatomy))
    return Quality(warnings=tuple(warnings), sharpness=value, open_eyes=open_eyes, confidence_factor=factor)
