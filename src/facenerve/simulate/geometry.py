"""Geometry for the simulator: mesh index sets, a face frame in mm, warps and their inverses.

Everything works on MediaPipe's 478-point mesh (``FaceAnatomy.points_px`` of the ``mediapipe``
backend) in image pixels of an unmirrored photo. Sides are the patient's: the frame's x axis points
toward the patient's left, its y axis chin-ward (as :class:`facenerve.engine.frame.FaceFrame`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from scipy.spatial import Delaunay

from facenerve.engine.calibrate import DEFAULT_IRIS_MM
from facenerve.engine.frame import FaceFrame
from facenerve.engine.landmarks.base import Side

#: Number of points in MediaPipe's refined face mesh.
MESH_POINTS = 478
#: Facial midline of the canonical mesh, forehead to chin.
MIDLINE_INDICES = (10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 19, 94, 2, 164, 0, 11, 12, 13, 14, 15, 16, 17, 18, 200,
                   199, 175, 152)
#: Points that expressions barely move: medial canthi, nasion and nasal bridge. Rest is aligned to an
#: expression frame on these (a FaceNerve choice: bone-anchored skin, away from the mimetic muscles' pull).
STABLE_INDICES = (133, 362, 168, 6, 197, 195, 5)
#: Iris points (centre and ring of each eye). Left out of correspondences: hidden when the lids close.
IRIS_INDICES = tuple(range(468, 478))
#: Medial and lateral canthus of the patient's right and left eye.
CANTHI = {"right": (133, 33), "left": (362, 263)}
#: Iris ring points across the horizontal diameter, per side.
IRIS_DIAMETER_INDICES = {"right": (469, 471), "left": (474, 476)}

PointMap = Callable[[np.ndarray], np.ndarray]


def check_mesh(points_px: np.ndarray) -> np.ndarray:
    """``points_px`` as a float (478, 2) array; raises ``ValueError`` for another topology."""
    points = np.asarray(points_px, dtype=float)
    if points.ndim != 2 or points.shape[0] != MESH_POINTS or points.shape[1] < 2:
        raise ValueError(f"expected the {MESH_POINTS}-point MediaPipe mesh, got an array of shape {points.shape}")
    return points[:, :2]


def eye_frame(points_px: np.ndarray) -> FaceFrame:
    """The face frame through the two eyes' canthal midpoints (usable when the lids are closed)."""
    right = points_px[list(CANTHI["right"])].mean(axis=0)
    left = points_px[list(CANTHI["left"])].mean(axis=0)
    return FaceFrame.from_pupils(right, left)


def iris_mm_per_px(points_px: np.ndarray, iris_mm: float = DEFAULT_IRIS_MM) -> float:
    """Scale from the mean horizontal iris diameter of both eyes (mm/px) [S80, S82]; eyes must be open."""
    diameters = [float(np.linalg.norm(points_px[a] - points_px[b])) for a, b in IRIS_DIAMETER_INDICES.values()]
    return iris_mm / max(float(np.mean(diameters)), 1e-6)


def smoothstep(value: np.ndarray, start: float, width: float) -> np.ndarray:
    """0 at ``start``, 1 at ``start + width``, a cubic smoothstep between."""
    t = np.clip((np.asarray(value, dtype=float) - start) / width, 0.0, 1.0)
    return np.asarray(t * t * (3.0 - 2.0 * t))


def gauss(dx: np.ndarray, dy: np.ndarray, sigma_x: float, sigma_y: float) -> np.ndarray:
    """Unit-peak 2-D Gaussian."""
    return np.asarray(np.exp(-0.5 * ((dx / sigma_x) ** 2 + (dy / sigma_y) ** 2)))


