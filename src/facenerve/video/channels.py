"""Movement channels: each side's movement away from rest, in millimetres, positive in the muscle's direction.

* ``brow``: brow raised above rest (frontalis);
* ``eye``: lid aperture closed from rest (orbicularis oculi);
* ``commissure``: oral commissure's displacement from its rest position, any direction (the
  "commissure excursion" of [S88]); ``commissure_lateral`` is its outward component (smile > 0,
  pucker < 0);
* ``upper_lip``: upper lip raised (snarl); ``lower_lip``: lower lip lowered (showing the lower teeth).

Rest is found from the data: the median of each signal over the frames where nothing moves, found
iteratively (start from the median of all frames; frames where any channel exceeds its detection
threshold are left out). A movement is called real above the larger of 4 noise SDs and 1.3 mm, the
test–retest minimal detectable change (MDC95, lower bound of 1.3–1.5 mm) of 3-D smile measures [S91];
applying it to every 2-D video channel is a FaceNerve convention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from facenerve.engine.asymmetry import MINIMAL_DETECTABLE_CHANGE_MM
from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.protocol import Expression
from facenerve.video.series import UniformSeries
from facenerve.video.signals import noise_sd

CHANNELS = ("brow", "eye", "commissure", "upper_lip", "lower_lip")
#: Detection threshold in noise SDs (engineering: about 1 false sample in 30 000 for Gaussian noise).
NOISE_SDS = 4.0
#: Iterations of the rest estimate (it settles after two).
REST_ITERATIONS = 3
#: Fewest quiet samples needed to re-estimate rest; otherwise the all-frame median stays.
MIN_QUIET_SAMPLES = 10


@dataclass(frozen=True)
class Channels:
    """Per-side movement channels (mm) on the uniform grid, their rest levels, noise and thresholds."""

    time_s: np.ndarray
    dt_s: float
    valid: np.ndarray
    side: dict[Side, dict[str, np.ndarray]]
    mouth_opening_mm: np.ndarray
    rest: dict[Side, dict[str, float]]
    noise_mm: dict[Side, dict[str, float]]
    threshold_mm: dict[Side, dict[str, float]]

    def active(self, side: Side, channel: str) -> np.ndarray:
        """True where |channel| exceeds its threshold."""
        x = self.side[side][channel]
        return np.asarray(np.abs(np.nan_to_num(x)) > self.threshold_mm[side][channel])

    def any_active(self) -> np.ndarray:
        """True where any channel of either side exceeds its threshold."""
        out = np.zeros(self.time_s.size, dtype=bool)
        for side in SIDES:
            for name in CHANNELS:
                out |= self.active(side, name)
        return out


def _channels_from_rest(series: UniformSeries, rest: dict[Side, dict[str, float]]) -> dict[Side, dict[str, np.ndarray]]:
    out: dict[Side, dict[str, np.ndarray]] = {}
    for side in SIDES:
        s, r = series.side[side], rest[side]
        dx = s["commissure_x"] - r["commissure_x"]
        dy = s["commissure_y"] - r["commissure_y"]
        out[side] = {
            "brow": s["brow_height"] - r["brow_height"],
            "eye": r["palpebral_fissure_height"] - s["palpebral_fissure_height"],
            "commissure": np.hypot(dx, dy),
            "commissure_lateral": dx,
            "upper_lip": r["upper_lip_y"] - s["upper_lip_y"],
            "lower_lip": s["lower_lip_y"] - r["lower_lip_y"],
        }
    return out


def _rest_over(series: UniformSeries, mask: np.ndarray) -> dict[Side, dict[str, float]]:
    def level(x: np.ndarray) -> float:
        values = x[mask & np.isfinite(x)]
        return float(np.median(values)) if values.size else math.nan

    return {side: {name: level(x) for name, x in series.side[side].items()} for side in SIDES}


#: For an exercise video (one movement repeated, often held longer than the rests between), the signal
#: that the exercise drives and the sign of its movement: rest is where it is least engaged.
EXERCISE_DRIVER: dict[Expression, tuple[str, float]] = {
    Expression.BROW_RAISE: ("brow_height", 1.0),
    Expression.GENTLE_EYE_CLOSURE: ("palpebral_fissure_height", -1.0),
    Expression.TIGHT_EYE_CLOSURE: ("palpebral_fissure_height", -1.0),
    Expression.SNARL: ("upper_lip_y", -1.0),
    Expression.SMILE_CLOSED: ("commissure_x", 1.0),
    Expression.SMILE_OPEN: ("commissure_x", 1.0),
    Expression.PUCKER: ("commissure_x", -1.0),
    Expression.LOWER_TEETH: ("lower_lip_y", 1.0),
}
#: With an exercise, the first rest estimate uses the samples where its driver is in the least-engaged
#: fifth (engineering: a resting fifth of the time is enough).
LEAST_ENGAGED_FRACTION = 0.2


def _least_engaged(series: UniformSeries, exercise: Expression) -> np.ndarray:
    name, sign = EXERCISE_DRIVER[exercise]
    drive = sign * (series.side["right"][name] + series.side["left"][name])
    finite = series.valid & np.isfinite(drive)
    if int(finite.sum()) < MIN_QUIET_SAMPLES:
        return series.valid.copy()
    cut = np.percentile(drive[finite], 100.0 * LEAST_ENGAGED_FRACTION)
    return np.asarray(finite & (drive <= cut))


def movement_channels(series: UniformSeries, exercise: Expression | None = None) -> Channels:
    """Channels relative to the rest found in ``series`` (see module docstring).

    With an ``exercise``, rest is first sought where the exercise's movement is least engaged.
    """
    noise: dict[Side, dict[str, float]] = {}
    threshold: dict[Side, dict[str, float]] = {}
    mask = series.valid.copy() if exercise is None else _least_engaged(series, exercise)
    rest = _rest_over(series, mask)
    chans = _channels_from_rest(series, rest)
    for side in SIDES:
        noise[side], threshold[side] = {}, {}
        for name in CHANNELS:
            sd = noise_sd(chans[side][name])
            noise[side][name] = sd
            # Movement floor: MDC95 1.3 mm [S91]; above the tracker's own noise.
            floor = NOISE_SDS * sd if math.isfinite(sd) else 0.0
            threshold[side][name] = max(floor, MINIMAL_DETECTABLE_CHANGE_MM)
    mouth = series.midline["mouth_opening"]
    for _ in range(REST_ITERATIONS):
        quiet = series.valid.copy()
        for side in SIDES:
            for name in CHANNELS:
                quiet &= np.abs(np.nan_to_num(chans[side][name])) <= threshold[side][name]
        if int(quiet.sum()) < MIN_QUIET_SAMPLES:
            break
        rest = _rest_over(series, quiet)
        chans = _channels_from_rest(series, rest)
        mask = quiet
    mouth_rest = float(np.median(mouth[mask & np.isfinite(mouth)])) if np.any(mask & np.isfinite(mouth)) else math.nan
    return Channels(
        time_s=series.time_s,
        dt_s=series.dt_s,
        valid=series.valid,
        side=chans,
        mouth_opening_mm=mouth - mouth_rest,
        rest=rest,
        noise_mm=noise,
        threshold_mm=threshold,
    )
