"""Metric definitions: each facial measure is defined once, here, with its landmarks and source.

All metrics work on :class:`SideGeometry`: one side's landmarks in millimetres in the face
frame, mirrored so that ``x`` is the lateral distance from the midline (outward positive) and
``y`` the distance below the pupil line (chin-ward positive). The same function therefore
measures the patient's left and right. Sources are keys into docs/references.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from facenerve.engine.frame import FaceFrame
from facenerve.engine.landmarks.base import SIDES, FaceAnatomy, Side, SideAnatomy

Unit = Literal["mm", "deg", "mm2"]

FACE_SPAN_MM = 300.0
"""Engineering limit, not a clinical number: no distance on a face (hairline to chin about 190 mm, ear to ear about
150 mm) comes near it, so a measure beyond it is pixels, a wrong unit or a corrupt file."""
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "mm": (-FACE_SPAN_MM, FACE_SPAN_MM), "mm2": (0.0, FACE_SPAN_MM**2), "deg": (-180.0, 180.0)}
"""The values a metric of each unit can take on a face (signed distances, areas, angles): the bounds under which a
measure read from elsewhere (a FHIR Bundle) is kept; derived from :data:`FACE_SPAN_MM`."""


@dataclass(frozen=True)
class SideGeometry:
    """One side's anatomy in face-frame millimetres (x lateral outward, y chin-ward)."""

    side: Side
    anatomy: SideAnatomy
    stomion: np.ndarray
    upper_lip_top: np.ndarray
    lower_lip_bottom: np.ndarray

    @property
    def pupil(self) -> np.ndarray:
        return self.anatomy.iris_center


def side_geometry(anatomy: FaceAnatomy, frame: FaceFrame, mm_per_px: float) -> dict[Side, SideGeometry]:
    """Both sides' geometry in millimetres, mirrored so each side's lateral axis points outward."""
    result: dict[Side, SideGeometry] = {}
    for side in SIDES:
        sign = 1.0 if side == "left" else -1.0

        def to_mm(points: np.ndarray, sign: float = sign) -> np.ndarray:
            out = frame.to_frame(points) * mm_per_px
            out[..., 0] *= sign
            return out

        result[side] = SideGeometry(
            side=side,
            anatomy=anatomy.side(side).transformed(to_mm),
            stomion=to_mm(anatomy.stomion),
            upper_lip_top=to_mm(anatomy.upper_lip_top),
            lower_lip_bottom=to_mm(anatomy.lower_lip_bottom),
        )
    return result


def y_at(contour_mm: np.ndarray, x_mm: float) -> float:
    """The contour's y (mm) at lateral position ``x_mm``, linearly interpolated."""
    order = np.argsort(contour_mm[:, 0])
    return float(np.interp(x_mm, contour_mm[order, 0], contour_mm[order, 1]))


def polygon_area(points: np.ndarray) -> float:
    """Shoelace area of a closed polygon (units²)."""
    x, y = points[:, 0], points[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2.0)


def paramedian_x(g: SideGeometry) -> float:
    """Lateral position halfway between the midline and the commissure (mm)."""
    return float(g.anatomy.commissure[0]) / 2.0


# --- the measures ---------------------------------------------------------------------------


def brow_height(g: SideGeometry) -> float:
    """Pupil centre to the upper brow margin, vertically above the pupil (mm) [S1, S82]."""
    return float(g.pupil[1]) - y_at(g.anatomy.brow_upper, float(g.pupil[0]))


def mrd1(g: SideGeometry) -> float:
    """Marginal reflex distance 1: pupil centre to upper lid margin (mm) [S86, S87]."""
    return float(g.pupil[1]) - y_at(g.anatomy.upper_lid, float(g.pupil[0]))


def mrd2(g: SideGeometry) -> float:
    """Marginal reflex distance 2: pupil centre to lower lid margin (mm) [S86, S87]."""
    return y_at(g.anatomy.lower_lid, float(g.pupil[0])) - float(g.pupil[1])


def palpebral_fissure_height(g: SideGeometry) -> float:
    """Upper to lower lid margin through the pupil (mm) = MRD1 + MRD2 [S83, S84]."""
    x = float(g.pupil[0])
    return y_at(g.anatomy.lower_lid, x) - y_at(g.anatomy.upper_lid, x)


def palpebral_fissure_width(g: SideGeometry) -> float:
    """Medial to lateral canthus (mm) [S84]."""
    return float(np.linalg.norm(g.anatomy.lateral_canthus - g.anatomy.medial_canthus))


def eye_area(g: SideGeometry) -> float:
    """Area enclosed by the upper and lower lid margins (mm²) [S82]."""
    outline = np.vstack([g.anatomy.upper_lid, g.anatomy.lower_lid[::-1]])
    return polygon_area(outline)


