"""The ``facenerve.video/1`` JSON document (schema in docs/video.md)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from facenerve.engine.landmarks.base import SIDES
from facenerve.video.blinks import INCOMPLETE_PROVISIONAL
from facenerve.video.events import events_per_minute
from facenerve.video.series import GAP_REASONS
from facenerve.video.synkinesis import PROVISIONAL

if TYPE_CHECKING:
    from facenerve.video.analyze import VideoAnalysis


def _n(value: float | None, digits: int = 3) -> float | None:
    """A JSON-safe rounded number (None for missing or non-finite)."""
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def analysis_to_dict(a: VideoAnalysis) -> dict[str, Any]:
    from facenerve.video.analyze import SCHEMA

    t = a.series.time_s
    intervals = np.diff(t)
    ch = a.channels
    minutes = a.face_minutes
    gap_counts = {reason: int((a.series.gap_reason == i).sum()) for i, reason in enumerate(GAP_REASONS) if i}
    return {
        "schema": SCHEMA,
        "video": a.video,
        "mirrored": a.mirrored,
        "tracking": "hemiface" if a.hemiface else "whole_face",
        "container": {
            "format": a.info.container,
            "codec": a.info.codec,
            "width_px": a.info.width_px,
            "height_px": a.info.height_px,
            "nominal_fps": _n(a.info.nominal_fps),
            "declared_duration_s": _n(a.info.declared_duration_s),
        },
        "frames": {
            "decoded": len(a.series),
            "with_face": int(a.series.face.sum()),
            "gaps": gap_counts,
            "duplicate_timestamps_skipped": a.decode.duplicate_timestamps,
            "duration_s": _n(t[-1] if t.size else 0.0),
            "interval_s": {
                "median": _n(np.median(intervals) if intervals.size else None, 5),
                "min": _n(intervals.min() if intervals.size else None, 5),
                "max": _n(intervals.max() if intervals.size else None, 5),
            },
            "analysis_step_s": _n(ch.dt_s, 5),
            "face_minutes": _n(minutes, 4),
        },
        "gaps": a.gaps(),
        "scale": {
            "mm_per_px": _n(a.series.mm_per_px, 5),
            "source": a.series.scale_source,
            "relative_uncertainty": a.series.scale_relative_uncertainty,
            "iris_mm": a.iris_mm,
        },
        "rest": {side: {k: _n(v) for k, v in ch.rest[side].items()} for side in SIDES},
        "noise_mm": {side: {k: _n(v, 4) for k, v in ch.noise_mm[side].items()} for side in SIDES},
        "threshold_mm": {side: {k: _n(v) for k, v in ch.threshold_mm[side].items()} for side in SIDES},
        "affected_side": {
            "side": a.affected.side,
            "source": a.affected.source,
            "excursion_ratio": _n(a.affected.excursion_ratio),
        },
        "segments": [_segment(i, s) for i, s in enumerate(a.segments)],
        "blinks": {
            "count": a.blink_summary.count,
            "rate_per_min": {s: _n(v) for s, v in a.blink_summary.rate_per_min.items()},
            "mean_completeness": {s: _n(v) for s, v in a.blink_summary.mean_completeness.items()},
            "incomplete": a.blink_summary.incomplete,
            "incomplete_provisional": INCOMPLETE_PROVISIONAL,
            "events": [
                {
                    "time_s": _n(b.time_s),
                    "duration_s": _n(b.duration_s),
                    **{
                        side: {
                            "closed": b.sides[side].closed,
                            "completeness": _n(b.sides[side].completeness),
                            "min_aperture_mm": _n(b.sides[side].min_aperture_mm),
                            "open_aperture_mm": _n(b.sides[side].open_aperture_mm),
                            "incomplete": b.sides[side].incomplete,
                        }
                        for side in SIDES
                    },
                }
                for b in a.blinks
            ],
        },
        "twitches": {
            "count": len(a.events),
            "per_min": {s: _n(v) for s, v in events_per_minute(a.events, minutes).items()},
            "events": [
                {
                    "side": e.side,
                    "region": e.region,
                    "time_s": _n(e.time_s),
                    "duration_s": _n(e.duration_s),
                    "amplitude_mm": _n(e.amplitude_mm),
                }
                for e in a.events
            ],
        },
        "synkinesis": {"provisional": PROVISIONAL, "measures": [m.to_dict() for m in a.synkinesis]},
        "exercise": None
        if a.exercise is None
        else {
            "expression": a.exercise.value,
            "repetitions": len(a.repetitions),
            "reps": [
                {
                    "number": r.number,
                    "start_s": _n(r.start_s),
                    "peak_s": _n(r.peak_s),
                    "end_s": _n(r.end_s),
                    "range_mm": {s: _n(v) for s, v in r.range_mm.items()},
                    "symmetry": _n(r.symmetry),
                }
                for r in a.repetitions
            ],
        },
        "warnings": list(a.warnings),
    }


def _segment(i: int, s: Any) -> dict[str, Any]:
    return {
        "index": i,
        "expression": s.expression.value,
        "label_source": s.label_source,
        "channel": s.channel,
        "start_s": _n(s.start_s),
        "peak_s": _n(s.peak_s),
        "end_s": _n(s.end_s),
        "onset_lag_s": _n(s.onset_lag_s),
        "ratio": _n(s.ratio),
        "mouth_opening_mm": _n(s.mouth_opening_mm),
        **{
            side: {
                "excursion_mm": _n(s.sides[side].excursion_mm),
                "peak_time_s": _n(s.sides[side].peak_time_s),
                "half_peak_time_s": _n(s.sides[side].half_peak_time_s),
                "peak_velocity_mm_s": _n(s.sides[side].peak_velocity_mm_s),
                "moved": s.sides[side].moved,
                "channel_peaks_mm": {k: _n(v) for k, v in s.channel_peaks_mm[side].items()},
            }
            for side in SIDES
        },
    }
