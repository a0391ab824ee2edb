"""Synthetic facial palsy: warp one side of a real face by known amounts in millimetres.

A smooth local displacement field moves the commissure down, the brow down, and the lids
apart (positive) or together (negative), on one side only. Ground truth is the induced change
of the left–right difference of the matching metric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.metrics import y_at

BROW_CENTRE_BELOW_MARGIN_MM = 2.0
BROW_SIGMA_Y_MM = 6.0


@dataclass(frozen=True)
class PalsyWarp:
    """The induced one-sided change, in mm, on the patient's ``side``."""

    side: str
    commissure_drop_mm: float = 0.0
    brow_drop_mm: float = 0.0
    fissure_change_mm: float = 0.0

    def expected_change_mm(self) -> dict[str, float]:
        """Expected change of (affected − other side) per metric, mm."""
        return {
            "commissure_height": self.commissure_drop_mm,
            "brow_height": -self.brow_drop_mm,
            "palpebral_fissure_height": self.fissure_change_mm,
        }


def _gauss(dx: np.ndarray, dy: np.ndarray, sx: float, sy: float) -> np.ndarray:
    return np.exp(-0.5 * ((dx / sx) ** 2 + (dy / sy) ** 2))


def displacement_px(shape: tuple[int, int], base: PhotoAssessment, warp: PalsyWarp) -> np.ndarray:
    """Forward displacement field (H×W×2, image px) for ``warp`` on the face in ``base``."""
    assert base.anatomy is not None and base.frame is not None and base.scale is not None
    frame, mm = base.frame, base.scale.mm_per_px
    part = base.anatomy.side(warp.side)  # type: ignore[arg-type]
    height, width = shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    coords = frame.to_frame(np.stack([xs, ys], axis=-1)) * mm  # face-frame mm
    fx, fy = coords[..., 0], coords[..., 1]
    dy_mm = np.zeros_like(fx)

    corner = frame.to_frame(part.commissure) * mm
    dy_mm += warp.commissure_drop_mm * _gauss(fx - corner[0], fy - corner[1], 9.0, 9.0)

    pupil = frame.to_frame(part.iris_center) * mm
    if warp.brow_drop_mm:
        # The upper brow margin above the pupil (where brow_height is measured) moves by exactly brow_drop_mm;
        # the brow body 2 mm below it by 6% more, so the brow moves nearly as a block.
        margin_y = y_at(frame.to_frame(part.brow_upper) * mm, float(pupil[0]))
        peak = warp.brow_drop_mm / math.exp(-0.5 * (BROW_CENTRE_BELOW_MARGIN_MM / BROW_SIGMA_Y_MM) ** 2)
        dy_mm += peak * _gauss(fx - pupil[0], fy - (margin_y + BROW_CENTRE_BELOW_MARGIN_MM), 14.0, BROW_SIGMA_Y_MM)

    if warp.fissure_change_mm:
        # Upper lid up and lower lid down (or the reverse) by exactly half the change each, measured at the
        # lid margins above and below the pupil; the pupil itself stays.
        upper_y = y_at(frame.to_frame(part.upper_lid) * mm, float(pupil[0])) - float(pupil[1])
        lower_y = y_at(frame.to_frame(part.lower_lid) * mm, float(pupil[0])) - float(pupil[1])

        def profile(rel_y: np.ndarray | float) -> np.ndarray:
            return np.tanh(np.asarray(rel_y) / 3.0) * np.exp(-0.5 * (np.asarray(rel_y) / 9.0) ** 2)

        def blend(rel_y: np.ndarray | float) -> np.ndarray:
            return 0.5 + 0.5 * np.tanh(np.asarray(rel_y) / 1.5)

        # Solve a + b·blend at both margins so that profile·(a + b·blend) is exactly ∓change/2 there.
        half = warp.fissure_change_mm / 2.0
        lhs = np.array([[profile(upper_y), profile(upper_y) * blend(upper_y)],
                        [profile(lower_y), profile(lower_y) * blend(lower_y)]], dtype=float)
        a, b = np.linalg.solve(lhs, np.array([-half, half]))
        rel = fy - pupil[1]
        dy_mm += profile(rel) * (a + b * blend(rel)) * _gauss(fx - pupil[0], 0.0 * fy, 14.0, 1.0)

    # Frame y (mm) → image px.
    return (dy_mm / mm)[..., None] * frame.y_axis[None, None, :]


def apply_palsy(rgb: np.ndarray, base: PhotoAssessment, warp: PalsyWarp) -> np.ndarray:
    """The photo with ``warp`` applied (backward mapping with an iteratively inverted field)."""
    height, width = rgb.shape[:2]
    field = displacement_px((height, width), base, warp).astype(np.float32)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    qx, qy = xs.copy(), ys.copy()
    for _ in range(6):  # solve q + D(q) = p for the source point q of each output pixel p
        dx = cv2.remap(field[..., 0], qx, qy, cv2.INTER_LINEAR)
        dy = cv2.remap(field[..., 1], qx, qy, cv2.INTER_LINEAR)
        qx, qy = xs - dx, ys - dy
    return cv2.remap(rgb, qx, qy, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
