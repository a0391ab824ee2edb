"""Iris circle fit for backends without iris landmarks (dlib).

An integro-differential search in the manner of Daugman: the circle whose left and right
arcs (the lids hide the top and bottom) show the largest dark-inside/bright-outside step.
"""

from __future__ import annotations

import numpy as np

#: Iris radius searched, as a fraction of the palpebral fissure width (eye corner to corner).
RADIUS_FRACTIONS = np.linspace(0.14, 0.30, 17)
#: Arc angles sampled (radians): ±50° around the horizontal on both sides.
_ANGLES = np.concatenate([np.linspace(-0.87, 0.87, 12), np.pi + np.linspace(-0.87, 0.87, 12)])


def _sample(gray: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    xi = np.clip(np.rint(xs).astype(int), 0, w - 1)
    yi = np.clip(np.rint(ys).astype(int), 0, h - 1)
    return np.asarray(gray[yi, xi])


def fit_iris(gray: np.ndarray, eye_contour_px: np.ndarray) -> tuple[np.ndarray, float | None]:
    """Centre (x, y) and diameter (px) of the iris inside an eye contour; diameter None if unclear."""
    center0 = eye_contour_px.mean(axis=0)
    width = float(np.ptp(eye_contour_px[:, 0]))
    height = float(np.ptp(eye_contour_px[:, 1]))
    if width < 6:
        return center0, None
    offsets_x = np.linspace(-0.2, 0.2, 9) * width
    offsets_y = np.linspace(-0.3, 0.3, 5) * max(height, 2.0)
    radii = RADIUS_FRACTIONS * width
    best: tuple[np.ndarray, float | None] = (center0, None)
    best_score = 0.0
    cos, sin = np.cos(_ANGLES), np.sin(_ANGLES)
    for dx in offsets_x:
        for dy in offsets_y:
            cx, cy = center0[0] + dx, center0[1] + dy
            rings = np.array([_sample(gray, cx + r * cos, cy + r * sin).mean() for r in radii])
            steps = np.diff(rings)
            k = int(np.argmax(steps))
            if steps[k] > best_score:
                best_score = float(steps[k])
                best = (np.array([cx, cy]), float(radii[k] + radii[k + 1]))
    return best
