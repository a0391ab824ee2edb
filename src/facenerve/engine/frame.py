"""The face frame: pupil line, facial midline and head pose.

The frame's origin is the midpoint between the pupils; its x axis runs along the pupil line
toward the patient's left, its y axis is perpendicular to it, pointing chin-ward. Working in
this frame removes head roll from every measurement (Emotrics does the same [S82]).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from facenerve.engine.landmarks.base import FaceAnatomy


@dataclass(frozen=True)
class HeadPose:
    """Head rotation in degrees.

    ``yaw_deg`` > 0: face turned toward the patient's left; ``pitch_deg`` > 0: chin down;
    ``roll_deg`` > 0: head tilted with the patient's left pupil lower in the image.
    """

    yaw_deg: float
    pitch_deg: float
    roll_deg: float


@dataclass(frozen=True)
class FaceFrame:
    """A rigid 2-D frame fixed to the pupil line (see module docstring).

    ``x_scale`` (1 by default) stretches the frame's x: :meth:`corrected_for_yaw` sets it to 1 / cos(yaw) to
    undo the foreshortening of horizontal distances by a turned head.
    """

    origin_px: np.ndarray
    x_axis: np.ndarray
    y_axis: np.ndarray
    x_scale: float = 1.0

    @classmethod
    def from_pupils(cls, right_pupil_px: np.ndarray, left_pupil_px: np.ndarray) -> FaceFrame:
        """The frame through both pupil centres (image pixels, unmirrored image)."""
        right_pupil_px = np.asarray(right_pupil_px, dtype=float)
        left_pupil_px = np.asarray(left_pupil_px, dtype=float)
        axis = left_pupil_px - right_pupil_px
        norm = float(np.linalg.norm(axis))
        if norm < 1e-6:
            axis, norm = np.array([1.0, 0.0]), 1.0
        x_axis = axis / norm
        y_axis = np.array([-x_axis[1], x_axis[0]])
        return cls((right_pupil_px + left_pupil_px) / 2.0, x_axis, y_axis)

    @property
    def roll_deg(self) -> float:
        """Angle of the pupil line to the image horizontal, in degrees."""
        return math.degrees(math.atan2(float(self.x_axis[1]), float(self.x_axis[0])))

    def corrected_for_yaw(self, yaw_deg: float) -> FaceFrame:
        """This frame with horizontal distances divided by cos(yaw): what a scaled-orthographic view allows to
        undo of a head turn, for points near the plane of the pupils. Depth (the nose, the cheeks' curve) and
        perspective are not corrected."""
        return FaceFrame(self.origin_px, self.x_axis, self.y_axis, 1.0 / math.cos(math.radians(yaw_deg)))

    @cached_property
    def _to_frame_matrix(self) -> np.ndarray:
        return np.column_stack([self.x_axis * self.x_scale, self.y_axis])

    def to_frame(self, points_px: np.ndarray) -> np.ndarray:
        """Image pixels → frame pixels (x toward patient's left, y chin-ward)."""
        return np.asarray((np.asarray(points_px, dtype=float) - self.origin_px) @ self._to_frame_matrix)

    def to_image(self, frame_px: np.ndarray) -> np.ndarray:
        """Frame pixels → image pixels."""
        pts = np.asarray(frame_px, dtype=float)
        return np.asarray(self.origin_px + pts[..., :1] / self.x_scale * self.x_axis + pts[..., 1:2] * self.y_axis)


# Generic frontal head template for pose fitting, in units of the outer-canthal distance:
# x toward the patient's left, y chin-ward, z away from the camera. Built from MediaPipe's
# 3-D mesh on frontal portraits (scikit-image astronaut, matplotlib grace_hopper), mirror-averaged.
# Order: right/left lateral canthus, right/left medial canthus, nasion, nose tip,
# right/left commissure, chin.
POSE_TEMPLATE = np.array(
    [
        [-0.500, 0.000, 0.000],
        [0.500, 0.000, 0.000],
        [-0.190, 0.025, -0.055],
        [0.190, 0.025, -0.055],
        [0.000, -0.027, -0.250],
        [0.000, 0.472, -0.448],
        [-0.323, 0.676, 0.009],
        [0.323, 0.676, 0.009],
        [0.000, 1.220, 0.037],
    ]
)


def pose_points(anatomy: FaceAnatomy) -> np.ndarray:
    """The anatomy's points matching ``POSE_TEMPLATE`` rows, (9, 2) in image pixels."""
    r, lft = anatomy.right, anatomy.left
    return np.array(
        [
            r.lateral_canthus,
            lft.lateral_canthus,
            r.medial_canthus,
            lft.medial_canthus,
            anatomy.nasion,
            anatomy.nose_tip,
            r.commissure,
            lft.commissure,
            anatomy.chin,
        ],
        dtype=float,
    )


def head_pose(anatomy: FaceAnatomy) -> HeadPose:
    """Yaw and pitch from a scaled-orthographic fit of ``POSE_TEMPLATE``; roll from the pupil line."""
    frame = FaceFrame.from_pupils(anatomy.right.iris_center, anatomy.left.iris_center)
    image_pts = pose_points(anatomy)
    model = POSE_TEMPLATE - POSE_TEMPLATE.mean(axis=0)
    target = image_pts - image_pts.mean(axis=0)
    # Least-squares 2×3 projection, then its two rows made orthonormal: R's first two rows.
    projection, *_ = np.linalg.lstsq(model, target, rcond=None)
    u, _, vt = np.linalg.svd(projection.T, full_matrices=False)
    rows = u @ vt
    normal = np.cross(rows[0], rows[1])
    if normal[2] < 0:
        normal = -normal
    yaw = math.degrees(math.atan2(float(-rows[0][2]), float(rows[0][0])))
    pitch = math.degrees(math.atan2(float(-rows[1][2]), float(rows[1][1])))
    return HeadPose(yaw_deg=yaw, pitch_deg=pitch, roll_deg=frame.roll_deg)
