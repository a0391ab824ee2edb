"""Left–right offsets of paired features measured from the image, not from the landmark model's shape.

Landmark models pull an asymmetric face toward their mean, symmetric shape: on faces with a known
one-sided warp, Face Mesh reads only 0.45 of a brow drop and 0.5 of a change of the palpebral
fissure (benchmarks/results/photo.md). The image itself does not shrink. For each paired feature
(brow, upper lid, lower lid, commissure) this module cuts a patch around the feature on the
patient's right, mirrors the face about its midline, and finds where the same patch sits on the
left by normalised cross-correlation with sub-pixel peak interpolation, then the reverse, and
averages the two so that a flipped photo gives exactly swapped sides. The landmark model then
keeps the *symmetric* part of the feature's position (the mean of both sides, which it reads
well) and the image supplies the *antisymmetric* part (the left–right offset).

All geometry is in the face frame (:mod:`facenerve.engine.frame`), so head roll is removed
before patches are compared. This is a FaceNerve method; docs/metrics.md describes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import cv2
import numpy as np

from facenerve.engine.frame import FaceFrame
from facenerve.engine.landmarks.base import FaceAnatomy, Side
from facenerve.engine.metrics import y_at


@dataclass(frozen=True)
class FeaturePatch:
    """A paired feature: the contour it moves, its patch size and its search range, all in mm.

    ``below_margin_mm`` moves the patch centre chin-ward of the contour (the brow body lies below
    its upper margin). ``lateral`` says whether the horizontal offset is applied as well.
    """

    contour: str
    width_mm: float
    height_mm: float
    search_x_mm: float
    search_y_mm: float
    below_margin_mm: float = 0.0
    lateral: bool = False
    needs_open_eyes: bool = False


#: The brow patch is centred on the brow body, 2 mm below the upper margin (chosen on the synthetic
#: set, where 1.5–2.5 mm read the same; see docs/metrics.md).
FEATURES: tuple[FeaturePatch, ...] = (
    FeaturePatch("brow_upper", width_mm=14.0, height_mm=8.0, search_x_mm=6.0, search_y_mm=10.0, below_margin_mm=2.0),
    FeaturePatch("upper_lid", width_mm=14.0, height_mm=5.0, search_x_mm=2.0, search_y_mm=5.0, needs_open_eyes=True),
    FeaturePatch("lower_lid", width_mm=14.0, height_mm=5.0, search_x_mm=2.0, search_y_mm=5.0, needs_open_eyes=True),
    FeaturePatch("commissure", width_mm=14.0, height_mm=14.0, search_x_mm=6.0, search_y_mm=10.0, lateral=True),
)

#: Correlation given up for a match at the edge of the search range rather than at its centre.
NEAR_PREFERENCE = 0.1
#: Normalised correlation below which the image offset is ignored, and above which it is fully
#: trusted; in between it is blended with the landmark model's offset, so results do not jump.
MIN_MATCH_SCORE, FULL_MATCH_SCORE = 0.5, 0.7
#: Coarse-to-fine passes as (patch size, search range) factors: each samples both patches at the
#: current offset and measures the residual; the last, smaller patch reads the feature itself.
PASSES: tuple[tuple[float, float], ...] = ((1.0, 1.0), (0.6, 0.25), (0.4, 0.1))


#: The grey image is made only for the face box grown by this fraction of its size on each side,
#: which holds every patch and search range (brow search reaches 10 mm above the mesh's brow).
REGION_MARGIN = 0.3


@dataclass(frozen=True)
class GrayRegion:
    """A float32 grey crop of the photo and the image position of its top-left pixel."""

    pixels: np.ndarray
    origin_px: tuple[int, int]

    @classmethod
    def around_face(cls, rgb: np.ndarray, anatomy: FaceAnatomy) -> GrayRegion:
        x, y, w, h = anatomy.bbox_px
        pad = REGION_MARGIN * max(w, h)
        height, width = rgb.shape[:2]
        x0, y0 = max(int(x - pad), 0), max(int(y - pad), 0)
        x1, y1 = min(int(x + w + pad) + 1, width), min(int(y + h + pad) + 1, height)
        crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        return cls(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float32), (x0, y0))


@dataclass(frozen=True)
class Offset:
    """Where the left feature sits relative to the mirrored right one: lateral and chin-ward, mm."""

    feature: str
    lateral_mm: float
    down_mm: float
    score: float
    weight: float

    @property
    def used(self) -> bool:
        """Whether the image offset counts at all (weight above 0)."""
        return self.weight > 0.0


def sample_patch(
    gray: GrayRegion, frame: FaceFrame, centre: np.ndarray, size_px: tuple[int, int], side: Side
) -> np.ndarray:
    """A blurred patch in (lateral, chin-ward) coordinates on ``side``; ``centre`` is (lateral, y) in frame px."""
    width, height = size_px
    sign = -1.0 if side == "right" else 1.0  # frame x runs toward the patient's left
    # Patch pixel (j, i) → frame (sign·(cx + j − (w−1)/2), cy + i − (h−1)/2) → region: one affine map.
    (ax, ay), (bx, by) = frame.x_axis, frame.y_axis
    fx = sign * (float(centre[0]) - (width - 1) / 2.0)
    fy = float(centre[1]) - (height - 1) / 2.0
    ox = float(frame.origin_px[0]) + fx * ax + fy * bx - gray.origin_px[0]
    oy = float(frame.origin_px[1]) + fx * ay + fy * by - gray.origin_px[1]
    patch_to_image = np.array([[sign * ax, bx, ox], [sign * ay, by, oy]], dtype=np.float64)
    patch = cv2.warpAffine(
        gray.pixels,
        patch_to_image,
        (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REFLECT,
    )
    return np.asarray(cv2.GaussianBlur(patch, (0, 0), 1.0))


@lru_cache(maxsize=64)
def _distance_penalty(rows: int, cols: int) -> np.ndarray:
    """``NEAR_PREFERENCE`` × squared distance from the centre, scaled to 1 at the edge of the range."""
    ry, rx = max((rows - 1) / 2.0, 1.0), max((cols - 1) / 2.0, 1.0)
    yy, xx = np.mgrid[0:rows, 0:cols]
    distance2 = ((xx - rx) / rx) ** 2 + ((yy - ry) / ry) ** 2
    return np.asarray(NEAR_PREFERENCE * distance2, dtype=np.float32)


def _parabola_peak(before: float, at: float, after: float) -> float:
    curvature = float(before) - 2.0 * float(at) + float(after)
    if abs(curvature) < 1e-9:
        return 0.0
    return max(-0.5, min(0.5, 0.5 * (float(before) - float(after)) / curvature))


def match_patch(template: np.ndarray, search: np.ndarray) -> tuple[float, float, float, bool]:
    """Sub-pixel offset (x, y) of ``template`` inside ``search`` from the centre, its score, and whether inside.

    The peak is chosen on the correlation minus a small penalty growing with the distance from the
    centre (``NEAR_PREFERENCE`` at the edge of the range), so that of two near-equal matches (a brow
    and the rim of a pair of glasses) the one nearer the expected position wins.
    """
    ncc = cv2.matchTemplate(search, template, cv2.TM_CCOEFF_NORMED)
    rows, cols = ncc.shape
    _, _, _, (px, py) = cv2.minMaxLoc(ncc - _distance_penalty(rows, cols))
    inside = 0 < px < cols - 1 and 0 < py < rows - 1
    fx = _parabola_peak(ncc[py, px - 1], ncc[py, px], ncc[py, px + 1]) if 0 < px < cols - 1 else 0.0
    fy = _parabola_peak(ncc[py - 1, px], ncc[py, px], ncc[py + 1, px]) if 0 < py < rows - 1 else 0.0
    return px + fx - (cols - 1) / 2.0, py + fy - (rows - 1) / 2.0, float(ncc[py, px]), inside


def _mirrored_points(anatomy: FaceAnatomy, frame: FaceFrame, contour: str, side: Side) -> np.ndarray:
    """A contour of ``side`` as (lateral, chin-ward) frame px, so both sides share one coordinate system."""
    sign = -1.0 if side == "right" else 1.0
    points = np.asarray(getattr(anatomy.side(side), contour), dtype=float).reshape(-1, 2)
    return np.asarray(frame.to_frame(points) * np.array([sign, 1.0]))


def _mirrored_centre(anatomy: FaceAnatomy, frame: FaceFrame, feature: FeaturePatch) -> tuple[np.ndarray, np.ndarray]:
    """The feature's symmetric position (lateral, y) and the offset to start from, frame px.

    A contour is read above the pupil, where its metric is measured, and starts from the model's
    left-minus-right offset (a large brow drop can lie beyond the search range otherwise). A single
    point (the commissure) starts from no offset: its patch holds enough texture, and the model's
    offset there changes when the photo is flipped.
    """
    right = _mirrored_points(anatomy, frame, feature.contour, "right")
    left = _mirrored_points(anatomy, frame, feature.contour, "left")
    if len(right) == 1:
        return np.asarray((right[0] + left[0]) / 2.0), np.zeros(2)
    pupils = [_mirrored_points(anatomy, frame, "iris_center", side)[0, 0] for side in ("right", "left")]
    pupil_lateral = float(np.mean(pupils))
    right_y, left_y = y_at(right, pupil_lateral), y_at(left, pupil_lateral)
    return np.array([pupil_lateral, (right_y + left_y) / 2.0]), np.array([0.0, left_y - right_y])


def _register(
    gray: GrayRegion,
    frame: FaceFrame,
    centre: np.ndarray,
    offset: np.ndarray,
    feature: FeaturePatch,
    mm_per_px: float,
    template_side: Side,
) -> tuple[np.ndarray, float, bool]:
    """Coarse-to-fine left-minus-right offset (frame px) with the template cut from ``template_side``."""
    sign = 1.0 if template_side == "right" else -1.0  # offsets are always left minus right
    other: Side = "left" if template_side == "right" else "right"
    found = True
    scores: list[float] = []
    for size_factor, search_factor in PASSES:
        size = (
            max(8, round(feature.width_mm * size_factor / mm_per_px)),
            max(6, round(feature.height_mm * size_factor / mm_per_px)),
        )
        margin = (
            max(2, round(feature.search_x_mm * search_factor / mm_per_px)),
            max(2, round(feature.search_y_mm * search_factor / mm_per_px)),
        )
        template = sample_patch(gray, frame, centre - sign * offset / 2.0, size, template_side)
        search_size = (size[0] + 2 * margin[0], size[1] + 2 * margin[1])
        search = sample_patch(gray, frame, centre + sign * offset / 2.0, search_size, other)
        dx, dy, score, inside = match_patch(template, search)
        if not inside:  # the first pass must find the feature; a finer pass that runs out of range stops
            found = bool(scores)
            break
        scores.append(score)
        offset = offset + sign * np.array([dx, dy])
    return offset, (min(scores) if scores else 0.0), found


def measure_offset(
    gray: GrayRegion, anatomy: FaceAnatomy, frame: FaceFrame, mm_per_px: float, feature: FeaturePatch
) -> Offset:
    """The left–right offset of one feature (mm), its match score and its weight against the model's offset.

    It is measured both ways (right patch found on the left, and left on the right) and averaged, so
    flipping the photo swaps the sides exactly.
    """
    centre, start = _mirrored_centre(anatomy, frame, feature)
    centre[1] += feature.below_margin_mm / mm_per_px
    forward, score_fw, found_fw = _register(gray, frame, centre, start, feature, mm_per_px, "right")
    backward, score_bw, found_bw = _register(gray, frame, centre, start, feature, mm_per_px, "left")
    offset = (forward + backward) / 2.0
    score = min(score_fw, score_bw)
    trust = (score - MIN_MATCH_SCORE) / (FULL_MATCH_SCORE - MIN_MATCH_SCORE)
    weight = float(np.clip(trust, 0.0, 1.0)) if found_fw and found_bw else 0.0
    lateral = float(offset[0]) * mm_per_px if feature.lateral else 0.0
    return Offset(feature.contour, lateral, float(offset[1]) * mm_per_px, score, weight)


def apply_offsets(anatomy: FaceAnatomy, frame: FaceFrame, mm_per_px: float, offsets: list[Offset]) -> FaceAnatomy:
    """The anatomy with each feature's contours moved toward their symmetric mean ± half the image offset.

    With weight 1 the contours sit exactly there; with weight w they move that fraction of the way.
    """
    mirror = np.array([-1.0, 1.0])
    sides = {"right": anatomy.right, "left": anatomy.left}
    for off in offsets:
        if not off.used:
            continue
        model = {side: _mirrored_points(anatomy, frame, off.feature, side) for side in ("right", "left")}
        symmetric = (model["right"] + model["left"]) / 2.0
        half = np.array([off.lateral_mm, off.down_mm]) / mm_per_px / 2.0
        for side, target in (("right", symmetric - half), ("left", symmetric + half)):
            blended = model[side] + off.weight * (target - model[side])
            moved = frame.to_image(blended * mirror if side == "right" else blended)
            part = sides[side]
            shape = np.asarray(getattr(part, off.feature)).shape
            sides[side] = replace(part, **{off.feature: moved.reshape(shape)})  # type: ignore[arg-type]
    return replace(anatomy, right=sides["right"], left=sides["left"])


def refine_bilateral(
    gray: GrayRegion, anatomy: FaceAnatomy, frame: FaceFrame, mm_per_px: float, *, eyes_open: bool
) -> tuple[FaceAnatomy, list[Offset]]:
    """Correct the left–right offsets of brow, lids and commissure from the image (see module docstring).

    Lid offsets are measured only when both eyes are open; a feature whose sides do not match well
    (score below ``MIN_MATCH_SCORE``) keeps the landmark model's positions, and one that matches
    moderately is blended with them.
    """
    offsets = [
        measure_offset(gray, anatomy, frame, mm_per_px, feature)
        for feature in FEATURES
        if eyes_open or not feature.needs_open_eyes
    ]
    return apply_offsets(anatomy, frame, mm_per_px, offsets), offsets


#: Floor of a pair's reliability: even an unpaired region keeps a quarter of its weight (engineering choice).
MIN_PAIR_RELIABILITY = 0.25
#: Regions of the asymmetry model whose reliability comes from a paired feature of this module.
RELIABILITY_FEATURES = {"brow": "brow_upper"}


def pair_reliability(offsets: list[Offset]) -> dict[str, float]:
    """0.25–1 per asymmetry region: how well its left and mirrored right patches matched (NCC score over
    ``FULL_MATCH_SCORE``). Two brows that do not look alike in the image (a glasses rim, hair, shadow) cannot be
    compared reliably, so their evidence should count for less. Engineering choice, not a clinical value."""
    scores = {o.feature: o.score for o in offsets}
    out = {}
    for region, feature in RELIABILITY_FEATURES.items():
        if feature in scores and math.isfinite(scores[feature]):
            out[region] = max(MIN_PAIR_RELIABILITY, min(1.0, scores[feature] / FULL_MATCH_SCORE))
    return out
