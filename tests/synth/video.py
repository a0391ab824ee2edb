"""Synthetic face videos with known one-sided movements, rendered from a real photo.

A symmetric composite of scikit-image's astronaut (tests/synth/faces.py) is moved frame by frame
by smooth displacement fields defined in face-frame millimetres (the photo engine's frame and
iris scale of the still image give the geometry):

* ``smile``: the oral commissure moves ``amount`` mm up and outward (45°);
* ``brow_raise``: the brow moves ``amount`` mm up;
* ``eye_closure``: the lids close by the fraction ``amount`` of the open aperture
  (1 = lids meet, 0.6 = the aperture shrinks to 40 %).

Each movement follows a raised-cosine pulse (rise, hold, fall), so the ground truth of every
frame is known. Videos are written with OpenCV's VideoWriter (``mp4v`` or ``MJPG``) or, for a
variable frame rate, with PyAV and explicit timestamps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from facenerve import PhotoAssessment, analyze_photo
from facenerve.engine.metrics import y_at
from tests.synth.faces import face_photo, mirror_composite

#: Frame side of the synthetic videos, px.
VIDEO_SIDE_PX = 480
KINDS = ("smile", "brow_raise", "eye_closure")


@dataclass(frozen=True)
class Pulse:
    """One movement: ``kind`` on the patient's ``side`` starting at ``start_s``.

    Rises over ``rise_s`` (raised cosine), holds for ``hold_s``, falls over ``fall_s``.
    ``amount`` is in mm (smile, brow_raise) or a fraction of the open aperture (eye_closure).
    """

    kind: str
    side: str
    start_s: float
    amount: float
    rise_s: float = 0.4
    hold_s: float = 0.6
    fall_s: float = 0.4

    @property
    def end_s(self) -> float:
        return self.start_s + self.rise_s + self.hold_s + self.fall_s

    def level(self, t_s: float) -> float:
        """0..1 activation at time ``t_s``."""
        t = t_s - self.start_s
        if t <= 0 or t >= self.rise_s + self.hold_s + self.fall_s:
            return 0.0
        if t < self.rise_s:
            return 0.5 - 0.5 * math.cos(math.pi * t / self.rise_s)
        if t <= self.rise_s + self.hold_s:
            return 1.0
        t -= self.rise_s + self.hold_s
        return 0.5 + 0.5 * math.cos(math.pi * t / self.fall_s)


def twitch(kind: str, side: str, start_s: float, amount: float, duration_s: float = 0.15) -> Pulse:
    """A brief involuntary contraction lasting ``duration_s`` at half its peak (full width at half maximum).

    Raised-cosine rise and fall of ``duration_s`` each, no hold: the pulse is above half its peak for
    exactly ``duration_s``, centred at ``start_s + duration_s``.
    """
    return Pulse(kind, side, start_s, amount, rise_s=duration_s, hold_s=0.0, fall_s=duration_s)


def smile(side: str, start_s: float, amount_mm: float, **timing: float) -> Pulse:
    return Pulse("smile", side, start_s, amount_mm, **timing)


def eye_closure(side: str, start_s: float, fraction: float, **timing: float) -> Pulse:
    return Pulse("eye_closure", side, start_s, fraction, **timing)


def brow_raise(side: str, start_s: float, amount_mm: float, **timing: float) -> Pulse:
    return Pulse("brow_raise", side, start_s, amount_mm, **timing)


def blink(side: str, start_s: float, fraction: float = 1.0, duration_s: float = 0.3) -> Pulse:
    """A blink: the lids close by ``fraction`` and reopen within ``duration_s``."""
    return Pulse(
        "eye_closure",
        side,
        start_s,
        fraction,
        rise_s=duration_s * 0.4,
        hold_s=duration_s * 0.1,
        fall_s=duration_s * 0.5,
    )


@dataclass(frozen=True)
class FaceModel:
    """The still face the videos are made of, with its geometry from the photo engine."""

    rgb: np.ndarray
    assessment: PhotoAssessment

    @property
    def mm_per_px(self) -> float:
        assert self.assessment.scale is not None
        return self.assessment.scale.mm_per_px


@cache
def face_model(side_px: int = VIDEO_SIDE_PX) -> FaceModel:
    """The symmetric astronaut composite at ``side_px`` (image-left half kept and mirrored)."""
    rgb = cv2.resize(face_photo("astronaut"), (side_px, side_px), interpolation=cv2.INTER_AREA)
    first = analyze_photo(rgb).raise_for_error()
    assert first.frame is not None
    symmetric = mirror_composite(rgb, float(first.frame.origin_px[0]), "image_left")
    return FaceModel(symmetric, analyze_photo(symmetric).raise_for_error())


class Renderer:
    """Renders frames of ``model`` for any combination of movement levels."""

    def __init__(self, model: FaceModel) -> None:
        a = model.assessment
        assert a.anatomy is not None and a.frame is not None
        self.model = model
        height, width = model.rgb.shape[:2]
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
        self._xs, self._ys = xs.astype(np.float32), ys.astype(np.float32)
        mm = model.mm_per_px
        coords = a.frame.to_frame(np.stack([xs, ys], axis=-1)) * mm
        self._fx, self._fy = coords[..., 0], coords[..., 1]
        self._unit: dict[tuple[str, str], np.ndarray] = {}
        self._eye: dict[str, tuple[float, float, float]] = {}
        for side in ("left", "right"):
            part = a.anatomy.side(side)  # type: ignore[arg-type]
            corner = a.frame.to_frame(part.commissure) * mm
            lateral = 1.0 if side == "left" else -1.0
            g = _gauss(self._fx - corner[0], self._fy - corner[1], 10.0, 10.0)
            direction = np.array([lateral, -1.0]) / math.sqrt(2.0)  # outward and up, frame mm
            self._unit[("smile", side)] = self._to_image_px(g[..., None] * direction)
            pupil = a.frame.to_frame(part.iris_center) * mm
            brow_y = float(np.min(a.frame.to_frame(part.brow_upper)[:, 1]) * mm)
            g = _gauss(self._fx - pupil[0], self._fy - (brow_y + 2.0), 14.0, 6.0)
            self._unit[("brow_raise", side)] = self._to_image_px(g[..., None] * np.array([0.0, -1.0]))
            upper = y_at(a.frame.to_frame(part.upper_lid) * mm, float(pupil[0]))
            lower = y_at(a.frame.to_frame(part.lower_lid) * mm, float(pupil[0]))
            self._eye[side] = (float(pupil[0]), upper, lower)

    def _to_image_px(self, field_mm: np.ndarray) -> np.ndarray:
        """A frame-mm displacement field → image px."""
        a = self.model.assessment
        assert a.frame is not None
        x_axis, y_axis = a.frame.x_axis, a.frame.y_axis
        out = (field_mm[..., :1] * x_axis + field_mm[..., 1:2] * y_axis) / self.model.mm_per_px
        return out.astype(np.float32)

    def open_aperture_mm(self, side: str) -> float:
        """The still face's lid aperture at the pupil, mm (engine landmarks)."""
        _, upper, lower = self._eye[side]
        return lower - upper

    def frame(self, levels: dict[tuple[str, str], float]) -> np.ndarray:
        """An RGB frame with each (kind, side) movement at its amount (mm or closure fraction)."""
        field = np.zeros((*self._xs.shape, 2), dtype=np.float32)
        for key, amount in levels.items():
            if key[0] != "eye_closure" and amount:
                field += self._unit[key] * float(amount)
        qx, qy = self._xs.copy(), self._ys.copy()
        if np.any(field):
            for _ in range(6):  # solve q + D(q) = p for the source point q of each output pixel p
                qx = self._xs - cv2.remap(field[..., 0], qx, qy, cv2.INTER_LINEAR)
                qy = self._ys - cv2.remap(field[..., 1], qx, qy, cv2.INTER_LINEAR)
        for side in ("left", "right"):
            closure = levels.get(("eye_closure", side), 0.0)
            if closure:
                map_x, map_y = self._eye_map(side, closure)
                qx, qy = (cv2.remap(m, qx, qy, cv2.INTER_LINEAR) for m in (map_x, map_y))
        return cv2.remap(self.model.rgb, qx, qy, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)

    def _eye_map(self, side: str, closure: float) -> tuple[np.ndarray, np.ndarray]:
        """Backward map that closes one eye's lids by ``closure`` (fraction of the aperture).

        Per column, the lid band [upper, lower] shrinks toward its middle by ``1 - closure`` and the
        skin up to ``reach`` mm beyond the lids stretches to fill in; a horizontal envelope centred on
        the pupil fades the effect toward the canthi. The map is monotone, so nothing folds.
        """
        a = self.model.assessment
        assert a.frame is not None
        pupil_x, upper, lower = self._eye[side]
        centre = (upper + lower) / 2.0
        half = (lower - upper) / 2.0
        reach = half + 6.0
        s = max(1.0 - closure, 0.03)
        rel = self._fy - centre
        mag = np.abs(rel)
        inner = mag <= half * s
        src = np.where(inner, mag / s, half + (mag - half * s) * (reach - half) / (reach - half * s))
        src = np.where(mag >= reach, mag, src)
        weight = _gauss(self._fx - pupil_x, np.zeros_like(self._fx), 9.0, 1.0)
        new_fy = centre + np.sign(rel) * (weight * src + (1.0 - weight) * mag)
        image = a.frame.to_image(np.stack([self._fx, new_fy], axis=-1) / self.model.mm_per_px)
        return image[..., 0].astype(np.float32), image[..., 1].astype(np.float32)


