"""Landmark tracking over video: MediaPipe Face Mesh in video mode, read with the engine's anatomy tables.

In video mode Face Mesh finds the face once and then follows it from frame to frame, which is much
faster and steadier than detecting it afresh. The 478 points are named by the photo engine's index
tables (``facenerve.engine.landmarks.mediapipe``), so the video measures exactly the photo's anatomy.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from facenerve.engine.landmarks.base import FaceAnatomy
from facenerve.engine.landmarks.mediapipe import (
    _MIDLINE,
    CropView,
    _side_anatomy,
    hemiface_sides,
    native_stderr_silenced,
)
from facenerve.engine.landmarks.mesh_roi import RoiMesh, landmark_array
from facenerve.engine.quality import DEGENERATE_INTERPUPILLARY_PX

#: Face Mesh confidences for finding and for keeping the face (MediaPipe's defaults).
MIN_DETECTION_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5
#: Landmarks may overhang the frame by this fraction of the face's size before the frame counts as a
#: gap (the face is leaving the picture).
MAX_OVERHANG_FRACTION = 0.02
#: Hemiface composites are built on a crop this fraction of the face's size beyond it on each side.
HEMIFACE_CROP_MARGIN = 0.25


@dataclass(frozen=True)
class Tracked:
    """One frame's tracking result: the anatomy, or None and the reason it is a gap."""

    anatomy: FaceAnatomy | None
    gap_reason: str | None = None


class FaceTracker:
    """Face Mesh (video mode, iris refinement) from inside the mediapipe wheel. Create once, then ``close``.

    With ``hemiface``, each side is measured on a mirror composite of that half of the face, as the
    photo engine does: the whole-face mesh pulls an asymmetric face toward symmetry, a composite has
    nothing to pull toward. The composites reuse the tracked face's region, so they need no face
    detector; the two run side by side.
    """

    def __init__(self, *, hemiface: bool = False) -> None:
        self.hemiface = hemiface
        with native_stderr_silenced():
            from mediapipe.python.solutions import face_mesh

            self._mesh: Any = face_mesh.FaceMesh(
                static_image_mode=False,
                max_num_faces=1,
                refine_landmarks=True,
                min_detection_confidence=MIN_DETECTION_CONFIDENCE,
                min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
            )
            self._half: dict[str, RoiMesh] = {side: RoiMesh() for side in ("right", "left")} if hemiface else {}
            self._edges = tuple(sorted({tuple(sorted(e)) for e in face_mesh.FACEMESH_TESSELATION}))
        self._pool = ThreadPoolExecutor(max_workers=1) if hemiface else None

    def track(self, rgb: np.ndarray) -> Tracked:
        """Landmarks of the face in this frame (RGB uint8, unmirrored), or a gap with its reason."""
        height, width = rgb.shape[:2]
        with native_stderr_silenced():
            result = self._mesh.process(rgb)
            if not result.multi_face_landmarks:
                return Tracked(None, "no_face")
            raw = landmark_array(result.multi_face_landmarks[0])[:, :2]
            xy = raw * np.array([width, height])
            anatomy = anatomy_from_mesh(xy, self._edges)
            if self.hemiface:
                anatomy = self._with_hemiface_sides(rgb, xy, anatomy)
        span = xy.max(axis=0) - xy.min(axis=0)
        margin = MAX_OVERHANG_FRACTION * float(max(span))
        if xy.min() < -margin or xy[:, 0].max() > width + margin or xy[:, 1].max() > height + margin:
            return Tracked(None, "face_leaving_frame")
        ipd = float(np.linalg.norm(anatomy.left.iris_center - anatomy.right.iris_center))
        if ipd < DEGENERATE_INTERPUPILLARY_PX:  # small faces are measured, as in photos
            return Tracked(None, "face_too_small")
        return Tracked(anatomy)

    def _with_hemiface_sides(self, rgb: np.ndarray, xy: np.ndarray, anatomy: FaceAnatomy) -> FaceAnatomy:
        """Both sides measured on hemi-face composites of a crop around the face.

        The crop (``HEMIFACE_CROP_MARGIN`` of the face's size beyond it on each side) keeps the cost
        independent of the frame size.
        """
        height, width = rgb.shape[:2]
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        pad = HEMIFACE_CROP_MARGIN * float(max(hi - lo))
        x0, y0 = max(int(lo[0] - pad), 0), max(int(lo[1] - pad), 0)
        x1, y1 = min(int(hi[0] + pad) + 1, width), min(int(hi[1] + pad) + 1, height)
        view = CropView(np.ascontiguousarray(rgb[y0:y1, x0:x1]), (x0, y0), 1.0)
        local = xy - np.array([x0, y0], dtype=float)
        sides = hemiface_sides(view, local, self._half, self._pool)
        return replace(anatomy, right=sides["right"], left=sides["left"])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        meshes = [self._mesh, *self._half.values()]
        self._mesh, self._half = None, {}
        for mesh in meshes:
            if mesh is not None:
                mesh.close()

    def __enter__(self) -> FaceTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def anatomy_from_mesh(xy: np.ndarray, edges: tuple[tuple[int, ...], ...] = ()) -> FaceAnatomy:
    """The engine's :class:`FaceAnatomy` from 478 Face Mesh points (image px), by the engine's index tables."""
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    return FaceAnatomy(
        right=_side_anatomy(xy, "right"),
        left=_side_anatomy(xy, "left"),
        points_px=xy,
        bbox_px=(int(x0), int(y0), int(x1 - x0), int(y1 - y0)),
        backend="mediapipe-video",
        mesh_edges=edges,  # type: ignore[arg-type]
        **{name: xy[idx].astype(float) for name, idx in _MIDLINE.items()},
    )
