"""The photo assessment result and its JSON form (schema ``facenerve.photo/1``, docs/schemas.md)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from facenerve.engine.asymmetry import Asymmetry
from facenerve.engine.calibrate import Scale
from facenerve.engine.frame import FaceFrame, HeadPose
from facenerve.engine.landmarks.base import FaceAnatomy, Side
from facenerve.engine.metrics import METRICS_BY_NAME, Unit
from facenerve.engine.quality import Quality
from facenerve.errors import FaceNerveError

SCHEMA = "facenerve.photo/1"
#: Below this reference value (mm, mm² or deg) a percentage is not reported.
MIN_REFERENCE_VALUE = 1.0


@dataclass(frozen=True)
class MetricValue:
    """One metric for both sides, with the difference and the percentage of the healthier side.

    ``difference`` is left − right. ``percent_of_reference`` is the other side as a percentage of
    the reference side: the healthy side when an affected side was found, otherwise the side with
    the larger value.
    """

    name: str
    unit: Unit
    left: float | None
    right: float | None
    difference: float | None
    percent_of_reference: float | None
    reference_side: Side | None

    @classmethod
    def of(cls, name: str, values: dict[Side, float], healthy: Side | None) -> MetricValue:
        left, right = values.get("left"), values.get("right")
        metric = METRICS_BY_NAME[name]
        unit = metric.unit
        if left is None or right is None or not (math.isfinite(left) and math.isfinite(right)):
            return cls(name, unit, _finite(left), _finite(right), None, None, None)
        ref: Side = healthy or ("left" if abs(left) >= abs(right) else "right")
        ref_value, other = (left, right) if ref == "left" else (right, left)
        meaningful = metric.ratio_meaningful and abs(ref_value) >= MIN_REFERENCE_VALUE
        percent = 100.0 * other / ref_value if meaningful else None
        return cls(name, unit, left, right, left - right, percent, ref)


@dataclass(frozen=True)
class PhotoAssessment:
    """Everything measured on one photo. ``error`` is set (and the rest empty) when it failed."""

    image: str
    expression: str
    backend: str
    mirrored: bool = False
    landmark_passes: int = 1
    face_found: bool = False
    anatomy: FaceAnatomy | None = field(default=None, repr=False)
    frame: FaceFrame | None = field(default=None, repr=False)
    pose: HeadPose | None = None
    scale: Scale | None = None
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    lip_midpoint_deviation_mm: float | None = None
    asymmetry: Asymmetry | None = None
    quality: Quality | None = None
    warnings: tuple[str, ...] = ()
    error: FaceNerveError | None = None
    image_size_px: tuple[int, int] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def raise_for_error(self) -> PhotoAssessment:
        """Raise the stored error, if any; return self otherwise (like httpx's raise_for_status)."""
        if self.error is not None:
            raise self.error
        return self

    def to_dict(self) -> dict[str, Any]:
        """The ``facenerve.photo/1`` document (docs/schemas.md)."""
        doc: dict[str, Any] = {
            "schema": SCHEMA,
            "image": self.image,
            "expression": self.expression,
            "backend": self.backend,
            "landmark_passes": self.landmark_passes,
            "mirrored": self.mirrored,
            "face": {
                "found": self.face_found,
                "bbox_px": list(self.anatomy.bbox_px) if self.anatomy else None,
                "pose_deg": (
                    {"yaw": _r(self.pose.yaw_deg), "pitch": _r(self.pose.pitch_deg), "roll": _r(self.pose.roll_deg)}
                    if self.pose
                    else None
                ),
            },
            "scale": (
                {
                    "mm_per_px": round(self.scale.mm_per_px, 5),
                    "source": self.scale.source,
                    "relative_uncertainty": _r(self.scale.relative_uncertainty, 4),
                    "iris_diameter_px": {k: _r(v) for k, v in self.scale.iris_diameter_px.items()} or None,
                }
                if self.scale
                else None
            ),
            "quality": (
                {
                    "confidence_factor": _r(self.quality.confidence_factor, 3),
                    "sharpness": _r(self.quality.sharpness, 1),
                    "open_eyes": dict(self.quality.open_eyes),
                }
                if self.quality
                else None
            ),
            "metrics": {
                name: {
                    "left": _r(m.left),
                    "right": _r(m.right),
                    "unit": m.unit,
                    "difference": _r(m.difference),
                    "percent_of_reference": _r(m.percent_of_reference, 1),
                    "reference_side": m.reference_side,
                }
                for name, m in self.metrics.items()
            },
            "midline": (
                {
                    "lip_midpoint_deviation_mm": _r(self.lip_midpoint_deviation_mm),
                    "toward": _toward(self.lip_midpoint_deviation_mm),
                }
                if self.lip_midpoint_deviation_mm is not None
                else None
            ),
            "asymmetry": (
                {
                    "index": _r(self.asymmetry.index),
                    "unit": "mm",
                    "affected_side": self.asymmetry.affected_side,
                    "confidence": _r(self.asymmetry.confidence, 3),
                    "probabilities": {k: _r(v, 3) for k, v in self.asymmetry.probabilities.items()},
                    "severity": _r(self.asymmetry.severity),
                    "evidence": [r.to_dict() for r in self.asymmetry.readings],
                    "ocular_synkinesis": (
                        self.asymmetry.synkinesis.to_dict() if self.asymmetry.synkinesis is not None else None
                    ),
                    "evidence_mm": {k: _r(v) for k, v in self.asymmetry.evidence_mm.items()},
                }
                if self.asymmetry
                else None
            ),
            "warnings": list(self.warnings),
            "error": {"code": self.error.code, "message": self.error.message} if self.error else None,
        }
        return doc

    def to_json(self) -> str:
        """One line of JSON (JSON Lines friendly)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _r(value: float | np.floating[Any] | None, digits: int = 2) -> float | None:
    if value is None or not math.isfinite(float(value)):
        return None
    return round(float(value), digits)


def _toward(deviation_mm: float | None) -> str:
    if deviation_mm is None or abs(deviation_mm) < 0.05:
        return "none"
    return "left" if deviation_mm > 0 else "right"
