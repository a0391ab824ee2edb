"""Measure from given landmarks, with no detection: the one function behind the photo pipeline, the session's
scale carry-over and a clinician's hand correction of landmarks.

:func:`measure_landmarks` is pure: anatomy (pixels), face frame and scale in; metrics, lip midpoint deviation and
asymmetry out. :func:`remeasure` re-runs it for a finished :class:`PhotoAssessment` with corrected landmarks (and,
optionally, another scale). :func:`anatomy_to_dict` / :func:`anatomy_from_dict` store landmarks as JSON.

>>> from facenerve.engine.remeasure import measure_landmarks  # doctest: +SKIP
>>> measured = measure_landmarks(anatomy, frame, 0.1, Expression.REST)  # doctest: +SKIP
>>> measured.asymmetry.index  # doctest: +SKIP
1.8
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from facenerve.engine.assessment import MetricValue, PhotoAssessment
from facenerve.engine.asymmetry import Asymmetry, assess_asymmetry
from facenerve.engine.calibrate import Scale, manual_scale
from facenerve.engine.frame import FaceFrame
from facenerve.engine.landmarks.base import FaceAnatomy, SideAnatomy
from facenerve.engine.metrics import lip_midpoint_deviation_mm, measure_all, side_geometry
from facenerve.engine.quality import YAW_WARN_DEG
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression

ANATOMY_SCHEMA = "facenerve.landmarks/1"
_SIDE_FIELDS = tuple(f for f in SideAnatomy.__dataclass_fields__ if f != "iris_diameter_px")
_MIDLINE_FIELDS = ("upper_lip_top", "upper_lip_inner_mid", "lower_lip_inner_mid", "lower_lip_bottom", "nasion",
                   "nose_tip", "chin")


@dataclass(frozen=True)
class LandmarkMeasures:
    """What the landmarks measure: every metric for both sides, the lip midpoint deviation and the asymmetry."""

    metrics: dict[str, MetricValue]
    lip_midpoint_deviation_mm: float
    asymmetry: Asymmetry


def measure_landmarks(
    anatomy: FaceAnatomy,
    frame: FaceFrame,
    mm_per_px: float,
    expression: Expression,
    *,
    quality_factor: float = 1.0,
    region_reliability: dict[str, float] | None = None,
) -> LandmarkMeasures:
    """Measure ``anatomy`` (pixels) in ``frame`` at ``mm_per_px``: metrics, lip midpoint deviation, asymmetry.

    No detection and no image: the same numbers whether the landmarks came from a detector or a clinician.
    """
    if not (np.isfinite(mm_per_px) and mm_per_px > 0):
        raise FaceNerveError(f"the scale must be a positive number of mm per pixel, got {mm_per_px}",
                             code="bad_option")
    values = measure_all(side_geometry(anatomy, frame, mm_per_px))
    deviation_mm = lip_midpoint_deviation_mm(anatomy, frame, mm_per_px)
    asymmetry = assess_asymmetry(values, expression, deviation_mm, quality_factor=quality_factor,
                                 region_reliability=region_reliability)
    metrics = {name: MetricValue.of(name, v, asymmetry.healthy_side) for name, v in values.items()}
    return LandmarkMeasures(metrics, deviation_mm, asymmetry)


def face_frame(anatomy: FaceAnatomy, yaw_deg: float | None = None) -> FaceFrame:
    """The face frame from the pupils, corrected for a turned head as the photo pipeline does."""
    frame = FaceFrame.from_pupils(anatomy.right.iris_center, anatomy.left.iris_center)
    if yaw_deg is not None and abs(yaw_deg) > YAW_WARN_DEG:
        frame = frame.corrected_for_yaw(yaw_deg)
    return frame


def remeasure(
    result: PhotoAssessment, anatomy: FaceAnatomy, *, mm_per_px: float | None = None, scale: Scale | None = None,
    frame: FaceFrame | None = None,
) -> PhotoAssessment:
    """``result`` measured again from ``anatomy`` (e.g. landmarks corrected by hand), keeping its pose, quality and
    pair reliability; ``mm_per_px`` replaces the scale (source ``manual``), or ``scale`` does (e.g. the session's
    rest scale); ``frame`` defaults to the pupils' frame corrected for the photo's yaw. Raises ``FaceNerveError``
    for a failed ``result``."""
    if not result.ok or result.scale is None:
        raise FaceNerveError("only a measured photo can be measured again", code="bad_option")
    if scale is None:
        scale = manual_scale(mm_per_px) if mm_per_px is not None else result.scale
    frame = frame or face_frame(anatomy, result.pose.yaw_deg if result.pose is not None else None)
    measured = measure_landmarks(
        anatomy, frame, scale.mm_per_px, Expression(result.expression),
        quality_factor=result.quality.confidence_factor if result.quality is not None else 1.0,
        region_reliability=result.asymmetry.region_reliability if result.asymmetry is not None else None,
    )
    return replace(result, anatomy=anatomy, frame=frame, scale=scale, metrics=measured.metrics,
                   lip_midpoint_deviation_mm=measured.lip_midpoint_deviation_mm, asymmetry=measured.asymmetry)


def mirror_result(result: PhotoAssessment, width_px: int) -> PhotoAssessment:
    """``result`` for the other reading of its image: a photo taken as a mirror image (a front-camera selfie) read
    as a plain one, or the reverse. Landmarks are flipped across the image's width and the patient's sides swap;
    head turn and tilt change sign. Measure it again with :func:`remeasure` (the frame follows the landmarks)."""
    if result.anatomy is None:
        raise FaceNerveError("only a measured photo can be mirrored", code="bad_option")
    pose = result.pose
    flipped_pose = None if pose is None else replace(pose, yaw_deg=-pose.yaw_deg, roll_deg=-pose.roll_deg)
    scale = result.scale
    if scale is not None:
        scale = replace(scale, iris_diameter_px=_swap_sides(scale.iris_diameter_px))
    quality = result.quality
    if quality is not None:
        quality = replace(quality, open_eyes=_swap_sides(quality.open_eyes))
    return replace(result, mirrored=not result.mirrored, anatomy=mirror_anatomy(result.anatomy, width_px),
                   pose=flipped_pose, scale=scale, quality=quality,
                   warnings=tuple(_SIDE_WORD.sub(lambda m: _OTHER_SIDE[m.group(0)], w) for w in result.warnings))


#: The photo's warnings name the patient's sides in these words ("head turned 12° toward the patient's left",
#: "scale from the right iris only"); a mirrored reading swaps them.
_SIDE_WORD = re.compile(r"\b(left|right)\b")
_OTHER_SIDE = {"left": "right", "right": "left"}


def _swap_sides(by_side: dict[Any, Any]) -> dict[Any, Any]:
    return {_OTHER_SIDE.get(side, side): value for side, value in by_side.items()}


def mirror_anatomy(anatomy: FaceAnatomy, width_px: int) -> FaceAnatomy:
    """``anatomy`` in the horizontally flipped image (``x → width_px − x``): the points that were the patient's
    right are now the left, and the reverse."""

    def flip(points: np.ndarray) -> np.ndarray:
        flipped = np.array(points, dtype=float, copy=True)
        flipped[..., 0] = width_px - flipped[..., 0]
        return flipped

    def flip_side(part: SideAnatomy) -> SideAnatomy:
        changed: dict[str, Any] = {f: flip(getattr(part, f)) for f in _SIDE_FIELDS}
        return replace(part, **changed)

    x, y, w, h = anatomy.bbox_px
    midline: dict[str, Any] = {f: flip(getattr(anatomy, f)) for f in _MIDLINE_FIELDS}
    return replace(anatomy, right=flip_side(anatomy.left), left=flip_side(anatomy.right), points_px=flip(
        anatomy.points_px), bbox_px=(int(width_px - x - w), y, w, h), depth_px=None, mesh_edges=(), **midline)


def anatomy_to_dict(anatomy: FaceAnatomy) -> dict[str, Any]:
    """The measuring landmarks as JSON (pixels, rounded to 0.01 px); the backend's raw mesh is not kept."""

    def pts(value: np.ndarray) -> Any:
        return np.round(np.asarray(value, dtype=float), 2).tolist()

    sides = {}
    for name in ("right", "left"):
        part = anatomy.side(name)  # type: ignore[arg-type]
        sides[name] = {f: pts(getattr(part, f)) for f in _SIDE_FIELDS}
        sides[name]["iris_diameter_px"] = part.iris_diameter_px
    return {"schema": ANATOMY_SCHEMA, "backend": anatomy.backend, "bbox_px": list(anatomy.bbox_px), **sides,
            **{f: pts(getattr(anatomy, f)) for f in _MIDLINE_FIELDS}}


