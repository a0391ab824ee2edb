"""Streaming video decoding with PyAV: one frame at a time, per-frame timestamps, guarded.

Frames are never collected: :meth:`VideoSource.frames` yields them as they are decoded. Times come
from each frame's presentation timestamp, so variable-frame-rate recordings keep their true timing.
The limits below are engineering limits of the software, not clinical values.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from facenerve.errors import FaceNerveError

#: Frames larger than 8K UHD (7680 × 4320 px) are refused: decoding them costs too much memory.
MAX_FRAME_PIXELS = 7680 * 4320
#: Frames are downscaled for tracking so that their longer side is at most this (px); the face mesh
#: works on a 192-px crop of the face, so more pixels add cost, not precision.
TRACK_MAX_SIDE_PX = 1280
#: Longer videos are refused (declared length) or cut (decoded length), seconds.
MAX_DURATION_S = 4 * 3600.0
#: Fewer frames than this share of the container's declared count are reported as a possibly truncated file
#: (an engineering choice: declared counts are approximate in some containers).
SHORT_FILE_FRACTION = 0.9
#: Container formats that hold still images rather than video.
_IMAGE_FORMATS = ("image2", "_pipe", "gif", "apng", "webp")


class VideoError(FaceNerveError):
    """The input could not be read as a usable video."""

    code = "bad_video"


@dataclass(frozen=True)
class VideoInfo:
    """What the container declares: size (px), nominal frame rate (1/s), codec, declared length (s)."""

    path: str
    width_px: int
    height_px: int
    nominal_fps: float | None
    codec: str
    container: str
    declared_duration_s: float | None
    declared_frames: int | None


@dataclass(frozen=True)
class DecodedFrame:
    """One decoded frame: its index in decoding order, its time (s from the first frame) and RGB pixels."""

    index: int
    time_s: float
    rgb: np.ndarray


@dataclass
class DecodeReport:
    """What happened while decoding: frames read, frames skipped, and warnings (one line each)."""

    frames_read: int = 0
    duplicate_timestamps: int = 0
    warnings: list[str] = field(default_factory=list)


class VideoSource:
    """An opened video file. Use as a context manager; iterate :meth:`frames` once."""

    def __init__(self, path: str | Path, *, mirrored: bool = False, max_side_px: int = TRACK_MAX_SIDE_PX) -> None:
        import av

        self.path = str(path)
        self.mirrored = mirrored
        self.report = DecodeReport()
        source = Path(path)
        if not source.exists():
            raise VideoError(f"{self.path}: no such file")
        if source.is_dir():
            raise VideoError(f"{self.path}: is a folder, not a video file")
        if source.stat().st_size == 0:
            raise VideoError(f"{self.path}: empty file (0 bytes)")
        try:
            self._container = av.open(self.path, mode="r")
        except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
            raise VideoError(
                f"{self.path}: not a readable video (corrupt, truncated or not a video: {_short(exc)})"
            ) from None
        try:
            self.info = self._probe()
        except VideoError:
            self._container.close()
            raise
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        longest = max(self.info.width_px, self.info.height_px)
        factor = min(1.0, max_side_px / longest)
        self.frame_size_px = (
            max(2, round(self.info.width_px * factor)),
            max(2, round(self.info.height_px * factor)),
        )

    def _probe(self) -> VideoInfo:
        container = self._container
        name = str(container.format.name or "")
        if any(tag in name for tag in _IMAGE_FORMATS):
            raise VideoError(f"{self.path}: an image file ({name}), not a video; use `facenerve analyze` for photos")
        if not container.streams.video:
            raise VideoError(f"{self.path}: no video stream (audio only or not a video)")
        stream = container.streams.video[0]
        width, height = int(stream.codec_context.width or 0), int(stream.codec_context.height or 0)
        if width <= 0 or height <= 0:
            raise VideoError(f"{self.path}: the video stream has no frame size (corrupt header)")
        if width * height > MAX_FRAME_PIXELS:
            raise VideoError(f"{self.path}: frames of {width}×{height} px are too large (at most 8K UHD, 7680×4320)")
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else None
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1e6
        if duration is not None and (not math.isfinite(duration) or duration < 0):
            duration = None
        if duration is not None and duration > MAX_DURATION_S:
            raise VideoError(
                f"{self.path}: declared length {duration / 3600:.1f} h is too long "
                f"(at most {MAX_DURATION_S / 3600:.0f} h)"
            )
        return VideoInfo(
            path=self.path,
            width_px=width,
            height_px=height,
            nominal_fps=fps if fps and math.isfinite(fps) and fps > 0 else None,
            codec=str(stream.codec_context.name),
            container=name,
            declared_duration_s=duration,
            declared_frames=int(stream.frames) if stream.frames else None,
        )

    def frames(self) -> Iterator[DecodedFrame]:
        """Decoded frames in order, RGB, downscaled to ``frame_size_px``, mirrored if declared.

        Frames whose timestamp does not advance are skipped (counted in the report). Decoding stops
        with a warning at corrupt data after at least one frame; with none it raises ``VideoError``.
        """
        import av

        width, height = self.frame_size_px
        fps = self.info.nominal_fps or 30.0
        first: float | None = None
        last = -math.inf
        index = 0
        decoder = self._container.decode(self._stream)
        while True:
            try:
                frame = next(decoder)
            except StopIteration:
                break
            except (av.FFmpegError, ValueError, RuntimeError) as exc:
                self._stopped(f"corrupt or truncated data ({_short(exc)})")
                break
            seconds = frame.time if frame.pts is not None else None
            if seconds is None or not math.isfinite(seconds):
                seconds = index / fps
            if first is None:
                first = seconds
            t = seconds - first
            if t <= last:
                self.report.duplicate_timestamps += 1
                continue
            if t > MAX_DURATION_S:
                self.report.warnings.append(f"stopped after {MAX_DURATION_S / 3600:.0f} h (the longest video analysed)")
                break
            last = t
            try:
                rgb = frame.to_ndarray(width=width, height=height, format="rgb24")
            except (av.FFmpegError, ValueError) as exc:
                self._stopped(f"a frame could not be converted ({_short(exc)})")
                break
            if self.mirrored:
                rgb = np.ascontiguousarray(rgb[:, ::-1])
            self.report.frames_read += 1
            yield DecodedFrame(index=index, time_s=t, rgb=rgb)
            index += 1
        if self.report.frames_read == 0:
            raise VideoError(f"{self.path}: the video has no decodable frames (0 frames, corrupt or truncated)")
        declared = self.info.declared_frames
        seen = self.report.frames_read + self.report.duplicate_timestamps
        if declared and seen < SHORT_FILE_FRACTION * declared and not self.report.warnings:
            self.report.warnings.append(
                f"the file declares {declared} frames but only {seen} could be read: it may be truncated"
            )
        if self.report.duplicate_timestamps:
            self.report.warnings.append(
                f"{self.report.duplicate_timestamps} frames with repeated timestamps were skipped"
            )

    def _stopped(self, reason: str) -> None:
        if self.report.frames_read == 0:
            raise VideoError(f"{self.path}: {reason}; no frame could be decoded")
        self.report.warnings.append(f"decoding stopped after {self.report.frames_read} frames: {reason}")

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> VideoSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _short(exc: BaseException) -> str:
    text = str(exc).replace("\n", " ").strip() or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "..."
