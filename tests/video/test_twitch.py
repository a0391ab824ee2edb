"""Twitch detection: injected 150 ms twitches found (≥ 90 %), few false events on a still face (≤ 1/min)."""

from __future__ import annotations

from pathlib import Path

import pytest

from facenerve.video import analyze_video
from tests.video.conftest import TWITCH_DURATION_S, TWITCH_TIMES_S, TWITCHES

MATCH_S = 0.1


def test_finds_injected_twitches_with_side_region_and_duration(twitch_video: Path) -> None:
    result = analyze_video(twitch_video)
    found = 0
    for t, (kind, side) in zip(TWITCH_TIMES_S, TWITCHES, strict=True):
        region = "eye" if kind == "eye_closure" else "mouth"
        hits = [e for e in result.events if abs(e.time_s - t) <= MATCH_S and e.side == side and e.region == region]
        if hits:
            found += 1
            # Duration at half amplitude: 150 ms, within one frame (33 ms) plus 20 ms.
            assert hits[0].duration_s == pytest.approx(TWITCH_DURATION_S, abs=0.055)
            assert hits[0].amplitude_mm > 1.3
    assert found / len(TWITCH_TIMES_S) >= 0.9
    false_events = len(result.events) - found
    assert false_events / result.face_minutes <= 1.0
    assert not result.segments and not result.blinks
    rate = result.to_dict()["twitches"]["per_min"]
    assert rate["right"] == pytest.approx(4 / result.face_minutes, rel=0.3)


def test_still_face_has_at_most_one_false_event_per_minute(still_video: Path) -> None:
    result = analyze_video(still_video)
    assert result.face_minutes == pytest.approx(0.5, abs=0.01)
    assert len(result.events) / result.face_minutes <= 1.0
    assert not result.segments and not result.blinks
