"""Movement segments (rest → peak → rest), their expressions, and each side's excursion, speed and timing.

A segment is a stretch where some channel moves beyond its detection threshold (see
:mod:`facenerve.video.channels`) for longer than a blink. It is labelled with the standard
expression (:class:`facenerve.protocol.Expression`) from the user's protocol order, or guessed from
which channel moved most. Per side: peak excursion (mm), peak velocity (mm/s) and the time the side
reached half its own peak; the onset lag is the affected side's half-peak time minus the healthy
side's, the ratio is affected excursion / healthy excursion.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from facenerve.engine.asymmetry import MINIMAL_DETECTABLE_CHANGE_MM
from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.protocol import Expression
from facenerve.video.channels import CHANNELS, Channels
from facenerve.video.signals import merge_runs, nan_max, runs, smooth, steps

#: The channel that carries each expression's movement.
EXPRESSION_CHANNEL: dict[Expression, str] = {
    Expression.BROW_RAISE: "brow",
    Expression.GENTLE_EYE_CLOSURE: "eye",
    Expression.TIGHT_EYE_CLOSURE: "eye",
    Expression.SNARL: "upper_lip",
    Expression.SMILE_CLOSED: "commissure",
    Expression.SMILE_OPEN: "commissure",
    Expression.PUCKER: "commissure",
    Expression.LOWER_TEETH: "lower_lip",
}
#: Shortest voluntary movement segment, s. Engineering choice (no source): longer than a blink or a
#: twitch, shorter than a held expression.
MIN_SEGMENT_S = 0.5
#: Active stretches closer than this are one segment, s (engineering: bridges a dip at the peak).
MERGE_GAP_S = 0.3
#: Each segment's analysis window extends this far beyond the active stretch, s (to see the onset).
WINDOW_MARGIN_S = 0.5
#: Lips apart by more than this at a smile's peak make it an open-mouth smile (guess only; engineering,
#: no source): twice the minimal detectable change [S91].
OPEN_MOUTH_MM = 2.0 * MINIMAL_DETECTABLE_CHANGE_MM


@dataclass(frozen=True)
class SideMovement:
    """One side's movement in a segment: peak excursion (mm), its time (s), half-peak time (s), speed (mm/s)."""

    excursion_mm: float
    peak_time_s: float | None
    half_peak_time_s: float | None
    peak_velocity_mm_s: float
    moved: bool


@dataclass(frozen=True)
class Segment:
    """A movement segment and its per-side analysis (see module docstring)."""

    start_s: float
    peak_s: float
    end_s: float
    expression: Expression
    label_source: str
    channel: str
    sides: dict[Side, SideMovement]
    channel_peaks_mm: dict[Side, dict[str, float]]
    mouth_opening_mm: float
    start_index: int
    stop_index: int
    window: tuple[int, int]
    onset_lag_s: float | None = None
    ratio: float | None = None
    warnings: tuple[str, ...] = field(default=())


def find_active_spans(ch: Channels, channels: Sequence[str] = CHANNELS) -> list[tuple[int, int]]:
    """Index ranges where any of ``channels`` moves, merged and at least ``MIN_SEGMENT_S`` long."""
    active = np.zeros(ch.time_s.size, dtype=bool)
    for side in SIDES:
        for name in channels:
            active |= ch.active(side, name)
    spans = merge_runs(runs(active), steps(MERGE_GAP_S, ch.dt_s))
    return [(a, b) for a, b in spans if (b - a) * ch.dt_s >= MIN_SEGMENT_S]


def positive_peaks(ch: Channels, window: tuple[int, int]) -> dict[Side, dict[str, float]]:
    """Each side's largest movement per channel in ``window`` (mm, in the channel's direction)."""
    a, b = window
    return {side: {name: nan_max(ch.side[side][name][a:b]) for name in CHANNELS} for side in SIDES}


def guess_expression(peaks: dict[Side, dict[str, float]], lateral_mm: float, mouth_mm: float) -> Expression:
    """The standard expression that best explains which channel moved most (a guess)."""
    best = max(CHANNELS, key=lambda n: max(_finite(peaks[s][n]) for s in SIDES))
    if best == "brow":
        return Expression.BROW_RAISE
    if best == "eye":
        cheek = max(_finite(peaks[s]["commissure"]) for s in SIDES)
        return Expression.TIGHT_EYE_CLOSURE if cheek > MINIMAL_DETECTABLE_CHANGE_MM else Expression.GENTLE_EYE_CLOSURE
    if best == "upper_lip":
        return Expression.SNARL
    if best == "lower_lip":
        return Expression.LOWER_TEETH
    if lateral_mm < 0:
        return Expression.PUCKER
    return Expression.SMILE_OPEN if mouth_mm > OPEN_MOUTH_MM else Expression.SMILE_CLOSED


