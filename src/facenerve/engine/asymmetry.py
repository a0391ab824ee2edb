"""Affected side with a calibrated probability, a normalised severity, and the millimetre asymmetry index.

**Evidence.** The expression's rows of the weakness table (:mod:`facenerve.engine.weakness`) are read, each oriented
so that + says the patient's left is weak, and divided by its spread in healthy faces in that expression
(:mod:`facenerve.engine.norms`): a z value, about N(0, 1) in a healthy face. Readings of one face region (brow, eye,
mouth, lip midline) are strongly correlated, so they are averaged into one region value (which keeps it about
N(0, 1) in healthy faces however many readings a region has); regions are taken as independent.

**Probabilities.** Three hypotheses: no palsy (every region ~ N(0, 1)), left weak, right weak. A weak side leaves
each region unshifted with probability :data:`UNAFFECTED_REGION`, or shifts it toward itself by an unknown amount,
taken as half-normal with a scale of :data:`PALSY_SHIFT_SPREADS` normal spreads (a skew-normal likelihood, in
closed form). A two-way region (the fissure at
rest: wide when flaccid, narrow when synkinetic [S4, S12]) shifts either way with equal chance and so favours
neither side. Equal prior odds. The reported side is the most probable hypothesis, its confidence that
probability; "none" means the face lies within normal asymmetry. These are modelling choices, not clinical
figures; the benchmark (benchmarks/bench_simulator.py) checks that the probabilities mean what they say.

**Severity.** The weak-direction region values of the likelier side, root mean square over the regions read,
less the normal range 1.96 (95 % of healthy faces), floored at 0: 0 means within normal, 1 means one normal
spread beyond it, in any expression.

**Ocular synkinesis.** In a smile or pucker the eye is not read as weakness (the healthy eye narrows 21.6 ±
13.4 % [S85]). A weak side's eye narrows less than the healthy eye; when a side is called and its eye is
nonetheless the narrower one (synkinetic narrowing is 32.7 ± 13.7 % [S85]), the photo reports oral-ocular
synkinesis on that side.

**Photo quality.** A turned head or a small face (``quality.confidence_factor`` < 1) widens every spread by the
factor's inverse, so its evidence counts for less: lower confidence, more often "none", never a refusal. A region
whose two sides the image cannot pair — the brows, when their mirrored patches match poorly (a glasses rim, hair,
shadow; :func:`facenerve.engine.bilateral.pair_reliability`) — is widened the same way, region by region.

**Index.** The root mean square of the left–right differences (mm) of brow height, palpebral fissure height,
commissure height and commissure excursion, kept for continuity: 0 means symmetric.

Example
-------
>>> from facenerve.protocol import Expression
>>> values = {"brow_height": {"left": 18.0, "right": 18.1}, "palpebral_fissure_height": {"left": 9.0, "right": 9.1},
...           "commissure_height": {"left": 60.0, "right": 60.1}, "commissure_excursion": {"left": 25.0,
...           "right": 25.0}}
>>> assess_asymmetry(values, Expression.REST, lip_midpoint_deviation_mm=0.0).affected_side
'none'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from facenerve.engine.landmarks.base import Side
from facenerve.engine.norms import norm_for
from facenerve.engine.weakness import (
    OCULAR_SYNKINESIS_EXPRESSIONS,
    WeakDirection,
    left_weak_value,
    measure_value,
    signs_for,
)
from facenerve.protocol import Expression

AffectedSide = Literal["left", "right", "none"]
#: Floor of the photo quality factor (``quality.confidence_factor`` never goes below 0.2 either).
MIN_QUALITY_FACTOR = 0.2
HYPOTHESES: tuple[AffectedSide, ...] = ("none", "left", "right")

#: Normal palpebral fissure height, mm (young adults, 9.7 ± 1.2 mm) [S84]; the legacy eye evidence reads it.
NORMAL_PALPEBRAL_FISSURE_HEIGHT_MM = 9.7
#: Smallest difference called real: 3-D smile test–retest MDC95, lower bound, mm [S91].
MINIMAL_DETECTABLE_CHANGE_MM = 1.3
#: Metrics whose left–right differences make up the millimetre index.
INDEX_METRICS = ("brow_height", "palpebral_fissure_height", "commissure_height", "commissure_excursion")
#: Scale of the half-normal prior on a palsy's shift of one region, in normal spreads (a modelling choice: a
#: complete palsy moves a smile's mouth region 5–10 spreads, a partial one a few).
PALSY_SHIFT_SPREADS = 3.0
#: Chance that a palsy leaves a given region unshifted (signs at rest may be absent: HB II–IV are "symmetric,
#: normal tone" at rest [S1]); a modelling choice, not a clinical figure.
UNAFFECTED_REGION = 0.5
#: Prior probability of each hypothesis: none, left, right (no preference; a modelling choice, not a prevalence).
PRIOR: dict[AffectedSide, float] = {"none": 1 / 3, "left": 1 / 3, "right": 1 / 3}
#: Region values are capped here in the likelihood: a landmark failure is not 40 spreads of palsy.
MAX_REGION_Z = 8.0
#: The normal range: 95 % of healthy faces lie within ±1.96 spreads.
NORMAL_RANGE_Z = 1.96
#: Ocular synkinesis is flagged when the weak eye is narrower than the healthy eye by more than this (spreads): a
#: weak side's eye narrows *less* than the healthy one in a smile, so any excess narrowing is synkinetic.
SYNKINESIS_MIN_Z = 0.0


@dataclass(frozen=True)
class SignReading:
    """One row of the weakness table read on a photo."""

    measure: str
    region: str
    direction: WeakDirection
    unit: str
    reading: float  # left − right (midline: + toward the left), in ``unit``
    spread: float  # normal spread in this expression, ``unit``
    z: float  # oriented: + says the left is weak, in normal spreads

    def to_dict(self) -> dict[str, object]:
        return {
            "measure": self.measure,
            "region": self.region,
            "weak_side_is": self.direction,
            "unit": self.unit,
            "reading": round(self.reading, 3),
            "normal_spread": self.spread,
            "z": round(self.z, 2),
        }


@dataclass(frozen=True)
class RegionEvidence:
    """One region's pooled evidence: ``z`` > 0 says the left is weak; a two-way region favours neither side."""

    region: str
    z: float
    two_way: bool = False


