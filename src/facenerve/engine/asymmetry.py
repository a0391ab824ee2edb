"""Affected side, confidence and one composite asymmetry index.

Evidence, in millimetres, that the patient's *left* is the weak side (negative: the right):

* brow: the weak brow sits lower (brow ptosis; HB forehead, eFACE brow at rest [S1, S12]);
* oral commissure: the weak corner sits lower (Sunnybrook "corner drooped" [S4, S6]);
* palpebral fissure: at rest, the side further from the normal fissure height, 9.7 mm [S84]
  (Sunnybrook scores both "narrow" and "wide" [S4, S6]); during eye closure, the wider side.

A difference is only called when the summed evidence exceeds the test–retest minimal detectable
change of facial landmark measures, MDC95 1.3 mm [S91]. The composite index is the root mean
square of the left–right differences (mm) of brow height, palpebral fissure height, commissure
height and commissure excursion: 0 means symmetric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from facenerve.engine.landmarks.base import Side
from facenerve.protocol import Expression

AffectedSide = Literal["left", "right", "none"]

#: Normal palpebral fissure height, mm (young adults, 9.7 ± 1.2 mm) [S84].
NORMAL_PALPEBRAL_FISSURE_HEIGHT_MM = 9.7
#: Smallest difference called real: 3-D smile test–retest MDC95, lower bound, mm [S91].
MINIMAL_DETECTABLE_CHANGE_MM = 1.3
#: Metrics whose left–right differences make up the composite index.
INDEX_METRICS = ("brow_height", "palpebral_fissure_height", "commissure_height", "commissure_excursion")


@dataclass(frozen=True)
class Asymmetry:
    """The affected side, a 0–1 confidence, the composite index (mm) and the evidence (mm)."""

    index: float
    affected_side: AffectedSide
    confidence: float
    evidence_mm: dict[str, float]

    @property
    def healthy_side(self) -> Side | None:
        return {"left": "right", "right": "left"}.get(self.affected_side)  # type: ignore[return-value]


def evidence_left_weak_mm(values: dict[str, dict[Side, float]], expression: Expression) -> dict[str, float]:
    """Per-region evidence (mm) that the left side is the weak one (see module docstring)."""
    brow = values["brow_height"]
    commissure = values["commissure_height"]
    fissure = values["palpebral_fissure_height"]
    if expression.eyes_expected_closed:
        eye = fissure["left"] - fissure["right"]
    else:
        norm = NORMAL_PALPEBRAL_FISSURE_HEIGHT_MM
        eye = abs(fissure["left"] - norm) - abs(fissure["right"] - norm)
    return {
        "brow": brow["right"] - brow["left"],
        "eye": eye,
        "commissure": commissure["left"] - commissure["right"],
    }


def assess_asymmetry(values: dict[str, dict[Side, float]], expression: Expression) -> Asymmetry:
    """Affected side and composite index from per-side metric values."""
    evidence = evidence_left_weak_mm(values, expression)
    total = sum(evidence.values())
    diffs = [values[name]["left"] - values[name]["right"] for name in INDEX_METRICS]
    index = math.sqrt(sum(d * d for d in diffs) / len(diffs))
    # Confidence that the evidence exceeds measurement noise: the MDC95 is 1.96 noise SDs.
    noise_sd = MINIMAL_DETECTABLE_CHANGE_MM / 1.96
    beyond = 1.0 - 2.0 * (1.0 - _normal_cdf(abs(total) / noise_sd))
    if abs(total) < MINIMAL_DETECTABLE_CHANGE_MM:
        side: AffectedSide = "none"
        confidence = 1.0 - beyond
    else:
        side = "left" if total > 0 else "right"
        confidence = beyond
    return Asymmetry(
        index=index,
        affected_side=side,
        confidence=max(0.0, min(1.0, confidence)),
        evidence_mm={**evidence, "total": total},
    )


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