def side_movement(ch: Channels, side: Side, channel: str, window: tuple[int, int]) -> SideMovement:
    """Peak excursion, timing and speed of ``channel`` on ``side`` within ``window``."""
    a, b = window
    x = smooth(ch.side[side][channel][a:b], 3)
    t = ch.time_s[a:b]
    if not np.isfinite(x).any():
        return SideMovement(math.nan, None, None, math.nan, False)
    peak_i = int(np.nanargmax(x))
    peak = float(x[peak_i])
    speed = np.abs(np.gradient(np.nan_to_num(x), ch.dt_s)) if x.size > 1 else np.zeros(1)
    velocity = float(np.max(speed[: peak_i + 1])) if peak_i >= 0 else math.nan
    moved = peak > ch.threshold_mm[side][channel]
    half: float | None = None
    if moved:
        above = np.flatnonzero(np.nan_to_num(x[: peak_i + 1], nan=-np.inf) >= peak / 2.0)
        if above.size:
            i = int(above[0])
            if i > 0 and np.isfinite(x[i - 1]) and x[i] != x[i - 1]:  # interpolate the crossing
                frac = (peak / 2.0 - x[i - 1]) / (x[i] - x[i - 1])
                half = float(t[i - 1] + frac * ch.dt_s)
            else:
                half = float(t[i])
    return SideMovement(peak, float(t[peak_i]), half, velocity, moved)


def find_segments(ch: Channels, protocol: Sequence[Expression] | None = None) -> tuple[list[Segment], list[str]]:
    """All movement segments, labelled by ``protocol`` order (rest entries skipped) or guessed."""
    spans = find_active_spans(ch)
    warnings: list[str] = []
    planned = [e for e in (protocol or []) if e != Expression.REST]
    if protocol is not None and len(planned) != len(spans):
        warnings.append(
            f"the protocol lists {len(planned)} movements but {len(spans)} movement segments were found; "
            "labels follow the protocol order as far as it goes, the rest are guessed"
        )
    margin = steps(WINDOW_MARGIN_S, ch.dt_s)
    segments = []
    for k, (a, b) in enumerate(spans):
        lo = max(a - margin, spans[k - 1][1] if k else 0)
        hi = min(b + margin, spans[k + 1][0] if k + 1 < len(spans) else ch.time_s.size)
        window = (lo, hi)
        peaks = positive_peaks(ch, window)
        mouth = nan_max(ch.mouth_opening_mm[lo:hi])
        expression: Expression
        if k < len(planned):
            expression, source = planned[k], "protocol"
        else:
            lateral = sum(float(np.nanmean(ch.side[s]["commissure_lateral"][a:b])) for s in SIDES)
            expression, source = guess_expression(peaks, lateral, _finite(mouth)), "guessed"
        channel = EXPRESSION_CHANNEL[expression]
        sides = {side: side_movement(ch, side, channel, window) for side in SIDES}
        peak_times = [m.peak_time_s for m in sides.values() if m.peak_time_s is not None]
        segments.append(
            Segment(
                start_s=float(ch.time_s[a]),
                peak_s=float(np.mean(peak_times)) if peak_times else float(ch.time_s[a]),
                end_s=float(ch.time_s[b - 1]),
                expression=expression,
                label_source=source,
                channel=channel,
                sides=sides,
                channel_peaks_mm=peaks,
                mouth_opening_mm=mouth,
                start_index=a,
                stop_index=b,
                window=window,
            )
        )
    return segments, warnings


def with_affected_side(segment: Segment, affected: Side | None) -> Segment:
    """The segment with its onset lag (s) and excursion ratio (affected / healthy) filled in."""
    if affected is None:
        return segment
    healthy: Side = "left" if affected == "right" else "right"
    a, h = segment.sides[affected], segment.sides[healthy]
    lag = None
    if a.half_peak_time_s is not None and h.half_peak_time_s is not None:
        lag = a.half_peak_time_s - h.half_peak_time_s
    ratio = None
    if h.moved and math.isfinite(h.excursion_mm) and h.excursion_mm > 0 and math.isfinite(a.excursion_mm):
        ratio = max(a.excursion_mm, 0.0) / h.excursion_mm
    return replace(segment, onset_lag_s=lag, ratio=ratio)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else -math.inf