@dataclass(frozen=True)
class OcularSynkinesis:
    """The weaker-moving side's eye in a smile or pucker against the healthy eye's (oral-ocular synkinesis)."""

    side: Side
    flagged: bool
    weak_fissure_mm: float
    healthy_fissure_mm: float
    z: float  # (healthy − weak fissure) / normal spread: + the weak eye is narrower

    def to_dict(self) -> dict[str, object]:
        return {
            "side": self.side,
            "flagged": self.flagged,
            "weak_fissure_mm": round(self.weak_fissure_mm, 2),
            "healthy_fissure_mm": round(self.healthy_fissure_mm, 2),
            "z": round(self.z, 2),
        }


@dataclass(frozen=True)
class Asymmetry:
    """The affected side, its probability, the severity, the mm index and the evidence behind them."""

    index: float
    affected_side: AffectedSide
    confidence: float
    evidence_mm: dict[str, float]
    severity: float = 0.0
    probabilities: dict[AffectedSide, float] = field(default_factory=dict)
    readings: tuple[SignReading, ...] = ()
    regions: tuple[RegionEvidence, ...] = ()
    synkinesis: OcularSynkinesis | None = None
    #: 0–1 per region whose two sides the image could not pair (e.g. a brow behind a glasses rim); absent = 1.
    region_reliability: dict[str, float] = field(default_factory=dict)

    @property
    def healthy_side(self) -> Side | None:
        return {"left": "right", "right": "left"}.get(self.affected_side)  # type: ignore[return-value]


# --- the likelihood model --------------------------------------------------------------------------------------


def _log_normal_cdf(x: float) -> float:
    if x > -30.0:
        return math.log(max(0.5 * math.erfc(-x / math.sqrt(2.0)), 1e-300))
    return -0.5 * x * x - math.log(-x) - 0.5 * math.log(2.0 * math.pi)