@dataclass(frozen=True)
class MmFrame:
    """A face frame with a scale: image px ↔ frame mm (x toward the patient's left, y chin-ward)."""

    frame: FaceFrame
    mm_per_px: float

    def to_mm(self, points_px: np.ndarray) -> np.ndarray:
        return np.asarray(self.frame.to_frame(points_px) * self.mm_per_px)

    def to_px(self, points_mm: np.ndarray) -> np.ndarray:
        return np.asarray(self.frame.to_image(np.asarray(points_mm, dtype=float) / self.mm_per_px))

    def vector_to_px(self, d_mm: np.ndarray) -> np.ndarray:
        """A displacement (..., 2) in frame mm as image px."""
        d = np.asarray(d_mm, dtype=float) / self.mm_per_px
        return np.asarray(d[..., :1] * self.frame.x_axis + d[..., 1:2] * self.frame.y_axis)


def midline_offset_mm(points_px: np.ndarray, where_px: np.ndarray, frame: MmFrame) -> np.ndarray:
    """Signed lateral distance (mm) of ``where_px`` from the mesh's midline curve; > 0 on the patient's left.

    The midline is the polyline through ``MIDLINE_INDICES`` in frame coordinates, extended straight up and
    down beyond its ends.
    """
    mid = frame.to_mm(points_px[list(MIDLINE_INDICES)])
    order = np.argsort(mid[:, 1])
    at = frame.to_mm(where_px)
    mid_x = np.interp(at[..., 1], mid[order, 1], mid[order, 0])
    return np.asarray(at[..., 0] - mid_x)


def side_weight(offset_mm: np.ndarray, side: Side, blend_width_mm: float) -> np.ndarray:
    """Weight of ``side`` (1 on it, 0 on the other) across a midline band ``blend_width_mm`` wide."""
    toward = offset_mm if side == "left" else -offset_mm
    if blend_width_mm <= 0:
        return np.asarray((toward > 0).astype(float))
    return smoothstep(toward, -blend_width_mm / 2.0, blend_width_mm)


def similarity(source_px: np.ndarray, target_px: np.ndarray) -> np.ndarray:
    """The 2×3 least-squares similarity (rotation, uniform scale, shift) taking ``source_px`` to ``target_px``.

    Umeyama's closed form, without reflection.
    """
    src, dst = np.asarray(source_px, float), np.asarray(target_px, float)
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    a, b = src - mu_s, dst - mu_d
    cov = b.T @ a / len(src)
    u, sing, vt = np.linalg.svd(cov)
    d = np.diag([1.0, float(np.sign(np.linalg.det(u @ vt)) or 1.0)])
    rot = u @ d @ vt
    scale = float(np.trace(np.diag(sing) @ d)) / max(float((a**2).sum() / len(src)), 1e-12)
    shift = mu_d - scale * rot @ mu_s
    return np.hstack([scale * rot, shift[:, None]])


def apply_affine(matrix: np.ndarray, points_px: np.ndarray) -> np.ndarray:
    """Points (..., 2) through a 2×3 affine matrix."""
    pts = np.asarray(points_px, dtype=float)
    return np.asarray(pts @ matrix[:, :2].T + matrix[:, 2])


def invert_affine(matrix: np.ndarray) -> np.ndarray:
    return np.asarray(cv2.invertAffineTransform(np.asarray(matrix, dtype=np.float64)))