def _gauss(dx: np.ndarray, dy: np.ndarray, sx: float, sy: float) -> np.ndarray:
    return np.asarray(np.exp(-0.5 * ((dx / sx) ** 2 + (dy / sy) ** 2)))


@cache
def renderer(side_px: int = VIDEO_SIDE_PX) -> Renderer:
    return Renderer(face_model(side_px))


def levels_at(pulses: Sequence[Pulse], t_s: float) -> dict[tuple[str, str], float]:
    """Summed movement amounts at ``t_s`` per (kind, side)."""
    levels: dict[tuple[str, str], float] = {}
    for p in pulses:
        value = p.amount * p.level(t_s)
        if value:
            key = (p.kind, p.side)
            levels[key] = levels.get(key, 0.0) + value
    return levels


def frames(
    pulses: Sequence[Pulse],
    duration_s: float,
    fps: float,
    side_px: int = VIDEO_SIDE_PX,
    noise_sd: float = 0.0,
    shift_px: Callable[[float], tuple[float, float]] | None = None,
) -> Iterator[np.ndarray]:
    """RGB frames at ``fps`` for ``duration_s`` with ``pulses`` applied.

    ``noise_sd`` adds Gaussian sensor noise (grey levels, fixed seed); ``shift_px(t)`` moves the whole
    picture by (dx, dy) pixels at time ``t`` (to make the face leave the frame).
    """
    r = renderer(side_px)
    still = r.model.rgb
    rng = np.random.default_rng(0)
    for i in range(round(duration_s * fps)):
        t = i / fps
        levels = levels_at(pulses, t)
        rgb = r.frame(levels) if levels else still
        if shift_px is not None:
            dx, dy = shift_px(t)
            if dx or dy:
                matrix = np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]])
                rgb = cv2.warpAffine(rgb, matrix, (rgb.shape[1], rgb.shape[0]), borderValue=(128, 128, 128))
        if noise_sd:
            rgb = np.clip(rgb + rng.normal(0.0, noise_sd, rgb.shape), 0, 255).astype(np.uint8)
        yield rgb


