"""Photo quality checks: face size, head pose, open eyes, sharpness.

The limits here are engineering limits of the measurement, not clinical thresholds; each is
named and documented in docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from facenerve.engine.frame import FaceFrame, HeadPose
from facenerve.engine.landmarks.base import SIDES, FaceAnatomy, Side
from facenerve.engine.metrics import y_at
from facenerve.errors import FaceNotFoundError

#: Below this interpupillary distance (px) a face cannot be measured at all.
MIN_INTERPUPILLARY_PX = 30.0
#: Above this scale (mm per pixel) one pixel is coarser than the 0.5 mm accuracy target.
COARSE_MM_PER_PX = 0.5
#: Yaw or pitch beyond these (deg) is warned about; beyond the error limits it is refused.
YAW_WARN_DEG, PITCH_WARN_DEG = 10.0, 15.0
YAW_ERROR_DEG, PITCH_ERROR_DEG = 30.0, 35.0
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


def check_face_size(anatomy: FaceAnatomy) -> None:
    """Refuse faces too small to measure (raises ``FaceNotFoundError``, code ``face_too_small``)."""
    ipd = float(np.linalg.norm(anatomy.left.iris_center - anatomy.right.iris_center))
    if ipd < MIN_INTERPUPILLARY_PX:
        raise FaceNotFoundError(
            f"face too small to measure ({ipd:.0f} px between pupils, at least {MIN_INTERPUPILLARY_PX:.0f} px needed)",
            code="face_too_small",
        )


def check_pose(pose: HeadPose) -> list[str]:
    """Warnings for a turned or tilted head; raises ``FaceNotFoundError`` beyond the error limits."""
    turn = "left" if pose.yaw_deg > 0 else "right"
    tilt = "down" if pose.pitch_deg > 0 else "up"
    if abs(pose.yaw_deg) > YAW_ERROR_DEG or abs(pose.pitch_deg) > PITCH_ERROR_DEG:
        raise FaceNotFoundError(
            f"head turned too far (yaw {pose.yaw_deg:+.0f}°, pitch {pose.pitch_deg:+.0f}°); "
            "retake the photo facing the camera",
            code="head_turned",
        )
    warnings = []
    if abs(pose.yaw_deg) > YAW_WARN_DEG:
        warnings.append(
            f"head turned {abs(pose.yaw_deg):.0f}° toward the patient's {turn}: "
            "part of the measured asymmetry may come from the turned head"
        )
    if abs(pose.pitch_deg) > PITCH_WARN_DEG:
        warnings.append(
            f"head tilted {tilt} {abs(pose.pitch_deg):.0f}°: vertical distances are foreshortened "
            "and asymmetry may come from the head position"
        )
    return warnings


def assess_quality(rgb: np.ndarray, anatomy: FaceAnatomy, frame: FaceFrame, *, face_count: int) -> Quality:
    """Face-count, open-eye and sharpness checks (pose and scale are checked by the caller)."""
    warnings = []
    if face_count > 1:
        warnings.append(f"{face_count} faces found; measured the largest")
    open_eyes = {side: eye_is_open(anatomy, frame, side) for side in SIDES}
    value = sharpness(rgb, anatomy)
    if value < MIN_SHARPNESS:
        warnings.append(
            f"photo looks blurred (sharpness {value:.0f} < {MIN_SHARPNESS:.0f}); landmarks may be imprecise"
        )
    return Quality(warnings=tuple(warnings), sharpness=value, open_eyes=open_eyes)
