"""The lip midpoint's lateral position, refined from the mouth's own mirror symmetry.

The stomion (midpoint of the inner lip midpoints [S82]) comes from the whole-face landmark pass. Under
issue #2's variants (roll ±5°, rescale, JPEG) that point moves sideways by up to about 1 mm relative to
the commissures, which come from the hemi-face composites and the image (:mod:`.bilateral`); commissure
excursion changes by that much. The central lips are mirror-symmetric about their own midline even when
the mouth is pulled to one side. This module finds that line: a patch of the central lips, mirrored, is
matched against the unmirrored lips by normalised cross-correlation (sub-pixel peak); the shift between
them is twice the line's distance from the patch centre. The stomion then moves sideways onto it.

An open, twisted mouth (teeth or tongue off centre) has no such line. The image is used only where it
matches well and agrees with the landmark model: fully within ``AGREE_MM`` of the model's stomion, not
at all beyond ``DISAGREE_MM``, blended in between. This is a FaceNerve method, not a published one;
docs/metrics.md gives the figures it reached.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from facenerve.engine.bilateral import (
    FULL_MATCH_SCORE,
    MIN_MATCH_SCORE,
    GrayRegion,
    match_patch,
    sample_patch,
)
from facenerve.engine.frame import FaceFrame
from facenerve.engine.landmarks.base import FaceAnatomy

#: Central-lip patch (width, height) in mm, centred on the model's stomion: narrower than the mouth
#: (about 50 mm), so the commissures, which palsy moves unequally, stay outside it.
PATCH_MM = (20.0, 12.0)
#: How far (mm) the symmetry line may lie from the model's stomion in the first, coarse search.
SEARCH_MM = 6.0
#: Vertical slack (mm) of the match, for a pupil line not quite level with the mouth.
VERTICAL_SLACK_MM = 1.0
#: Coarse-to-fine passes as search-range factors.
PASSES = (1.0, 0.2)
#: Image and model agree within this distance (mm): the image line is used in full; the model's
#: stomion moves by up to about 1 mm under roll, rescale and JPEG (docs/metrics.md).
AGREE_MM = 1.0
#: Beyond this disagreement (mm) the image line is not used (an open or twisted mouth).
DISAGREE_MM = 2.0


@dataclass(frozen=True)
class LipMidline:
    """The stomion's lateral position in the face frame (mm, toward the patient's left) by model and image."""

    model_lateral_mm: float
    image_lateral_mm: float | None
    score: float
    weight: float

    @property
    def lateral_mm(self) -> float:
        """The refined position: the model's, moved ``weight`` of the way to the image's."""
        if self.image_lateral_mm is None:
            return self.model_lateral_mm
        return self.model_lateral_mm + self.weight * (self.image_lateral_mm - self.model_lateral_mm)


def _line_shift_px(
    gray: GrayRegion, frame: FaceFrame, line: float, y: float, size: tuple[int, int], margin: int, slack: int
) -> tuple[float, float, bool]:
    """How far (frame px) the lips' mirror line lies from ``line``, the match score, and whether it was in range.

    A "right" patch at lateral ``-line`` is the mirror image, about frame x = ``line``, of the lips there;
    moving the true line by d moves that image by 2d against the unmirrored lips. The mirrored patch is
    found among the unmirrored lips and the reverse, and the two averaged, so a flipped photo gives the
    mirrored answer.
    """
    search_size = (size[0] + 2 * margin, size[1] + 2 * slack)
    here, across = np.array([line, y]), np.array([-line, y])
    dx_fw, _, score_fw, inside_fw = match_patch(
        sample_patch(gray, frame, across, size, "right"), sample_patch(gray, frame, here, search_size, "left")
    )
    dx_bw, _, score_bw, inside_bw = match_patch(
        sample_patch(gray, frame, here, size, "left"), sample_patch(gray, frame, across, search_size, "right")
    )
    return (dx_fw - dx_bw) / 4.0, min(score_fw, score_bw), inside_fw and inside_bw


def _symmetry_line_px(
    gray: GrayRegion, frame: FaceFrame, start: np.ndarray, mm_per_px: float
) -> tuple[float | None, float]:
    """Frame x (px) of the central lips' mirror line near ``start`` (frame px), and the lowest match score."""
    size = (max(8, round(PATCH_MM[0] / mm_per_px)), max(6, round(PATCH_MM[1] / mm_per_px)))
    slack = max(1, round(VERTICAL_SLACK_MM / mm_per_px))
    line, y = float(start[0]), float(start[1])
    scores: list[float] = []
    for factor in PASSES:
        margin = max(2, round(2.0 * SEARCH_MM * factor / mm_per_px))
        shift, score, inside = _line_shift_px(gray, frame, line, y, size, margin, slack)
        if not inside:  # the coarse pass must find the line; a finer pass that runs out of range stops
            return (line if scores else None), (min(scores) if scores else score)
        scores.append(score)
        line += shift
    return line, min(scores)


def measure_lip_midline(gray: GrayRegion, anatomy: FaceAnatomy, frame: FaceFrame, mm_per_px: float) -> LipMidline:
    """The stomion's lateral position by the landmark model and by the lips' mirror symmetry (mm), and the weight."""
    start = frame.to_frame(anatomy.stomion)
    model_mm = float(start[0]) * mm_per_px
    line_px, score = _symmetry_line_px(gray, frame, start, mm_per_px)
    if line_px is None:
        return LipMidline(model_mm, None, score, 0.0)
    image_mm = line_px * mm_per_px
    trust = np.clip((score - MIN_MATCH_SCORE) / (FULL_MATCH_SCORE - MIN_MATCH_SCORE), 0.0, 1.0)
    agreement = np.clip((DISAGREE_MM - abs(image_mm - model_mm)) / (DISAGREE_MM - AGREE_MM), 0.0, 1.0)
    return LipMidline(model_mm, image_mm, score, float(trust * agreement))


def apply_lip_midline(anatomy: FaceAnatomy, frame: FaceFrame, mm_per_px: float, midline: LipMidline) -> FaceAnatomy:
    """The anatomy with both inner lip midpoints moved sideways (along the pupil line) to ``midline``."""
    shift_px = (midline.lateral_mm - midline.model_lateral_mm) / mm_per_px
    if shift_px == 0.0:
        return anatomy
    step = shift_px * np.asarray(frame.x_axis, dtype=float)
    return replace(
        anatomy,
        upper_lip_inner_mid=anatomy.upper_lip_inner_mid + step,
        lower_lip_inner_mid=anatomy.lower_lip_inner_mid + step,
    )
