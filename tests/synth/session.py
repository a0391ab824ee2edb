"""Synthetic photo sessions: the 9 standard expressions made from one symmetric real face.

Each expression moves landmarks by known amounts in millimetres (face frame of the base photo), per side, scaled by
a per-side gain: 1 = the normative healthy excursion, 0 = the side held at its rest position (complete flaccid
palsy), 0.25/0.5/0.75 = graded weakness.

Amounts: smile commissure excursion 9.28 mm and brow elevation 10.57 mm [S88]; eye closure closes the base photo's
own palpebral fissure (an upper-lid "curtain"). Pucker, snarl and lower-lip amounts have no normative value in the
reference; the values below are synthetic choices, and the scores use affected/healthy ratios, not these amounts.
Tight eye closure equals gentle closure, and the open smile equals the closed smile (a smooth warp cannot show teeth).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from facenerve import Expression, PhotoAssessment, analyze_photo
from tests.synth.faces import face_photo, mirror_composite

#: Smile commissure excursion, mm [S88].
SMILE_EXCURSION_MM = 9.28
#: Smile direction above the lateral horizontal, deg (synthetic choice).
SMILE_DIRECTION_DEG = 40.0
#: Brow elevation, mm [S88].
BROW_ELEVATION_MM = 10.57
#: Synthetic choices (no normative value in the reference).
PUCKER_MEDIAL_MM = 6.0
SNARL_ELEVATION_MM = 8.0
LOWER_LIP_DEPRESSION_MM = 6.0

MOUTH_EXPRESSIONS = (Expression.SMILE_OPEN, Expression.SMILE_CLOSED, Expression.PUCKER, Expression.SNARL)

SIDE_SIGN = {"left": 1.0, "right": -1.0}  # face-frame x points toward the patient's left


@dataclass(frozen=True)
class Gains:
    """Fraction of the healthy excursion each side performs (1 healthy, 0 flaccid)."""

    left: float = 1.0
    right: float = 1.0
    #: Ocular synkinesis: fraction of the lid gap that closes on the ``synkinetic_side`` during mouth expressions.
    eye_narrowing: float = 0.0
    synkinetic_side: str = "left"

    def of(self, side: str) -> float:
        return self.left if side == "left" else self.right


HEALTHY = Gains()


def palsy(side: str, gain: float = 0.0) -> Gains:
    """Gains for a palsy of ``side`` moving ``gain`` of the healthy excursion."""
    return Gains(left=gain, right=1.0) if side == "left" else Gains(left=1.0, right=gain)


@cache
def base_face(name: str = "astronaut", keep: str = "image_left") -> tuple[np.ndarray, PhotoAssessment]:
    """A symmetric mirror composite of a shipped face and its assessment (cached)."""
    rgb = face_photo(name)
    first = analyze_photo(rgb).raise_for_error()
    assert first.frame is not None
    composite = mirror_composite(rgb, float(first.frame.origin_px[0]), keep)
    return composite, analyze_photo(composite).raise_for_error()


def _ramp(value: np.ndarray, start: float, width: float) -> np.ndarray:
    """Smoothstep from 0 at ``start`` to 1 at ``start + width``."""
    t = np.clip((value - start) / width, 0.0, 1.0)
    return np.asarray(t * t * (3.0 - 2.0 * t))


def _gauss(dx: np.ndarray, dy: np.ndarray, sx: float, sy: float) -> np.ndarray:
    return np.exp(-0.5 * ((dx / sx) ** 2 + (dy / sy) ** 2))


class _Canvas:
    """Frame-mm coordinates of every pixel of the base photo, and the base landmarks in frame mm."""

    def __init__(self, shape: tuple[int, int], base: PhotoAssessment) -> None:
        assert base.anatomy is not None and base.frame is not None and base.scale is not None
        self.base = base
        self.frame = base.frame
        self.mm = base.scale.mm_per_px
        height, width = shape
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
        coords = self.frame.to_frame(np.stack([xs, ys], axis=-1)) * self.mm
        self.fx, self.fy = coords[..., 0], coords[..., 1]
        self.stomion_y = float(self.frame.to_frame(base.anatomy.stomion)[1] * self.mm)

    def point(self, side: str, name: str) -> np.ndarray:
        assert self.base.anatomy is not None
        return np.asarray(self.frame.to_frame(getattr(self.base.anatomy.side(side), name)) * self.mm)  # type: ignore[arg-type]

    def contour_y(self, side: str, name: str, x_mm: np.ndarray) -> np.ndarray:
        pts = self.point(side, name)
        order = np.argsort(pts[:, 0])
        return np.interp(x_mm, pts[order, 0], pts[order, 1])


def _forward_field_mm(canvas: _Canvas, expression: Expression, gains: Gains) -> tuple[np.ndarray, np.ndarray]:
    """Forward displacement (dx, dy) in frame mm for the smooth-warp expressions."""
    fx, fy = canvas.fx, canvas.fy
    dx, dy = np.zeros_like(fx), np.zeros_like(fx)
    for side in ("left", "right"):
        g, sign = gains.of(side), SIDE_SIGN[side]
        if g == 0.0:
            continue
        corner = canvas.point(side, "commissure")
        if expression is Expression.BROW_RAISE:
            # The whole brow rises as a block; the lid skin below it stretches; nothing crosses the midline.
            brow = canvas.point(side, "brow_upper")
            brow_low_y = float(np.max(brow[:, 1])) + 3.0
            lateral = sign * fx
            across = _ramp(lateral, 4.0, 10.0)
            beyond = float(np.max(sign * brow[:, 0])) + 4.0
            across = across * np.where(lateral > beyond, np.exp(-0.5 * ((lateral - beyond) / 10.0) ** 2), 1.0)
            below = np.where(fy > brow_low_y, np.exp(-0.5 * ((fy - brow_low_y) / 3.5) ** 2), 1.0)
            top = float(np.min(brow[:, 1])) - 25.0
            above = np.where(fy < top, np.exp(-0.5 * ((fy - top) / 30.0) ** 2), 1.0)
            dy -= g * BROW_ELEVATION_MM * below * above * across
        elif expression in (Expression.SMILE_OPEN, Expression.SMILE_CLOSED):
            angle = math.radians(SMILE_DIRECTION_DEG)
            weight = g * SMILE_EXCURSION_MM * _gauss(fx - corner[0], fy - corner[1], 9.0, 9.0)
            dx += sign * math.cos(angle) * weight
            dy -= math.sin(angle) * weight
        elif expression is Expression.PUCKER:
            dx -= sign * g * PUCKER_MEDIAL_MM * _gauss(fx - corner[0], fy - corner[1], 7.0, 7.0)
        elif expression is Expression.SNARL:
            # Ala and upper lip rise as a block between the midline and the commissure; the lips part at the stomion.
            ala = canvas.point(side, "alar_base")
            lateral = sign * fx
            across = _ramp(lateral, 2.0, 8.0) * (1.0 - _ramp(lateral, float(sign * corner[0]) - 4.0, 6.0))
            stomion_y = canvas.stomion_y
            vertical = (1.0 - _ramp(fy, stomion_y - 1.5, 2.0)) * np.where(
                fy < ala[1] - 2.0, np.exp(-0.5 * ((fy - ala[1] + 2.0) / 6.0) ** 2), 1.0
            )
            dy -= g * SNARL_ELEVATION_MM * across * vertical
        elif expression is Expression.LOWER_TEETH:
            # The lower lip falls as a block from the midline to near the commissure; the lips part at the stomion.
            lateral = sign * fx
            across = _ramp(lateral, -4.0, 8.0) * (1.0 - _ramp(lateral, float(sign * corner[0]) - 6.0, 6.0))
            stomion_y = canvas.stomion_y
            vertical = _ramp(fy, stomion_y - 0.5, 2.0) * np.where(
                fy > stomion_y + 12.0, np.exp(-0.5 * ((fy - stomion_y - 12.0) / 10.0) ** 2), 1.0
            )
            dy += g * LOWER_LIP_DEPRESSION_MM * across * vertical
    return dx, dy


def _invert_and_remap(rgb: np.ndarray, canvas: _Canvas, dx_mm: np.ndarray, dy_mm: np.ndarray) -> np.ndarray:
    """Apply a forward field given in frame mm (backward mapping with an iteratively inverted field)."""
    frame, mm = canvas.frame, canvas.mm
    field = (dx_mm / mm)[..., None] * frame.x_axis + (dy_mm / mm)[..., None] * frame.y_axis
    field = field.astype(np.float32)
    height, width = rgb.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    qx, qy = xs.copy(), ys.copy()
    for _ in range(8):
        fdx = cv2.remap(field[..., 0], qx, qy, cv2.INTER_LINEAR)
        fdy = cv2.remap(field[..., 1], qx, qy, cv2.INTER_LINEAR)
        qx, qy = xs - fdx, ys - fdy
    return cv2.remap(rgb, qx, qy, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)


def _close_eyes(rgb: np.ndarray, canvas: _Canvas, gains: Gains) -> np.ndarray:
    """Upper-lid curtain: the lid margin descends by ``gain`` × the fissure, stretching the lid skin above it."""
    fx, fy = canvas.fx, canvas.fy
    src_y = fy.copy()
    for side in ("left", "right"):
        g = gains.of(side)
        if g == 0.0:
            continue
        upper = canvas.contour_y(side, "upper_lid", fx)
        lower = canvas.contour_y(side, "lower_lid", fx)
        inside = (fx - canvas.point(side, "medial_canthus")[0]) * (fx - canvas.point(side, "lateral_canthus")[0]) < 0
        gap = np.where(inside, np.clip(lower - upper, 0.0, None), 0.0)
        top = upper - 8.0
        meet = upper + g * gap
        zone = inside & (fy >= top) & (fy <= meet)
        stretched = top + (fy - top) * (upper - top) / np.maximum(meet - top, 1e-6)
        src_y = np.where(zone, stretched, src_y)
    frame, mm = canvas.frame, canvas.mm
    src = frame.to_image(np.stack([fx, src_y], axis=-1) / mm).astype(np.float32)
    return cv2.remap(rgb, src[..., 0], src[..., 1], cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)


def expression_photo(
    expression: Expression, gains: Gains = HEALTHY, face: str = "astronaut", keep: str = "image_left"
) -> np.ndarray:
    """The base face (``base_face(face, keep)``) performing ``expression`` with per-side ``gains``."""
    rgb, base = base_face(face, keep)
    if expression is Expression.REST:
        return rgb
    canvas = _Canvas(rgb.shape[:2], base)
    if expression.eyes_expected_closed:
        return _close_eyes(rgb, canvas, gains)
    dx, dy = _forward_field_mm(canvas, expression, gains)
    moved = _invert_and_remap(rgb, canvas, dx, dy)
    if gains.eye_narrowing and expression in MOUTH_EXPRESSIONS:
        narrowing = gains.eye_narrowing
        side_only = Gains(left=narrowing, right=0.0) if gains.synkinetic_side == "left" else Gains(0.0, narrowing)
        moved = _close_eyes(moved, canvas, side_only)
    return moved


def session_photos(
    gains: Gains = HEALTHY, face: str = "astronaut", keep: str = "image_left"
) -> dict[Expression, np.ndarray]:
    """All 9 standard expressions."""
    return {e: expression_photo(e, gains, face, keep) for e in Expression}