def write_video(
    path: Path,
    pulses: Sequence[Pulse],
    duration_s: float,
    *,
    fps: float = 30.0,
    codec: str = "mp4v",
    side_px: int = VIDEO_SIDE_PX,
    noise_sd: float = 0.0,
    shift_px: Callable[[float], tuple[float, float]] | None = None,
) -> Path:
    """Write a synthetic video with OpenCV (``mp4v`` in .mp4/.mov, ``MJPG`` in .avi)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*codec), fps, (side_px, side_px))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {path} with {codec}")
    try:
        for rgb in frames(pulses, duration_s, fps, side_px, noise_sd, shift_px):
            writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    return path


def write_video_timestamps(
    path: Path,
    pulses: Sequence[Pulse],
    times_s: Sequence[float],
    *,
    codec: str = "libx264",
    side_px: int = VIDEO_SIDE_PX,
) -> Path:
    """Write frames at the given (irregular) times with PyAV: a variable-frame-rate video."""
    import fractions

    import av

    r = renderer(side_px)
    time_base = fractions.Fraction(1, 1000)
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=30)
        stream.width = stream.height = side_px
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = time_base
        for t in times_s:
            levels = levels_at(pulses, t)
            rgb = r.frame(levels) if levels else r.model.rgb
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            frame.pts = round(t * 1000)
            frame.time_base = time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


#: A phone held upright: portrait frames, px (width, height).
PORTRAIT_SIZE_PX = (368, 640)


def write_portrait_video(
    path: Path,
    pulses: Sequence[Pulse],
    duration_s: float,
    *,
    face_px: int = 200,
    fps: float = 30.0,
    size_px: tuple[int, int] = PORTRAIT_SIZE_PX,
) -> Path:
    """A portrait phone video (368 × 640 by default): each square frame shrunk to ``face_px`` and placed in the
    upper middle of a grey-blue frame, as a child's face sits in a phone video held at arm's length."""
    width, height = size_px
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {path}")
    x0, y0 = (width - face_px) // 2, height // 4
    try:
        for rgb in frames(pulses, duration_s, fps):
            canvas = np.full((height, width, 3), (110, 120, 135), np.uint8)
            canvas[y0 : y0 + face_px, x0 : x0 + face_px] = cv2.resize(
                rgb, (face_px, face_px), interpolation=cv2.INTER_AREA
            )
            writer.write(cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    return path
