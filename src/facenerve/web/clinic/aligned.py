"""Visit photos on one canvas: each photo rotated so its pupil line is horizontal, scaled to a fixed number of
canvas pixels per millimetre (from the photo's own mm-per-pixel) and moved so the midpoint between its pupils sits at
a fixed point. Any two aligned photos of one face overlay: the pupils of both land where the face's interpupillary
distance in mm puts them, on the same horizontal line.

The pupils are the photo's current landmarks (a hand correction's when there is one, else the automatic ones), in
the image as it was measured (flipped first when the photo was declared mirrored); the scale is its current
``scale.mm_per_px``. Display only: no measure is taken from the aligned picture.

Drawing one costs the decoding of the full-size stored photo plus the turn (about 0.07 s for a 1.2-megapixel photo,
0.3 s for a 12-megapixel one, on one core), for each photo of each comparison view. So each server process keeps the
pictures it drew recently (:func:`cached_png`: at most :data:`CACHE_MAX_BYTES`, each for at most
:data:`CACHE_TTL_S`), keyed by the stored photo's sha256, the exact pupils, scale and mirror flag, and
:data:`VERSION`. A picture is a pure function of that key, so a hit gives exactly the bytes the asker would have
drawn; callers check access to the photo first (the view's 404), and the cache is never consulted for anyone else.
Browsers keep nothing: patient-data routes answer ``Cache-Control: no-store`` (the audit middleware).
"""

from __future__ import annotations

import hashlib
import io
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from facenerve.web.clinic.models import AssessmentPhoto

#: The canvas (width, height) in pixels, its scale, and where the midpoint between the pupils lands.
CANVAS_PX = (480, 560)
PX_PER_MM = 3.0
PUPIL_MIDPOINT_PX = (240.0, 200.0)
BACKGROUND = (48, 48, 48)
#: Pupil lines tilted more than this are not turned level (a mislabelled side or a broken landmark set).
MAX_TILT_DEG = 45.0
#: Part of the server cache's key: change it with any change of the drawing, so no picture drawn before is served.
VERSION = "1"
#: The server's cache of drawn pictures, per process: at most this many bytes of PNG (about 80 pictures), and each
#: for at most this many seconds (an erased photo's picture, no longer reachable, is gone from memory after it).
CACHE_MAX_BYTES = 32 * 1024 * 1024
CACHE_TTL_S = 3600.0


@dataclass(frozen=True)
class Alignment:
    """Where a photo's pupils are (pixels of the image as measured) and its scale."""

    right_pupil: tuple[float, float]
    left_pupil: tuple[float, float]
    mm_per_px: float
    mirrored: bool = False

    @property
    def tilt_deg(self) -> float:
        """The pupil line's angle in the photo (degrees, + when the patient's left pupil is lower)."""
        dx, dy = (self.left_pupil[0] - self.right_pupil[0], self.left_pupil[1] - self.right_pupil[1])
        return math.degrees(math.atan2(dy, dx))

    @property
    def zoom(self) -> float:
        """Canvas pixels per photo pixel."""
        return self.mm_per_px * PX_PER_MM

    def matrix(self) -> np.ndarray:
        """The 2×3 affine map from photo pixels to canvas pixels."""
        theta = math.radians(self.tilt_deg)
        cos, sin = math.cos(theta), math.sin(theta)
        rotate = self.zoom * np.array([[cos, sin], [-sin, cos]])  # turns the pupil line to +x
        mid = (np.asarray(self.right_pupil) + np.asarray(self.left_pupil)) / 2.0
        offset = np.asarray(PUPIL_MIDPOINT_PX) - rotate @ mid
        return np.hstack([rotate, offset[:, None]])

    def to_canvas(self, point: tuple[float, float]) -> tuple[float, float]:
        x, y = self.matrix() @ np.array([point[0], point[1], 1.0])
        return float(x), float(y)

    def key(self) -> str:
        """Identifies the drawing of a photo exactly (every float in full, the mirror flag, :data:`VERSION`)."""
        numbers = (*self.right_pupil, *self.left_pupil, self.mm_per_px)
        return f"{VERSION}:{int(self.mirrored)}:" + ",".join(repr(float(v)) for v in numbers)


