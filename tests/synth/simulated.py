"""Issue 19's simulator acceptance: run the engine on :mod:`facenerve.simulate` cases and summarise.

Shared by tests/test_weakness.py (a small subset) and benchmarks/bench_simulator.py (the full set). Faces are the
real faces pip packages ship (:mod:`tests.synth.faces`), as they are (natural asymmetry kept), optionally with
roll and scale variants (:func:`facenerve.simulate.varied_photo`) and subjects drawn from several seeds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from facenerve import analyze_photo
from facenerve.engine.reliability import LabelledCase, brier_score, reliability_table
from facenerve.protocol import Expression
from facenerve.simulate import Subject, simulate_case, varied_photo
from tests.synth.faces import face_photo

#: Issue 19's acceptance expressions.
ACCEPTANCE_EXPRESSIONS = (Expression.REST, Expression.BROW_RAISE, Expression.GENTLE_EYE_CLOSURE,
                          Expression.SMILE_OPEN)


@dataclass(frozen=True)
class Outcome:
    """One simulated photo: what was simulated and what the engine said."""

    face: str
    expression: Expression
    truth: str  # "left", "right" or "none"
    fraction: float
    synkinesis: bool
    call: str
    confidence: float
    probabilities: dict[str, float]
    severity: float
    synkinesis_flag: bool
    synkinesis_side: str | None

    @property
    def labelled(self) -> LabelledCase:
        return LabelledCase(self.probabilities, self.truth)


def subjects(names: Iterable[str] = ("astronaut", "grace_hopper"), seeds: Iterable[int] = (0,),
             variants: Iterable[tuple[float, float]] = ((0.0, 1.0),)) -> Iterator[tuple[str, Subject]]:
    """Subjects: each face × (roll °, scale) variant × seed (the seed draws the amounts they move)."""
    for name in names:
        for roll, scale in variants:
            rgb = face_photo(name) if (roll, scale) == (0.0, 1.0) else varied_photo(face_photo(name), roll_deg=roll,
                                                                                   scale=scale)
            for seed in seeds:
                label = f"{name} roll {roll:+.0f} scale {scale:.2f} seed {seed}"
                yield label, Subject.from_photo(rgb, label, seed=seed)


def run(
    subject_list: Iterable[tuple[str, Subject]],
    expressions: Iterable[Expression] = ACCEPTANCE_EXPRESSIONS,
    fractions: Iterable[float] = (0.0, 0.5, 1.0),
    sides: Iterable[str] = ("left", "right"),
    synkinesis: bool = True,
) -> list[Outcome]:
    """Every case of subjects × expressions × fractions × sides (× synkinesis in smiles), analysed."""
    outcomes = []
    exprs, fracs, side_list = list(expressions), list(fractions), list(sides)
    for label, subject in subject_list:
        for expression in exprs:
            for fraction in fracs:
                variants: list[tuple[str, bool]] = [("none", False)] if fraction <= 0 else [
                    (side, synk) for side in side_list
                    for synk in ((False, True) if synkinesis and expression in (Expression.SMILE_OPEN,
                                                                               Expression.SMILE_CLOSED,
                                                                               Expression.PUCKER) else (False,))
                ]
                for side, synk in variants:
                    case = simulate_case(subject, expression, side, fraction, synkinesis=synk)  # type: ignore[arg-type]
                    result = analyze_photo(case.rgb, expression=expression)
                    if not result.ok or result.asymmetry is None:
                        continue
                    a = result.asymmetry
                    outcomes.append(Outcome(
                        label, expression, case.truth.weak_side, case.truth.fraction, case.truth.synkinesis,
                        a.affected_side, a.confidence, dict(a.probabilities), a.severity,
                        bool(a.synkinesis and a.synkinesis.flagged), a.synkinesis.side if a.synkinesis else None,
                    ))
    return outcomes


@dataclass(frozen=True)
class Summary:
    """Issue 19's figures over a set of outcomes (nan where a set is empty)."""

    side_complete: float
    side_half: float
    healthy_quiet: float  # "none", or a confidence below 0.5
    synkinesis_flagged: float  # on the right side
    brier: float
    spearman: float
    n: int


def _rate(values: list[bool]) -> float:
    return float(np.mean(values)) if values else math.nan


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rho with average ranks for ties."""
    if len(x) < 3:
        return math.nan
    from scipy.stats import spearmanr

    return float(spearmanr(x, y).statistic)


def summarise(outcomes: list[Outcome]) -> Summary:
    weak = [o for o in outcomes if o.truth != "none"]
    return Summary(
        side_complete=_rate([o.call == o.truth for o in weak if o.fraction >= 1.0]),
        side_half=_rate([o.call == o.truth for o in weak if 0.45 <= o.fraction <= 0.55]),
        healthy_quiet=_rate([o.call == "none" or o.confidence < 0.5 for o in outcomes if o.truth == "none"]),
        synkinesis_flagged=_rate([o.synkinesis_flag and o.synkinesis_side == o.truth for o in weak if o.synkinesis]),
        brier=brier_score(o.labelled for o in outcomes),
        spearman=spearman([o.severity for o in outcomes], [o.fraction for o in outcomes]),
        n=len(outcomes),
    )


def reliability(outcomes: list[Outcome]) -> list:
    return reliability_table(o.labelled for o in outcomes)
