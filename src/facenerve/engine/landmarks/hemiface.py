"""Hemi-face mirror composites: one half of the face joined to its own mirror image.

Face Mesh couples the two halves of a face and pulls an asymmetric face toward symmetry; on a
composite made of one half and its reflection there is nothing to pull toward. The mirror axis
is the perpendicular bisector of the pupils, in pixels of the image the composite is cut from.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Right and left pupil centres in MediaPipe's 478-point mesh (the refined iris centres).
PUPIL_INDICES = (468, 473)


@dataclass(frozen=True)
class MirrorAxis:
    """The line through ``origin_px`` perpendicular to the unit vector ``normal``.

    ``normal`` points from the patient's right pupil toward the left one, so the patient's left
    half lies at positive offset.
    """

    origin_px: np.ndarray
    normal: np.ndarray

    @classmethod
    def from_pupils(cls, right_pupil_px: np.ndarray, left_pupil_px: np.ndarray) -> MirrorAxis:
        origin = (np.asarray(right_pupil_px, float) + np.asarray(left_pupil_px, float)) / 2.0
        normal = np.asarray(left_pupil_px, float) - np.asarray(right_pupil_px, float)
        return cls(origin, normal / max(float(np.linalg.norm(normal)), 1e-6))

    @classmethod
    def from_mesh(cls, xy: np.ndarray) -> MirrorAxis:
        return cls.from_pupils(xy[PUPIL_INDICES[0], :2], xy[PUPIL_INDICES[1], :2])

    def reflect(self, xy: np.ndarray) -> np.ndarray:
        """Points (n, 2) reflected across the axis."""
        xy = np.asarray(xy, dtype=float)
        return np.asarray(xy - 2.0 * ((xy - self.origin_px) @ self.normal)[:, None] * self.normal[None, :])

    def composite(self, pixels: np.ndarray, keep: str) -> np.ndarray:
        """The image with the ``keep`` ("left" or "right", the patient's) half mirrored onto the other.

        The reflection is one affine warp of just the replaced half's bounding box, kept inside a
        half-plane mask, so it costs less than copying the image twice. Landmark coordinates put
        pixel centres at +0.5; array indices at 0.
        """
        height, width = pixels.shape[:2]
        n = self.normal
        origin = self.origin_px - 0.5
        # The half to replace: negative offset when keeping the left half, positive otherwise.
        away = -n if keep == "left" else n
        corners = np.array([[0.0, 0.0], [width - 1.0, 0.0], [width - 1.0, height - 1.0], [0.0, height - 1.0]])
        region = _clip_to_half_plane(corners, origin, away)
        out = pixels.copy()
        if len(region) < 3:
            return out
        x0, y0 = (max(int(v), 0) for v in np.floor(region.min(axis=0)))
        x1, y1 = min(int(np.ceil(region[:, 0].max())) + 1, width), min(int(np.ceil(region[:, 1].max())) + 1, height)
        matrix = np.eye(2) - 2.0 * np.outer(n, n)
        shift = 2.0 * float(origin @ n) * n - np.array([x0, y0], dtype=float)  # into the box's coordinates
        reflected = cv2.warpAffine(
            pixels,
            np.hstack([matrix, shift[:, None]]).astype(np.float64),
            (x1 - x0, y1 - y0),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT,
        )
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        local = region - np.array([x0, y0], dtype=float)
        cv2.fillConvexPoly(mask, np.round(local * 16).astype(np.int32), (1,), lineType=cv2.LINE_8, shift=4)
        box = np.ascontiguousarray(out[y0:y1, x0:x1])
        out[y0:y1, x0:x1] = cv2.copyTo(reflected, mask, box)
        return out


def _clip_to_half_plane(polygon: np.ndarray, origin: np.ndarray, inward: np.ndarray) -> np.ndarray:
    """The part of a convex polygon where ``(p − origin) · inward ≥ 0`` (one Sutherland–Hodgman step)."""
    kept: list[np.ndarray] = []
    depth = (polygon - origin) @ inward
    for i in range(len(polygon)):
        j = (i + 1) % len(polygon)
        if depth[i] >= 0:
            kept.append(polygon[i])
        if (depth[i] >= 0) != (depth[j] >= 0):
            t = depth[i] / (depth[i] - depth[j])
            kept.append(polygon[i] + t * (polygon[j] - polygon[i]))
    return np.array(kept, dtype=float).reshape(-1, 2)
