"""Synkinesis indices from movement segments. PROVISIONAL: the index formulas are ours.

* **Ocular-oral** (the eye narrows when the mouth moves): in each smile or pucker segment (the
  expressions the reference lists for ocular synkinesis [S78, S12]), each eye's narrowing at the
  mouth's peak, as a percentage of its rest aperture. The clinical reference gives the normal
  narrowing during a smile, 21.6 ± 13.4 %, and in synkinesis 32.7 ± 13.7 % [S85].
  Index = affected-side narrowing − healthy-side narrowing (percentage points).
* **Oral-ocular** (the mouth corner moves when the eye closes): in each eye-closure segment, each
  commissure's displacement from rest at the eye's peak closure (mm). Index = affected − healthy (mm);
  differences under the minimal detectable change, 1.3 mm [S91], are within measurement noise.

The reference defines no synkinesis index over these measures, so both formulas are provisional
(flagged ``provisional: true`` in the output); the derivation of each value is reported with it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from facenerve.engine.asymmetry import MINIMAL_DETECTABLE_CHANGE_MM
from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.protocol import Expression
from facenerve.video.channels import Channels
from facenerve.video.segments import Segment

#: Eye narrowing during a smile, % of the rest aperture: normal and synkinetic mean ± SD [S85].
NORMAL_SMILE_EYE_NARROWING_PCT = (21.6, 13.4)
SYNKINETIC_SMILE_EYE_NARROWING_PCT = (32.7, 13.7)
#: Expressions that show ocular synkinesis: smiles and the lip pucker [S78, S12].
MOUTH_EXPRESSIONS = (Expression.SMILE_CLOSED, Expression.SMILE_OPEN, Expression.PUCKER)
EYE_EXPRESSIONS = (Expression.GENTLE_EYE_CLOSURE, Expression.TIGHT_EYE_CLOSURE)
#: The "peak" of a segment: samples where the driving channel is at least this fraction of its peak
#: (engineering: the held part of the expression, robust to a single noisy sample).
PEAK_FRACTION = 0.8
PROVISIONAL = True


@dataclass(frozen=True)
class SynkinesisMeasure:
    """One segment's synkinesis measure per side, the index (affected − healthy) and its derivation."""

    kind: str
    segment_index: int
    expression: Expression
    per_side: dict[Side, float]
    unit: str
    index: float | None
    derivation: str
    provisional: bool = PROVISIONAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "segment": self.segment_index,
            "expression": self.expression.value,
            "unit": self.unit,
            "right": _num(self.per_side["right"]),
            "left": _num(self.per_side["left"]),
            "index": _num(self.index),
            "derivation": self.derivation,
            "provisional": self.provisional,
        }


def _peak_mask(ch: Channels, segment: Segment) -> tuple[np.ndarray, slice]:
    a, b = segment.window
    drive = np.fmax(ch.side["right"][segment.channel][a:b], ch.side["left"][segment.channel][a:b])
    if not np.isfinite(drive).any():
        return np.zeros(b - a, dtype=bool), slice(a, b)
    top = float(np.nanmax(drive))
    return np.nan_to_num(drive, nan=-np.inf) >= PEAK_FRACTION * top, slice(a, b)


def ocular_oral(ch: Channels, segment: Segment, index: int, affected: Side | None) -> SynkinesisMeasure:
    """Eye narrowing (% of rest aperture) per side at the mouth's peak, and the provisional index."""
    mask, window = _peak_mask(ch, segment)
    per_side: dict[Side, float] = {}
    for side in SIDES:
        closure = ch.side[side]["eye"][window][mask]
        closure = closure[np.isfinite(closure)]
        rest = ch.rest[side]["palpebral_fissure_height"]
        per_side[side] = float(100.0 * np.median(closure) / rest) if closure.size and rest > 0 else math.nan
    value = _difference(per_side, affected)
    mean, sd = NORMAL_SMILE_EYE_NARROWING_PCT
    syn_mean, syn_sd = SYNKINETIC_SMILE_EYE_NARROWING_PCT
    derivation = (
        f"eye narrowing = (rest aperture − aperture at the mouth's peak) / rest aperture × 100, median over "
        f"samples ≥ {PEAK_FRACTION:.0%} of the {segment.channel} peak; index = affected − healthy (points). "
        f"Reference during smiling: normal {mean} ± {sd} %, synkinetic {syn_mean} ± {syn_sd} % [S85]"
    )
    return SynkinesisMeasure("ocular_oral", index, segment.expression, per_side, "%", value, derivation)


def oral_ocular(ch: Channels, segment: Segment, index: int, affected: Side | None) -> SynkinesisMeasure:
    """Commissure displacement (mm) per side at the eye's peak closure, and the provisional index."""
    mask, window = _peak_mask(ch, segment)
    per_side: dict[Side, float] = {}
    for side in SIDES:
        moved = ch.side[side]["commissure"][window][mask]
        moved = moved[np.isfinite(moved)]
        per_side[side] = float(np.median(moved)) if moved.size else math.nan
    value = _difference(per_side, affected)
    derivation = (
        f"commissure displacement from rest (mm), median over samples ≥ {PEAK_FRACTION:.0%} of the eye-closure "
        f"peak; index = affected − healthy (mm); differences under {MINIMAL_DETECTABLE_CHANGE_MM} mm are "
        "within measurement noise [S91]"
    )
    return SynkinesisMeasure("oral_ocular", index, segment.expression, per_side, "mm", value, derivation)


def synkinesis(ch: Channels, segments: Sequence[Segment], affected: Side | None) -> list[SynkinesisMeasure]:
    """Ocular-oral measures for mouth segments, oral-ocular for eye-closure segments."""
    out = []
    for i, seg in enumerate(segments):
        if seg.expression in MOUTH_EXPRESSIONS:
            out.append(ocular_oral(ch, seg, i, affected))
        elif seg.expression in EYE_EXPRESSIONS:
            out.append(oral_ocular(ch, seg, i, affected))
    return out


def _difference(per_side: dict[Side, float], affected: Side | None) -> float | None:
    if affected is None:
        return None
    healthy: Side = "left" if affected == "right" else "right"
    value = per_side[affected] - per_side[healthy]
    return value if math.isfinite(value) else None


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 3)
