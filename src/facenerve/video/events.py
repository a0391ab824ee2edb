"""Spasm and twitch events: brief one-sided contractions of the eye aperture or the mouth corner.

Each channel (eye closure, commissure displacement) is taken relative to its own running median over
``BASELINE_S``, which removes slow drift and held expressions. An event is a stretch shorter than a
voluntary movement segment where one side's residual exceeds that channel's detection threshold
(the larger of 4 noise SDs and the MDC95 1.3 mm [S91]) while the other side's same channel stays
below its threshold, outside any voluntary movement segment and not a blink. Post-paralytic
twitches arise mainly with voluntary movement and spontaneous ones are rarer [S62, S63, S64]; events
inside voluntary movement are not counted here (they show as synkinesis instead).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.video.blinks import Blink
from facenerve.video.channels import Channels
from facenerve.video.segments import MIN_SEGMENT_S, Segment
from facenerve.video.signals import merge_runs, rolling_median, runs, steps

#: Running-median window that defines each channel's local baseline, s (engineering: well over twice
#: the longest event, so an event cannot pull its own baseline up).
BASELINE_S = 1.5
#: Events within this of a voluntary movement segment or a blink belong to it, s (engineering).
GUARD_S = 0.2
REGIONS = {"eye": "eye", "mouth": "commissure"}


@dataclass(frozen=True)
class TwitchEvent:
    """A one-sided involuntary contraction: side, region, peak time (s), duration (s), amplitude (mm)."""

    side: Side
    region: str
    time_s: float
    start_s: float
    duration_s: float
    amplitude_mm: float


def residual(ch: Channels, side: Side, channel: str) -> np.ndarray:
    """The channel minus its running median (mm)."""
    x = ch.side[side][channel]
    return np.asarray(x - rolling_median(x, steps(BASELINE_S, ch.dt_s)))


def _blocked(ch: Channels, segments: Sequence[Segment], blinks: Sequence[Blink]) -> np.ndarray:
    blocked = np.zeros(ch.time_s.size, dtype=bool)
    guard = steps(GUARD_S, ch.dt_s)
    for a, b in [(s.start_index, s.stop_index) for s in segments] + [(k.start_index, k.stop_index) for k in blinks]:
        blocked[max(0, a - guard) : b + guard] = True
    return blocked


def find_events(ch: Channels, segments: Sequence[Segment], blinks: Sequence[Blink]) -> list[TwitchEvent]:
    """All one-sided brief contractions (see module docstring), in time order."""
    blocked = _blocked(ch, segments, blinks)
    max_len = MIN_SEGMENT_S
    events: list[TwitchEvent] = []
    for region, channel in REGIONS.items():
        res = {side: residual(ch, side, channel) for side in SIDES}
        above = {side: np.nan_to_num(res[side]) > ch.threshold_mm[side][channel] for side in SIDES}
        for side in SIDES:
            other: Side = "left" if side == "right" else "right"
            for a, b in merge_runs(runs(above[side]), 1):
                if (b - a) * ch.dt_s >= max_len or blocked[a:b].any():
                    continue
                lo, hi = max(0, a - 1), min(ch.time_s.size, b + 1)
                if above[other][lo:hi].any():
                    continue
                events.append(_event(ch, res[side], side, region, a, b))
    return sorted(events, key=lambda e: e.time_s)


def _event(ch: Channels, res: np.ndarray, side: Side, region: str, a: int, b: int) -> TwitchEvent:
    """Peak and full width at half maximum of the residual around run [a, b)."""
    values = np.nan_to_num(res)
    peak_i = a + int(np.argmax(values[a:b]))
    peak = float(values[peak_i])
    lo = peak_i
    while lo > 0 and values[lo - 1] >= peak / 2.0:
        lo -= 1
    hi = peak_i
    while hi + 1 < values.size and values[hi + 1] >= peak / 2.0:
        hi += 1
    # Width at half maximum, with linear interpolation at both crossings.
    left = float(lo) - _fraction(values, lo - 1, lo, peak / 2.0)
    right = float(hi) + _fraction(values, hi + 1, hi, peak / 2.0)
    return TwitchEvent(
        side=side,
        region=region,
        time_s=float(ch.time_s[peak_i]),
        start_s=float(ch.time_s[a]),
        duration_s=max(right - left, 1.0) * ch.dt_s,
        amplitude_mm=peak,
    )


def _fraction(values: np.ndarray, outside: int, inside: int, level: float) -> float:
    """How far past ``inside`` toward ``outside`` the signal crosses ``level`` (0–1)."""
    if outside < 0 or outside >= values.size:
        return 0.0
    drop = values[inside] - values[outside]
    return float(np.clip((values[inside] - level) / drop, 0.0, 1.0)) if drop > 0 else 0.0


def events_per_minute(events: Sequence[TwitchEvent], minutes: float) -> dict[Side, float]:
    """Event rate per side over the minutes of usable face."""
    return {side: (sum(e.side == side for e in events) / minutes if minutes > 0 else math.nan) for side in SIDES}
