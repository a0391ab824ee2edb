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

        One affine warp (the reflection) and a half-plane mask, so it costs about as much as
        copying the image. Landmark coordinates put pixel centres at +0.5; array indices at 0.
        """
        n = self.normal
        origin = self.origin_px - 0.5
        matrix = np.eye(2) - 2.0 * np.outer(n, n)
        shift = 2.0 * float(origin @ n) * n
        reflected = cv2.warpAffine(
            pixels,
            np.hstack([matrix, shift[:, None]]).astype(np.float64),
            (pixels.shape[1], pixels.shape[0]),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT,
        )
        # The half to replace: negative offset when keeping the left half, positive otherwise.
        away = -n if keep == "left" else n
        along = np.array([-n[1], n[0]])
        reach = 4.0 * float(sum(pixels.shape[:2]))
        corners = [
            origin + reach * along,
            origin - reach * along,
            origin - reach * along + reach * away,
            origin + reach * along + reach * away,
        ]
        mask = np.zeros(pixels.shape[:2], dtype=np.uint8)
        fixed = np.round(np.array(corners) * 16).astype(np.int32)  # 4 fractional bits
        cv2.fillConvexPoly(mask, fixed, (1,), lineType=cv2.LINE_8, shift=4)
        return np.asarray(cv2.copyTo(reflected, mask, pixels.copy()))
