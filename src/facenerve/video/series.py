"""The per-frame time series: pose, scale and each side's brow, lids, commissure and lips.

Frames are measured in face-frame pixels as they stream by and stored compactly (float32 columns,
about 100 bytes a frame); the millimetre scale is set once for the whole video, then applied: from the irises
of frames with both eyes open (median), else of frames with one eye open, else from the width between the outer
eye corners (the photo engine's last resort, ``facenerve.engine.calibrate``). Small faces and turned heads are
measured (horizontal distances corrected for the yaw beyond 10°, as in photos); only a profile is a gap.
Frames without a usable face stay in the series as gaps.
Measures reuse the photo engine's definitions (``facenerve.engine.metrics``).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np

from facenerve.engine.calibrate import (
    DEFAULT_IRIS_MM,
    IRIS_POPULATION_FRACTION,
    ONE_IRIS_MEASUREMENT_FRACTION,
    POPULATION_RELATIVE_UNCERTAINTY,
    biocular_mm_per_px,
    biocular_width_px,
    check_iris_mm,
)
from facenerve.engine.frame import FaceFrame, HeadPose, head_pose
from facenerve.engine.landmarks.base import SIDES, FaceAnatomy, Side
from facenerve.engine.metrics import brow_height, palpebral_fissure_height, paramedian_x, side_geometry, y_at
from facenerve.engine.quality import YAW_WARN_DEG, eye_is_open, is_profile
from facenerve.errors import CalibrationError

#: Per-side signals: name → description (all mm in the face frame; x lateral outward, y chin-ward).
SIDE_SIGNALS: dict[str, str] = {
    "brow_height": "pupil centre to upper brow margin, vertical (mm) [S1, S82]",
    "palpebral_fissure_height": "upper to lower lid margin through the pupil (mm) [S83, S84]",
    "commissure_x": "oral commissure's lateral distance from the facial midline (mm) [S82]",
    "commissure_y": "oral commissure's distance below the pupil line (mm) [S1, S82]",
    "upper_lip_y": "upper lip outer margin below the pupil line, halfway to the commissure (mm) [S82]",
    "lower_lip_y": "lower lip outer margin below the pupil line, halfway to the commissure (mm) [S82]",
}
#: Midline signals (mm).
MIDLINE_SIGNALS: dict[str, str] = {
    "mouth_opening": "inner lip margins apart at the midline (mm) [S82]",
    "stomion_x": "lip midpoint's distance from the facial midline, + toward the patient's left (mm) [S82]",
    "stomion_y": "lip midpoint below the pupil line (mm) [S82]",
}
POSE_SIGNALS = ("yaw_deg", "pitch_deg", "roll_deg")
GAP_REASONS = ("none", "no_face", "face_leaving_frame", "face_too_small", "head_turned")
#: A video scale is questioned when the per-frame iris scales spread more than this (IQR / median):
#: the face's distance to the camera changes. Engineering limit, same size as the engine's iris check.
SCALE_SPREAD_FRACTION = 0.10


def _columns() -> list[str]:
    cols = [f"{name}_{side}" for side in SIDES for name in SIDE_SIGNALS]
    return cols + list(MIDLINE_SIGNALS) + list(POSE_SIGNALS) + ["iris_px", "iris_one_px", "biocular_px"]


class SeriesBuilder:
    """Collects one row per frame in compact columns; :meth:`finish` scales to mm."""

    def __init__(self) -> None:
        self._time = array("d")
        self._gap = array("b")
        self._cols = {name: array("f") for name in _columns()}

    def __len__(self) -> int:
        return len(self._time)

    @property
    def face_frames(self) -> int:
        """How many frames so far have a usable face."""
        return self._gap.tolist().count(0)

    def add(self, time_s: float, anatomy: FaceAnatomy | None, gap_reason: str | None = None) -> None:
        """Add one frame: its measures (face-frame px) or a gap with its reason."""
        self._time.append(time_s)
        row = measure_frame_px(anatomy) if anatomy is not None else None
        if row is not None and anatomy is not None:
            pose = HeadPose(row["yaw_deg"], row["pitch_deg"], row["roll_deg"])
            if is_profile(anatomy, pose):
                row, gap_reason = None, "head_turned"  # a profile, as the photo engine refuses
        if row is None:
            self._gap.append(GAP_REASONS.index(gap_reason or "no_face"))
            for col in self._cols.values():
                col.append(math.nan)
            return
        self._gap.append(0)
        for name, col in self._cols.items():
            col.append(row[name])

    def finish(self, *, iris_mm: float = DEFAULT_IRIS_MM, mm_per_px: float | None = None) -> TimeSeries:
        """The series in millimetres, with one scale for the whole video (see module docstring)."""
        check_iris_mm(iris_mm)
        iris_px = np.asarray(self._cols["iris_px"], dtype=float)
        warnings: list[str] = []

        def finite(name: str) -> np.ndarray:
            values = np.asarray(self._cols[name], dtype=float)
            return np.asarray(values[np.isfinite(values) & (values > 0)])

        usable, one_eye, biocular = finite("iris_px"), finite("iris_one_px"), finite("biocular_px")
        uncertainty: float | None = None
        if mm_per_px is not None:
            scale, source = float(mm_per_px), "manual"
        elif usable.size or one_eye.size:
            # Iris 11.77 mm by default [S82, S80]; frames with both eyes open first, else those with one.
            source = "iris" if usable.size else "iris_one_eye"
            usable = usable if usable.size else one_eye
            median_px = float(np.median(usable))
            scale = iris_mm / median_px
            q1, q3 = np.percentile(usable, [25, 75])
            measurement = ONE_IRIS_MEASUREMENT_FRACTION / (2.0 if source == "iris" else 1.0)
            uncertainty = math.hypot(IRIS_POPULATION_FRACTION, measurement)
            if source == "iris_one_eye":
                warnings.append("no frame shows both eyes open: the scale comes from frames with one eye open")
            if (q3 - q1) / median_px > SCALE_SPREAD_FRACTION:
                warnings.append(
                    f"the iris size changes by {(q3 - q1) / median_px:.0%} (interquartile) over the video: "
                    "the face's distance to the camera varies, so millimetre values vary with it"
                )
        elif biocular.size:
            scale, source = biocular_mm_per_px(float(np.median(biocular)), iris_mm), "population"
            uncertainty = POPULATION_RELATIVE_UNCERTAINTY
            warnings.append(
                "no frame shows an open eye with its iris: the scale is estimated from the width between the outer "
                "eye corners (a face proportion measured by FaceNerve, not a published norm), uncertain by about "
                f"±{uncertainty:.0%}; give --mm-per-px for a better one"
            )
        else:
            raise CalibrationError("no frame gives a scale; give --mm-per-px", code="no_scale")
        cols = {name: np.asarray(col, dtype=float) for name, col in self._cols.items()}
        per_frame_scale = np.where(iris_px > 0, iris_mm / np.where(iris_px > 0, iris_px, 1.0), math.nan)
        return TimeSeries(
            time_s=np.asarray(self._time, dtype=float),
            gap_reason=np.asarray(self._gap, dtype=np.int8),
            side={side: {name: cols[f"{name}_{side}"] * scale for name in SIDE_SIGNALS} for side in SIDES},
            midline={name: cols[name] * scale for name in MIDLINE_SIGNALS},
            pose={name: cols[name] for name in POSE_SIGNALS},
            frame_mm_per_px=per_frame_scale,
            mm_per_px=scale,
            scale_source=source,
            warnings=tuple(warnings),
            scale_relative_uncertainty=None if uncertainty is None else round(uncertainty, 4),
        )


@dataclass(frozen=True)
class TimeSeries:
    """Per-frame values: times (s), gaps, per-side and midline signals (mm), pose (deg) and scale."""

    time_s: np.ndarray
    gap_reason: np.ndarray
    side: dict[Side, dict[str, np.ndarray]]
    midline: dict[str, np.ndarray]
    pose: dict[str, np.ndarray]
    frame_mm_per_px: np.ndarray
    mm_per_px: float
    scale_source: str
    warnings: tuple[str, ...] = ()
    #: The scale's relative uncertainty (1 SD; None for a scale the user gave), as ``facenerve.photo/1``.
    scale_relative_uncertainty: float | None = None

    @property
    def face(self) -> np.ndarray:
        """True where the frame has a usable face."""
        return np.asarray(self.gap_reason == 0)

    def __len__(self) -> int:
        return int(self.time_s.size)


def measure_frame_px(anatomy: FaceAnatomy) -> dict[str, float]:
    """One frame's measures in face-frame px (engine definitions at 1 mm per px), pose and scale references:
    the irises' mean size when both eyes are open (``iris_px``), the open eye's when one is (``iris_one_px``),
    and the width between the outer eye corners corrected for the yaw (``biocular_px``)."""
    pose = head_pose(anatomy)
    frame = FaceFrame.from_pupils(anatomy.right.iris_center, anatomy.left.iris_center)
    open_diameters = [
        d for side in SIDES if (d := anatomy.side(side).iris_diameter_px) and eye_is_open(anatomy, frame, side)
    ]
    if abs(pose.yaw_deg) > YAW_WARN_DEG:
        frame = frame.corrected_for_yaw(pose.yaw_deg)  # as the photo engine does
    geometry = side_geometry(anatomy, frame, 1.0)
    row: dict[str, float] = {}
    for side in SIDES:
        g = geometry[side]
        half_x = paramedian_x(g)
        row[f"brow_height_{side}"] = brow_height(g)
        row[f"palpebral_fissure_height_{side}"] = palpebral_fissure_height(g)
        row[f"commissure_x_{side}"] = float(g.anatomy.commissure[0])
        row[f"commissure_y_{side}"] = float(g.anatomy.commissure[1])
        row[f"upper_lip_y_{side}"] = y_at(g.anatomy.upper_lip_outer, half_x)
        row[f"lower_lip_y_{side}"] = y_at(g.anatomy.lower_lip_outer, half_x)
    upper, lower = frame.to_frame(anatomy.upper_lip_inner_mid), frame.to_frame(anatomy.lower_lip_inner_mid)
    stomion = (upper + lower) / 2.0
    row["mouth_opening"] = float(lower[1] - upper[1])
    row["stomion_x"] = float(stomion[0])
    row["stomion_y"] = float(stomion[1])
    row["yaw_deg"], row["pitch_deg"], row["roll_deg"] = pose.yaw_deg, pose.pitch_deg, pose.roll_deg
    row["iris_px"] = float(np.mean(open_diameters)) if len(open_diameters) == 2 else math.nan
    row["iris_one_px"] = float(open_diameters[0]) if len(open_diameters) == 1 else math.nan
    row["biocular_px"] = biocular_width_px(anatomy, pose.yaw_deg)
    return row


@dataclass(frozen=True)
class UniformSeries:
    """The series resampled onto a uniform time grid (step ``dt_s``); NaN marks gaps."""

    time_s: np.ndarray
    dt_s: float
    valid: np.ndarray
    side: dict[Side, dict[str, np.ndarray]]
    midline: dict[str, np.ndarray]


#: A grid point between two frames further apart than this many grid steps is a gap (dropped frames).
MAX_INTERPOLATED_STEPS = 2.5


def resample_uniform(series: TimeSeries) -> UniformSeries:
    """Linear interpolation of every signal onto a grid at the median frame interval.

    Makes variable-frame-rate recordings analysable with fixed-step filters; with a constant frame
    rate the grid is the frames themselves.
    """
    t = series.time_s
    dt = float(np.median(np.diff(t))) if t.size > 1 else 1.0 / 30.0
    dt = dt if dt > 0 else 1.0 / 30.0
    grid = np.arange(t.size if t.size < 2 else math.floor(t[-1] / dt + 0.5) + 1) * dt
    right = np.clip(np.searchsorted(t, grid, side="left"), 0, t.size - 1)
    left = np.clip(right - 1, 0, t.size - 1)
    exact = np.isclose(t[right], grid, atol=dt * 1e-3)
    left = np.where(exact, right, left)
    span = t[right] - t[left]
    weight = np.where(span > 0, (grid - t[left]) / np.where(span > 0, span, 1.0), 0.0)
    face = series.face
    valid = face[left] & face[right] & (span <= MAX_INTERPOLATED_STEPS * dt)

    def resample(values: np.ndarray) -> np.ndarray:
        out = values[left] * (1.0 - weight) + values[right] * weight
        return np.where(valid, out, math.nan)

    return UniformSeries(
        time_s=grid,
        dt_s=dt,
        valid=valid,
        side={s: {n: resample(v) for n, v in sig.items()} for s, sig in series.side.items()},
        midline={n: resample(v) for n, v in series.midline.items()},
    )
