"""One side, one confidence and one severity for a whole photo session.

The session pools the evidence of its photos with the photo model (:mod:`facenerve.engine.asymmetry`):

* every measured photo's weakness signs (:mod:`facenerve.engine.weakness`), in normal spreads. Readings of the same
  region in several photos (the brow at rest and in the brow raise, the mouth at rest and in the smiles) are
  averaged, as they are within a photo: a face's own asymmetry shows in every photo, so they are not independent.
  The fissure at rest stays two-way; the eye closures' residual fissure (the weak eye closes less [S2, S12]) is
  a region of its own and decides the side when the rest photo's fissures differ;
* when the rest photo is measured, each expression's movement from rest (its primary excursion,
  :mod:`facenerve.session.dynamics`): the relative deficit (right − left) / larger side, in units of the normal
  dynamic asymmetry, 9 % (symmetry index 91–93 % [S90]), pooled as the region ``movement``. Movements where
  neither side moved beyond the minimal detectable change (1.3 mm [S91]) are left out.

The side and its probability, and the severity, follow the photo model. Ocular synkinesis is flagged when, in
any smile or pucker, the session's weak side has the narrower eye by more than one landmark spread (photo model).
The millimetre index, kept for continuity, is the mean of the measured photos' indices.

Example
-------
>>> side = session_side({}, None)
>>> side.side, side.severity
('none', 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.asymmetry import (
    AffectedSide,
    OcularSynkinesis,
    RegionEvidence,
    SignReading,
    call_side,
    ocular_synkinesis,
    pool_regions,
    severity_index,
    side_probabilities,
)
from facenerve.engine.norms import SESSION, norm_for
from facenerve.protocol import Expression
from facenerve.session.dynamics import DYNAMIC_MEASURES, MINIMAL_DETECTABLE_CHANGE_MM

#: The norm row of the movement deficit: normal dynamic asymmetry 9 % [S90].
MOVEMENT_MEASURE = "excursion_deficit"


@dataclass(frozen=True)
class SessionSide:
    """The session's affected side, its probability, the normalised severity and the mm index."""

    side: AffectedSide
    confidence: float
    probabilities: dict[AffectedSide, float]
    severity: float
    index_mm: float | None
    regions: tuple[RegionEvidence, ...] = ()
    readings: dict[str, tuple[SignReading, ...]] = field(default_factory=dict)
    ocular_synkinesis: dict[str, OcularSynkinesis] = field(default_factory=dict)

    @property
    def ocular_synkinesis_flagged(self) -> bool:
        return any(s.flagged for s in self.ocular_synkinesis.values())

    def to_dict(self) -> dict[str, object]:
        return {
            "side": self.side,
            "confidence": round(self.confidence, 3),
            "probabilities": {k: round(v, 3) for k, v in self.probabilities.items()},
            "severity": round(self.severity, 2),
            "index_mm": None if self.index_mm is None else round(self.index_mm, 2),
            "regions": {
                r.region + (" (two-way)" if r.two_way else ""): round(r.z, 2) for r in self.regions
            },
            "ocular_synkinesis": {
                "flagged": self.ocular_synkinesis_flagged,
                "photos": {e: s.to_dict() for e, s in self.ocular_synkinesis.items()},
            },
        }


def movement_readings(dynamics: Mapping[Expression, Mapping[str, Mapping[str, float]]]) -> tuple[SignReading, ...]:
    """Each expression's primary excursion as a relative deficit in units of normal dynamic asymmetry [S90].

    ``dynamics`` maps an expression to ``{measure name: {"left": mm, "right": mm}}`` (or objects with ``left`` and
    ``right``); + says the left moves less.
    """
    spread = norm_for(SESSION, MOVEMENT_MEASURE).spread
    primaries = {s.name for s in DYNAMIC_MEASURES if s.primary}
    readings = []
    for expression in Expression:
        for name, sides in dynamics.get(expression, {}).items():
            if name not in primaries:
                continue
            left, right = _side(sides, "left"), _side(sides, "right")
            larger = max(left, right)
            if not (math.isfinite(larger) and larger >= MINIMAL_DETECTABLE_CHANGE_MM):
                continue
            deficit = (right - left) / larger
            readings.append(SignReading(f"{expression.value}:{name}", "movement", "lower", "ratio", deficit, spread,
                                        deficit / spread))
    return tuple(readings)


def _side(sides: object, side: str) -> float:
    if isinstance(sides, Mapping):
        return float(sides[side])
    return float(getattr(sides, side))


def session_side(
    photos: Mapping[Expression, PhotoAssessment],
    dynamics: Mapping[Expression, Mapping[str, object]] | None,
) -> SessionSide:
    """Pool a session's photos (and its movements from rest, when measured) into one side (module docstring)."""
    measured = {e: p for e, p in photos.items() if p.ok and p.asymmetry is not None}
    readings: dict[str, tuple[SignReading, ...]] = {}
    for expression, photo in measured.items():
        assert photo.asymmetry is not None
        readings[expression.value] = photo.asymmetry.readings
    if dynamics:
        movement = movement_readings(dynamics)  # type: ignore[arg-type]
        if movement:
            readings["movement"] = movement
    regions = pool_regions(r for group in readings.values() for r in group)
    probabilities = side_probabilities(regions)
    side, confidence = call_side(probabilities)
    synkinesis: dict[str, OcularSynkinesis] = {}
    for expression, photo in measured.items():
        values = {name: {"left": m.left, "right": m.right} for name, m in photo.metrics.items()
                  if m.left is not None and m.right is not None}
        found = ocular_synkinesis(values, expression, side)  # type: ignore[arg-type]
        if found is not None:
            synkinesis[expression.value] = found
    indices = [p.asymmetry.index for p in measured.values() if p.asymmetry is not None]
    return SessionSide(
        side=side,
        confidence=confidence,
        probabilities=probabilities,
        severity=severity_index(regions, probabilities),
        index_mm=sum(indices) / len(indices) if indices else None,
        regions=regions,
        readings=readings,
        ocular_synkinesis=synkinesis,
    )
