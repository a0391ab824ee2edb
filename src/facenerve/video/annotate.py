"""An annotated MP4: each frame with the tracked brow, lid and lip contours, written as it streams by."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from facenerve.engine.draw import SIDE_COLOURS
from facenerve.engine.landmarks.base import SIDES
from facenerve.errors import FaceNerveError

#: Colours (BGR) of the patient's right and left side: the photo drawings' (right blue, left orange).
_COLOURS = {side: rgb[::-1] for side, rgb in SIDE_COLOURS.items()}
_CONTOURS = ("brow_upper", "upper_lid", "lower_lid", "upper_lip_outer", "lower_lip_outer")


#: Frame rate of the annotated video when the source's cannot be told (one frame only), 1/s.
DEFAULT_FPS = 30.0


class Annotator:
    """Writes annotated frames to ``target`` (MPEG-4 part 2 in MP4); pass :meth:`add` as ``frame_hook``.

    The output's frame rate is taken from the first two frames' timestamps.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self._writer: Any = None
        self._first: tuple[float, np.ndarray] | None = None

    def _open(self, size: tuple[int, int], fps: float) -> Any:
        writer = cv2.VideoWriter(str(self.target), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
        if not writer.isOpened():
            raise FaceNerveError(f"could not write {self.target}", code="write_failed")
        self._writer = writer
        return writer

    def add(self, index: int, time_s: float, rgb: np.ndarray, tracked: Any) -> None:
        """Draw one frame (``tracked`` is a :class:`facenerve.video.track.Tracked`) and append it."""
        bgr = self._draw(time_s, rgb, tracked)
        writer = self._writer
        if writer is None:
            if self._first is None:
                self._first = (time_s, bgr)
                return
            step = time_s - self._first[0]
            fps = float(np.clip(1.0 / step, 1.0, 240.0)) if step > 0 else DEFAULT_FPS
            writer = self._open((bgr.shape[1], bgr.shape[0]), fps)
            writer.write(self._first[1])
            self._first = None
        writer.write(bgr)

    def _draw(self, time_s: float, rgb: np.ndarray, tracked: Any) -> np.ndarray:
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        anatomy = tracked.anatomy
        if anatomy is None:
            cv2.putText(bgr, f"no face ({tracked.gap_reason})", (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 255), 2)
        else:
            for side in SIDES:
                part = anatomy.side(side)
                colour = _COLOURS[side]
                for name in _CONTOURS:
                    pts = np.round(getattr(part, name)).astype(np.int32).reshape(-1, 1, 2)
                    cv2.polylines(bgr, [pts], False, colour, 1, cv2.LINE_AA)
                cx, cy = (round(v) for v in part.commissure)
                cv2.circle(bgr, (cx, cy), 3, colour, -1, cv2.LINE_AA)
                ix, iy = (round(v) for v in part.iris_center)
                cv2.circle(bgr, (ix, iy), 2, colour, -1, cv2.LINE_AA)
        cv2.putText(bgr, f"{time_s:6.2f} s", (10, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1)
        return bgr

    def close(self) -> None:
        if self._writer is None and self._first is not None:
            frame = self._first[1]
            self._open((frame.shape[1], frame.shape[0]), DEFAULT_FPS).write(frame)
        self._first = None
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.release()
