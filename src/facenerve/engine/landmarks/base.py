"""The landmark detector interface and the anatomy it returns.

A backend finds the face and its landmarks and names the anatomy by the *patient's* side.
Images reach the backend unmirrored (a mirrored input is flipped once, before detection),
so the patient's right is on the image's left; that mapping lives only in the backends'
index tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("right", "left")


@dataclass(frozen=True)
class SideAnatomy:
    """Landmarks of one side of the face, as (x, y) points in pixels.

    Contours run from the midline outward (medial → lateral).
    """

    brow_upper: np.ndarray
    upper_lid: np.ndarray
    lower_lid: np.ndarray
    medial_canthus: np.ndarray
    lateral_canthus: np.ndarray
    iris_center: np.ndarray
    iris_diameter_px: float | None
    commissure: np.ndarray
    upper_lip_outer: np.ndarray
    upper_lip_inner: np.ndarray
    lower_lip_inner: np.ndarray
    lower_lip_outer: np.ndarray
    alar_base: np.ndarray

    def transformed(self, fn: TransformFn) -> SideAnatomy:
        """Apply a point transform to every landmark (the iris diameter is left as is)."""
        values: dict[str, Any] = {
            name: (value if name == "iris_diameter_px" else fn(np.asarray(value, dtype=float)))
            for name, value in self.__dict__.items()
        }
        return SideAnatomy(**values)


class TransformFn(Protocol):
    def __call__(self, points: np.ndarray, /) -> np.ndarray: ...


@dataclass(frozen=True)
class FaceAnatomy:
    """A detected face: both sides, midline lip points, all raw landmarks and the box.

    ``points_px`` holds every landmark of the backend (478 for MediaPipe, 68 for dlib);
    ``depth_px`` holds MediaPipe's relative depth in pixel units, or ``None``.
    """

    right: SideAnatomy
    left: SideAnatomy
    upper_lip_top: np.ndarray
    upper_lip_inner_mid: np.ndarray
    lower_lip_inner_mid: np.ndarray
    lower_lip_bottom: np.ndarray
    nasion: np.ndarray
    nose_tip: np.ndarray
    chin: np.ndarray
    points_px: np.ndarray
    bbox_px: tuple[int, int, int, int]
    backend: str
    depth_px: np.ndarray | None = None
    mesh_edges: tuple[tuple[int, int], ...] = field(default=(), repr=False)

    def side(self, side: Side) -> SideAnatomy:
        return self.left if side == "left" else self.right

    @property
    def stomion(self) -> np.ndarray:
        """The lip midpoint (px): midpoint of the inner lip midpoints [S82]."""
        return np.asarray((self.upper_lip_inner_mid + self.lower_lip_inner_mid) / 2.0)


@dataclass(frozen=True)
class Detection:
    """What a detector returns: the largest face's anatomy and how many faces it saw."""

    anatomy: FaceAnatomy | None
    face_count: int


class LandmarkDetector(Protocol):
    """A landmark backend. Create once per process, reuse for many images, then ``close``."""

    name: str

    def detect(self, rgb: np.ndarray) -> Detection:
        """Find faces in an RGB uint8 image and return the largest one's anatomy."""
        ...

    def close(self) -> None: ...


def contour(points: np.ndarray, indices: tuple[int, ...]) -> np.ndarray:
    """The (k, 2) array of ``points`` at ``indices``."""
    return np.asarray(points[list(indices)], dtype=float)
