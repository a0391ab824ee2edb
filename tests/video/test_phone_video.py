"""Issue 19: a phone video in portrait with a small, narrow-eyed face gives a result.

The video is generated (tests/synth/video.py): 368 × 640 px, the face shrunk to 170 px (about 30 px between the
pupils), both eyes narrowed to 5 % of their aperture throughout (as in a broad smile), and a one-sided smile.
Before issue 19 it gave "no frame shows an open eye with its iris".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from facenerve.engine.calibrate import POPULATION_RELATIVE_UNCERTAINTY
from facenerve.video import VideoAnalysis, analyze_video
from tests.synth.video import VIDEO_SIDE_PX, eye_closure, face_model, smile, write_portrait_video

FACE_PX = 170
NARROWED = 0.95
DURATION_S = 3.0


@pytest.fixture(scope="module")
def phone_video(video_dir: Path) -> Path:
    held = {"rise_s": 0.01, "hold_s": DURATION_S + 1.0, "fall_s": 0.01}
    pulses = [
        eye_closure("left", -0.1, NARROWED, **held),
        eye_closure("right", -0.1, NARROWED, **held),
        smile("left", 0.8, 6.0),
        smile("right", 0.8, 3.0),
    ]
    return write_portrait_video(video_dir / "phone_portrait.mp4", pulses, DURATION_S, face_px=FACE_PX)


@pytest.fixture(scope="module")
def phone(phone_video: Path) -> VideoAnalysis:
    return analyze_video(phone_video)


def test_portrait_phone_video_with_narrowed_eyes_gives_a_result(phone: VideoAnalysis) -> None:
    assert phone.info.width_px == 368 and phone.info.height_px == 640
    assert phone.series.face.mean() >= 0.95  # small face: measured, not a gap
    doc = phone.to_dict()
    assert doc["scale"]["source"] == "population"
    assert doc["scale"]["relative_uncertainty"] == pytest.approx(POPULATION_RELATIVE_UNCERTAINTY)
    assert any("outer eye corners" in w for w in phone.warnings)


def test_the_fallback_scale_is_within_its_stated_uncertainty(phone: VideoAnalysis) -> None:
    truth = face_model().mm_per_px * VIDEO_SIDE_PX / FACE_PX  # the still face's iris scale, shrunk
    rel = phone.series.scale_relative_uncertainty
    assert rel is not None
    assert phone.series.mm_per_px == pytest.approx(truth, rel=2 * rel)