def _log_shifted(z: float, tau: float = PALSY_SHIFT_SPREADS) -> float:
    """log of p(z | shift ~ half-normal(tau) toward +) / p(z | no shift): a skew-normal against N(0, 1)."""
    s2 = 1.0 + tau * tau
    skew = _log_normal_cdf(tau * z / math.sqrt(s2))
    return math.log(2.0) - 0.5 * math.log(s2) + z * z * tau * tau / (2.0 * s2) + skew


def region_log_likelihood_ratios(region: RegionEvidence) -> tuple[float, float]:
    """(log LR left weak, log LR right weak) of one region against no palsy.

    Under a palsy the region is unshifted with probability :data:`UNAFFECTED_REGION`, otherwise shifted toward the
    weak side (a two-way region: either way, with equal chance).
    """
    z = max(-MAX_REGION_Z, min(MAX_REGION_Z, region.z))
    if region.two_way:
        toward_left = toward_right = math.log(0.5) + _logsumexp([_log_shifted(z), _log_shifted(-z)])
    else:
        toward_left, toward_right = _log_shifted(z), _log_shifted(-z)
    unaffected, affected = math.log(UNAFFECTED_REGION), math.log(1.0 - UNAFFECTED_REGION)
    return (
        _logsumexp([unaffected, affected + toward_left]),
        _logsumexp([unaffected, affected + toward_right]),
    )


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def side_probabilities(regions: Iterable[RegionEvidence]) -> dict[AffectedSide, float]:
    """Posterior probability of none / left weak / right weak from region evidence (module docstring)."""
    log_post = {h: math.log(PRIOR[h]) for h in HYPOTHESES}
    for region in regions:
        left, right = region_log_likelihood_ratios(region)
        log_post["left"] += left
        log_post["right"] += right
    total = _logsumexp(list(log_post.values()))
    return {h: math.exp(v - total) for h, v in log_post.items()}


def call_side(probabilities: Mapping[AffectedSide, float]) -> tuple[AffectedSide, float]:
    """The most probable hypothesis and its probability (ties go to "none", then left)."""
    side = max(HYPOTHESES, key=lambda h: (probabilities[h], h == "none"))
    return side, probabilities[side]


def severity_index(regions: Iterable[RegionEvidence], probabilities: Mapping[AffectedSide, float]) -> float:
    """Weak-direction evidence beyond the normal range, in normal spreads (module docstring); 0 = within normal."""
    sign = 1.0 if probabilities["left"] >= probabilities["right"] else -1.0
    toward = [abs(r.z) if r.two_way else max(0.0, sign * r.z) for r in regions]
    if not toward:
        return 0.0
    rms = math.sqrt(sum(v * v for v in toward) / len(toward))
    return max(0.0, rms - NORMAL_RANGE_Z)


def pool_regions(readings: Iterable[SignReading]) -> tuple[RegionEvidence, ...]:
    """Average each region's readings (a two-way reading forms a region of its own)."""
    groups: dict[tuple[str, bool], list[float]] = {}
    for r in readings:
        groups.setdefault((r.region, r.direction == "either"), []).append(r.z)
    return tuple(RegionEvidence(region, sum(zs) / len(zs), two_way) for (region, two_way), zs in groups.items())


# --- one photo ------------------------------------------------------------------------------------------------


def read_signs(
    values: Mapping[str, Mapping[Side, float]],
    expression: Expression,
    lip_midpoint_deviation_mm: float | None,
    quality_factor: float = 1.0,
    region_reliability: Mapping[str, float] | None = None,
) -> tuple[SignReading, ...]:
    """The expression's weakness signs read on a photo, in normal spreads (unreadable ones are left out).

    ``quality_factor`` (0–1, ``quality.confidence_factor``: turned head, small face) widens each spread by its
    inverse: a photo that measures less reliably gives weaker evidence, so a lower confidence and more "none".
    ``region_reliability`` does the same for one region (``"brow"``: the two brows do not look alike in the image).
    """
    reliability = region_reliability or {}
    readings = []
    for sign in signs_for(expression):
        raw = measure_value(sign.measure, values, lip_midpoint_deviation_mm)
        if raw is None or not math.isfinite(raw):
            continue
        weight = quality_factor * reliability.get(sign.region, 1.0)
        spread = norm_for(expression, sign.measure).spread / max(weight, MIN_QUALITY_FACTOR)
        readings.append(
            SignReading(sign.measure, sign.region, sign.direction, sign.unit, raw, spread,
                        left_weak_value(sign, raw) / spread)
        )
    return tuple(readings)


