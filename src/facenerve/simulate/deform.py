"""Deformations: forward maps of points and their exact or numerical inverses for images.

A :class:`Deformation` is a sequence of steps. Points move forward through the steps (that is how the
ground truth is computed); an image is resampled by sending each output pixel backward through them.
Two kinds of step:

* :class:`SmoothField`, a smooth one-to-one displacement field (muscle pulls: smile, brow, droop), inverted
  by Newton's method;
* :class:`LidMap`, a per-column piecewise-linear map of the eyelids in the face frame (narrowing, closure),
  inverted exactly. It can collapse the fissure to a line, which no smooth field can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from facenerve.simulate.geometry import MmFrame, PointMap, invert_smooth, pixel_grid, remap


class Step(Protocol):
    def forward(self, points_px: np.ndarray, kind: str = "skin") -> np.ndarray: ...

    def inverse(self, points_px: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class SmoothField:
    """Forward map p → p + displacement(p), all in image px; the displacement must not fold the image."""

    displacement: PointMap

    def forward(self, points_px: np.ndarray, kind: str = "skin") -> np.ndarray:
        pts = np.asarray(points_px, dtype=float)
        return np.asarray(pts + self.displacement(pts))

    def inverse(self, points_px: np.ndarray) -> np.ndarray:
        return invert_smooth(self.forward, points_px)


@dataclass(frozen=True)
class LidMap:
    """Narrow one eye's palpebral fissure by ``close_fraction`` (1 = the lids meet), column by column.

    In each face-frame column between the canthi, the upper margin ``u`` descends by
    ``upper_share × close_fraction × (l − u)`` and the lower margin ``l`` rises by the rest of the closure. The
    lids slide over the eye: the skin ``above_mm`` over the upper margin stretches down, the skin ``below_mm``
    under the lower margin is pushed up, and what stays visible of the fissure (iris, sclera) does not move.
    Outside the canthi nothing moves. Contours are (k, 2) in frame mm, canthus to canthus.

    Points are moved as skin by default: a point inside the fissure stays where it is (it may be hidden).
    ``kind="upper_margin"`` or ``"lower_margin"`` moves lid-margin points with their margin instead, so a
    margin point found a little inside the fissure still travels with the lid.
    """

    frame: MmFrame
    upper_mm: np.ndarray
    lower_mm: np.ndarray
    close_fraction: float
    upper_share: float
    above_mm: float = 7.0
    below_mm: float = 7.0

    def _columns(self, x_mm: np.ndarray) -> tuple[np.ndarray, ...]:
        up = self.upper_mm[np.argsort(self.upper_mm[:, 0])]
        lo = self.lower_mm[np.argsort(self.lower_mm[:, 0])]
        u = np.interp(x_mm, up[:, 0], up[:, 1])
        lower = np.interp(x_mm, lo[:, 0], lo[:, 1])
        x_min = max(float(up[0, 0]), float(lo[0, 0]))
        x_max = min(float(up[-1, 0]), float(lo[-1, 0]))
        inside = (x_mm > x_min) & (x_mm < x_max)
        gap = np.where(inside, np.clip(lower - u, 0.0, None), 0.0)
        c = float(np.clip(self.close_fraction, 0.0, 1.0))
        u2 = u + self.upper_share * c * gap
        l2 = u2 + (1.0 - c) * gap
        return inside & (gap > 0), u, u + gap, u2, l2, u - self.above_mm, u + gap + self.below_mm

    def forward(self, points_px: np.ndarray, kind: str = "skin") -> np.ndarray:
        mm = self.frame.to_mm(points_px)
        x, y = mm[..., 0], mm[..., 1]
        active, u, lo, u2, l2, top, bot = self._columns(x)
        if kind == "upper_margin":
            out = np.where(active, y + (u2 - u), y)
        elif kind == "lower_margin":
            out = np.where(active, y + (l2 - lo), y)
        else:
            out = y.copy()
            zone = active & (y >= top) & (y <= u)
            out = np.where(zone, top + (y - top) * (u2 - top) / (u - top), out)
            zone = active & (y >= lo) & (y <= bot)
            out = np.where(zone, l2 + (y - lo) * (bot - l2) / (bot - lo), out)
        return self.frame.to_px(np.stack([x, out], axis=-1))

    def inverse(self, points_px: np.ndarray) -> np.ndarray:
        """The source of each output point: stretched lid skin, or the unmoved fissure between the new margins."""
        mm = self.frame.to_mm(points_px)
        x, y = mm[..., 0], mm[..., 1]
        active, u, lo, u2, l2, top, bot = self._columns(x)
        out = y.copy()
        zone = active & (y >= top) & (y < u2)
        out = np.where(zone, top + (y - top) * (u - top) / np.maximum(u2 - top, 1e-9), out)
        zone = active & (y > l2) & (y <= bot)
        out = np.where(zone, lo + (y - l2) * (bot - lo) / np.maximum(bot - l2, 1e-9), out)
        return self.frame.to_px(np.stack([x, out], axis=-1))


@dataclass(frozen=True)
class Deformation:
    """Steps applied in order. ``support_px`` (x0, y0, x1, y1): the image region outside which nothing moves."""

    steps: tuple[Step, ...] = ()
    support_px: tuple[int, int, int, int] | None = field(default=None)

    def then(self, *steps: Step) -> Deformation:
        return Deformation((*self.steps, *steps), self.support_px)

    def forward(self, points_px: np.ndarray, kind: str = "skin") -> np.ndarray:
        """Where points (..., 2) of the source image end up, px; ``kind`` as in :meth:`LidMap.forward`."""
        pts = np.asarray(points_px, dtype=float)
        for step in self.steps:
            pts = step.forward(pts, kind)
        return pts

    def source_of(self, points_px: np.ndarray) -> np.ndarray:
        """Where output points (..., 2) come from in the source image, px."""
        pts = np.asarray(points_px, dtype=float)
        for step in reversed(self.steps):
            pts = step.inverse(pts)
        return pts

    def warp(self, rgb: np.ndarray) -> np.ndarray:
        """The image deformed: each output pixel sampled at its source (bicubic)."""
        if not self.steps:
            return rgb.copy()
        shape = (int(rgb.shape[0]), int(rgb.shape[1]))
        box = self.support_px or (0, 0, shape[1], shape[0])
        x0, y0, x1, y1 = _clip_box(box, shape)
        out = rgb.copy()
        grid = pixel_grid(shape, (x0, y0, x1, y1))
        out[y0:y1, x0:x1] = remap(rgb, self.source_of(grid))
        return out


def _clip_box(box: Sequence[int], shape: tuple[int, int]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return max(int(x0), 0), max(int(y0), 0), min(int(x1), shape[1]), min(int(y1), shape[0])


def support_around(points_px: np.ndarray, shape: tuple[int, int], grow: float = 0.35) -> tuple[int, int, int, int]:
    """The mesh's bounding box grown by ``grow`` of its size on every side, clipped to the image."""
    x0, y0 = points_px.min(axis=0)
    x1, y1 = points_px.max(axis=0)
    gx, gy = grow * (x1 - x0), grow * (y1 - y0)
    return _clip_box((int(x0 - gx), int(y0 - gy), int(np.ceil(x1 + gx)), int(np.ceil(y1 + gy))), shape)
