"""Landmark correction by hand: the handles a clinician may move, applying the moves to stored landmarks, and
measuring and grading again through the engine (:func:`facenerve.engine.remeasure.remeasure`,
:func:`facenerve.session.analyze.grade_photos`) with no detection.

The automatic result is kept (``result["automatic"]``, ``landmarks["automatic"]``); the correction records who
made it and when, and can be reset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from facenerve.engine.calibrate import DEFAULT_IRIS_MM
from facenerve.engine.landmarks.base import FaceAnatomy, SideAnatomy
from facenerve.engine.remeasure import (
    anatomy_from_dict,
    landmarks_document,
    mirror_result,
    photo_from_documents,
    remeasure,
)
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression
from facenerve.web.clinic.models import Assessment, AssessmentPhoto
from facenerve.web.clinic.photos import AUTOMATED_COLUMNS, annotated_png
from facenerve.web.storage import default_store

SIDE_NAMES = {"right": "patient's right", "left": "patient's left"}
#: Side handles: id suffix → (label, anatomy field, kind). "contour" handles sit where the measure reads the contour
#: (above or below the pupil) and bend the contour around them; "iris" sets the iris size.
SIDE_HANDLES: tuple[tuple[str, str, str, str], ...] = (
    ("pupil", "Pupil", "iris_center", "point"),
    ("iris", "Iris edge (iris size)", "iris_center", "iris"),
    ("brow", "Brow, upper margin", "brow_upper", "contour"),
    ("upper_lid", "Upper lid margin", "upper_lid", "contour"),
    ("lower_lid", "Lower lid margin", "lower_lid", "contour"),
    ("medial_canthus", "Inner eye corner", "medial_canthus", "point"),
    ("lateral_canthus", "Outer eye corner", "lateral_canthus", "point"),
    ("commissure", "Mouth corner", "commissure", "commissure"),
    ("alar_base", "Nose wing base", "alar_base", "point"),
)
MIDLINE_HANDLES: tuple[tuple[str, str, str], ...] = (
    ("nasion", "Nasion (midline)", "nasion"),
    ("upper_lip_inner_mid", "Lip midpoint, upper lip", "upper_lip_inner_mid"),
    ("lower_lip_inner_mid", "Lip midpoint, lower lip", "lower_lip_inner_mid"),
    ("upper_lip_top", "Upper lip top (midline)", "upper_lip_top"),
    ("lower_lip_bottom", "Lower lip bottom (midline)", "lower_lip_bottom"),
    ("chin", "Chin (midline)", "chin"),
)
LIP_CONTOURS = ("upper_lip_outer", "upper_lip_inner", "lower_lip_inner", "lower_lip_outer")
#: The largest move accepted for one handle, as a share of the face box (a bigger one is a slip).
MAX_MOVE_SHARE = 0.5


class CorrectionError(ValueError):
    """A correction that cannot be used (answered 400 with this one-line message)."""


@dataclass(frozen=True)
class Handle:
    id: str
    label: str
    x: float
    y: float


def handles(anatomy: FaceAnatomy) -> list[Handle]:
    """Every movable landmark, at its position in the image (pixels)."""
    found: list[Handle] = []
    for side in ("right", "left"):
        part = anatomy.side(side)  # type: ignore[arg-type]
        for key, label, field, kind in SIDE_HANDLES:
            point = _handle_point(part, field, kind)
            found.append(Handle(f"{side}.{key}", f"{label}, {SIDE_NAMES[side]}", float(point[0]), float(point[1])))
    for key, label, field in MIDLINE_HANDLES:
        point = np.asarray(getattr(anatomy, field), dtype=float).reshape(-1, 2)[0]
        found.append(Handle(key, label, float(point[0]), float(point[1])))
    return found


def _handle_point(part: SideAnatomy, field: str, kind: str) -> np.ndarray:
    if kind == "iris":
        radius = (part.iris_diameter_px or 0.0) / 2.0
        edge: np.ndarray = np.asarray(part.iris_center, dtype=float).reshape(2) + np.array([radius, 0.0])
        return edge
    if kind == "contour":
        contour = np.asarray(getattr(part, field), dtype=float)
        reading: np.ndarray = contour[_nearest(contour, float(np.asarray(part.iris_center).reshape(2)[0]))]
        return reading
    return np.asarray(getattr(part, field), dtype=float).reshape(2)


def _nearest(contour: np.ndarray, x: float) -> int:
    return int(np.argmin(np.abs(contour[:, 0] - x)))


def apply_moves(anatomy: FaceAnatomy, moves: dict[str, Any]) -> FaceAnatomy:
    """``anatomy`` with the handles in ``moves`` ({handle id: [x, y]}) placed where the clinician put them."""
    known = {h.id: h for h in handles(anatomy)}
    limit = MAX_MOVE_SHARE * max(anatomy.bbox_px[2], anatomy.bbox_px[3], 1)
    sides = {"right": anatomy.right, "left": anatomy.left}
    midline: dict[str, Any] = {}
    for handle_id, raw in moves.items():
        handle = known.get(str(handle_id))
        if handle is None:
            raise CorrectionError(f"unknown landmark {str(handle_id)[:40]!r}")
        target = _point(raw, handle.label)
        delta = target - np.array([handle.x, handle.y])
        if float(np.hypot(*delta)) > limit:
            raise CorrectionError(f"{handle.label} moved too far ({np.hypot(*delta):.0f} px)")
        if not delta.any():
            continue
        if "." in handle.id:
            side, key = handle.id.split(".", 1)
            sides[side] = _moved_side(sides[side], key, target, delta)
        else:
            field = next(f for k, _, f in MIDLINE_HANDLES if k == handle.id)
            midline[field] = target
    return replace(anatomy, right=sides["right"], left=sides["left"], **midline)


def _point(raw: Any, label: str) -> np.ndarray:
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        raise CorrectionError(f"{label}: a position is [x, y]")
    try:
        point = np.array([float(raw[0]), float(raw[1])])
    except (TypeError, ValueError):
        raise CorrectionError(f"{label}: a position is two numbers") from None
    if not np.all(np.isfinite(point)):
        raise CorrectionError(f"{label}: a position must be finite")
    return point


def _moved_side(part: SideAnatomy, key: str, target: np.ndarray, delta: np.ndarray) -> SideAnatomy:
    _, _, field, kind = next(h for h in SIDE_HANDLES if h[0] == key)
    if kind == "point":
        point: dict[str, Any] = {field: target}
        return replace(part, **point)
    if kind == "iris":
        diameter = 2.0 * float(np.hypot(*(target - np.asarray(part.iris_center).reshape(2))))
        if diameter < 2.0:
            raise CorrectionError("the iris must be at least 2 pixels across")
        return replace(part, iris_diameter_px=diameter)
    if kind == "contour":
        contour = np.asarray(getattr(part, field), dtype=float)
        at = _nearest(contour, float(np.asarray(part.iris_center).reshape(2)[0]))
        spread = max(len(contour) / 3.0, 1.0)
        weights = np.exp(-(((np.arange(len(contour)) - at) / spread) ** 2))
        bent: dict[str, Any] = {field: contour + weights[:, None] * delta}
        return replace(part, **bent)
    # The mouth corner: the lip contours (midline → corner) follow it, more toward the corner.
    changes: dict[str, Any] = {"commissure": target}
    for name in LIP_CONTOURS:
        contour = np.asarray(getattr(part, name), dtype=float)
        weights = np.linspace(0.0, 1.0, len(contour)) ** 2
        changes[name] = contour + weights[:, None] * delta
    return replace(part, **changes)


def correct(photo: AssessmentPhoto, moves: dict[str, Any], mm_per_px: float | None, user: Any,
            mirrored: bool | None = None) -> None:
    """Re-measure ``photo`` from its landmarks with ``moves`` applied (and ``mm_per_px``, when given; read as a
    mirror image or not when ``mirrored`` differs from the stored reading), redraw it, record who corrected it and
    when, then grade its session again."""
    if not photo.landmarks or not (photo.result or {}).get("metrics"):
        raise CorrectionError("this photo has no stored landmarks to correct (it was not measured)")
    automatic = photo.landmarks.get("automatic") or {k: v for k, v in photo.landmarks.items() if k != "automatic"}
    base = photo_from_documents(photo.result, photo.landmarks)
    assert base.anatomy is not None and base.scale is not None
    anatomy = apply_moves(base.anatomy, moves)
    iris_moved = _iris_changed(base.anatomy, anatomy)
    flip = mirrored is not None and mirrored != base.mirrored
    if flip:  # the moves were placed on the picture as shown; then the sides swap
        base = mirror_result(replace(base, anatomy=anatomy), photo.width_px)
        anatomy = base.anatomy  # type: ignore[assignment]  # mirror_result keeps a measured photo's anatomy
    if mm_per_px is None and base.scale is not None and base.scale.source in ("iris", "iris_one_eye") and iris_moved:
        mm_per_px = _iris_scale(anatomy)
    if mm_per_px is not None and not (0.001 <= mm_per_px <= 5.0):
        raise CorrectionError("the scale must be between 0.001 and 5 mm per pixel")
    try:
        measured = remeasure(base, anatomy, mm_per_px=mm_per_px)
    except FaceNerveError as exc:
        raise CorrectionError(exc.message) from None
    original = (photo.result or {}).get("automatic") or {k: v for k, v in photo.result.items() if k != "automatic"}
    doc = {**measured.to_dict(), "image": photo.result.get("image", ""),
           "image_size_px": photo.result.get("image_size_px"),
           "corrected": {"by": getattr(user, "username", ""), "at": timezone.now().isoformat(timespec="seconds"),
                         "handles": sorted(str(k) for k in moves), "scale_given": mm_per_px is not None,
                         "mirror_changed": flip},
           "automatic": original}
    doc["automatic"].setdefault("annotated_sha256", photo.annotated_sha256)
    rgb = _original_rgb(photo)
    with transaction.atomic():
        photo.annotated_sha256 = default_store().put(annotated_png(rgb, measured))
        photo.result = doc
        photo.landmarks = {**landmarks_document(measured), "automatic": automatic}
        photo.save(update_fields=["annotated_sha256", "result", "landmarks"])
        regrade(photo.assessment)


def reset(photo: AssessmentPhoto) -> None:
    """Back to the automatic result and landmarks; the session is graded again."""
    automatic = (photo.result or {}).get("automatic")
    if not automatic:
        raise CorrectionError("this photo has not been corrected")
    with transaction.atomic():
        photo.annotated_sha256 = automatic.pop("annotated_sha256", photo.annotated_sha256)
        photo.result = automatic
        photo.landmarks = (photo.landmarks or {}).get("automatic") or photo.landmarks
        photo.save(update_fields=["annotated_sha256", "result", "landmarks"])
        regrade(photo.assessment)


def regrade(assessment: Assessment) -> None:
    """Grade the session again from every photo's stored landmarks (no detection): the summary figures, the
    automated grades and the session document follow. Only an automated or empty column takes the new estimate;
    a figure a clinician entered, or one recorded without a source, stays."""
    from facenerve.session.analyze import grade_photos

    photos = {}
    for row in assessment.photos.all():
        if row.landmarks and (row.result or {}).get("metrics"):
            photos[Expression(row.expression)] = photo_from_documents(row.result, row.landmarks)
    if not photos:
        return
    session = grade_photos(photos)
    pooled = session.side
    engine_result = {k: v for k, v in session.to_dict().items() if k not in ("photos", "source")}
    engine_result["source"] = (assessment.engine_result or {}).get("source", "<upload>")
    engine_result["regraded_from_landmarks"] = True
    assessment.engine_result = engine_result
    assessment.asymmetry_index_mm = (None if pooled is None or pooled.index_mm is None
                                     else round(pooled.index_mm, 2))
    assessment.affected_side = session.affected_side if session.affected_side in ("left", "right") else ""
    sources = dict(assessment.summary_sources or {})
    for scale, key, column in AUTOMATED_COLUMNS:
        if sources.get(column) != "automated" and getattr(assessment, column) is not None:
            continue  # a clinician's figure, or one recorded without a source, is never replaced by an estimate
        value = (engine_result.get("scores", {}).get(scale) or {}).get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            setattr(assessment, column, int(value) if column == "house_brackmann" else float(value))
            sources[column] = "automated"
        elif sources.get(column) == "automated":
            setattr(assessment, column, None)
            sources.pop(column)
    assessment.summary_sources = sources
    assessment.save()


def _iris_changed(before: FaceAnatomy, after: FaceAnatomy) -> bool:
    return any(before.side(s).iris_diameter_px != after.side(s).iris_diameter_px  # type: ignore[arg-type]
               for s in ("left", "right"))


def _iris_scale(anatomy: FaceAnatomy) -> float | None:
    sizes = [d for d in (anatomy.right.iris_diameter_px, anatomy.left.iris_diameter_px) if d and math.isfinite(d)]
    return DEFAULT_IRIS_MM / (sum(sizes) / len(sizes)) if sizes else None


def _original_rgb(photo: AssessmentPhoto) -> Any:
    from facenerve.io.images import load_image

    return load_image(default_store().read(photo.image_sha256), name="stored photo").rgb


def anatomy_of(photo: AssessmentPhoto) -> FaceAnatomy | None:
    """The photo's stored landmarks, or None."""
    if not photo.landmarks:
        return None
    try:
        return anatomy_from_dict(photo.landmarks)
    except FaceNerveError:
        return None
