"""Ground truth of a simulated case: what was done, and the per-side metric changes it implies.

The changes are computed by moving the rest photo's measured anatomy with the same point maps that made the
image, and measuring both with the engine's own metric definitions (:mod:`facenerve.engine.metrics`) in the
rest photo's frame and scale. They are the changes the simulator imposed on the landmarks; what a detector
then finds in the image may differ by its own error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from facenerve.engine.frame import FaceFrame
from facenerve.engine.landmarks.base import SIDES, FaceAnatomy, Side
from facenerve.engine.metrics import measure_all, side_geometry
from facenerve.protocol import Expression

WeakSide = Literal["left", "right", "none"]
#: A point map that knows lid margins: (points px, kind) → points px; kind as in ``LidMap.forward``.
AnatomyMap = Callable[[np.ndarray, str], np.ndarray]

_MIDLINE_FIELDS = ("upper_lip_top", "upper_lip_inner_mid", "lower_lip_inner_mid", "lower_lip_bottom", "nasion",
                   "nose_tip", "chin")


def moved_anatomy(anatomy: FaceAnatomy, move: AnatomyMap) -> FaceAnatomy:
    """``anatomy`` with every landmark moved by ``move`` (lid contours as margins, the rest as skin)."""

    def side(s: Side) -> Any:
        part = anatomy.side(s)
        values: dict[str, Any] = {}
        for name, value in part.__dict__.items():
            if name == "iris_diameter_px":
                values[name] = value
                continue
            pts = np.asarray(value, dtype=float)
            if name in ("upper_lid", "lower_lid"):
                kind = "upper_margin" if name == "upper_lid" else "lower_margin"
                moved = move(pts, "skin")
                moved[1:-1] = move(pts[1:-1], kind)  # the canthi at both ends move as skin
                values[name] = moved
            else:
                values[name] = move(pts, "skin")
        return type(part)(**values)

    midline: dict[str, Any] = {
        name: move(np.asarray(getattr(anatomy, name), dtype=float), "skin") for name in _MIDLINE_FIELDS
    }
    points = move(np.asarray(anatomy.points_px, dtype=float), "skin")
    return replace(anatomy, right=side("right"), left=side("left"), points_px=points, **midline)


def metric_changes(
    anatomy: FaceAnatomy, moved: FaceAnatomy, frame: FaceFrame, mm_per_px: float
) -> dict[str, dict[Side, float]]:
    """Per metric and side: value on ``moved`` minus value on ``anatomy`` (units of the metric: mm, deg, mm²)."""
    before = measure_all(side_geometry(anatomy, frame, mm_per_px))
    after = measure_all(side_geometry(moved, frame, mm_per_px))
    return {name: {s: float(after[name][s] - before[name][s]) for s in SIDES} for name in before}


@dataclass(frozen=True)
class GroundTruth:
    """What a simulated case is.

    ``fraction`` is the weak side's loss of movement (0 healthy, 1 complete; 0 when ``weak_side`` is "none").
    ``synkinesis`` marks oral-ocular synkinesis on the weak side (its eye narrows in a smile or pucker).
    ``amounts`` holds the subject's drawn amounts (mm, or fractions of the fissure) and the rest signs applied.
    ``metric_changes`` holds, per metric and side, the change from the rest photo's landmarks to the simulated
    ones (see the module docstring); pupil-based measures are not meaningful in eye-closure cases, where the
    pupils are hidden.
    """

    face: str
    expression: Expression
    weak_side: WeakSide
    fraction: float
    synkinesis: bool
    mm_per_px: float
    amounts: dict[str, float] = field(default_factory=dict)
    metric_changes: dict[str, dict[Side, float]] = field(default_factory=dict)
    seed: int | None = None

    @property
    def healthy_side(self) -> Side | None:
        if self.weak_side == "none":
            return None
        return "right" if self.weak_side == "left" else "left"

    def change(self, metric: str, side: Side) -> float:
        """The imposed change of ``metric`` on ``side`` (units of the metric)."""
        return self.metric_changes[metric][side]

    def to_dict(self) -> dict[str, Any]:
        return {
            "face": self.face,
            "expression": self.expression.value,
            "weak_side": self.weak_side,
            "fraction": self.fraction,
            "synkinesis": self.synkinesis,
            "mm_per_px": self.mm_per_px,
            "amounts": dict(self.amounts),
            "metric_changes": {k: dict(v) for k, v in self.metric_changes.items()},
            "seed": self.seed,
        }
