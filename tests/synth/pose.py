"""Faces made from the pose template rotated by known angles, for the pose fit."""

from __future__ import annotations

import math

import numpy as np

from facenerve.engine.frame import POSE_TEMPLATE
from facenerve.engine.landmarks.base import FaceAnatomy, SideAnatomy


def _rotation(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    # Yaw > 0 turns the face toward the patient's left (nose toward +x, the patient's left).
    r_yaw = np.array([[math.cos(y), 0, -math.sin(y)], [0, 1, 0], [math.sin(y), 0, math.cos(y)]])
    # Pitch > 0: chin down (nose tip, which is nearer the camera, moves toward +y).
    r_pitch = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    return r_pitch @ r_yaw


def anatomy_from_template(yaw_deg: float, pitch_deg: float, size_px: float = 200.0) -> FaceAnatomy:
    pts = (POSE_TEMPLATE @ _rotation(yaw_deg, pitch_deg).T)[:, :2] * size_px + 400.0
    rl, ll, rm, lm, nasion, tip, rc, lc, chin = pts

    def side(lat: np.ndarray, med: np.ndarray, corner: np.ndarray) -> SideAnatomy:
        centre = (lat + med) / 2
        line = np.vstack([med, lat])
        return SideAnatomy(
            brow_upper=line - [0, 20],
            upper_lid=line,
            lower_lid=line,
            medial_canthus=med,
            lateral_canthus=lat,
            iris_center=centre,
            iris_diameter_px=20.0,
            commissure=corner,
            upper_lip_outer=np.vstack([corner, corner]),
            upper_lip_inner=np.vstack([corner, corner]),
            lower_lip_inner=np.vstack([corner, corner]),
            lower_lip_outer=np.vstack([corner, corner]),
            alar_base=tip,
        )

    return FaceAnatomy(
        right=side(rl, rm, rc),
        left=side(ll, lm, lc),
        upper_lip_top=tip,
        upper_lip_inner_mid=(rc + lc) / 2,
        lower_lip_inner_mid=(rc + lc) / 2,
        lower_lip_bottom=chin,
        nasion=nasion,
        nose_tip=tip,
        chin=chin,
        points_px=pts,
        bbox_px=(0, 0, 800, 800),
        backend="template",
    )


def turned_photo(rgb: np.ndarray, turn_deg: float, radius_px: float = 260.0) -> np.ndarray:
    """The photo wrapped on a vertical cylinder (axis at the image centre) turned by ``turn_deg``: a crude head
    turn that moves the nose off the eyes' midpoint and foreshortens one side (the engine reads a smaller yaw than
    ``turn_deg``, e.g. 16° for the astronaut at 55°). Outside the cylinder is flat grey."""
    import cv2

    height, width = rgb.shape[:2]
    x_px = np.arange(width, dtype=np.float64) - width / 2
    angle = np.arcsin(np.clip(x_px / radius_px, -1.0, 1.0)) - math.radians(turn_deg)
    inside = (np.abs(x_px) < radius_px) & (np.abs(angle) < math.pi / 2)
    source_x = np.where(inside, radius_px * np.sin(angle) + width / 2, -1.0).astype(np.float32)
    map_x = np.broadcast_to(source_x, (height, width)).copy()
    map_y = np.broadcast_to(np.arange(height, dtype=np.float32)[:, None], (height, width)).copy()
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(90, 90, 90))
