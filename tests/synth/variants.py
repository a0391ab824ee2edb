"""Variants of a face photo for the coverage check (issue 19): native size, one third, rolled 10°, yawed ~20°.

The yaw is an approximation: the image is wrapped on a vertical cylinder through the face (radius half the
face's width) and turned by ``YAW_TURN_DEG``; on the shipped and exploration faces the engine reads about 20° more
yaw than before (median). It moves the nose off the eyes' midpoint and foreshortens one side, but it is not a real
head turn: the far cheek is squeezed, not hidden, and no ear appears.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2
import numpy as np

ROLL_DEG = 10.0
#: Cylinder turn that the engine reads as about 20° of added yaw (bench_coverage, 11 faces: median 19.8°).
YAW_TURN_DEG = 40.0
VARIANTS = ("native", "third", "roll10", "yaw20")


def rolled(rgb: np.ndarray, degrees: float, centre: tuple[float, float]) -> np.ndarray:
    """``rgb`` rotated by ``degrees`` about ``centre`` (px), edges replicated."""
    matrix = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    height, width = rgb.shape[:2]
    return cv2.warpAffine(rgb, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def yawed(rgb: np.ndarray, degrees: float, centre_x: float, radius_px: float) -> np.ndarray:
    """An approximate head turn: the image wrapped on a vertical cylinder through ``centre_x`` and turned.

    A column at angle φ on the turned cylinder shows the source column at φ + turn (clipped to the front half);
    beyond the cylinder the image is shifted so that the background stays continuous.
    """
    height, width = rgb.shape[:2]
    x = np.arange(width, dtype=np.float64) - centre_x
    turn = math.radians(degrees)
    phi = np.arcsin(np.clip(x / radius_px, -1.0, 1.0))
    source = radius_px * np.sin(np.clip(phi + turn, -math.pi / 2, math.pi / 2))
    source = np.where(x <= -radius_px, x + radius_px - radius_px * math.cos(turn), source)
    source = np.where(x >= radius_px, x, source)
    map_x = np.broadcast_to((source + centre_x).astype(np.float32), (height, width)).copy()
    map_y = np.broadcast_to(np.arange(height, dtype=np.float32)[:, None], (height, width)).copy()
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def variants(rgb: np.ndarray, face_box: tuple[int, int, int, int] | None) -> Iterator[tuple[str, np.ndarray]]:
    """The four variants of one photo; rotations are about the face's centre when it is known."""
    height, width = rgb.shape[:2]
    if face_box is not None:
        x, y, w, h = face_box
        centre, half_width = (x + w / 2.0, y + h / 2.0), max(w / 2.0, 8.0)
    else:
        centre, half_width = (width / 2.0, height / 2.0), width / 4.0
    yield "native", rgb
    third = cv2.resize(rgb, (max(width // 3, 1), max(height // 3, 1)), interpolation=cv2.INTER_AREA)
    yield "third", third
    yield "roll10", rolled(rgb, ROLL_DEG, centre)
    yield "yaw20", yawed(rgb, YAW_TURN_DEG, centre[0], half_width)