def anatomy_from_dict(doc: dict[str, Any]) -> FaceAnatomy:
    """The anatomy stored by :func:`anatomy_to_dict`; raises ``FaceNerveError`` (``bad_landmarks``) if malformed."""
    try:
        sides = {}
        for name in ("right", "left"):
            raw = doc[name]
            values: dict[str, Any] = {f: _array(raw[f]) for f in _SIDE_FIELDS}
            diameter = raw.get("iris_diameter_px")
            values["iris_diameter_px"] = None if diameter is None else float(diameter)
            sides[name] = SideAnatomy(**values)
        midline = {f: _array(doc[f]) for f in _MIDLINE_FIELDS}
        points = np.vstack([np.atleast_2d(v) for s in sides.values() for v in (s.upper_lid, s.lower_lid)])
        bbox = tuple(int(v) for v in doc["bbox_px"])
        return FaceAnatomy(right=sides["right"], left=sides["left"], upper_lip_top=midline["upper_lip_top"],
                           upper_lip_inner_mid=midline["upper_lip_inner_mid"],
                           lower_lip_inner_mid=midline["lower_lip_inner_mid"],
                           lower_lip_bottom=midline["lower_lip_bottom"], nasion=midline["nasion"],
                           nose_tip=midline["nose_tip"], chin=midline["chin"], points_px=points,
                           bbox_px=(bbox[0], bbox[1], bbox[2], bbox[3]), backend=str(doc.get("backend", "")))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise FaceNerveError(f"unusable landmarks ({exc})", code="bad_landmarks") from None


