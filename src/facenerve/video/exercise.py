"""Exercise repetitions: each movement of the exercise's channel is one repetition.

For a home exercise (say, brow raise or smile) every stretch where that expression's channel moves
beyond its detection threshold (:mod:`facenerve.video.channels`) for at least ``MIN_SEGMENT_S`` is a
repetition. Per repetition: the range reached on each side (peak excursion, mm) and the symmetry,
affected / healthy excursion.
"""

from __future__ import annotations

from dataclasses import dataclass

from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.protocol import Expression
from facenerve.video.channels import Channels
from facenerve.video.segments import EXPRESSION_CHANNEL, find_active_spans, side_movement
from facenerve.video.signals import steps

#: Analysis window margin around each repetition, s (engineering; as for movement segments).
REP_MARGIN_S = 0.3


@dataclass(frozen=True)
class Repetition:
    """One repetition: start/peak/end (s), range per side (mm) and symmetry (affected / healthy)."""

    number: int
    start_s: float
    peak_s: float
    end_s: float
    range_mm: dict[Side, float]
    symmetry: float | None


def count_repetitions(ch: Channels, exercise: Expression, affected: Side | None) -> list[Repetition]:
    """The repetitions of ``exercise`` (any standard expression except rest)."""
    channel = EXPRESSION_CHANNEL[exercise]
    spans = find_active_spans(ch, [channel])
    margin = steps(REP_MARGIN_S, ch.dt_s)
    reps = []
    for k, (a, b) in enumerate(spans):
        lo = max(a - margin, spans[k - 1][1] if k else 0)
        hi = min(b + margin, spans[k + 1][0] if k + 1 < len(spans) else ch.time_s.size)
        moves = {side: side_movement(ch, side, channel, (lo, hi)) for side in SIDES}
        ranges = {side: moves[side].excursion_mm for side in SIDES}
        symmetry = None
        if affected is not None:
            healthy: Side = "left" if affected == "right" else "right"
            if moves[healthy].moved and ranges[healthy] > 0:
                symmetry = max(ranges[affected], 0.0) / ranges[healthy]
        peak_times = [m.peak_time_s for m in moves.values() if m.peak_time_s is not None]
        reps.append(
            Repetition(
                number=k + 1,
                start_s=float(ch.time_s[a]),
                peak_s=max(peak_times) if peak_times else float(ch.time_s[a]),
                end_s=float(ch.time_s[b - 1]),
                range_mm=ranges,
                symmetry=symmetry,
            )
        )
    return reps