class PiecewiseAffine:
    """A piecewise-affine map from target to source, on a Delaunay triangulation of the target points.

    Exact at the correspondences; affine inside each triangle, so lids can meet (a fissure collapses to a
    line) without the overshoot of a smooth spline. Points outside the hull take the nearest triangle's map.
    """

    def __init__(self, target_px: np.ndarray, source_px: np.ndarray) -> None:
        self.target_px = np.asarray(target_px, dtype=float)
        self.source_px = np.asarray(source_px, dtype=float)
        self._tri = Delaunay(self.target_px)
        # One affine per triangle, target → source: A · [x, y, 1]ᵀ = source, from the three corners.
        simplices = self._tri.simplices
        homogeneous = np.concatenate([self.target_px[simplices], np.ones((len(simplices), 3, 1))], axis=2)
        det = np.linalg.det(homogeneous)
        homogeneous[np.abs(det) < 1e-9] += np.diag([1e-6, 0.0, 0.0])  # degenerate slivers: any finite map
        inverse = np.linalg.inv(homogeneous)  # (t, 3, 3)
        self._affines = np.transpose(inverse @ self.source_px[simplices], (0, 2, 1))  # (t, 2, 3)

    def __call__(self, points_px: np.ndarray) -> np.ndarray:
        """Source positions (..., 2) of target positions ``points_px``."""
        pts = np.asarray(points_px, dtype=float)
        flat = pts.reshape(-1, 2)
        return self._apply(flat, self._find(flat)).reshape(pts.shape)

    def grid(self, shape: tuple[int, int], box: tuple[int, int, int, int]) -> np.ndarray:
        """Source positions of the pixel centres of ``box`` (x0, y0, x1, y1): (h, w, 2).

        The triangles are rasterised into a label image (fast); the few pixels no triangle covers (on shared
        edges) are located by the triangulation's search.
        """
        x0, y0, x1, y1 = box
        labels = np.full((y1 - y0, x1 - x0), -1.0, dtype=np.float32)
        corners = self.target_px[self._tri.simplices] - np.array([x0 + 0.5, y0 + 0.5])
        fixed = np.round(corners * 16).astype(np.int32)
        for index, triangle in enumerate(fixed):
            cv2.fillConvexPoly(labels, triangle, (float(index),), lineType=cv2.LINE_8, shift=4)
        simplex = labels.reshape(-1).astype(np.int64)
        flat = pixel_grid(shape, box).reshape(-1, 2)
        missing = simplex < 0
        if missing.any():
            simplex[missing] = self._find(flat[missing])
        return self._apply(flat, simplex).reshape(y1 - y0, x1 - x0, 2)

    def _find(self, flat: np.ndarray) -> np.ndarray:
        simplex = np.asarray(self._tri.find_simplex(flat), dtype=np.int64)
        outside = simplex < 0
        if outside.any():  # the nearest triangle by its centroid
            centroids = self.target_px[self._tri.simplices].mean(axis=1)
            d2 = ((flat[outside, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
            simplex[outside] = np.argmin(d2, axis=1)
        return simplex

    def _apply(self, flat: np.ndarray, simplex: np.ndarray) -> np.ndarray:
        a = self._affines[simplex]  # (n, 2, 3): source = a @ (x, y, 1)
        x, y = flat[:, 0], flat[:, 1]
        sx = a[:, 0, 0] * x + a[:, 0, 1] * y + a[:, 0, 2]
        sy = a[:, 1, 0] * x + a[:, 1, 1] * y + a[:, 1, 2]
        return np.column_stack([sx, sy])


def remap(rgb: np.ndarray, source_px: np.ndarray) -> np.ndarray:
    """Output pixel (y, x) takes ``rgb`` at ``source_px[y, x]`` (landmark convention: pixel centres at +0.5)."""
    src = np.asarray(source_px, dtype=np.float32) - 0.5
    return np.asarray(cv2.remap(rgb, src[..., 0], src[..., 1], cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT))


def pixel_grid(shape: tuple[int, int], box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """Pixel centres (h, w, 2) in landmark coordinates (+0.5) of the image or of ``box`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box if box is not None else (0, 0, shape[1], shape[0])
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    return np.stack([xs + 0.5, ys + 0.5], axis=-1)


def invert_smooth(forward: PointMap, targets_px: np.ndarray, iterations: int = 12, step_px: float = 0.5) -> np.ndarray:
    """Solve ``forward(q) = targets_px`` for q: Newton's method with a finite-difference Jacobian and backtracking.

    ``forward`` must be a smooth one-to-one map (it may stretch strongly, but not fold). A Newton step that
    does not reduce a point's residual is halved, up to four times, so strong local stretches converge too.
    """
    y = np.asarray(targets_px, dtype=float).reshape(-1, 2)
    q = 2.0 * y - forward(y)  # first guess: q = y − D(y)
    ex, ey = np.array([step_px, 0.0]), np.array([0.0, step_px])
    fq = forward(q)
    res = fq - y
    err = np.hypot(res[:, 0], res[:, 1])
    active = np.flatnonzero(err > 1e-3)
    for _ in range(iterations):
        if len(active) == 0:
            break
        qa, ra, fa = q[active], res[active], fq[active]
        jx = (forward(qa + ex) - fa) / step_px
        jy = (forward(qa + ey) - fa) / step_px
        a, c, b, d = jx[:, 0], jx[:, 1], jy[:, 0], jy[:, 1]
        det = a * d - b * c
        det = np.where(np.abs(det) < 1e-6, 1e-6, det)
        delta = np.column_stack([(d * ra[:, 0] - b * ra[:, 1]) / det, (-c * ra[:, 0] + a * ra[:, 1]) / det])
        scale = np.ones(len(active))
        todo = np.arange(len(active))
        for _ in range(5):
            cand = qa[todo] - scale[todo, None] * delta[todo]
            fc = forward(cand)
            rc = fc - y[active[todo]]
            ec = np.hypot(rc[:, 0], rc[:, 1])
            better = ec < err[active[todo]]
            idx = active[todo[better]]
            q[idx], fq[idx], res[idx], err[idx] = cand[better], fc[better], rc[better], ec[better]
            todo = todo[~better]
            if len(todo) == 0:
                break
            scale[todo] *= 0.5
        active = active[err[active] > 1e-3]
    return np.asarray(q.reshape(np.shape(targets_px)))


def face_mask(points_px: np.ndarray, shape: tuple[int, int], feather_px: float) -> np.ndarray:
    """1 inside the mesh's convex hull deeper than ``feather_px``, falling smoothly to 0 at the hull (float32)."""
    hull = cv2.convexHull(np.round(points_px * 4).astype(np.int32))
    mask = np.zeros(shape, dtype=np.uint8)
    cv2.fillConvexPoly(mask, hull, (1,), lineType=cv2.LINE_8, shift=2)
    inside = cv2.distanceTransform(mask, cv2.DIST_L2, 5)
    return np.asarray(smoothstep(inside, 0.0, max(feather_px, 1.0)), dtype=np.float32)


def bounding_box(mask: np.ndarray, margin_px: int = 2) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the nonzero part of ``mask``, grown by ``margin_px`` and clipped to the image."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return (0, 0, 0, 0)
    h, w = mask.shape[:2]
    return (max(int(xs.min()) - margin_px, 0), max(int(ys.min()) - margin_px, 0),
            min(int(xs.max()) + margin_px + 1, w), min(int(ys.max()) + margin_px + 1, h))


def border_anchors(shape: tuple[int, int], per_side: int = 4) -> np.ndarray:
    """Points along the image border, a little outside it, so every pixel lies inside a triangulation."""
    h, w = shape
    xs = np.linspace(-2.0, w + 2.0, per_side + 1)
    ys = np.linspace(-2.0, h + 2.0, per_side + 1)
    top = np.column_stack([xs, np.full_like(xs, -2.0)])
    bottom = np.column_stack([xs, np.full_like(xs, h + 2.0)])
    left = np.column_stack([np.full_like(ys[1:-1], -2.0), ys[1:-1]])
    right = np.column_stack([np.full_like(ys[1:-1], w + 2.0), ys[1:-1]])
    return np.vstack([top, bottom, left, right])


def without(indices: Sequence[int], n: int = MESH_POINTS) -> np.ndarray:
    """All mesh indices except ``indices``."""
    keep = np.ones(n, dtype=bool)
    keep[list(indices)] = False
    return np.flatnonzero(keep)