def canvas() -> dict[str, Any]:
    """The canvas for the templates: its size, the pupils' midpoint and a 10 mm bar."""
    width, height = CANVAS_PX
    return {"width": width, "height": height, "px_per_mm": f"{PX_PER_MM:g}", "mid_x": PUPIL_MIDPOINT_PX[0],
            "mid_y": PUPIL_MIDPOINT_PX[1], "bar_px": 10 * PX_PER_MM, "bar_y": height - 20}


def alignment_of(photo: AssessmentPhoto) -> tuple[Alignment | None, str]:
    """The photo's alignment, or None and why it cannot be aligned (one line for the page)."""
    result = photo.result or {}
    if result.get("error") or not photo.landmarks:
        return None, "Not aligned: this photo was not measured, so it has no pupils to align on."
    try:
        pupils = [_point(photo.landmarks[side]["iris_center"]) for side in ("right", "left")]
        mm_per_px = float((result.get("scale") or {})["mm_per_px"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None, "Not aligned: the pupils or the scale of this photo are missing."
    if not (math.isfinite(mm_per_px) and mm_per_px > 0):
        return None, "Not aligned: this photo has no usable scale."
    found = Alignment(pupils[0], pupils[1], mm_per_px, bool(result.get("mirrored")))
    if math.dist(pupils[0], pupils[1]) < 2.0:
        return None, "Not aligned: the pupils are less than 2 pixels apart."
    if abs(found.tilt_deg) > MAX_TILT_DEG:
        return None, f"Not aligned: the pupil line is tilted {found.tilt_deg:.0f}°; check the pupils' landmarks."
    return found, ""


def _point(raw: Any) -> tuple[float, float]:
    x, y = np.asarray(raw, dtype=float).reshape(-1, 2)[0]
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError("not a finite point")
    return float(x), float(y)


def render(rgb: np.ndarray, alignment: Alignment) -> Any:
    """The photo (H×W×3, as stored) on the canvas (a PIL image)."""
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(rgb[:, ::-1] if alignment.mirrored else rgb)).convert("RGB")
    # Shrink by whole pixels first (box average: photo x → x / k exactly) so a large photo does not alias.
    shrink = max(1, int(1.0 / (alignment.zoom * 1.5)))
    if shrink > 1:
        image = image.reduce(shrink)
    forward = alignment.matrix()
    forward[:, :2] *= shrink
    inverse = np.linalg.inv(np.vstack([forward, [0.0, 0.0, 1.0]]))[:2]
    return image.transform(CANVAS_PX, Image.Transform.AFFINE, tuple(inverse.ravel()), Image.Resampling.BICUBIC,
                           fillcolor=BACKGROUND)


def aligned_png(photo: AssessmentPhoto, alignment: Alignment) -> bytes:
    """The stored photo aligned on the canvas, as PNG."""
    from facenerve.io.images import load_image
    from facenerve.web.storage import default_store

    rgb = load_image(default_store().read(photo.image_sha256), name="stored photo").rgb
    buffer = io.BytesIO()
    render(rgb, alignment).save(buffer, format="PNG")
    return buffer.getvalue()


def cache_key(photo: AssessmentPhoto, alignment: Alignment) -> str:
    """The server cache's key for ``photo`` drawn with ``alignment``: sha256 (hex) of the stored photo's digest and
    :meth:`Alignment.key`."""
    return hashlib.sha256(f"{photo.image_sha256}:{alignment.key()}".encode()).hexdigest()


def cached_png(photo: AssessmentPhoto, alignment: Alignment) -> bytes:
    """:func:`aligned_png`, from this process's cache when it was drawn in the last :data:`CACHE_TTL_S` seconds.
    Check that the asker may see ``photo`` before calling this."""
    key = cache_key(photo, alignment)
    found = _CACHE.get(key)
    if found is None:
        found = aligned_png(photo, alignment)
        _CACHE.put(key, found)
    return found


def clear_cache() -> None:
    """Forget every picture this process keeps."""
    _CACHE.clear()


class _PngCache:
    """Least recently used first out, bounded in bytes, entries older than :data:`CACHE_TTL_S` ignored; thread-safe
    (two requests may both draw a missing picture: the second simply replaces the first)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if time.monotonic() - item[0] > CACHE_TTL_S:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, png: bytes) -> None:
        if len(png) > CACHE_MAX_BYTES:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic(), png)
            self._bytes += len(png)
            while self._bytes > CACHE_MAX_BYTES:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        self._bytes -= len(self._items.pop(key)[1])


_CACHE = _PngCache()
