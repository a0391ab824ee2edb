"""The video pipeline: decode (streaming) → track → time series → channels → segments, blinks, events,
synkinesis, repetitions. ``analyze_video`` is the public entry point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from facenerve.engine.analyze import parse_expression
from facenerve.engine.calibrate import DEFAULT_IRIS_MM, check_iris_mm, manual_scale
from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression
from facenerve.session.measures import NORMAL_DYNAMIC_ASYMMETRY
from facenerve.video.blinks import Blink, BlinkSummary, find_blinks, summarise_blinks
from facenerve.video.channels import Channels, movement_channels
from facenerve.video.decode import DecodeReport, VideoError, VideoInfo, VideoSource
from facenerve.video.events import TwitchEvent, find_events
from facenerve.video.exercise import Repetition, count_repetitions
from facenerve.video.segments import Segment, find_segments, with_affected_side
from facenerve.video.series import GAP_REASONS, SeriesBuilder, TimeSeries, resample_uniform
from facenerve.video.signals import runs
from facenerve.video.synkinesis import SynkinesisMeasure, synkinesis
from facenerve.video.track import FaceTracker

SCHEMA = "facenerve.video/1"
#: Normal dynamic asymmetry 7–9 %, i.e. a symmetry index of 91–93 % [S90]: a smaller side whose
#: movement is at least 91 % of the other's is not called affected. One definition, shared with the
#: photo session (``facenerve.session.measures.NORMAL_DYNAMIC_ASYMMETRY``).
NORMAL_SYMMETRY_INDEX = round(1.0 - NORMAL_DYNAMIC_ASYMMETRY, 6)
#: Frame intervals varying more than this (max − min over median) mark a variable frame rate
#: (engineering: constant-rate files vary by timestamp rounding only).
VFR_SPREAD_FRACTION = 0.2
#: Fewest frames with a face needed to analyse movement (engineering: a third of a second at 30 fps).
MIN_FACE_FRAMES = 10

ProgressFn = Callable[[float, float | None], None]


@dataclass(frozen=True)
class AffectedSide:
    """The affected side (or None), where it came from and the overall excursion ratio (smaller / larger)."""

    side: Side | None
    source: str
    excursion_ratio: float | None


@dataclass(frozen=True)
class VideoAnalysis:
    """Everything measured in one video; ``to_dict`` gives the ``facenerve.video/1`` document."""

    video: str
    info: VideoInfo
    decode: DecodeReport
    mirrored: bool
    hemiface: bool
    series: TimeSeries
    channels: Channels
    affected: AffectedSide
    segments: list[Segment]
    blinks: list[Blink]
    blink_summary: BlinkSummary
    events: list[TwitchEvent]
    synkinesis: list[SynkinesisMeasure]
    exercise: Expression | None
    repetitions: list[Repetition]
    iris_mm: float
    warnings: tuple[str, ...] = field(default=())

    @property
    def face_minutes(self) -> float:
        return float(self.channels.valid.sum() * self.channels.dt_s / 60.0)

    def gaps(self) -> list[dict[str, Any]]:
        """Stretches of frames without a usable face: start/end (s), frames and the commonest reason."""
        t, reason = self.series.time_s, self.series.gap_reason
        out = []
        for a, b in runs(reason != 0):
            codes, counts = np.unique(reason[a:b], return_counts=True)
            out.append(
                {
                    "start_s": _r(t[a]),
                    "end_s": _r(t[b - 1]),
                    "frames": b - a,
                    "reason": GAP_REASONS[int(codes[np.argmax(counts)])],
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        from facenerve.video.report import analysis_to_dict

        return analysis_to_dict(self)

    def to_json(self, indent: int | None = None) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)


def parse_protocol(text: str | Sequence[str | Expression] | None) -> list[Expression] | None:
    """Expressions from a comma-separated string or a list; raises ``VideoError`` (code ``bad_option``)."""
    if text is None:
        return None
    items = [s.strip() for s in text.split(",")] if isinstance(text, str) else [str(s) for s in text]
    out = []
    for item in items:
        if not item:
            continue
        try:
            out.append(parse_expression(item))
        except FaceNerveError as exc:
            raise VideoError(f"the protocol: {exc.message}", code="bad_option") from None
    if not out:
        raise VideoError("the protocol is empty; list expressions separated by commas", code="bad_option")
    return out


def parse_exercise(name: str | Expression | None) -> Expression | None:
    if name is None:
        return None
    try:
        exercise = Expression(name)
    except ValueError:
        names = ", ".join(e.value for e in Expression if e != Expression.REST)
        raise VideoError(f"unknown exercise {name!r}; choose from {names}", code="bad_option") from None
    if exercise == Expression.REST:
        raise VideoError(
            "rest is not an exercise; choose a movement such as smile_closed or brow_raise", code="bad_option"
        )
    return exercise


def analyze_video(
    path: str | Path,
    *,
    protocol: str | Sequence[str | Expression] | None = None,
    exercise: str | Expression | None = None,
    affected_side: Side | None = None,
    mirrored: bool = False,
    hemiface: bool = False,
    iris_mm: float = DEFAULT_IRIS_MM,
    mm_per_px: float | None = None,
    progress: ProgressFn | None = None,
    frame_hook: Callable[[int, float, np.ndarray, Any], None] | None = None,
) -> VideoAnalysis:
    """Analyse a face video (MP4, MOV, AVI, WebM, ...). Raises ``FaceNerveError`` subclasses on bad input.

    Streams the file (never held in memory), tracks the face with MediaPipe Face Mesh in video mode and
    returns the time series with movement segments, blinks, twitch events, synkinesis and, for an
    ``exercise``, its repetitions. Sides are the patient's; set ``mirrored`` for front-camera video.
    ``hemiface`` measures each side on a mirror composite of its half: the whole-face mesh couples the
    sides, so a weak side reads too strong; the composite mesh instead couples the regions of one side
    (a full eye closure moves its mouth corner about 1.3 mm), so it is not the default.
    ``frame_hook(index, time_s, rgb, tracked)`` sees every frame as it streams by (used for annotation).
    """
    planned = parse_protocol(protocol)
    chosen = parse_exercise(exercise)
    if affected_side not in (None, "left", "right"):
        raise VideoError(f"affected side must be left or right, got {affected_side!r}", code="bad_option")
    if mm_per_px is not None:
        manual_scale(mm_per_px)
    check_iris_mm(iris_mm)
    builder = SeriesBuilder()
    with VideoSource(path, mirrored=mirrored) as source, FaceTracker(hemiface=hemiface) as tracker:
        total = source.info.declared_duration_s
        for frame in source.frames():
            tracked = tracker.track(frame.rgb)
            builder.add(frame.time_s, tracked.anatomy, tracked.gap_reason)
            if frame_hook is not None:
                frame_hook(frame.index, frame.time_s, frame.rgb, tracked)
            if progress is not None and frame.index % 10 == 0:
                progress(frame.time_s, total)
        info, report = source.info, source.report
    face_frames = builder.face_frames
    if face_frames < MIN_FACE_FRAMES:
        raise VideoError(
            f"{path}: a usable face was found in only {face_frames} of {len(builder)} frames; nothing to analyse",
            code="no_face",
        )
    series = builder.finish(iris_mm=iris_mm, mm_per_px=mm_per_px)
    warnings = list(report.warnings) + list(series.warnings)
    if face_frames < len(series):
        warnings.append(f"{len(series) - face_frames} of {len(series)} frames have no usable face (marked as gaps)")
    intervals = np.diff(series.time_s)
    if intervals.size > 2:
        median = float(np.median(intervals))
        if median > 0 and (float(intervals.max()) - float(intervals.min())) / median > VFR_SPREAD_FRACTION:
            warnings.append("variable frame rate: analysed by each frame's timestamp, resampled to a uniform grid")
    channels = movement_channels(resample_uniform(series), chosen)
    segments, seg_warnings = find_segments(channels, planned)
    warnings.extend(seg_warnings)
    affected = infer_affected_side(segments, affected_side)
    segments = [with_affected_side(s, affected.side) for s in segments]
    blinks = find_blinks(channels)
    events = find_events(channels, segments, blinks)
    minutes = float(channels.valid.sum() * channels.dt_s / 60.0)
    return VideoAnalysis(
        video=str(path),
        info=info,
        decode=report,
        mirrored=mirrored,
        hemiface=hemiface,
        series=series,
        channels=channels,
        affected=affected,
        segments=segments,
        blinks=blinks,
        blink_summary=summarise_blinks(blinks, minutes),
        events=events,
        synkinesis=synkinesis(channels, segments, affected.side),
        exercise=chosen,
        repetitions=count_repetitions(channels, chosen, affected.side) if chosen is not None else [],
        iris_mm=iris_mm,
        warnings=tuple(warnings),
    )


def infer_affected_side(segments: Sequence[Segment], given: Side | None) -> AffectedSide:
    """The user's side, else the side with the smaller summed excursion over all segments.

    Called only when the smaller side moves less than 91 % of the other, beyond normal dynamic
    asymmetry [S90].
    """
    totals = {
        side: sum(max(s.sides[side].excursion_mm, 0.0) for s in segments if math.isfinite(s.sides[side].excursion_mm))
        for side in SIDES
    }
    larger = max(totals.values())
    ratio = min(totals.values()) / larger if larger > 0 else None
    if given is not None:
        return AffectedSide(given, "given", ratio)
    if ratio is None:
        return AffectedSide(None, "no movement", None)
    if ratio >= NORMAL_SYMMETRY_INDEX:
        return AffectedSide(None, "symmetric", ratio)
    side: Side = "left" if totals["left"] < totals["right"] else "right"
    return AffectedSide(side, "movement", ratio)


def _r(value: float, digits: int = 3) -> float:
    return round(float(value), digits)
