"""Does the side's confidence mean what it says? Brier score and reliability table over labelled cases.

A labelled case is the model's probabilities of "none", "left" and "right" and the true answer (the weak side,
or "none" for a healthy face). The **Brier score** is the mean squared distance between the probabilities and the
truth's one-hot vector, summed over the three answers (0 perfect; 2/3 for always saying one third each). The
**reliability table** bins the confidence of the reported answer (its probability) and compares each bin's mean
confidence with how often the reported answer was right: a well-calibrated model has them close.

Example
-------
>>> cases = [LabelledCase({"none": 0.1, "left": 0.8, "right": 0.1}, "left"),
...          LabelledCase({"none": 0.7, "left": 0.2, "right": 0.1}, "none")]
>>> round(brier_score(cases), 3)
0.1
>>> [(b.count, b.accuracy) for b in reliability_table(cases, bins=(0.0, 0.75, 1.0))]
[(1, 1.0), (1, 1.0)]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ANSWERS = ("none", "left", "right")
#: Default confidence bins (edges): a call is at least 1/3 probable among three answers.
DEFAULT_BINS: tuple[float, ...] = (1 / 3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)


@dataclass(frozen=True)
class LabelledCase:
    """The model's probabilities and the true answer ("none", "left" or "right")."""

    probabilities: Mapping[str, float]
    truth: str

    @property
    def call(self) -> str:
        return max(ANSWERS, key=lambda a: (self.probabilities.get(a, 0.0), a == "none"))

    @property
    def confidence(self) -> float:
        return float(self.probabilities.get(self.call, 0.0))

    @property
    def correct(self) -> bool:
        return self.call == self.truth


@dataclass(frozen=True)
class ReliabilityBin:
    """Calls whose confidence lies in [low, high): how many, their mean confidence, and how many were right."""

    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None

    @property
    def gap(self) -> float | None:
        """Mean confidence − accuracy: > 0 overconfident, < 0 underconfident."""
        if self.mean_confidence is None or self.accuracy is None:
            return None
        return self.mean_confidence - self.accuracy


def brier_score(cases: Iterable[LabelledCase]) -> float:
    """Mean over cases of Σ over answers (probability − 1 if the truth else 0)²; nan without cases."""
    total, n = 0.0, 0
    for case in cases:
        total += sum((float(case.probabilities.get(a, 0.0)) - (1.0 if a == case.truth else 0.0)) ** 2 for a in ANSWERS)
        n += 1
    return total / n if n else float("nan")


def reliability_table(cases: Iterable[LabelledCase], bins: Sequence[float] = DEFAULT_BINS) -> list[ReliabilityBin]:
    """Confidence of the reported answer, binned by ``bins`` (edges; the last bin includes its upper edge)."""
    rows = list(cases)
    out = []
    for i, (low, high) in enumerate(itertools.pairwise(bins)):
        last = i == len(bins) - 2
        inside = [c for c in rows if low <= c.confidence < high or (last and c.confidence == high)]
        if not inside:
            out.append(ReliabilityBin(low, high, 0, None, None))
            continue
        mean_conf = sum(c.confidence for c in inside) / len(inside)
        accuracy = sum(c.correct for c in inside) / len(inside)
        out.append(ReliabilityBin(low, high, len(inside), mean_conf, accuracy))
    return out


def expected_calibration_error(table: Sequence[ReliabilityBin]) -> float:
    """Count-weighted mean |confidence − accuracy| over the table's bins; nan when empty."""
    n = sum(b.count for b in table)
    if not n:
        return float("nan")
    return sum(b.count * abs(b.gap) for b in table if b.gap is not None) / n
