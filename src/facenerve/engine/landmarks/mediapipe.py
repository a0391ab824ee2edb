"""MediaPipe Face Mesh with iris refinement (478 points), models from inside the wheel.

Faces are found first with the face detector (the full-range model for small or distant faces);
the mesh then runs on a crop around the largest face, which it would otherwise miss.
Index tables follow MediaPipe's canonical mesh; MediaPipe's "left" is the subject's left.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from facenerve.engine.landmarks.base import Detection, FaceAnatomy, SideAnatomy, contour
from facenerve.engine.landmarks.hemiface import MirrorAxis
from facenerve.engine.landmarks.mesh_roi import GraphDriver, Roi, RoiMesh, check_landmark_passes, landmark_array

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
#: In a photo larger than this (px) with no face found whole, the full-range detector also searches
#: tiles of this size, overlapping by ``TILE_OVERLAP``: a distant face spans more of its 192-px input.
TILE_SIDE_PX = 1280
TILE_OVERLAP = 0.25
#: Hemi-face composites are built at a resolution where the landmark ROI spans about this many
#: pixels; the landmark model samples the ROI at 192 px, so a larger composite only costs time.
COMPOSITE_ROI_SIDE_PX = 288


class MediaPipeDetector:
    """Face Mesh + iris landmarks; one instance per process (it holds TFLite graphs).

    Per photo: the face detector on the whole image (short range, then full range for small or
    distant faces), one landmark pass on a crop around the largest face, and, with
    ``hemiface_composites``, one landmark pass on each hemi-face composite. The landmark passes
    reuse the detector's region instead of detecting again. With ``landmark_passes`` of 2 or 3, each
    of those regions is read that many times, on slightly different regions, and averaged.
    """

    name = "mediapipe"

    def __init__(self, *, hemiface_composites: bool = True, landmark_passes: int = 1) -> None:
        self.hemiface_composites = hemiface_composites
        self.landmark_passes = check_landmark_passes(landmark_passes)
        with native_stderr_silenced():
            from mediapipe.python.solutions import face_detection, face_mesh

            self._short_range = GraphDriver(
                face_detection.FaceDetection(model_selection=0, min_detection_confidence=MIN_FACE_SCORE)
            )
            self._full_range = GraphDriver(
                face_detection.FaceDetection(model_selection=1, min_detection_confidence=MIN_FACE_SCORE)
            )
            self._roi_mesh = RoiMesh()
            self._edges = tuple(sorted({tuple(sorted(e)) for e in face_mesh.FACEMESH_TESSELATION}))
        self._whole_mesh: Any = None
        self._graphs: list[Any] = [self._short_range, self._full_range, self._roi_mesh]
        self._lock = threading.Lock()

    def close(self) -> None:
        graphs, self._graphs = getattr(self, "_graphs", []), []
        for graph in graphs:
            graph.close()

    def __enter__(self) -> MediaPipeDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def detect(self, rgb: np.ndarray) -> Detection:
        """Thread-safe: the graphs serve one photo at a time (a web server's threads share this instance)."""
        with self._lock, native_stderr_silenced():  # TFLite logs model set-up straight to fd 2
            return self._detect(rgb)

    def _detect(self, rgb: np.ndarray) -> Detection:
        rgb = np.ascontiguousarray(rgb)
        faces = self._all_faces(rgb)
        points: np.ndarray | None = None
        if faces:
            faces.sort(key=lambda f: f.box_px[2] * f.box_px[3], reverse=True)
            view = CropView.around(rgb, faces[0].box_px)
            if view is None:
                return Detection(None, len(faces))
            points = self._roi_mesh.points(view.pixels, view.roi_of(faces[0]), self.landmark_passes)
        else:
            view = CropView.whole(rgb)
        if points is None:  # no detection at MIN_FACE_SCORE, or no mesh on its region
            points = self._searched_mesh(view.pixels)
        if points is None:
            return Detection(None, len(faces))
        whole = view.to_image(points)
        if self.hemiface_composites:
            meshes = {"right": self._roi_mesh, "left": self._roi_mesh}
            sides = hemiface_sides(view, points, meshes, passes=self.landmark_passes)
        else:
            sides = {side: _side_anatomy(whole[:, :2], side) for side in ("right", "left")}
        return Detection(self._anatomy(whole, sides), max(len(faces), 1))

    def _all_faces(self, rgb: np.ndarray) -> list[_Face]:
        """Faces at ``MIN_FACE_SCORE`` or more: short-range model first, full-range if it finds none.

        The detectors get the whole photo: their graphs scale it to the model's input (128 or 192 px)
        faster than a resize here would. In a large photo where neither finds a face, the full-range
        model also searches overlapping tiles, where a distant face spans more of its input.
        """
        faces = self._faces(rgb, self._short_range) or self._faces(rgb, self._full_range)
        if faces or max(rgb.shape[:2]) <= TILE_SIDE_PX:
            return faces
        return _distinct(
            [face for tile, origin in _tiles(rgb) for face in self._faces(tile, self._full_range, origin)]
        )

    def _faces(self, rgb: np.ndarray, detector: GraphDriver, origin_px: tuple[int, int] = (0, 0)) -> list[_Face]:
        """Detector hits in ``rgb``, in pixels of the photo ``rgb`` starts at ``origin_px`` of."""
        from mediapipe.python import packet_getter

        height, width = rgb.shape[:2]
        ox, oy = origin_px
        outputs = detector.run(np.ascontiguousarray(rgb))
        faces = []
        for det in packet_getter.get_proto_list(outputs["detections"]) if "detections" in outputs else []:
            if det.score and det.score[0] < MIN_FACE_SCORE:
                continue
            data = det.location_data
            rel = data.relative_bounding_box
            eyes = [np.array([ox + k.x * width, oy + k.y * height]) for k in data.relative_keypoints[:2]]
            box = (ox + rel.xmin * width, oy + rel.ymin * height, rel.width * width, rel.height * height)
            faces.append(_Face(box, eyes[0], eyes[1], float(det.score[0]) if det.score else 1.0))
        return faces

    def _searched_mesh(self, rgb: np.ndarray) -> np.ndarray | None:
        """FaceMesh with its own, more permissive detector: the fallback when no region is known."""
        if self._whole_mesh is None:
            from mediapipe.python.solutions import face_mesh

            self._whole_mesh = face_mesh.FaceMesh(
                static_image_mode=True, max_num_faces=1, refine_landmarks=True, min_detection_confidence=0.3
            )
            self._graphs.append(self._whole_mesh)
        result = self._whole_mesh.process(rgb)
        if not result.multi_face_landmarks:
            return None
        height, width = rgb.shape[:2]
        raw = landmark_array(result.multi_face_landmarks[0])
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


@dataclass(frozen=True)
class _Face:
    """A face detector hit in image pixels: box (x, y, w, h) and the patient's right and left eye."""

    box_px: tuple[float, float, float, float]
    right_eye_px: np.ndarray
    left_eye_px: np.ndarray
    score: float = 1.0


def _tiles(rgb: np.ndarray) -> Iterator[tuple[np.ndarray, tuple[int, int]]]:
    """Square tiles of ``TILE_SIDE_PX`` covering the photo, overlapping by ``TILE_OVERLAP``, and their origins."""
    height, width = rgb.shape[:2]
    step = int(TILE_SIDE_PX * (1.0 - TILE_OVERLAP))

    def starts(length: int) -> list[int]:
        last = max(length - TILE_SIDE_PX, 0)
        return sorted({*range(0, last, step), last})

    for y0 in starts(height):
        for x0 in starts(width):
            yield rgb[y0 : y0 + TILE_SIDE_PX, x0 : x0 + TILE_SIDE_PX], (x0, y0)


def _distinct(faces: list[_Face]) -> list[_Face]:
    """One hit per face: of boxes overlapping by more than a third (IoU), the higher-scoring one."""
    kept: list[_Face] = []
    for face in sorted(faces, key=lambda f: f.score, reverse=True):
        if all(_iou(face.box_px, other.box_px) <= 1.0 / 3.0 for other in kept):
            kept.append(face)
    return kept


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def hemiface_sides(
    view: CropView,
    points: np.ndarray,
    meshes: Mapping[str, RoiMesh],
    pool: Executor | None = None,
    passes: int = 1,
) -> dict[str, SideAnatomy]:
    """Both sides, each measured on the composite of that half and its mirror image.

    Face Mesh couples the two halves and pulls an asymmetric face toward symmetry; a composite has
    nothing to pull toward. Each composite also yields a second estimate of every point: its mirror
    partner on the reflected half, reflected back. Their mean makes the result equivariant to flipping
    the photo. ``points`` is the whole-face mesh in ``view`` pixels; it gives the mirror axis (the
    pupils), the landmark region, and the fallback if the mesh fails on a composite. Composites are
    built at ``COMPOSITE_ROI_SIDE_PX``. With ``pool`` (and a mesh per side) the left side runs there
    while the right runs here; MediaPipe releases the GIL. ``passes``: landmark passes per composite.
    """
    whole = view.to_image(points)[:, :2]
    small = view.resized(min(1.0, COMPOSITE_ROI_SIDE_PX / Roi.from_landmarks(points).side_px))
    xy = points[:, :2] * (small.factor / view.factor)
    axis, roi = MirrorAxis.from_mesh(xy), Roi.from_landmarks(xy)

    def side_from_composite(side: str) -> SideAnatomy:
        half = meshes[side].points(axis.composite(small.pixels, keep=side), roi, passes)
        if half is None:
            return _side_anatomy(whole, side)
        kept = _side_anatomy(small.to_image(half[:, :2]), side)
        partner = _side_anatomy(small.to_image(axis.reflect(half[:, :2])), "left" if side == "right" else "right")
        return _mean_anatomy(kept, partner)

    if pool is None:
        return {side: side_from_composite(side) for side in ("right", "left")}
    left = pool.submit(side_from_composite, "left")
    return {"right": side_from_composite("right"), "left": left.result()}


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
class CropView:
    """A face crop resampled for the mesh, and the map back to image pixels (image = crop / factor + origin)."""

    pixels: np.ndarray
    origin_px: tuple[int, int]
    factor: float

    @classmethod
    def around(cls, rgb: np.ndarray, box: tuple[float, float, float, float]) -> CropView | None:
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
        return cls(np.ascontiguousarray(_resized(crop, factor)), (x0, y0), factor)

    @classmethod
    def whole(cls, rgb: np.ndarray) -> CropView:
        return cls(rgb, (0, 0), 1.0)

    def resized(self, scale: float) -> CropView:
        """The same view with its pixels scaled by ``scale``."""
        if abs(scale - 1.0) <= 1e-3:
            return self
        pixels = _resized(self.pixels, scale)
        # cv2.resize rounds the size; the factor follows the actual width.
        return CropView(pixels, self.origin_px, self.factor * pixels.shape[1] / self.pixels.shape[1])

    def roi_of(self, face: _Face) -> Roi:
        """The landmark ROI of a detected face, in this view's pixels."""
        origin = np.array(self.origin_px, dtype=float)
        x, y, w, h = face.box_px
        box = ((x - origin[0]) * self.factor, (y - origin[1]) * self.factor, w * self.factor, h * self.factor)
        right, left = ((eye - origin) * self.factor for eye in (face.right_eye_px, face.left_eye_px))
        return Roi.from_detection(box, right, left)

    def to_image(self, points: np.ndarray) -> np.ndarray:
        out = np.array(points, dtype=float)
        out[:, :3] /= self.factor
        out[:, 0] += self.origin_px[0]
        out[:, 1] += self.origin_px[1]
        return out


def _resized(rgb: np.ndarray, factor: float) -> np.ndarray:
    """``rgb`` scaled by ``factor``: area averaging below half size, bilinear (fast) or bicubic otherwise."""
    if abs(factor - 1.0) <= 1e-3:
        return rgb
    interp = cv2.INTER_AREA if factor < 0.5 else cv2.INTER_LINEAR if factor < 1 else cv2.INTER_CUBIC
    return np.ascontiguousarray(cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=interp))


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