def ocular_synkinesis(
    values: Mapping[str, Mapping[Side, float]], expression: Expression, weak: AffectedSide
) -> OcularSynkinesis | None:
    """Oral-ocular synkinesis on the weaker-moving side in a smile or pucker (module docstring); None elsewhere."""
    if expression not in OCULAR_SYNKINESIS_EXPRESSIONS or weak == "none":
        return None
    fissure = values.get("palpebral_fissure_height")
    if fissure is None:
        return None
    healthy: Side = "right" if weak == "left" else "left"
    weak_mm, healthy_mm = fissure[weak], fissure[healthy]
    if not (math.isfinite(weak_mm) and math.isfinite(healthy_mm)):
        return None
    z = (healthy_mm - weak_mm) / norm_for(expression, "palpebral_fissure_height").spread
    return OcularSynkinesis(weak, z > SYNKINESIS_MIN_Z, weak_mm, healthy_mm, z)


def evidence_left_weak_mm(values: Mapping[str, Mapping[Side, float]], expression: Expression) -> dict[str, float]:
    """Legacy per-region differences (mm) that the left side is the weak one, kept for continuity of the
    ``evidence_mm`` field: brow sag [S1, S12], commissure droop [S4, S6], and the eye (at rest the side further
    from 9.7 mm [S84]; in eye closures the wider side). The side is no longer called from these."""
    brow = values["brow_height"]
    commissure = values["commissure_height"]
    fissure = values["palpebral_fissure_height"]
    if expression.eyes_expected_closed:
        eye = fissure["left"] - fissure["right"]
    else:
        norm = NORMAL_PALPEBRAL_FISSURE_HEIGHT_MM
        eye = abs(fissure["left"] - norm) - abs(fissure["right"] - norm)
    evidence = {
        "brow": brow["right"] - brow["left"],
        "eye": eye,
        "commissure": commissure["left"] - commissure["right"],
    }
    return {**evidence, "total": sum(evidence.values())}


def asymmetry_index_mm(values: Mapping[str, Mapping[Side, float]]) -> float:
    """Root mean square of the left − right differences of :data:`INDEX_METRICS` (mm); 0 = symmetric."""
    diffs = [values[name]["left"] - values[name]["right"] for name in INDEX_METRICS]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


def assess_asymmetry(
    values: Mapping[str, Mapping[Side, float]],
    expression: Expression,
    lip_midpoint_deviation_mm: float | None = None,
    quality_factor: float = 1.0,
    region_reliability: Mapping[str, float] | None = None,
) -> Asymmetry:
    """Affected side, its probability, severity and mm index of one photo in ``expression`` (module docstring);
    ``quality_factor`` lowers the weight of a photo taken with the head turned or the face small,
    ``region_reliability`` that of a region whose two sides the image could not pair."""
    readings = read_signs(values, expression, lip_midpoint_deviation_mm, quality_factor, region_reliability)
    regions = pool_regions(readings)
    probabilities = side_probabilities(regions)
    side, confidence = call_side(probabilities)
    return Asymmetry(
        index=asymmetry_index_mm(values),
        affected_side=side,
        confidence=confidence,
        evidence_mm=evidence_left_weak_mm(values, expression),
        severity=severity_index(regions, probabilities),
        probabilities=dict(probabilities),
        readings=readings,
        regions=regions,
        synkinesis=ocular_synkinesis(values, expression, side),
        region_reliability=dict(region_reliability or {}),
    )
