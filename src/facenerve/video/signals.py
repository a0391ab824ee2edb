"""Signal helpers over uniformly sampled, NaN-gapped arrays: runs, gap filling, noise, smoothing."""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import median_filter, uniform_filter1d

#: The normal-distribution factor turning a median absolute deviation into a standard deviation.
MAD_TO_SD = 1.4826


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges ``[start, stop)`` of the True runs in ``mask``."""
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def merge_runs(spans: list[tuple[int, int]], max_gap: int) -> list[tuple[int, int]]:
    """Join runs separated by at most ``max_gap`` samples."""
    merged: list[tuple[int, int]] = []
    for start, stop in spans:
        if merged and start - merged[-1][1] <= max_gap:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def fill_gaps(values: np.ndarray, max_steps: int | None = None) -> np.ndarray:
    """Linear interpolation across NaN runs of at most ``max_steps`` samples (all runs if None).

    Leading and trailing NaNs take the nearest value when filled.
    """
    x = np.asarray(values, dtype=float).copy()
    bad = ~np.isfinite(x)
    if not bad.any() or bad.all():
        return x
    idx = np.arange(x.size)
    filled = np.interp(idx, idx[~bad], x[~bad])
    if max_steps is None:
        return filled
    for start, stop in runs(bad):
        if stop - start <= max_steps:
            x[start:stop] = filled[start:stop]
    return x


def noise_sd(values: np.ndarray) -> float:
    """Robust frame-to-frame noise SD: MAD of first differences / √2 (movements barely affect it)."""
    d = np.diff(np.asarray(values, dtype=float))
    d = d[np.isfinite(d)]
    if d.size < 3:
        return math.nan
    return float(MAD_TO_SD * np.median(np.abs(d - np.median(d))) / math.sqrt(2.0))


def rolling_median(values: np.ndarray, window: int) -> np.ndarray:
    """Centred running median over ``window`` samples; gaps are bridged for the filter and stay NaN."""
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x)
    if not finite.any():
        return x.copy()
    out = median_filter(fill_gaps(x), size=max(1, window | 1), mode="nearest")
    return np.where(finite, out, math.nan)


def smooth(values: np.ndarray, window: int = 3) -> np.ndarray:
    """Centred moving average over ``window`` samples; NaN where the input is NaN."""
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x)
    if not finite.any() or window <= 1:
        return x.copy()
    out = uniform_filter1d(fill_gaps(x), size=window, mode="nearest")
    return np.where(finite, out, math.nan)


def nan_max(values: np.ndarray) -> float:
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    return float(finite.max()) if finite.size else math.nan


def steps(duration_s: float, dt_s: float) -> int:
    """How many samples ``duration_s`` spans at step ``dt_s`` (at least 1)."""
    return max(1, round(duration_s / dt_s))
