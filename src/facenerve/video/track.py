"""Landmark tracking over video: MediaPipe Face Mesh in video mode, read with the engine's anatomy tables.

In video mode Face Mesh finds the face once and then follows it from frame to frame, which is much
faster and steadier than detecting it afresh. The 478 points are named by the photo engine's index
tables (``facenerve.engine.landmarks.mediapipe``), so the video measures exactly the photo's anatomy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from facenerve.engine.landmarks.base import FaceAnatomy
from facenerve.engine.landmarks.mediapipe import _MIDLINE, _side_anatomy, native_stderr_silenced
from facenerve.engine.quality import MIN_INTERPUPILLARY_PX

#: Face Mesh confidences for finding and for keeping the face (MediaPipe's defaults).
MIN_DETECTION_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5
#: Landmarks may overhang the frame by this fraction of the face's size before the frame counts as a
#: gap (the face is leaving the picture).
MAX_OVERHANG_FRACTION = 0.02


@dataclass(frozen=True)
class Tracked:
    """One frame's tracking result: the anatomy, or None and the reason it is a gap."""

    anatomy: FaceAnatomy | None
    gap_reason: str | None = None


class FaceTracker:
    """Face Mesh (video mode, iris refinement) from inside the mediapipe wheel. Create once, then ``close``."""

    def __init__(self) -> None:
        with native_stderr_silenced():
            from mediapipe.python.solutions import face_mesh

            self._mesh: Any = face_mesh.FaceMesh(
                static_image_mode=False,
                max_num_faces=1,
                refine_landmarks=True,
                min_detection_confidence=MIN_DETECTION_CONFIDENCE,
                min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
            )
            self._edges = tuple(sorted({tuple(sorted(e)) for e in face_mesh.FACEMESH_TESSELATION}))

    def track(self, rgb: np.ndarray) -> Tracked:
        """Landmarks of the face in this frame (RGB uint8, unmirrored), or a gap with its reason."""
        height, width = rgb.shape[:2]
        with native_stderr_silenced():
            result = self._mesh.process(rgb)
        if not result.multi_face_landmarks:
            return Tracked(None, "no_face")
        raw = np.array([(p.x, p.y) for p in result.multi_face_landmarks[0].landmark], dtype=float)
        xy = raw * np.array([width, height])
        anatomy = anatomy_from_mesh(xy, self._edges)
        span = xy.max(axis=0) - xy.min(axis=0)
        margin = MAX_OVERHANG_FRACTION * float(max(span))
        if xy.min() < -margin or xy[:, 0].max() > width + margin or xy[:, 1].max() > height + margin:
            return Tracked(None, "face_leaving_frame")
        ipd = float(np.linalg.norm(anatomy.left.iris_center - anatomy.right.iris_center))
        if ipd < MIN_INTERPUPILLARY_PX:
            return Tracked(None, "face_too_small")
        return Tracked(anatomy)

    def close(self) -> None:
        mesh, self._mesh = self._mesh, None
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
