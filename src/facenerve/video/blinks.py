"""Blinks: brief lid closures, per side, with their completeness.

A blink is a stretch shorter than a voluntary movement segment where the lid aperture closes beyond
its detection threshold (:mod:`facenerve.video.channels`) on both sides, or on one side by at least
half its open aperture (a weak eye may not move at all while the other blinks). Completeness is the
fraction of the open (rest) aperture that closed; the smallest aperture is reported too. A side's
blink is called incomplete when its smallest aperture exceeds the other eye's by more than the
minimal detectable change, 1.3 mm [S91]: the lids stopped measurably short of where the other
eye's met. This compares the eyes, so it suits one-sided palsy; it cannot flag both eyes at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from facenerve.engine.asymmetry import MINIMAL_DETECTABLE_CHANGE_MM
from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.video.channels import Channels
from facenerve.video.segments import MIN_SEGMENT_S
from facenerve.video.signals import merge_runs, runs

#: A one-sided closure of at least this fraction of the open aperture is a blink (or wink), not a
#: twitch. Engineering choice (no source): twitches that close an eye by half or more are counted as
#: blinks.
ONE_SIDED_BLINK_FRACTION = 0.5
#: The incomplete-blink call is a FaceNerve convention (the reference defines no blink criterion; the 1.3 mm
#: MDC95 of 3-D smile measures [S91] is borrowed), so the report flags it provisional.
INCOMPLETE_PROVISIONAL = True


@dataclass(frozen=True)
class BlinkSide:
    """One eye in one blink: closed fraction (0 open … 1 lids met), smallest and open aperture (mm)."""

    closed: bool
    completeness: float
    min_aperture_mm: float
    open_aperture_mm: float
    incomplete: bool


@dataclass(frozen=True)
class Blink:
    """One blink: time of deepest closure (s), duration above threshold (s) and both eyes."""

    time_s: float
    start_s: float
    duration_s: float
    sides: dict[Side, BlinkSide]
    start_index: int
    stop_index: int


def eye_closure_runs(ch: Channels) -> list[tuple[int, int]]:
    """Short stretches (< ``MIN_SEGMENT_S``) where either eye closes beyond its threshold."""
    closing = np.zeros(ch.time_s.size, dtype=bool)
    for side in SIDES:
        closing |= np.nan_to_num(ch.side[side]["eye"]) > ch.threshold_mm[side]["eye"]
    spans = merge_runs(runs(closing), 1)
    return [(a, b) for a, b in spans if (b - a) * ch.dt_s < MIN_SEGMENT_S]


def _blink_side(ch: Channels, side: Side, a: int, b: int) -> tuple[float, float, float, bool]:
    closure = np.nan_to_num(ch.side[side]["eye"][a:b], nan=-np.inf)
    deepest = float(closure.max()) if closure.size else 0.0
    open_mm = ch.rest[side]["palpebral_fissure_height"]
    fraction = deepest / open_mm if open_mm > 0 else math.nan
    return fraction, open_mm - deepest, open_mm, deepest > ch.threshold_mm[side]["eye"]


def find_blinks(ch: Channels) -> list[Blink]:
    """Blinks; one-sided shallow closures are not blinks (events.py finds them as twitches)."""
    blinks: list[Blink] = []
    for a, b in eye_closure_runs(ch):
        per_side = {side: _blink_side(ch, side, a, b) for side in SIDES}
        closed = [s for s in SIDES if per_side[s][3]]
        if len(closed) == 1 and not per_side[closed[0]][0] >= ONE_SIDED_BLINK_FRACTION:
            continue
        sides: dict[Side, BlinkSide] = {}
        for side in SIDES:
            other: Side = "left" if side == "right" else "right"
            fraction, min_mm, open_mm, did_close = per_side[side]
            # Incomplete: the lids stopped short of the other eye's by more than the MDC95 [S91].
            incomplete = min_mm - per_side[other][1] > MINIMAL_DETECTABLE_CHANGE_MM
            sides[side] = BlinkSide(did_close, max(0.0, min(1.0, fraction)), min_mm, open_mm, bool(incomplete))
        depth = np.nan_to_num(sum(ch.side[s]["eye"][a:b] for s in SIDES), nan=-np.inf)
        deepest = a + int(np.argmax(depth))
        blinks.append(
            Blink(
                time_s=float(ch.time_s[deepest]),
                start_s=float(ch.time_s[a]),
                duration_s=float((b - a) * ch.dt_s),
                sides=sides,
                start_index=a,
                stop_index=b,
            )
        )
    return blinks


@dataclass(frozen=True)
class BlinkSummary:
    """Per side: blinks per minute, mean completeness, incomplete blinks (count) over the face time (min)."""

    rate_per_min: dict[Side, float]
    mean_completeness: dict[Side, float | None]
    incomplete: dict[Side, int]
    count: int
    minutes: float


def summarise_blinks(blinks: list[Blink], minutes: float) -> BlinkSummary:
    """Rates over the minutes of usable face."""
    rate: dict[Side, float] = {}
    completeness: dict[Side, float | None] = {}
    incomplete: dict[Side, int] = {}
    for side in SIDES:
        closed = [b.sides[side] for b in blinks if b.sides[side].closed]
        rate[side] = len(closed) / minutes if minutes > 0 else math.nan
        values = [b.sides[side].completeness for b in blinks]
        completeness[side] = float(np.mean(values)) if values else None
        incomplete[side] = sum(b.sides[side].incomplete for b in blinks)
    return BlinkSummary(rate, completeness, incomplete, len(blinks), minutes)
