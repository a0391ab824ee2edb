"""Real face photos that pip packages ship, framed for measurement, and symmetric composites.

* scikit-image's ``astronaut`` (Eileen Collins, NASA, public domain);
* matplotlib's ``grace_hopper.jpg`` sample (public domain).

Each is cropped around the face and resampled so the face is large enough for millimetre work.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

#: Face boxes (x, y, w, h) in the source photos, found once by the full-range face detector.
_FACE_BOXES = {"astronaut": (170, 60, 110, 130), "grace_hopper": (150, 110, 220, 240)}
#: Side of the square output, px.
OUTPUT_SIDE_PX = 800


def _source(name: str) -> np.ndarray:
    if name == "astronaut":
        from skimage import data

        return np.asarray(data.astronaut())
    if name == "grace_hopper":
        import matplotlib.cbook as cbook
        import matplotlib.pyplot as plt

        with cbook.get_sample_data("grace_hopper.jpg") as fh:
            return np.asarray(plt.imread(fh, format="jpg"))
    raise KeyError(name)


@cache
def face_photo(name: str) -> np.ndarray:
    """A square RGB crop around the face, resampled to ``OUTPUT_SIDE_PX``."""
    rgb = _source(name)
    x, y, w, h = _FACE_BOXES[name]
    side = int(max(w, h) * 1.9)
    cx, cy = x + w // 2, y + h // 2
    pad = side
    padded = cv2.copyMakeBorder(rgb, pad, pad, pad, pad, cv2.BORDER_REFLECT)
    crop = padded[cy - side // 2 + pad : cy + side // 2 + pad, cx - side // 2 + pad : cx + side // 2 + pad]
    out = cv2.resize(crop, (OUTPUT_SIDE_PX, OUTPUT_SIDE_PX), interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(out)


FACE_NAMES = tuple(_FACE_BOXES)


def mirror_composite(rgb: np.ndarray, midline_x_px: float, keep: str) -> np.ndarray:
    """A perfectly symmetric face: one image half mirrored about the vertical line ``x = midline_x_px``.

    ``keep`` is "image_left" or "image_right": the half that is kept.
    """
    height, width = rgb.shape[:2]
    xs = np.arange(width, dtype=np.float32)
    map_x = np.where(
        (xs < midline_x_px) if keep == "image_left" else (xs >= midline_x_px), xs, 2 * midline_x_px - xs
    ).astype(np.float32)
    map_x = np.broadcast_to(map_x, (height, width)).copy()
    map_y = np.broadcast_to(np.arange(height, dtype=np.float32)[:, None], (height, width)).copy()
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
