"""Hemi-face composites: one person's expression on the healthy half, their rest face on the weak half.

A real palsy is not a warp of a neutral face: in an expression the healthy side moves and the weak side does
not. Given a rest frame and an expression frame of the same person (and their 478-point meshes), the
composite keeps the expression on the healthy half and, on the weak half, shows the rest frame brought onto
the expression's head position:

1. the rest mesh is aligned to the expression by a similarity on points expressions barely move (medial
   canthi, nasion, nasal bridge: ``STABLE_INDICES``);
2. the weak half's landmarks go to ``lerp(expression, aligned rest, fraction)``; the weight of "weak half" is a
   smoothstep across the facial midline, ``blend_width_mm`` wide, so the midline itself moves half as much;
3. both frames are warped onto those landmarks piecewise-affinely (iris points left out: closed lids hide
   them), cross-dissolved by ``fraction`` on the weak half, and blended into the expression photo across the
   midline band and a feathered face outline.

``fraction`` 1 is complete weakness, 0 the expression unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facenerve.engine.landmarks.base import Side
from facenerve.simulate.geometry import (
    IRIS_INDICES,
    STABLE_INDICES,
    MmFrame,
    PiecewiseAffine,
    apply_affine,
    border_anchors,
    bounding_box,
    check_mesh,
    eye_frame,
    face_mask,
    invert_affine,
    iris_mm_per_px,
    midline_offset_mm,
    pixel_grid,
    remap,
    side_weight,
    similarity,
    without,
)

#: Width of the blend across the facial midline, mm (a FaceNerve choice: a few mm, narrower than the lips'
#: philtrum columns are apart, so each half keeps its own commissure and eye untouched).
BLEND_WIDTH_MM = 4.0
#: Width of the fade to the untouched expression photo inside the face outline, mm (FaceNerve choice).
FEATHER_MM = 8.0


@dataclass(frozen=True)
class HemiComposite:
    """A composite photo, its landmarks and how it was made.

    ``points_px`` is the composite's 478-point mesh (the targets of the warp); ``weak_weight`` (h, w) the
    per-pixel weight of the weak half (midline band × face outline), before ``fraction`` is applied;
    ``rest_to_expression`` the 2×3 similarity that aligned the rest frame.
    """

    rgb: np.ndarray
    points_px: np.ndarray
    weak_weight: np.ndarray
    rest_to_expression: np.ndarray
    weak_side: Side
    fraction: float
    mm_per_px: float
    expression_points_px: np.ndarray
    blend_width_mm: float

    def combine(self, expression_px: np.ndarray, rest_px: np.ndarray) -> np.ndarray:
        """Where points end up in the composite: points (..., 2) given in the expression frame and, for the same
        anatomy, in the rest frame. ``lerp(expression, aligned rest, fraction × weak-half weight)``."""
        e = np.asarray(expression_px, dtype=float)
        r = apply_affine(self.rest_to_expression, rest_px)
        frame = MmFrame(eye_frame(self.expression_points_px), self.mm_per_px)
        w = self.fraction * side_weight(midline_offset_mm(self.expression_points_px, e, frame), self.weak_side,
                                        self.blend_width_mm)
        return np.asarray(e + w[..., None] * (r - e))


def hemi_composite(
    rest_rgb: np.ndarray,
    expression_rgb: np.ndarray,
    rest_points_px: np.ndarray,
    expression_points_px: np.ndarray,
    weak_side: Side,
    fraction: float = 1.0,
    *,
    mm_per_px: float | None = None,
    blend_width_mm: float = BLEND_WIDTH_MM,
    feather_mm: float = FEATHER_MM,
) -> HemiComposite:
    """The expression photo with its ``weak_side`` half (patient's side) weakened by ``fraction``.

    ``rest_points_px`` and ``expression_points_px`` are the two frames' MediaPipe meshes (478 × 2, image px).
    ``mm_per_px`` is the expression photo's scale; by default the rest mesh's iris scale [S80, S82] carried over
    by the alignment. The output has the expression photo's size.

    >>> composite = hemi_composite(rest, smile, rest_mesh, smile_mesh, "left", 1.0)  # doctest: +SKIP
    >>> composite.rgb.shape == smile.shape  # doctest: +SKIP
    True
    """
    if weak_side not in ("left", "right"):
        raise ValueError(f"weak_side must be 'left' or 'right', not {weak_side!r}")
    fraction = float(np.clip(fraction, 0.0, 1.0))
    rest_pts, expr_pts = check_mesh(rest_points_px), check_mesh(expression_points_px)
    align = similarity(rest_pts[list(STABLE_INDICES)], expr_pts[list(STABLE_INDICES)])
    align_scale = float(np.sqrt(abs(np.linalg.det(align[:, :2]))))
    scale = mm_per_px if mm_per_px is not None else iris_mm_per_px(rest_pts) / align_scale
    shape = (int(expression_rgb.shape[0]), int(expression_rgb.shape[1]))

    partial = HemiComposite(expression_rgb, expr_pts, np.zeros(shape, np.float32), align, weak_side, fraction,
                            scale, expr_pts, blend_width_mm)
    target = partial.combine(expr_pts, rest_pts)

    # Weights in the composite's own geometry: the midline band and the feathered face outline.
    mask = face_mask(target, shape, feather_mm / scale)
    box = bounding_box(mask > 0)
    x0, y0, x1, y1 = box
    grid = pixel_grid(shape, box)
    frame = MmFrame(eye_frame(target), scale)
    band = side_weight(midline_offset_mm(target, grid, frame), weak_side, blend_width_mm)
    weak = np.zeros(shape, np.float32)
    weak[y0:y1, x0:x1] = band * mask[y0:y1, x0:x1]
    out = expression_rgb.copy()
    if fraction > 0 and x1 > x0 and y1 > y0:
        keep = without(IRIS_INDICES)
        anchors = border_anchors(shape)
        to_expr = PiecewiseAffine(np.vstack([target[keep], anchors]), np.vstack([expr_pts[keep], anchors]))
        from_rest = apply_affine(invert_affine(align), anchors)
        to_rest = PiecewiseAffine(np.vstack([target[keep], anchors]), np.vstack([rest_pts[keep], from_rest]))
        tex_expr = remap(expression_rgb, to_expr.grid(shape, box)).astype(np.float32)
        tex_rest = remap(rest_rgb, to_rest.grid(shape, box)).astype(np.float32)
        w_rest = (fraction * weak[y0:y1, x0:x1])[..., None]
        m = mask[y0:y1, x0:x1, None]
        face = (1.0 - w_rest) * tex_expr + w_rest * tex_rest
        region = (1.0 - m) * expression_rgb[y0:y1, x0:x1].astype(np.float32) + m * face
        out[y0:y1, x0:x1] = np.clip(np.round(region), 0, 255).astype(expression_rgb.dtype)
    return HemiComposite(out, target, weak, align, weak_side, fraction, scale, expr_pts, blend_width_mm)