def commissure_height(g: SideGeometry) -> float:
    """Oral commissure's distance below the pupil line (mm) [S1, S82]."""
    return float(g.anatomy.commissure[1])


def commissure_excursion(g: SideGeometry) -> float:
    """Oral commissure to the lip midpoint (stomion, midpoint of the inner lip midpoints) (mm) [S82]."""
    return float(np.linalg.norm(g.anatomy.commissure - g.stomion))


def smile_angle(g: SideGeometry) -> float:
    """Elevation of the stomion→commissure line above the pupil-line horizontal (deg); >0 corner up [S82]."""
    dx = float(g.anatomy.commissure[0] - g.stomion[0])
    dy = float(g.stomion[1] - g.anatomy.commissure[1])
    return math.degrees(math.atan2(dy, max(dx, 1e-6)))


def upper_lip_height(g: SideGeometry) -> float:
    """Upper vermilion height at the paramedian point, outer to inner margin (mm) [S82]."""
    x = paramedian_x(g)
    return y_at(g.anatomy.upper_lip_inner, x) - y_at(g.anatomy.upper_lip_outer, x)


def lower_lip_height(g: SideGeometry) -> float:
    """Lower vermilion height at the paramedian point, inner to outer margin (mm) [S82]."""
    x = paramedian_x(g)
    return y_at(g.anatomy.lower_lip_outer, x) - y_at(g.anatomy.lower_lip_inner, x)


def dental_show(g: SideGeometry) -> float:
    """Area between the inner lip margins on this side of the midline (mm²); teeth show here [S82]."""
    outline = np.vstack([g.anatomy.upper_lip_inner, g.anatomy.lower_lip_inner[::-1]])
    return polygon_area(outline)


def nasolabial_fold_angle(g: SideGeometry) -> float:
    """Angle between the facial midline and the alar-base→commissure line (deg).

    A landmark proxy for the fold's orientation (eFACE "NLF orientation" [S12]); the crease
    itself is not a landmark.
    """
    d = g.anatomy.commissure - g.anatomy.alar_base
    return math.degrees(math.atan2(abs(float(d[0])), max(float(d[1]), 1e-6)))


@dataclass(frozen=True)
class Metric:
    """A named measure: its function, unit, landmarks (prose) and source keys."""

    name: str
    unit: Unit
    landmarks: str
    source: str
    measure: Callable[[SideGeometry], float]
    #: False for signed measures, where a ratio of the two sides means nothing.
    ratio_meaningful: bool = True

    @property
    def description(self) -> str:
        return (self.measure.__doc__ or "").strip().splitlines()[0]


METRICS: tuple[Metric, ...] = (
    Metric("brow_height", "mm", "pupil centre; upper brow margin above it", "S1, S82", brow_height),
    Metric(
        "palpebral_fissure_height",
        "mm",
        "upper and lower lid margins at the pupil",
        "S83, S84",
        palpebral_fissure_height,
    ),
    Metric("palpebral_fissure_width", "mm", "medial and lateral canthus", "S84", palpebral_fissure_width),
    Metric("mrd1", "mm", "pupil centre; upper lid margin", "S86, S87", mrd1),
    Metric("mrd2", "mm", "pupil centre; lower lid margin", "S86, S87", mrd2),
    Metric("eye_area", "mm2", "upper and lower lid contours", "S82", eye_area),
    Metric("commissure_height", "mm", "oral commissure; pupil line", "S1, S82", commissure_height),
    Metric("commissure_excursion", "mm", "oral commissure; stomion", "S82", commissure_excursion),
    Metric("smile_angle", "deg", "stomion; oral commissure; pupil line", "S82", smile_angle, ratio_meaningful=False),
    Metric("upper_lip_height", "mm", "outer and inner upper lip margin, paramedian", "S82", upper_lip_height),
    Metric("lower_lip_height", "mm", "inner and outer lower lip margin, paramedian", "S82", lower_lip_height),
    Metric("dental_show", "mm2", "inner lip margins, midline to commissure", "S82", dental_show),
    Metric("nasolabial_fold_angle", "deg", "alar base; oral commissure; midline", "S12", nasolabial_fold_angle),
)
METRICS_BY_NAME = {m.name: m for m in METRICS}


def lip_midpoint_deviation_mm(anatomy: FaceAnatomy, frame: FaceFrame, mm_per_px: float) -> float:
    """Signed distance of the stomion from the facial midline (mm); > 0 toward the patient's left [S82]."""
    return float(frame.to_frame(anatomy.stomion)[0]) * mm_per_px


def measure_all(geometry: dict[Side, SideGeometry]) -> dict[str, dict[Side, float]]:
    """Every metric for both sides: ``{name: {"right": value, "left": value}}``."""
    return {m.name: {side: m.measure(geometry[side]) for side in SIDES} for m in METRICS}
