"""Synthetic videos with known movements (tests/synth/video.py), rendered once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from facenerve.video import VideoAnalysis, analyze_video
from tests.synth.video import Pulse, blink, brow_raise, eye_closure, smile, twitch, write_video

#: The palsy video: the patient's right is weak. Known values used by the tests.
SMILE_LEFT_MM, SMILE_RIGHT_MM = 6.0, 3.0
SMILE_RIGHT_DELAY_S = 0.15
SYNKINETIC_NARROWING = 0.3  # the right eye narrows by 30 % of its aperture during the smile
CLOSURE_RIGHT, CLOSURE_LEFT = 0.6, 1.0
PALSY_PROTOCOL = "rest,smile_closed,gentle_eye_closure,brow_raise"
PALSY_PULSES: list[Pulse] = [
    smile("left", 0.5, SMILE_LEFT_MM),
    smile("right", 0.5 + SMILE_RIGHT_DELAY_S, SMILE_RIGHT_MM),
    eye_closure("right", 0.5 + SMILE_RIGHT_DELAY_S, SYNKINETIC_NARROWING),
    eye_closure("left", 2.8, CLOSURE_LEFT, hold_s=0.8),
    eye_closure("right", 2.8, CLOSURE_RIGHT, hold_s=0.8),
    brow_raise("left", 5.0, 5.0),
    brow_raise("right", 5.0, 2.5),
    blink("left", 7.3, CLOSURE_LEFT),
    blink("right", 7.3, CLOSURE_RIGHT),
]
PALSY_DURATION_S = 8.2

#: The twitch video: a still face with sensor noise and 150 ms twitches at known times.
TWITCH_TIMES_S = (1.5, 4.0, 6.5, 9.0, 11.5, 14.0, 16.5, 19.0)
TWITCH_DURATION_S = 0.15
TWITCH_DURATION_TOTAL_S = 21.0
TWITCHES: list[tuple[str, str]] = [
    ("eye_closure", "right"),
    ("smile", "right"),
    ("eye_closure", "left"),
    ("smile", "left"),
] * 2
TWITCH_AMOUNT = {"eye_closure": 0.5, "smile": 3.0}
NOISE_SD = 3.0

#: The exercise video: four smiles, the right side reaching half the left's excursion.
REPS = 4
REP_LEFT_MM, REP_RIGHT_MM = 6.0, 3.0


def twitch_pulses() -> list[Pulse]:
    """Twitches centred at ``TWITCH_TIMES_S`` (a pulse of FWHM d starting at s peaks at s + d)."""
    return [
        twitch(kind, side, t - TWITCH_DURATION_S, TWITCH_AMOUNT[kind], TWITCH_DURATION_S)
        for t, (kind, side) in zip(TWITCH_TIMES_S, TWITCHES, strict=True)
    ]


@pytest.fixture(scope="session")
def video_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("videos")


@pytest.fixture(scope="session")
def palsy_video(video_dir: Path) -> Path:
    return write_video(video_dir / "palsy.mp4", PALSY_PULSES, PALSY_DURATION_S)


@pytest.fixture(scope="session")
def palsy(palsy_video: Path) -> VideoAnalysis:
    return analyze_video(palsy_video, protocol=PALSY_PROTOCOL)


@pytest.fixture(scope="session")
def palsy_hemiface(palsy_video: Path) -> VideoAnalysis:
    return analyze_video(palsy_video, protocol=PALSY_PROTOCOL, hemiface=True)


@pytest.fixture(scope="session")
def palsy_guessed(palsy_video: Path) -> VideoAnalysis:
    return analyze_video(palsy_video)


@pytest.fixture(scope="session")
def twitch_video(video_dir: Path) -> Path:
    return write_video(
        video_dir / "twitch.avi", twitch_pulses(), TWITCH_DURATION_TOTAL_S, codec="MJPG", noise_sd=NOISE_SD
    )


@pytest.fixture(scope="session")
def still_video(video_dir: Path) -> Path:
    return write_video(video_dir / "still.mp4", [], 30.0, noise_sd=NOISE_SD)


@pytest.fixture(scope="session")
def exercise_video(video_dir: Path) -> Path:
    pulses = []
    for k in range(REPS):
        start = 0.4 + 1.8 * k
        pulses += [smile("left", start, REP_LEFT_MM), smile("right", start, REP_RIGHT_MM)]
    return write_video(video_dir / "exercise.mov", pulses, 0.4 + 1.8 * REPS + 0.3)
