"""Accuracy on synthetic palsy faces (issue #2): MAE ≤ 0.5 mm, slope 0.9–1.1, right side for ≥ 2 mm."""

from __future__ import annotations

import pytest

from tests.synth.accuracy import Case, Repeatability, repeatability, run_cases, summary, symmetric_bases


@pytest.fixture(scope="module")
def bases() -> dict:
    return symmetric_bases()


@pytest.fixture(scope="module")
def commissure_cases(bases: dict) -> list[Case]:
    return run_cases(bases, ("commissure_drop_mm",))


def test_commissure_drop_is_recovered(commissure_cases: list[Case]) -> None:
    stats = summary(commissure_cases)["commissure_height"]
    assert stats["mae_mm"] <= 0.5, stats
    assert 0.9 <= stats["slope"] <= 1.1, stats


def _side_errors(cases: list[Case]) -> tuple[list[Case], list[Case]]:
    """Issue 19's acceptance: the side right for changes of 4 mm or more, never the wrong side above 0.5.

    (Issue 2 asked for the side from 2 mm; at rest 2 mm lies within normal asymmetry: commissure tilt 0.2 ± 1.4°
    in 1,282 volunteers [S92], lay observers notice only beyond 3 mm [S93]. The photo now says "none" there.)
    """
    missed = [c for c in cases if abs(c.induced_mm) >= 4.0 and c.affected_side != c.side]
    wrong = [c for c in cases if c.affected_side not in ("none", c.side) and c.confidence > 0.5]
    return missed, wrong


def test_commissure_drop_names_the_affected_side(commissure_cases: list[Case]) -> None:
    missed, wrong = _side_errors(commissure_cases)
    assert not missed and not wrong, (missed, wrong)


@pytest.fixture(scope="module")
def brow_cases(bases: dict) -> list[Case]:
    return run_cases(bases, ("brow_drop_mm",))


@pytest.fixture(scope="module")
def fissure_cases(bases: dict) -> list[Case]:
    return run_cases(bases, ("fissure_change_mm",))


def test_fissure_change_is_recovered(fissure_cases: list[Case]) -> None:
    stats = summary(fissure_cases)["palpebral_fissure_height"]
    assert stats["mae_mm"] <= 0.5, stats
    assert 0.9 <= stats["slope"] <= 1.1, stats


def test_brow_drop_is_recovered_within_half_a_millimetre(brow_cases: list[Case]) -> None:
    stats = summary(brow_cases)["brow_height"]
    assert stats["mae_mm"] <= 0.5, stats


def test_brow_drop_slope_is_within_ten_percent(brow_cases: list[Case]) -> None:
    stats = summary(brow_cases)["brow_height"]
    assert 0.9 <= stats["slope"] <= 1.1, stats


def test_brow_drop_names_the_affected_side(brow_cases: list[Case]) -> None:
    missed, wrong = _side_errors(brow_cases)
    assert brow_cases and not missed and not wrong, (missed, wrong)


def test_an_isolated_fissure_difference_at_rest_gives_low_confidence(fissure_cases: list[Case]) -> None:
    """Issue 19 decides the widened-fissure question: at rest a fissure difference alone cannot say which eye is
    abnormal (wide when flaccid, narrow when synkinetic [S4, S12]), so it says "asymmetric" with a low confidence
    in either side (measured: at most 0.70, from the other regions' small readings); the eye-closure photos of a
    session decide (tests/session)."""
    assert all(c.confidence <= 0.75 for c in fissure_cases if c.affected_side != "none"), fissure_cases
    assert all(c.affected_side != "none" for c in fissure_cases if abs(c.induced_mm) >= 3.0), fissure_cases


def test_symmetric_composites_report_no_side_or_low_index(bases: dict) -> None:
    from facenerve import analyze_photo

    for name, rgb in bases.items():
        result = analyze_photo(rgb).raise_for_error()
        assert result.asymmetry is not None
        assert result.asymmetry.affected_side == "none" or result.asymmetry.index < 1.0, (name, result.asymmetry)


@pytest.fixture(scope="module")
def steadiness() -> Repeatability:
    return repeatability()


def test_iris_scale_moves_less_than_four_percent_under_roll_rescale_and_jpeg(steadiness: Repeatability) -> None:
    """Measured 2.6% at most (Grace Hopper at half size, an iris of 15 px)."""
    assert steadiness.scale_change < 0.04, steadiness


def test_with_the_scale_held_commissure_and_eye_metrics_stay_within_their_measured_bounds(
    steadiness: Repeatability,
) -> None:
    """Landmarks alone: commissure height measured 0.34 mm, commissure excursion 0.47 mm (1.12 mm before the
    stomion took the lips' mirror line), fissure and MRD 0.41–0.65 mm (regression guard)."""
    held = steadiness.scale_held_mm
    assert held["commissure_height"] <= 0.5, held
    assert held["commissure_excursion"] <= 0.6, held
    assert max(held[m] for m in ("palpebral_fissure_height", "mrd1", "mrd2")) <= 0.8, held


@pytest.mark.xfail(
    strict=True,
    reason="issue #2's 0.3 mm is not met: the iris scale moves up to 2.6% (about 1.7 mm on a 65 mm commissure "
    "height), the brow (Grace Hopper's glasses rim) moves about 2 mm, and commissure excursion about 0.7 mm",
)
def test_every_metric_repeats_within_0_3_mm(steadiness: Repeatability) -> None:
    assert max(steadiness.iris_scale_mm.values()) <= 0.3, steadiness


@pytest.fixture(scope="module")
def steadiness_three_passes() -> Repeatability:
    return repeatability(landmark_passes=3)


def test_three_landmark_passes_make_the_measurements_steadier(
    steadiness: Repeatability, steadiness_three_passes: Repeatability
) -> None:
    """Averaging three landmark passes: the mean change under roll, rescale and JPEG falls by a third or more
    (measured: about half), and the iris scale moves less."""
    one, three = steadiness, steadiness_three_passes
    assert three.mean_change_mm < 0.67 * one.mean_change_mm, (one, three)
    assert three.scale_change < one.scale_change, (one, three)


def test_three_landmark_passes_keep_the_synthetic_palsy_accuracy(bases: dict) -> None:
    """The averaged passes still recover an induced commissure drop (MAE ≤ 0.5 mm, slope 0.9–1.1)."""
    stats = summary(run_cases(bases, ("commissure_drop_mm",), landmark_passes=3))["commissure_height"]
    assert stats["mae_mm"] <= 0.5 and 0.9 <= stats["slope"] <= 1.1, stats
