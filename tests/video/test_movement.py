"""Movement segments, blinks, synkinesis and repetitions against the synthetic videos' known values.

Tolerances are what the pipeline reads on these warps (Face Mesh in video mode couples the two
halves of the face a little and under-reads lid movement, slope about 0.6, as the photo engine does).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from facenerve.protocol import Expression
from facenerve.video import VideoAnalysis, analyze_video
from tests.synth.video import face_model
from tests.video.conftest import (
    CLOSURE_LEFT,
    CLOSURE_RIGHT,
    PALSY_DURATION_S,
    REP_LEFT_MM,
    REP_RIGHT_MM,
    REPS,
    SMILE_LEFT_MM,
    SMILE_RIGHT_DELAY_S,
    SMILE_RIGHT_MM,
)


def test_time_series_has_every_frame_and_a_stable_iris_scale(palsy: VideoAnalysis) -> None:
    s = palsy.series
    assert len(s) == round(PALSY_DURATION_S * 30)
    assert s.face.all()
    assert s.time_s[1] == pytest.approx(1 / 30, abs=1e-3)
    # One scale for the video, from the iris of open-eye frames: within 5 % of the still photo's.
    assert s.mm_per_px == pytest.approx(face_model().mm_per_px, rel=0.05)
    assert s.scale_source == "iris"


def test_protocol_labels_the_segments_in_order(palsy: VideoAnalysis) -> None:
    labels = [(s.expression, s.label_source) for s in palsy.segments]
    assert labels == [
        (Expression.SMILE_CLOSED, "protocol"),
        (Expression.GENTLE_EYE_CLOSURE, "protocol"),
        (Expression.BROW_RAISE, "protocol"),
    ]
    assert not palsy.warnings


def test_guessed_labels_without_a_protocol(palsy_guessed: VideoAnalysis) -> None:
    guessed = [s.expression for s in palsy_guessed.segments]
    assert len(guessed) == 3 and all(s.label_source == "guessed" for s in palsy_guessed.segments)
    assert guessed[0] in (Expression.SMILE_CLOSED, Expression.SMILE_OPEN)
    assert guessed[1] in (Expression.GENTLE_EYE_CLOSURE, Expression.TIGHT_EYE_CLOSURE)
    assert guessed[2] == Expression.BROW_RAISE


def test_weak_right_smile_excursion_ratio_and_onset_lag(palsy: VideoAnalysis) -> None:
    """Default whole-face tracking: the healthy side reads true; the mesh drags the weak side along."""
    assert palsy.affected.side == "right"
    assert palsy.to_dict()["tracking"] == "whole_face"
    smile = palsy.segments[0]
    assert smile.sides["left"].excursion_mm == pytest.approx(SMILE_LEFT_MM, abs=1.0)
    # The weak side reads high (3 mm induced reads about 4): the ratio of 0.5 reads about 0.67 here and
    # 0.75 in the exercise video (the strict xfail below pins it); it still reads clearly weak.
    assert SMILE_RIGHT_MM - 0.5 <= smile.sides["right"].excursion_mm <= SMILE_RIGHT_MM + 1.5
    assert SMILE_RIGHT_MM / SMILE_LEFT_MM <= smile.ratio < 0.7
    # Onset lag: the right side starts 150 ms later. The mesh drags the weak side along with the strong
    # one at first, so the lag reads short (measured 0.09–0.10 s): sign right, within 70 ms.
    assert smile.onset_lag_s == pytest.approx(SMILE_RIGHT_DELAY_S, abs=0.07)
    assert smile.sides["left"].peak_velocity_mm_s > smile.sides["right"].peak_velocity_mm_s > 0


def test_eye_closing_to_only_60_percent(palsy: VideoAnalysis) -> None:
    closure = palsy.segments[1]
    assert closure.channel == "eye"
    right, left = closure.sides["right"].excursion_mm, closure.sides["left"].excursion_mm
    # Lids close by 60 % vs 100 %: ratio 0.6; the tracker under-reads lid travel, within 0.15.
    assert closure.ratio == pytest.approx(CLOSURE_RIGHT / CLOSURE_LEFT, abs=0.15)
    assert right < left


def test_blinks_completeness_per_side_and_incomplete_flag(palsy: VideoAnalysis) -> None:
    assert len(palsy.blinks) == 1
    blink = palsy.blinks[0]
    assert blink.time_s == pytest.approx(7.3 + 0.3 * 0.45, abs=0.1)
    right, left = blink.sides["right"], blink.sides["left"]
    assert right.incomplete and not left.incomplete
    # Induced completeness 0.6 vs 1.0; the tracker reads lid travel at about 0.55–0.8 of the truth.
    assert 0.25 <= right.completeness <= 0.6
    assert 0.6 <= left.completeness <= 1.0
    assert right.completeness / left.completeness == pytest.approx(CLOSURE_RIGHT / CLOSURE_LEFT, abs=0.2)
    assert palsy.blink_summary.incomplete == {"right": 1, "left": 0}
    minutes = palsy.face_minutes
    assert palsy.blink_summary.rate_per_min["left"] == pytest.approx(1 / minutes)


def test_ocular_oral_synkinesis_eye_narrows_during_smile(palsy: VideoAnalysis) -> None:
    measures = [m for m in palsy.synkinesis if m.kind == "ocular_oral"]
    assert len(measures) == 1
    m = measures[0]
    assert m.provisional and "[S85]" in m.derivation
    # Induced narrowing 30 % on the right, none on the left; read with the lid under-read (≥ 0.5 slope).
    assert 15.0 <= m.per_side["right"] <= 35.0
    assert abs(m.per_side["left"]) < 5.0
    assert m.index is not None and m.index > 12.0
    oral = [m for m in palsy.synkinesis if m.kind == "oral_ocular"]
    assert len(oral) == 1 and oral[0].index is not None and abs(oral[0].index) < 1.3


def test_given_affected_side_and_mirrored_video_flip_sides(palsy_video: Path) -> None:
    mirrored = analyze_video(palsy_video, mirrored=True, protocol="smile_closed,gentle_eye_closure,brow_raise")
    assert mirrored.affected.side == "left"
    assert mirrored.segments[0].ratio == pytest.approx(SMILE_RIGHT_MM / SMILE_LEFT_MM, abs=0.15)
    assert mirrored.blinks[0].sides["left"].incomplete


def test_exercise_repetitions_range_and_symmetry(exercise_video: Path) -> None:
    result = analyze_video(exercise_video, exercise="smile_closed")
    assert len(result.repetitions) == REPS
    assert result.affected.side == "right"
    for rep in result.repetitions:
        assert rep.range_mm["left"] == pytest.approx(REP_LEFT_MM, abs=1.0)
        # Whole-face tracking drags the weak side along (3 mm reads 4.3–4.4): weaker, but not true;
        # test_hemiface_exercise_symmetry holds --hemiface to the truth.
        assert REP_RIGHT_MM - 0.5 <= rep.range_mm["right"] < rep.range_mm["left"] - 1.0
        assert REP_RIGHT_MM / REP_LEFT_MM <= rep.symmetry < 0.8
    doc = result.to_dict()["exercise"]
    assert doc["expression"] == "smile_closed" and doc["repetitions"] == REPS


def test_hemiface_tracking_measures_the_weak_side_truly(palsy_hemiface: VideoAnalysis) -> None:
    """Measuring each half on its own mirror composite removes the coupling between the sides."""
    smile = palsy_hemiface.segments[0]
    assert palsy_hemiface.to_dict()["tracking"] == "hemiface"
    assert smile.sides["left"].excursion_mm == pytest.approx(SMILE_LEFT_MM, abs=0.6)
    assert smile.sides["right"].excursion_mm == pytest.approx(SMILE_RIGHT_MM, abs=0.6)
    assert smile.ratio == pytest.approx(SMILE_RIGHT_MM / SMILE_LEFT_MM, abs=0.08)
    assert smile.onset_lag_s == pytest.approx(SMILE_RIGHT_DELAY_S, abs=0.04)
    assert palsy_hemiface.blinks[0].sides["right"].incomplete


def test_hemiface_exercise_symmetry(exercise_video: Path) -> None:
    reps = analyze_video(exercise_video, exercise="smile_closed", hemiface=True).repetitions
    assert len(reps) == REPS
    for rep in reps:
        assert rep.range_mm["left"] == pytest.approx(REP_LEFT_MM, abs=1.0)
        assert rep.range_mm["right"] == pytest.approx(REP_RIGHT_MM, abs=0.6)
        assert rep.symmetry == pytest.approx(REP_RIGHT_MM / REP_LEFT_MM, abs=0.15)


@pytest.mark.xfail(strict=True, reason="whole-face Face Mesh couples the sides: symmetry 0.5 reads 0.66–0.77")
def test_whole_face_symmetry_within_a_tenth(palsy: VideoAnalysis, exercise_video: Path) -> None:
    assert palsy.segments[0].ratio == pytest.approx(SMILE_RIGHT_MM / SMILE_LEFT_MM, abs=0.1)
    reps = analyze_video(exercise_video, exercise="smile_closed").repetitions
    assert all(r.symmetry == pytest.approx(REP_RIGHT_MM / REP_LEFT_MM, abs=0.1) for r in reps)
