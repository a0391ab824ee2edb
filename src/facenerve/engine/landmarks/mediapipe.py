"""MediaPipe Face Mesh with iris refinement (478 points), models from inside the wheel.

Small or distant faces are found first with the full-range face detector; the mesh then runs
on a crop around the largest face, which it would otherwise miss.
Index tables follow MediaPipe's canonical mesh; MediaPipe's "left" is the subject's left.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from facenerve.engine.landmarks.base import Detection, FaceAnatomy, SideAnatomy, contour

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# Patient-side index tables (contours medial → lateral; lips midline → commissure).
_SIDE_INDICES: dict[str, dict[str, tuple[int, ...]]] = {
    "right": {
        "brow_upper": (107, 66, 105, 63, 70),
        "upper_lid": (133, 173, 157, 158, 159, 160, 161, 246, 33),
        "lower_lid": (133, 155, 154, 153, 145, 144, 163, 7, 33),
        "medial_canthus": (133,),
        "lateral_canthus": (33,),
        "iris_center": (468,),
        "iris_ring": (469, 470, 471, 472),
        "commissure": (61,),
        "upper_lip_outer": (0, 37, 39, 40, 185, 61),
        "upper_lip_inner": (13, 82, 81, 80, 191, 78),
        "lower_lip_inner": (14, 87, 178, 88, 95, 78),
        "lower_lip_outer": (17, 84, 181, 91, 146, 61),
        "alar_base": (64,),
    },
    "left": {
        "brow_upper": (336, 296, 334, 293, 300),
        "upper_lid": (362, 398, 384, 385, 386, 387, 388, 466, 263),
        "lower_lid": (362, 382, 381, 380, 374, 373, 390, 249, 263),
        "medial_canthus": (362,),
        "lateral_canthus": (263,),
        "iris_center": (473,),
        "iris_ring": (474, 475, 476, 477),
        "commissure": (291,),
        "upper_lip_outer": (0, 267, 269, 270, 409, 291),
        "upper_lip_inner": (13, 312, 311, 310, 415, 308),
        "lower_lip_inner": (14, 317, 402, 318, 324, 308),
        "lower_lip_outer": (17, 314, 405, 321, 375, 291),
        "alar_base": (294,),
    },
}
_MIDLINE = {
    "upper_lip_top": 0,
    "upper_lip_inner_mid": 13,
    "lower_lip_inner_mid": 14,
    "lower_lip_bottom": 17,
    "nasion": 168,
    "nose_tip": 1,
    "chin": 152,
}
#: Detections below this score are not counted as faces.
MIN_FACE_SCORE = 0.5
#: The crop around a detected face is this many times the detector's box.
CROP_FACTOR = 2.0
#: The crop handed to the mesh is resized so that its longer side lies in this range (px).
CROP_SIDE_RANGE_PX = (256, 640)


class MediaPipeDetector:
    """Face Mesh + iris landmarks; one instance per process (it holds TFLite graphs)."""

    name = "mediapipe"

    def __init__(self, *, hemiface_composites: bool = True) -> None:
        self.hemiface_composites = hemiface_composites
        with native_stderr_silenced():
            from mediapipe.python.solutions import face_detection, face_mesh

            self._graphs_init(face_detection, face_mesh)

    def _graphs_init(self, face_detection: Any, face_mesh: Any) -> None:
        self._full_range = face_detection.FaceDetection(model_selection=1, min_detection_confidence=MIN_FACE_SCORE)
        self._short_range = face_detection.FaceDetection(model_selection=0, min_detection_confidence=MIN_FACE_SCORE)
        self._mesh = face_mesh.FaceMesh(
            static_image_mode=True, max_num_faces=1, refine_landmarks=True, min_detection_confidence=0.3
        )
        self._graphs: tuple[Any, ...] = (self._full_range, self._short_range, self._mesh)
        self._edges = tuple(sorted({tuple(sorted(e)) for e in face_mesh.FACEMESH_TESSELATION}))

    def close(self) -> None:
        graphs, self._graphs = getattr(self, "_graphs", ()), ()
        for graph in graphs:
            graph.close()

    def __enter__(self) -> MediaPipeDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def detect(self, rgb: np.ndarray) -> Detection:
        with native_stderr_silenced():  # TFLite logs model set-up straight to fd 2
            return self._detect(rgb)

    def _detect(self, rgb: np.ndarray) -> Detection:
        rgb = np.ascontiguousarray(rgb)
        boxes = self._face_boxes(rgb, self._full_range) or self._face_boxes(rgb, self._short_range)
        if boxes:
            boxes.sort(key=lambda b: b[2] * b[3], reverse=True)
            view = _CropView.around(rgb, boxes[0])
        else:
            view = _CropView.whole(rgb)
        if view is None:
            return Detection(None, len(boxes))
        points = self._mesh_points(view.pixels)
        if points is None:
            return Detection(None, len(boxes))
        if self.hemiface_composites:
            sides = {side: self._hemiface_side(view, points, side) for side in ("right", "left")}
        else:
            whole = view.to_image(points)[:, :2]
            sides = {side: _side_anatomy(whole, side) for side in ("right", "left")}
        return Detection(self._anatomy(view.to_image(points), sides), max(len(boxes), 1))

    def _hemiface_side(self, view: _CropView, points: np.ndarray, side: str) -> SideAnatomy:
        """Landmarks of ``side`` measured on a mirror composite made of that half of the face.

        Face Mesh couples the two halves and pulls an asymmetric face toward symmetry; on a
        composite of one half and its mirror image there is nothing to pull toward. The composite
        also yields a second estimate of each point: its mirror partner on the reflected half,
        reflected back. Their mean makes the result equivariant to flipping the photo.
        Falls back to the whole-face ``points`` if the mesh fails on the composite.
        """
        right_pupil, left_pupil = points[468, :2], points[473, :2]
        origin = (right_pupil + left_pupil) / 2.0
        normal = left_pupil - right_pupil
        normal = normal / max(float(np.linalg.norm(normal)), 1e-6)
        height, width = view.pixels.shape[:2]
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        offset = (xs - origin[0]) * normal[0] + (ys - origin[1]) * normal[1]
        # Patient's left lies at positive offset (toward the left pupil).
        mirror = offset < 0 if side == "left" else offset > 0
        map_x = np.where(mirror, xs - 2 * offset * normal[0], xs).astype(np.float32)
        map_y = np.where(mirror, ys - 2 * offset * normal[1], ys).astype(np.float32)
        composite = cv2.remap(view.pixels, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        half = self._mesh_points(composite)
        if half is None:
            return _side_anatomy(view.to_image(points)[:, :2], side)
        xy = half[:, :2]
        reflected = xy - 2.0 * ((xy - origin) @ normal)[:, None] * normal[None, :]
        other = "left" if side == "right" else "right"
        kept = _side_anatomy(view.to_image(xy), side)
        partner = _side_anatomy(view.to_image(reflected), other)
        return _mean_anatomy(kept, partner)

    def _face_boxes(self, rgb: np.ndarray, detector: Any) -> list[tuple[float, float, float, float]]:
        height, width = rgb.shape[:2]
        result = detector.process(rgb)
        boxes = []
        for det in result.detections or []:
            if det.score and det.score[0] < MIN_FACE_SCORE:
                continue
            rel = det.location_data.relative_bounding_box
            boxes.append((rel.xmin * width, rel.ymin * height, rel.width * width, rel.height * height))
        return boxes

    def _mesh_points(self, rgb: np.ndarray) -> np.ndarray | None:
        """(478, 3) landmarks in pixels (x, y, depth), or None."""
        result = self._mesh.process(rgb)
        if not result.multi_face_landmarks:
            return None
        height, width = rgb.shape[:2]
        raw = np.array([(p.x, p.y, p.z) for p in result.multi_face_landmarks[0].landmark], dtype=float)
        return np.asarray(raw * np.array([width, height, width]))

    def _anatomy(self, points: np.ndarray, sides: dict[str, SideAnatomy]) -> FaceAnatomy:
        xy = points[:, :2]
        x0, y0 = xy.min(axis=0)
        x1, y1 = xy.max(axis=0)
        return FaceAnatomy(
            right=sides["right"],
            left=sides["left"],
            points_px=xy,
            depth_px=points[:, 2],
            bbox_px=(int(x0), int(y0), int(x1 - x0), int(y1 - y0)),
            backend=self.name,
            mesh_edges=self._edges,
            **{name: xy[idx].astype(float) for name, idx in _MIDLINE.items()},
        )


def _side_anatomy(xy: np.ndarray, table_side: str) -> SideAnatomy:
    """One side's anatomy read from ``xy`` with ``table_side``'s indices.

    ``xy`` may be reflected points (a partner estimate): the horizontal iris diameter is the same
    under reflection, so nothing else changes.
    """
    table = _SIDE_INDICES[table_side]
    values: dict[str, Any] = {name: contour(xy, idx) for name, idx in table.items() if name != "iris_ring"}
    for single in ("medial_canthus", "lateral_canthus", "iris_center", "commissure", "alar_base"):
        values[single] = values[single][0]
    ring = xy[list(table["iris_ring"])]
    # Horizontal visible iris diameter (white-to-white), as the 11.77 mm reference is [S80, S82].
    diameter = float(np.linalg.norm(ring[0] - ring[2]))
    return SideAnatomy(iris_diameter_px=diameter, **values)


def _mean_anatomy(a: SideAnatomy, b: SideAnatomy) -> SideAnatomy:
    values: dict[str, Any] = {
        name: (value + getattr(b, name)) / 2.0 for name, value in a.__dict__.items() if name != "iris_diameter_px"
    }
    diameters = [d for d in (a.iris_diameter_px, b.iris_diameter_px) if d]
    return SideAnatomy(iris_diameter_px=sum(diameters) / len(diameters) if diameters else None, **values)


@dataclass(frozen=True)
class _CropView:
    """A face crop resampled for the mesh, and the map back to image pixels."""

    pixels: np.ndarray
    origin_px: tuple[int, int]
    factor: float

    @classmethod
    def around(cls, rgb: np.ndarray, box: tuple[float, float, float, float]) -> _CropView | None:
        height, width = rgb.shape[:2]
        x, y, w, h = box
        side = CROP_FACTOR * max(w, h)
        cx, cy = x + w / 2, y + h / 2
        x0, y0 = max(int(cx - side / 2), 0), max(int(cy - side / 2), 0)
        x1, y1 = min(int(cx + side / 2), width), min(int(cy + side / 2), height)
        crop = rgb[y0:y1, x0:x1]
        if crop.size == 0:
            return None
        longest = max(crop.shape[:2])
        factor = float(np.clip(longest, *CROP_SIDE_RANGE_PX)) / longest
        if abs(factor - 1.0) > 1e-3:
            interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
            crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=interp)
        return cls(np.ascontiguousarray(crop), (x0, y0), factor)

    @classmethod
    def whole(cls, rgb: np.ndarray) -> _CropView | None:
        return cls(rgb, (0, 0), 1.0)

    def to_image(self, points: np.ndarray) -> np.ndarray:
        out = np.array(points, dtype=float)
        out[:, :3] /= self.factor
        out[:, 0] += self.origin_px[0]
        out[:, 1] += self.origin_px[1]
        return out


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null while MediaPipe's C++ side logs its set-up."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)