def _array(value: Any) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(array)) or array.shape[-1] != 2:
        raise ValueError("landmarks must be finite (x, y) points")
    return array


def landmarks_document(result: PhotoAssessment) -> dict[str, Any]:
    """What re-measuring ``result`` later needs besides its ``facenerve.photo/1`` document: its landmarks and the
    weight each region's pairing earned (``region_reliability``)."""
    if result.anatomy is None:
        raise FaceNerveError("only a measured photo has landmarks", code="bad_option")
    reliability = result.asymmetry.region_reliability if result.asymmetry is not None else None
    return {**anatomy_to_dict(result.anatomy), "region_reliability": dict(reliability or {})}


def photo_from_documents(doc: dict[str, Any], landmarks: dict[str, Any]) -> PhotoAssessment:
    """A measured photo rebuilt from its ``facenerve.photo/1`` document and its :func:`landmarks_document`, then
    measured from those landmarks (what a session needs to be graded again, with no image and no detection)."""
    from facenerve.engine.frame import HeadPose
    from facenerve.engine.quality import Quality

    anatomy = anatomy_from_dict(landmarks)
    raw_scale, raw_quality = doc.get("scale") or {}, doc.get("quality") or {}
    pose_doc = (doc.get("face") or {}).get("pose_deg") or None
    try:
        scale = Scale(mm_per_px=float(raw_scale["mm_per_px"]), source=raw_scale.get("source") or "manual",
                      iris_diameter_px=dict(raw_scale.get("iris_diameter_px") or {}),
                      relative_uncertainty=raw_scale.get("relative_uncertainty"))
        pose = HeadPose(float(pose_doc["yaw"]), float(pose_doc["pitch"]), float(pose_doc["roll"])) if pose_doc else None
    except (KeyError, TypeError, ValueError) as exc:
        raise FaceNerveError(f"unusable photo document ({exc})", code="bad_landmarks") from None
    quality = Quality(warnings=(), sharpness=float(raw_quality.get("sharpness") or 0.0),
                      open_eyes=dict(raw_quality.get("open_eyes") or {}),
                      confidence_factor=float(raw_quality.get("confidence_factor") or 1.0))
    frame = face_frame(anatomy, pose.yaw_deg if pose is not None else None)
    measured = measure_landmarks(anatomy, frame, scale.mm_per_px, Expression(doc["expression"]),
                                 quality_factor=quality.confidence_factor,
                                 region_reliability=landmarks.get("region_reliability") or None)
    size = doc.get("image_size_px")
    return PhotoAssessment(
        image=str(doc.get("image", "")), expression=str(doc["expression"]), backend=str(doc.get("backend", "")),
        mirrored=bool(doc.get("mirrored")), landmark_passes=int(doc.get("landmark_passes") or 1), face_found=True,
        anatomy=anatomy, frame=frame, pose=pose, scale=scale, metrics=measured.metrics,
        lip_midpoint_deviation_mm=measured.lip_midpoint_deviation_mm, asymmetry=measured.asymmetry,
        quality=quality, warnings=tuple(doc.get("warnings") or ()),
        image_size_px=(int(size[0]), int(size[1])) if size else None,
    )
