"""Alignment of each session photo to the rest photo: the rest photo's face frame and millimetre scale.

Each photo's landmarks are mapped into the rest photo's image by the similarity transform (rotation, uniform scale,
translation; least squares, Umeyama) that best superimposes landmarks that facial expressions barely move:
both medial canthi and the nasion, plus both pupils when the eyes are open (they give the rotation a longer
lever). The nose tip is left out: a snarl lifts it. Their spread (inter-canthal distance, canthi to nasion) carries
the rest photo's iris scale to photos where the eyes are shut and the iris cannot give one. The rest photo's pupil
line and midline then serve as the common frame, so every excursion is measured from the same origin and axes.
The fit's root-mean-square residual (mm) is reported; a large one means the anchors moved or were misplaced.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.landmarks.base import SIDES, FaceAnatomy, Side, SideAnatomy
from facenerve.engine.metrics import SideGeometry, side_geometry
from facenerve.protocol import Expression

#: The anchors of the fit; the pupils are added when the eyes are open in both photos.
ANCHORS = ("right medial canthus", "left medial canthus", "nasion")
PUPIL_ANCHORS = ("right pupil", "left pupil")
#: Warn when the anchors disagree by more than this after the fit, mm (engineering limit, not clinical).
MAX_ANCHOR_RESIDUAL_MM = 2.0


def anchor_points(anatomy: FaceAnatomy, *, pupils: bool = False) -> np.ndarray:
    """The ``ANCHORS`` (and ``PUPIL_ANCHORS`` if ``pupils``) in image pixels, shape (3 or 5, 2)."""
    points = [anatomy.right.medial_canthus, anatomy.left.medial_canthus, anatomy.nasion]
    if pupils:
        points += [anatomy.right.iris_center, anatomy.left.iris_center]
    return np.array(points, dtype=float).reshape(len(points), 2)


@dataclass(frozen=True)
class Similarity:
    """``p' = scale · R(angle) · p + shift`` in image pixels."""

    scale: float
    rotation: np.ndarray
    shift: np.ndarray

    def __call__(self, points: np.ndarray) -> np.ndarray:
        pts = np.asarray(points, dtype=float)
        return np.asarray(self.scale * pts @ self.rotation.T + self.shift)


def fit_similarity(source: np.ndarray, target: np.ndarray) -> Similarity:
    """Least-squares similarity taking ``source`` points onto ``target`` points (Umeyama 1991)."""
    src, dst = np.asarray(source, dtype=float), np.asarray(target, dtype=float)
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    a, b = src - mu_s, dst - mu_d
    cov = b.T @ a / len(src)
    u, d, vt = np.linalg.svd(cov)
    sign = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[1, 1] = -1.0
    rotation = u @ sign @ vt
    var_s = float((a**2).sum() / len(src))
    scale = float(np.trace(np.diag(d) @ sign) / var_s) if var_s > 0 else 1.0
    return Similarity(scale, rotation, mu_d - scale * mu_s @ rotation.T)


def transform_anatomy(anatomy: FaceAnatomy, fn: Similarity) -> FaceAnatomy:
    """The anatomy with every landmark moved by ``fn`` (iris diameters scaled with it)."""

    def side(part: str) -> SideAnatomy:
        moved: SideAnatomy = getattr(anatomy, part).transformed(fn)
        diameter = moved.iris_diameter_px
        return replace(moved, iris_diameter_px=None if diameter is None else diameter * fn.scale)

    return replace(
        anatomy,
        right=side("right"),
        left=side("left"),
        upper_lip_top=fn(anatomy.upper_lip_top),
        upper_lip_inner_mid=fn(anatomy.upper_lip_inner_mid),
        lower_lip_inner_mid=fn(anatomy.lower_lip_inner_mid),
        lower_lip_bottom=fn(anatomy.lower_lip_bottom),
        nasion=fn(anatomy.nasion),
        nose_tip=fn(anatomy.nose_tip),
        chin=fn(anatomy.chin),
        points_px=fn(anatomy.points_px),
    )


@dataclass(frozen=True)
class AlignedPhoto:
    """One photo's per-side geometry in the rest photo's face frame and mm (x lateral outward, y chin-ward)."""

    expression: str
    geometry: dict[Side, SideGeometry]
    #: mm per pixel of this photo, carried over from the rest photo through the anchors.
    mm_per_px: float
    #: Root-mean-square distance of the anchors from the rest photo's after the fit, mm.
    anchor_residual_mm: float


def align(photo: PhotoAssessment, rest: PhotoAssessment) -> AlignedPhoto:
    """Express ``photo``'s landmarks in ``rest``'s frame and scale (both must have succeeded)."""
    if photo.anatomy is None or rest.anatomy is None or rest.frame is None or rest.scale is None:
        raise ValueError("alignment needs two successful assessments")
    pupils = not Expression(photo.expression).eyes_expected_closed
    fit = fit_similarity(anchor_points(photo.anatomy, pupils=pupils), anchor_points(rest.anatomy, pupils=pupils))
    mm = rest.scale.mm_per_px
    moved = transform_anatomy(photo.anatomy, fit)
    residual_px = np.linalg.norm(
        anchor_points(moved, pupils=pupils) - anchor_points(rest.anatomy, pupils=pupils), axis=1
    )
    return AlignedPhoto(
        expression=photo.expression,
        geometry=side_geometry(moved, rest.frame, mm),
        mm_per_px=mm * fit.scale,
        anchor_residual_mm=float(np.sqrt(np.mean(residual_px**2)) * mm),
    )


def rest_geometry(rest: PhotoAssessment) -> dict[Side, SideGeometry]:
    """The rest photo's own per-side geometry (its frame and scale)."""
    if rest.anatomy is None or rest.frame is None or rest.scale is None:
        raise ValueError("the rest photo did not succeed")
    return side_geometry(rest.anatomy, rest.frame, rest.scale.mm_per_px)


__all__ = ["ANCHORS", "SIDES", "AlignedPhoto", "Similarity", "align", "fit_similarity", "rest_geometry"]
