"""Bad video input ends with one clear line (an exception with a stable code), never a hang or a crash."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facenerve.video import VideoError, analyze_video
from tests.synth.faces import face_photo
from tests.synth.video import smile, write_video, write_video_timestamps


def _one_line_error(path: Path, fragment: str) -> None:
    with pytest.raises(VideoError) as info:
        analyze_video(path)
    message = str(info.value)
    assert "\n" not in message and fragment in message and str(path) in message
    assert info.value.code == "bad_video"


def test_text_file_is_not_a_video(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 50)
    _one_line_error(path, "not a readable video")


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    _one_line_error(tmp_path / "empty.mp4", "empty file")
    _one_line_error(tmp_path / "missing.mp4", "no such file")


def test_truncated_file(palsy_video: Path, tmp_path: Path) -> None:
    data = palsy_video.read_bytes()
    path = tmp_path / "truncated.mp4"
    path.write_bytes(data[: len(data) // 3])
    _one_line_error(path, "corrupt, truncated or not a video")


def test_truncated_mjpeg_avi_keeps_the_readable_frames(twitch_video: Path, tmp_path: Path) -> None:
    data = twitch_video.read_bytes()
    path = tmp_path / "cut.avi"
    path.write_bytes(data[: len(data) // 2])
    result = analyze_video(path)
    # Half the file: about half the 21 s; whatever FFmpeg recovers is analysed, nothing more.
    assert 5.0 < result.series.time_s[-1] < 15.0
    assert result.series.face.all()
    assert any("may be truncated" in w for w in result.to_dict()["warnings"]), result.to_dict()["warnings"]


def test_still_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "face.png"
    Image.fromarray(face_photo("astronaut")).save(path)
    _one_line_error(path, "an image file")


def test_zero_frames(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "zero.avi"
    cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (64, 64)).release()
    assert path.stat().st_size > 0
    _one_line_error(path, "0 frames")


def test_variable_frame_rate_uses_each_frames_timestamp(tmp_path: Path) -> None:
    # Frames alternate 20 ms and 60 ms apart (mean 25 fps); a smile peaks between 1.2 and 1.8 s.
    times = np.cumsum([0.0] + [0.02 if i % 2 else 0.06 for i in range(99)])
    times = [round(float(t), 3) for t in times]
    path = write_video_timestamps(tmp_path / "vfr.mkv", [smile("left", 0.8, 6.0), smile("right", 0.8, 6.0)], times)
    result = analyze_video(path)
    assert result.series.time_s == pytest.approx(times, abs=2e-3)
    assert any("variable frame rate" in w for w in result.warnings)
    (segment,) = result.segments
    assert 1.0 < segment.peak_s < 2.0
    assert segment.sides["left"].excursion_mm == pytest.approx(6.0, abs=1.0)


def test_face_leaving_the_frame_is_marked_as_a_gap(tmp_path: Path) -> None:
    def shift(t: float) -> tuple[float, float]:
        return (420.0, 0.0) if 1.0 <= t < 2.0 else (0.0, 0.0)

    path = write_video(tmp_path / "leaves.mp4", [], 3.0, shift_px=shift)
    result = analyze_video(path)
    assert len(result.series) == 90  # every frame kept, gaps included
    gap = ~result.series.face
    assert 25 <= int(gap.sum()) <= 32
    assert gap[35:55].all() and not gap[:25].any() and not gap[-25:].any()
    (entry,) = result.gaps()
    assert entry["reason"] in ("no_face", "face_leaving_frame")
    assert entry["start_s"] == pytest.approx(1.0, abs=0.1)
    assert any("no usable face" in w for w in result.warnings)
    assert not result.events and not result.blinks


def test_bad_options(palsy_video: Path) -> None:
    with pytest.raises(VideoError, match="unknown expression 'wink'"):
        analyze_video(palsy_video, protocol="rest,wink")
    with pytest.raises(VideoError, match="rest is not an exercise"):
        analyze_video(palsy_video, exercise="rest")


def test_webm_vp8_is_read(tmp_path: Path) -> None:
    times = [i / 25 for i in range(50)]
    path = write_video_timestamps(
        tmp_path / "clip.webm", [smile("left", 0.4, 6.0), smile("right", 0.4, 6.0)], times, codec="libvpx"
    )
    result = analyze_video(path)
    assert result.info.codec == "vp8" and "webm" in result.info.container
    assert len(result.series) == 50 and result.series.face.all()
    assert len(result.segments) == 1


def test_huge_frames_are_refused(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "huge.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (8000, 4400))
    writer.write(np.full((4400, 8000, 3), 128, dtype=np.uint8))
    writer.release()
    _one_line_error(path, "too large")


def test_video_without_a_face(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "noise.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30, (320, 240))
    rng = np.random.default_rng(0)
    for _ in range(30):
        writer.write(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8))
    writer.release()
    with pytest.raises(VideoError, match="a usable face was found in only 0 of 30 frames") as info:
        analyze_video(path)
    assert info.value.code == "no_face"
