"""The synthetic palsy accuracy set: induced vs measured one-sided changes (shared by tests and benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facenerve import PhotoAssessment, analyze_photo
from tests.synth.faces import FACE_NAMES, face_photo, mirror_composite
from tests.synth.palsy import PalsyWarp, apply_palsy

#: Induced amounts, mm (issue #2: commissure 0–8 mm, brow 0–6 mm, fissure widened or narrowed).
AMOUNTS_MM = {
    "commissure_drop_mm": (1.0, 2.0, 4.0, 6.0, 8.0),
    "brow_drop_mm": (1.0, 2.0, 4.0, 6.0),
    "fissure_change_mm": (-3.0, -2.0, 2.0, 3.0),
}
METRIC_OF = {
    "commissure_drop_mm": "commissure_height",
    "brow_drop_mm": "brow_height",
    "fissure_change_mm": "palpebral_fissure_height",
}


@dataclass(frozen=True)
class Case:
    face: str
    side: str
    metric: str
    induced_mm: float
    measured_mm: float
    affected_side: str


def symmetric_bases() -> dict[str, np.ndarray]:
    """Mirror composites of each shipped face (both halves), so induced change is the only asymmetry."""
    bases = {}
    for name in FACE_NAMES:
        rgb = face_photo(name)
        first = analyze_photo(rgb).raise_for_error()
        assert first.frame is not None
        midline_x = float(first.frame.origin_px[0])
        for keep in ("image_left", "image_right"):
            bases[f"{name}:{keep}"] = mirror_composite(rgb, midline_x, keep)
    return bases


def _difference(result: PhotoAssessment, metric: str, side: str) -> float:
    other = "left" if side == "right" else "right"
    value = result.metrics[metric]
    return float(getattr(value, side) - getattr(value, other))


def run_cases(bases: dict[str, np.ndarray], kinds: tuple[str, ...] = tuple(AMOUNTS_MM)) -> list[Case]:
    cases = []
    for face, rgb in bases.items():
        base = analyze_photo(rgb).raise_for_error()
        for kind in kinds:
            metric = METRIC_OF[kind]
            for side in ("left", "right"):
                for amount in AMOUNTS_MM[kind]:
                    warp = PalsyWarp(side=side, **{kind: amount})
                    result = analyze_photo(apply_palsy(rgb, base, warp)).raise_for_error()
                    assert result.asymmetry is not None
                    measured = _difference(result, metric, side) - _difference(base, metric, side)
                    induced = warp.expected_change_mm()[metric]
                    cases.append(Case(face, side, metric, induced, measured, result.asymmetry.affected_side))
    return cases


def summary(cases: list[Case]) -> dict[str, dict[str, float]]:
    """Per metric: MAE (mm), slope of measured on induced, side accuracy for |induced| ≥ 2 mm."""
    out = {}
    for metric in sorted({c.metric for c in cases}):
        rows = [c for c in cases if c.metric == metric]
        induced = np.array([c.induced_mm for c in rows])
        measured = np.array([c.measured_mm for c in rows])
        big = [c for c in rows if abs(c.induced_mm) >= 2.0]
        out[metric] = {
            "n": float(len(rows)),
            "mae_mm": float(np.mean(np.abs(measured - induced))),
            "slope": float(np.polyfit(induced, measured, 1)[0]),
            "side_accuracy": float(np.mean([c.affected_side == c.side for c in big])) if big else float("nan"),
        }
    return out
